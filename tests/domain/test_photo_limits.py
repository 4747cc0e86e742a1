"""Hostile photos (issue 20, item 9): refused from their header before any pixel is decoded,
with the reason under the field, and colour profiles converted, never copied into the sizes.

How much memory each takes is measured by bench/bench_photos.py."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms

from program.models import Speaker
from program.photos import jpeg_scans, prepare_photo
from tests.admin.conftest import organiser_client  # noqa: F401
from tests.domain.test_photos import form_errors, speaker, stored_files, upload  # noqa: F401

pytestmark = pytest.mark.django_db


def encoded(image, format_name, **options):
    buffer = io.BytesIO()
    image.save(buffer, format_name, **options)
    return buffer.getvalue()


def several_scans(width, height):
    """A baseline JPEG header of ``width`` x ``height`` whose picture comes in two scans (as a
    file with each colour in a scan of its own does): a small JPEG's frame header given
    those dimensions, and its scan repeated. Pillow opens it as an ordinary JPEG."""
    data = bytearray(encoded(Image.new("RGB", (16, 16), "white"), "JPEG"))
    frame = data.index(b"\xff\xc0")
    data[frame + 5 : frame + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    scan = bytes(data[data.index(b"\xff\xda") : -2])
    return bytes(data[:-2]) + scan + b"\xff\xd9"


def with_junk_after_app0(data):
    """``data`` (a JFIF file) with a 0x00 byte after its APP0 segment."""
    end = 4 + int.from_bytes(data[4:6], "big")
    return data[:end] + b"\x00" + data[end:]


def srgb_profile(swap=(), padding=0):
    """sRGB's ICC profile from littleCMS, with the tag entries named in ``swap`` (a pair
    such as (b"rXYZ", b"gXYZ")) pointing at each other's data, and a private tag of
    ``padding`` bytes appended (photo editors write profiles of megabytes)."""
    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    count = int.from_bytes(profile[128:132], "big")
    entries = [bytes(profile[132 + 12 * index : 144 + 12 * index]) for index in range(count)]
    places = {entry[:4]: entry[4:] for entry in entries}
    if swap:
        first, second = swap
        places[first], places[second] = places[second], places[first]
    shift = 12 if padding else 0  # the private tag's entry moves every tag's data along
    table = b"".join(
        signature + (int.from_bytes(place[:4], "big") + shift).to_bytes(4, "big") + place[4:]
        for signature, place in ((entry[:4], places[entry[:4]]) for entry in entries)
    )
    body = bytes(profile[132 + 12 * count :])
    if padding:
        table += b"zzzz" + (len(profile) + 12).to_bytes(4, "big") + padding.to_bytes(4, "big")
        count += 1
        body += b"\0" * padding
    whole = bytearray(profile[:128] + count.to_bytes(4, "big") + table + body)
    whole[0:4] = len(whole).to_bytes(4, "big")
    return bytes(whole)


def colour_of(data):
    with Image.open(io.BytesIO(data)) as image:
        return image.getpixel((image.width // 2, image.height // 2))


def close(colour, expected, tolerance=3):
    return all(abs(got - want) <= tolerance for got, want in zip(colour, expected, strict=True))


# Refused from the header --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        (
            "big.webp",
            lambda: encoded(Image.new("RGB", (9400, 9400), "white"), "WEBP", lossless=True),
            "“big.webp” is 9,400 × 9,400 pixels; a WebP image may have at most 6,553,600 "
            "pixels (2,560 × 2,560). Save it smaller, or as an ordinary (baseline) JPEG, which "
            "is read at a reduced size.",
        ),
        (
            "big.png",
            lambda: encoded(Image.new("RGBA", (2561, 2560), (200, 30, 60, 255)), "PNG"),
            "“big.png” is 2,561 × 2,560 pixels; a PNG image may have at most 6,553,600 "
            "pixels (2,560 × 2,560). Save it smaller, or as an ordinary (baseline) JPEG, which "
            "is read at a reduced size.",
        ),
        (
            "web.jpg",
            lambda: encoded(Image.new("RGB", (9000, 9000), "white"), "JPEG", progressive=True),
            "“web.jpg” is 9,000 × 9,000 pixels; a progressive JPEG image may have at most "
            "6,553,600 pixels (2,560 × 2,560). Save it smaller, or as an ordinary (baseline) "
            "JPEG, which is read at a reduced size.",
        ),
        (
            "scans.jpg",
            lambda: several_scans(9000, 9000),
            "“scans.jpg” is 9,000 × 9,000 pixels; a JPEG image stored in several scans may "
            "have at most 6,553,600 pixels (2,560 × 2,560). Save it smaller, or as an ordinary "
            "(baseline) JPEG, which is read at a reduced size.",
        ),
        (
            "junk.jpg",
            # A byte inserted after APP0, which libjpeg skips: the scans once counted 0.
            lambda: with_junk_after_app0(
                encoded(Image.new("RGB", (9000, 9000), "white"), "JPEG", progressive=True)
            ),
            "“junk.jpg” is 9,000 × 9,000 pixels; a progressive JPEG image may have at most "
            "6,553,600 pixels (2,560 × 2,560). Save it smaller, or as an ordinary (baseline) "
            "JPEG, which is read at a reduced size.",
        ),
        (
            "tall.png",
            lambda: encoded(Image.new("L", (1, 70_000)), "PNG"),
            "“tall.png” is 1 × 70,000 pixels; a photo may be at most 4 times as tall as it "
            "is wide, or as wide as it is tall.",
        ),
        (
            "banner.jpg",
            lambda: encoded(Image.new("RGB", (4001, 1000)), "JPEG"),
            "“banner.jpg” is 4,001 × 1,000 pixels; a photo may be at most 4 times as tall as "
            "it is wide, or as wide as it is tall.",
        ),
    ],
    ids=[
        "webp-9400-square",
        "png-over-the-cap",
        "progressive-jpeg",
        "baseline-jpeg-in-two-scans",
        "progressive-jpeg-with-a-junk-byte",
        "png-1-by-70000",
        "wide",
    ],
)
def test_admin_refuses_a_picture_too_large_to_decode_or_too_narrow(
    organiser_client,  # noqa: F811
    speaker,  # noqa: F811
    media_root,
    name,
    make,
    message,
):
    before = list(Speaker.objects.values_list())

    response = upload(
        organiser_client, speaker, SimpleUploadedFile(name, make()), bio="Typed meanwhile."
    )

    assert response.status_code == 200
    assert form_errors(response) == {"upload": [message]}
    assert list(Speaker.objects.values_list()) == before
    assert stored_files(media_root) == []


def test_the_scans_of_a_jpeg_are_counted_past_its_exif_thumbnail():
    baseline = encoded(Image.new("RGB", (64, 64), "white"), "JPEG")
    # An APP1 (EXIF) segment holding a thumbnail's scan header: skipped by its length.
    thumbnail = b"Exif\0\0" + b"\xff\xd8\xff\xda\x00\x08 thumbnail \xff\xd9"
    app1 = b"\xff\xe1" + (len(thumbnail) + 2).to_bytes(2, "big") + thumbnail
    with_exif = baseline[:2] + app1 + baseline[2:]
    progressive = encoded(Image.new("RGB", (64, 64), "white"), "JPEG", progressive=True)

    assert [jpeg_scans(data) for data in (baseline, with_exif, several_scans(64, 64))] == [1, 1, 2]
    assert jpeg_scans(progressive) > 1
    # A stray byte between segments, which decoders skip, hides no scan.
    junk = progressive.index(b"\xff", 2)
    assert jpeg_scans(progressive[:junk] + b"\x00" + progressive[junk:]) == jpeg_scans(progressive)


@pytest.mark.parametrize(
    ("name", "data", "largest"),
    [
        ("cap.png", encoded(Image.new("RGBA", (2560, 2560), (0, 0, 0, 0)), "PNG"), (640, 640)),
        ("portrait.png", encoded(Image.new("RGB", (100, 400)), "PNG"), (100, 400)),
        ("landscape.webp", encoded(Image.new("RGB", (2560, 640)), "WEBP"), (640, 160)),
        # An ordinary JPEG is read at a reduced scale: any size under Pillow's guard.
        ("camera.jpg", encoded(Image.new("RGB", (6000, 6000)), "JPEG"), (640, 640)),
    ],
)
def test_pictures_at_the_limits_are_accepted(name, data, largest):
    photo = prepare_photo(ContentFile(data, name=name))

    assert (photo.width, photo.height) == largest


# Colour profiles ----------------------------------------------------------------------------


def test_a_huge_colour_profile_is_not_copied_into_the_sizes():
    profile = srgb_profile(padding=4_500_000)
    data = encoded(Image.new("RGB", (1000, 800), (200, 30, 60)), "JPEG", icc_profile=profile)
    assert len(profile) > 4_500_000  # as the photo carried

    photo = prepare_photo(ContentFile(data, name="edited.jpg"))

    found = []
    for width, stored in photo.renditions:
        with Image.open(io.BytesIO(stored)) as image:
            found.append((width, len(stored) < 5_000, image.info.get("icc_profile")))
    assert found == [(160, True, None), (320, True, None), (640, True, None)]
    assert close(colour_of(photo.renditions[0][1]), (200, 30, 60))


def test_colours_are_converted_to_srgb_through_the_profile():
    """A profile whose red primary is sRGB's green: red pixels are green once converted."""
    profile = srgb_profile(swap=(b"rXYZ", b"gXYZ"))
    data = encoded(Image.new("RGB", (400, 400), (255, 0, 0)), "PNG", icc_profile=profile)

    photo = prepare_photo(ContentFile(data, name="wide-gamut.png"))

    assert close(colour_of(photo.renditions[-1][1]), (0, 255, 0), tolerance=8)


@pytest.mark.parametrize("profile", [b"not a profile", srgb_profile()[:200]])
def test_an_unreadable_colour_profile_leaves_the_pixels_as_they_are(profile):
    data = encoded(Image.new("RGB", (400, 400), (200, 30, 60)), "JPEG", icc_profile=profile)

    photo = prepare_photo(ContentFile(data, name="odd.jpg"))

    assert close(colour_of(photo.renditions[-1][1]), (200, 30, 60))
    assert Image.open(io.BytesIO(photo.renditions[-1][1])).info.get("icc_profile") is None
