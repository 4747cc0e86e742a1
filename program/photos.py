"""Speaker photos: checked, resized and re-encoded on upload, stored through STORAGES["default"].

An upload is never stored as it came. Pillow reads it, refusing anything but a JPEG, PNG or
WebP image whose content matches its name, a file over 5 MB, and, from its header before any
pixel is decoded, a picture more than four times as long one way as the other or with more
pixels than can be decoded within a few tens of megabytes (``MAX_FULL_PIXELS``; an ordinary
JPEG is decoded at a reduced scale, so only Pillow's guard against decompression bombs,
``Image.MAX_IMAGE_PIXELS``, bounds it). The pixels, turned upright by their EXIF orientation
and converted to sRGB through their colour profile, are written anew as JPEG files at a few
widths: nothing else of the upload survives (no EXIF, GPS position, XMP, comment or colour
profile). Names are generated from a random token, never taken from the upload, so they
cannot leave the folder or replace another speaker's photo, and a new photo has new URLs
that browsers and proxies may cache for good. Every upload path (the admin's speaker form,
and any other) goes through ``prepare_photo``.
"""

import io
import re
import secrets
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
# Widths of the stored sizes, in pixels (never larger than the upload): 160 fills a 4rem
# list photo on a 2x screen, 640 a 10rem speaker page photo on a 3x screen.
PHOTO_WIDTHS = (160, 320, 640)
FOLDER = "speakers"
JPEG_QUALITY = 85
# Pillow format -> what we call it, and the file name extensions that announce it.
FORMATS = {"JPEG": "a JPEG image", "PNG": "a PNG image", "WEBP": "a WebP image"}
EXTENSIONS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
ACCEPTED = "a JPEG, PNG or WebP image"
# The longest side may be this many times the shortest: a speaker photo, not a banner, and
# it bounds the largest size kept to 640 x 2,560 (JPEG cannot exceed 65,500 either way).
MAX_ASPECT = 4
# Pixels of a picture decoded at full size (PNG, WebP, and a JPEG stored in several scans,
# progressive or not, whose decoder keeps every coefficient of the whole picture until the
# last scan): four times the largest width kept, each way. A 2,560 x 2,560 RGBA PNG
# is 25 MiB decoded; Pillow's own limit (89 million) let a 3 KB WebP take 1.7 GB.
FULL_SIDE = 4 * PHOTO_WIDTHS[-1]
MAX_FULL_PIXELS = FULL_SIDE * FULL_SIDE
# Every stored name: set_photo writes nothing else, and only these are ever served.
STORED_NAME = re.compile(rf"{FOLDER}/[0-9a-f]{{32}}-[0-9]{{1,4}}\.jpg")


@dataclass(frozen=True)
class PreparedPhoto:
    """An upload that passed every check, as JPEG files: ``renditions`` is (width, bytes)."""

    width: int  # of the largest rendition
    height: int
    renditions: tuple


def rendition_widths(largest_width):
    """The widths stored for a photo whose largest size is ``largest_width`` pixels wide."""
    return [width for width in PHOTO_WIDTHS if width < largest_width] + [largest_width]


def rendition_height(width, largest_width, largest_height):
    """The height of the ``width`` size: the largest size's proportions, rounded."""
    return max(1, round(largest_height * width / largest_width))


def rendition_name(largest_name, width):
    """'speakers/<token>-160.jpg' beside 'speakers/<token>-640.jpg'."""
    return f"{largest_name.rsplit('-', 1)[0]}-{width}.jpg"


def prepare_photo(upload):
    """Check an uploaded file and make its sizes; raises ValidationError saying why not.

    ``upload`` is a Django File (an admin upload, or ``File(open(path, "rb"))``). Nothing is
    written anywhere.
    """
    name = upload.name or ""
    # Browsers send bare names and Django keeps only the last part of a path, but other
    # callers may pass anything: a name with a folder in it is refused, never followed.
    if PurePath(name).name != name or "\\" in name or name in ("", ".", ".."):
        raise ValidationError(
            "“%(name)s” is not a plain file name: it holds a folder or “..”.",
            code="path",
            params={"name": name},
        )
    claimed = EXTENSIONS.get(PurePath(name).suffix.casefold())
    if claimed is None:
        raise ValidationError(
            "“%(name)s” is not %(accepted)s (.jpg, .jpeg, .png or .webp).",
            code="extension",
            params={"name": name, "accepted": ACCEPTED},
        )
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            "The file is %(size)s; the limit is %(limit)s.",
            code="size",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_PHOTO_BYTES)},
        )
    upload.seek(0)
    data = upload.read(MAX_PHOTO_BYTES + 1)
    image = _decode(data, name, claimed)
    return _renditions(image)


def _decode(data, name, claimed):
    """The decoded image, once its content is the format its name claims."""
    params = {"name": name, "accepted": ACCEPTED}
    with warnings.catch_warnings():
        # Pillow warns above MAX_IMAGE_PIXELS and refuses above twice that: refuse both.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
            if image.format != claimed:
                raise ValidationError(
                    "“%(name)s” is named as %(claimed)s but holds %(found)s.",
                    code="mismatch",
                    params={**params, "claimed": FORMATS[claimed], "found": FORMATS[image.format]},
                )
            _check_size(image, data, name)
            if image.format == "JPEG":
                # Decode at a reduced scale (1/2, 1/4 or 1/8) when the photo is much larger
                # than we keep: with MAX_ASPECT, under 1,280 x 5,120 pixels whatever its size.
                image.draft("RGB", (PHOTO_WIDTHS[-1], PHOTO_WIDTHS[-1]))
            image.load()
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
            raise ValidationError(
                "“%(name)s” has more than %(limit)s pixels, the most Pillow opens (a guard "
                "against decompression bombs).",
                code="pixels",
                params={**params, "limit": f"{Image.MAX_IMAGE_PIXELS:,}"},
            ) from error
        except UnidentifiedImageError as error:
            raise ValidationError(
                "“%(name)s” is not %(accepted)s.", code="format", params=params
            ) from error
        except (OSError, SyntaxError, ValueError) as error:
            raise ValidationError(
                "“%(name)s” is damaged and cannot be read as %(claimed)s.",
                code="damaged",
                params={**params, "claimed": FORMATS[claimed]},
            ) from error
    return image


def _check_size(image, data, name):
    """Refuse, from the header alone, proportions and pixel counts we will not decode
    (``data``: the file's bytes, whose scans a JPEG's pixel count depends on)."""
    width, height = image.size
    params = {"name": name, "width": f"{width:,}", "height": f"{height:,}"}
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise ValidationError(
            "“%(name)s” is %(width)s × %(height)s pixels; a photo may be at most %(aspect)s "
            "times as tall as it is wide, or as wide as it is tall.",
            code="aspect",
            params={**params, "aspect": MAX_ASPECT},
        )
    progressive = image.format == "JPEG" and image.info.get("progressive")
    # One interleaved scan is the only shape decoded a band at a time: a file whose scans
    # cannot be counted (0) is taken as one that is not.
    several_scans = image.format == "JPEG" and (progressive or jpeg_scans(data) != 1)
    if (image.format != "JPEG" or several_scans) and width * height > MAX_FULL_PIXELS:
        raise ValidationError(
            "“%(name)s” is %(width)s × %(height)s pixels; %(kind)s may have at most "
            "%(limit)s pixels (%(side)s × %(side)s). Save it smaller, or as an ordinary "
            "(baseline) JPEG, which is read at a reduced size.",
            code="pixels",
            params={
                **params,
                "kind": (
                    "a progressive JPEG image"
                    if progressive
                    else "a JPEG image stored in several scans"
                    if several_scans
                    else FORMATS[image.format]
                ),
                "limit": f"{MAX_FULL_PIXELS:,}",
                "side": f"{FULL_SIDE:,}",
            },
        )


# After a scan's header, its entropy-coded data runs to the next marker: 0xFF followed by
# anything but 0x00 (a stuffed 0xFF byte), a restart marker (0xD0-0xD7) or 0xFF (fill).
NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
SOS, EOI = 0xDA, 0xD9


def jpeg_scans(data):
    """How many scans (SOS segments) the JPEG file ``data`` (bytes) holds, up to its end.

    A baseline JPEG of one interleaved scan decodes a band at a time, at a reduced scale if
    asked; one of several scans (progressive, or each colour on its own) keeps every
    coefficient until the last scan, whatever scale is asked. Pillow tells progressive files
    (``info["progressive"]``) but not the others, so the scans are counted. Segments are
    skipped by their length, so a thumbnail inside EXIF (APP1) is not counted; bytes between
    segments are skipped to the next marker, as decoders skip them; a damaged file counts
    what was read.
    """
    scans, position = 0, 2  # after SOI
    while position + 4 <= len(data):
        if data[position] != 0xFF:  # junk between segments, which decoders skip
            position = data.find(b"\xff", position)
            if position < 0:
                break
            continue
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if marker == EOI:
            break
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        position += 2 + length
        if marker == SOS:
            scans += 1
            found = NEXT_MARKER.search(data, position)
            if found is None:
                break
            position = found.start()
    return scans


def _renditions(image):
    profile = image.info.get("icc_profile")
    upright = ImageOps.exif_transpose(image)
    transparent = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    if upright.mode not in ("RGB", "RGBA", "L", "LA", "CMYK"):
        # Palette, 1-bit or 16-bit pixels: resizing wants whole channels.
        upright = upright.convert("RGBA" if transparent else "RGB")
    # The largest size first, from the decoded pixels, so that every later copy is small.
    largest_width = min(upright.width, PHOTO_WIDTHS[-1])
    largest_height = rendition_height(largest_width, upright.width, upright.height)
    largest = upright
    if largest.size != (largest_width, largest_height):
        largest = largest.resize((largest_width, largest_height), Image.Resampling.LANCZOS)
    if transparent:
        rgba = largest.convert("RGBA")
        largest = Image.new("RGB", rgba.size, "white")  # JPEG has no transparency
        largest.paste(rgba, mask=rgba.getchannel("A"))
    flat = _in_srgb(largest, profile)
    # Pillow copies an image's info (comment, XMP...) into the JPEG it saves: start empty.
    flat.info = {}
    renditions = []
    for width in rendition_widths(largest_width):
        height = rendition_height(width, largest_width, largest_height)
        sized = flat
        if (width, height) != flat.size:
            sized = flat.resize((width, height), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        # Only the pixels, in sRGB (what browsers assume of an untagged image): no EXIF,
        # GPS, XMP, comment or colour profile is written.
        sized.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        renditions.append((width, buffer.getvalue()))
    return PreparedPhoto(largest_width, largest_height, tuple(renditions))


def _in_srgb(image, profile):
    """``image`` as RGB pixels in sRGB, converted through its ICC ``profile`` (bytes) if any.

    A profile is not copied into the sizes: a 160-pixel photo on every speakers list would
    carry it (4.5 MB from a photo editor, for a 1 KB picture). A profile that littleCMS
    cannot read, or that does not describe these pixels (a grey profile on colour pixels),
    is ignored: the pixels are taken as sRGB.
    """
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            return ImageCms.profileToProfile(
                image, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass
    return image.convert("RGB")


def set_photo(*, speaker, photo):
    """Store ``photo`` (a PreparedPhoto) as the speaker's photo, replacing any previous one.

    The files are written first under new names, then the speaker row; the previous files
    are deleted once the transaction commits, so a failed save never loses the old photo.
    """
    name = store_photo(photo)
    with transaction.atomic():
        previous = photo_files(speaker)
        speaker.photo = name
        speaker.photo_width, speaker.photo_height = photo.width, photo.height
        speaker.save(update_fields=["photo", "photo_width", "photo_height", "updated_at"])
        transaction.on_commit(lambda: delete_files(previous))


def store_photo(photo):
    """Write every size of ``photo`` (a PreparedPhoto) under a new unguessable name; return
    the largest one's name (the others are found from it: rendition_name)."""
    stem = f"{FOLDER}/{secrets.token_hex(16)}"
    for width, data in photo.renditions:
        name = f"{stem}-{width}.jpg"
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # a 128-bit token never repeats; refuse rather than mix up photos
            raise RuntimeError(f"The storage saved {name} as {saved}.")
    return f"{stem}-{photo.width}.jpg"


def remove_photo(*, speaker):
    """The speaker goes back to the initials placeholder; the files go after the commit."""
    with transaction.atomic():
        previous = photo_files(speaker)
        speaker.photo, speaker.photo_width, speaker.photo_height = "", None, None
        speaker.save(update_fields=["photo", "photo_width", "photo_height", "updated_at"])
        transaction.on_commit(lambda: delete_files(previous))


def photo_files(speaker):
    """The storage names of every size of the speaker's photo (empty without a photo)."""
    if not speaker.photo:
        return []
    largest = speaker.photo.name
    return [rendition_name(largest, width) for width in rendition_widths(speaker.photo_width)]


def delete_files(names):
    for name in names:
        default_storage.delete(name)


# Display ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhotoSizes:
    """What an <img> needs: the largest size's URL and dimensions, and the srcset of all."""

    src: str
    srcset: str
    width: int
    height: int


def photo_url_function(storage=None):
    """A function storage name -> URL, for lists of thousands of photos.

    ``storage.url`` costs about 20 µs (a urljoin), thousands of times on a large speakers
    list. For the storages the settings make (a folder, or a bucket behind a public address)
    a URL is a fixed head and tail around the name, so the head and tail are found once;
    a storage whose URLs are not (signed URLs) keeps its own ``url``.
    """
    storage = storage or default_storage
    probe, check = (f"{FOLDER}/{digit * 32}-160.jpg" for digit in "01")
    head, found, tail = storage.url(probe).rpartition(probe)
    if found and storage.url(check) == f"{head}{check}{tail}":
        return lambda name: f"{head}{name}{tail}"
    return storage.url


def photo_sizes(name, width, height, url=None):
    """PhotoSizes of the photo stored as ``name`` (its largest size), or None without one.

    ``url`` turns a storage name into a URL (default: the default storage's ``url``).
    """
    if not name:
        return None
    url = url or default_storage.url
    srcset = ", ".join(
        f"{url(rendition_name(name, size))} {size}w" for size in rendition_widths(width)
    )
    return PhotoSizes(url(name), srcset, width, height)


def initials(name):
    """'YL' for Yuhan Liu: the first letters of the first and last words of a name."""
    words = [word for word in name.split() if word[0].isalnum()] or name.split()
    if not words:
        return ""
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()
