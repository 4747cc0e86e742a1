"""Speaker photos: upload checks, sizes, metadata, storage names, serving and markup."""

import io
import struct
import zlib

import lxml.html
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from program.models import Speaker
from program.photos import photo_url_function, prepare_photo, set_photo
from tests.admin.conftest import organiser_client  # noqa: F401
from tests.admin.helpers import admin_url, form_data
from tests.factories import ConferenceFactory, SpeakerFactory, TalkFactory

pytestmark = pytest.mark.django_db

STORED = r"speakers/[0-9a-f]{32}-{width}\.jpg"


def image_bytes(format_name, size=(1000, 800), mode="RGB", **save):
    buffer = io.BytesIO()
    colour = (200, 30, 60, 128) if mode == "RGBA" else (200, 30, 60)
    Image.new(mode, size, colour).save(buffer, format_name, **save)
    return buffer.getvalue()


def bomb_png(width=20_000, height=20_000):
    """A tiny PNG whose header claims 400 million pixels: Pillow must refuse it unopened."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def stored_files(media_root):
    if not media_root.exists():
        return []
    return sorted(
        str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file()
    )


@pytest.fixture
def speaker():
    conference = ConferenceFactory(slug="2026", name="MLSys 2026")
    person = SpeakerFactory(name="Yuhan Liu", slug="yuhan-liu")
    TalkFactory(conference=conference, slug="lmcache", speakers=[person])
    return person


def upload(client, speaker, file, **changes):
    url = admin_url("speaker", "change", speaker.pk)
    data = form_data(client.get(url), "speaker_form", changes)
    if file is not None:
        data["upload"] = file
    return client.post(url, data)


def form_errors(response):
    return response.context["adminform"].form.errors


# Accepted uploads ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("portrait.jpg", image_bytes("JPEG")),
        ("portrait.JPEG", image_bytes("JPEG")),
        ("portrait.png", image_bytes("PNG", mode="RGBA")),
        ("portrait.webp", image_bytes("WEBP")),
    ],
)
def test_admin_upload_of_each_accepted_type_stores_its_sizes_as_jpeg(
    organiser_client,  # noqa: F811
    speaker,
    media_root,
    django_capture_on_commit_callbacks,
    name,
    data,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(organiser_client, speaker, SimpleUploadedFile(name, data))

    assert response.status_code == 302
    speaker.refresh_from_db()
    assert (speaker.photo_width, speaker.photo_height) == (640, 512)
    stem = speaker.photo.name.removesuffix("-640.jpg")
    assert speaker.photo.name.startswith("speakers/")
    assert len(stem) == len("speakers/") + 32
    assert stored_files(media_root) == [f"{stem}-{width}.jpg" for width in (160, 320, 640)]
    sizes = []
    for width in (160, 320, 640):
        with Image.open(media_root / f"{stem}-{width}.jpg") as image:
            sizes.append((image.format, image.size, image.mode))
    assert sizes == [
        ("JPEG", (160, 128), "RGB"),
        ("JPEG", (320, 256), "RGB"),
        ("JPEG", (640, 512), "RGB"),
    ]
    assert name.rsplit(".", 1)[0] not in "".join(stored_files(media_root))


def test_small_photo_is_never_enlarged(speaker, media_root):
    photo = prepare_photo(ContentFile(image_bytes("PNG", size=(200, 300)), name="small.png"))

    set_photo(speaker=speaker, photo=photo)

    assert [(width, Image.open(io.BytesIO(data)).size) for width, data in photo.renditions] == [
        (160, (160, 240)),
        (200, (200, 300)),
    ]
    assert (speaker.photo_width, speaker.photo_height) == (200, 300)
    assert len(stored_files(media_root)) == 2


def test_photo_is_turned_upright_and_stripped_of_metadata(speaker):
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (47.0, 36.0, 0.0), 3: "W", 4: (122.0, 12.0, 0.0)})
    data = image_bytes(
        "JPEG",
        size=(800, 600),
        exif=exif,
        comment=b"taken at home",
        xmp=b"<x:xmpmeta><City>Bellevue</City></x:xmpmeta>",
    )

    photo = prepare_photo(ContentFile(data, name="phone.jpg"))

    largest = Image.open(io.BytesIO(photo.renditions[-1][1]))
    assert largest.size == (600, 800)  # portrait, as the phone showed it
    assert dict(largest.getexif()) == {}
    assert "exif" not in largest.info
    assert "comment" not in largest.info
    leaked = [
        (width, secret)
        for width, stored in photo.renditions
        for secret in (b"PhoneMaker", b"taken at home", b"Bellevue")
        if secret in stored
    ]
    assert leaked == []


def test_a_new_photo_replaces_the_old_files(
    speaker, media_root, django_capture_on_commit_callbacks
):
    set_photo(speaker=speaker, photo=prepare_photo(ContentFile(image_bytes("JPEG"), name="a.jpg")))
    first = stored_files(media_root)

    with django_capture_on_commit_callbacks(execute=True):
        set_photo(
            speaker=speaker, photo=prepare_photo(ContentFile(image_bytes("PNG"), name="b.png"))
        )

    assert len(first) == 3
    assert set(stored_files(media_root)).isdisjoint(first)
    assert len(stored_files(media_root)) == 3


def test_two_speakers_uploading_one_file_name_keep_their_own_photos(media_root):
    ada, grace = SpeakerFactory(), SpeakerFactory()

    for person in (ada, grace):
        set_photo(
            speaker=person,
            photo=prepare_photo(ContentFile(image_bytes("JPEG"), name="photo.jpg")),
        )

    assert ada.photo.name != grace.photo.name
    assert len(stored_files(media_root)) == 6


def test_admin_shows_the_current_photo_at_its_smallest_size(organiser_client, speaker):  # noqa: F811
    set_photo(speaker=speaker, photo=prepare_photo(ContentFile(image_bytes("JPEG"), name="a.jpg")))
    stem = speaker.photo.name.removesuffix("-640.jpg")

    response = organiser_client.get(admin_url("speaker", "change", speaker.pk))

    tree = lxml.html.fromstring(response.content.decode())
    (image,) = tree.xpath("//div[contains(@class, 'field-current_photo')]//img")
    assert dict(image.attrib) == {
        "src": f"/media/{stem}-160.jpg",
        "width": "160",
        "height": "128",
        "alt": "Yuhan Liu",
    }
    listed = organiser_client.get(admin_url("speaker")).content.decode()
    assert 'class="field-has_photo"><img src="/static/admin/img/icon-yes.svg"' in listed


def test_admin_removes_a_photo_and_its_files(
    organiser_client,  # noqa: F811
    speaker,
    media_root,
    django_capture_on_commit_callbacks,
):
    set_photo(speaker=speaker, photo=prepare_photo(ContentFile(image_bytes("JPEG"), name="a.jpg")))

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(organiser_client, speaker, None, remove="on")

    assert response.status_code == 302
    speaker.refresh_from_db()
    assert (speaker.photo.name, speaker.photo_width, speaker.photo_height) == ("", None, None)
    assert stored_files(media_root) == []


def test_deleting_a_speaker_in_the_admin_deletes_the_photo_files(
    organiser_client,  # noqa: F811
    media_root,
    django_capture_on_commit_callbacks,
):
    person = SpeakerFactory()
    set_photo(speaker=person, photo=prepare_photo(ContentFile(image_bytes("JPEG"), name="a.jpg")))

    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(admin_url("speaker", "delete", person.pk), {"post": "yes"})

    assert not Speaker.objects.filter(pk=person.pk).exists()
    assert stored_files(media_root) == []


# Refused uploads: the exact reason, and nothing saved ------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "notes.jpg",
            b"Dear organisers, here is my bio.\n",
            "“notes.jpg” is not a JPEG, PNG or WebP image.",
        ),
        (
            "huge.jpg",
            b"\xff\xd8\xff" + b"\x00" * (6 * 1024 * 1024),
            "The file is 6.0\xa0MB; the limit is 5.0\xa0MB.",
        ),
        (
            "bomb.png",
            bomb_png(),
            "“bomb.png” has more than 89,478,485 pixels, the most Pillow opens (a guard against "
            "decompression bombs).",
        ),
        (
            "photo.png",
            image_bytes("JPEG"),
            "“photo.png” is named as a PNG image but holds a JPEG image.",
        ),
        (
            "animation.gif",
            image_bytes("GIF"),
            "“animation.gif” is not a JPEG, PNG or WebP image (.jpg, .jpeg, .png or .webp).",
        ),
        (
            "drawing.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "“drawing.svg” is not a JPEG, PNG or WebP image (.jpg, .jpeg, .png or .webp).",
        ),
        (
            "cut.jpg",
            image_bytes("JPEG")[:600],
            "“cut.jpg” is damaged and cannot be read as a JPEG image.",
        ),
    ],
    ids=["text-named-jpg", "6-mb", "decompression-bomb", "wrong-type", "gif", "svg", "truncated"],
)
def test_admin_refuses_a_file_that_is_not_an_accepted_photo(
    organiser_client,  # noqa: F811
    speaker,
    media_root,
    name,
    data,
    message,
):
    before = list(Speaker.objects.values_list())

    response = upload(
        organiser_client, speaker, SimpleUploadedFile(name, data), bio="A bio typed meanwhile."
    )

    assert response.status_code == 200
    assert form_errors(response) == {"upload": [message]}
    assert list(Speaker.objects.values_list()) == before
    assert stored_files(media_root) == []


@pytest.mark.parametrize("name", ["../../settings.jpg", "..\\..\\evil.jpg", "photos/me.jpg"])
def test_a_file_name_with_a_folder_is_refused_and_nothing_saved(speaker, media_root, name):
    before = list(Speaker.objects.values_list())

    with pytest.raises(ValidationError) as raised:
        prepare_photo(File(io.BytesIO(image_bytes("JPEG")), name=name))

    assert raised.value.messages == [
        f"“{name}” is not a plain file name: it holds a folder or “..”."
    ]
    assert list(Speaker.objects.values_list()) == before
    assert stored_files(media_root) == []
    assert not (media_root.parent / "settings.jpg").exists()


def test_admin_upload_with_a_path_in_its_name_is_stored_under_a_generated_name(
    organiser_client,  # noqa: F811
    speaker,
    media_root,
    tmp_path,
):
    """A browser never sends a folder; a hand-made request that does loses it to Django's
    upload parser, and the name is not used anyway."""
    url = admin_url("speaker", "change", speaker.pk)
    fields = form_data(organiser_client.get(url), "speaker_form")
    boundary = "boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, values in fields.items()
        for value in (values if isinstance(values, list) else [values])
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; '
        f'filename="../../../outside.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
        + image_bytes("JPEG")
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()

    response = organiser_client.generic(
        "POST", url, body, content_type=f"multipart/form-data; boundary={boundary}"
    )

    assert response.status_code == 302
    speaker.refresh_from_db()
    assert "outside" not in speaker.photo.name
    assert len(stored_files(media_root)) == 3
    assert not list(tmp_path.rglob("outside*"))


# Pages ------------------------------------------------------------------------------------------


def photo_of(speaker, width=640, height=800):
    name = f"speakers/{speaker.pk:032x}-{width}.jpg"
    Speaker.objects.filter(pk=speaker.pk).update(photo=name, photo_width=width, photo_height=height)
    return name.removesuffix(f"-{width}.jpg")


def test_speaker_page_shows_the_photo_at_its_sizes(client, speaker):
    stem = photo_of(speaker)

    response = client.get("/2026/speakers/yuhan-liu/")

    (image,) = lxml.html.fromstring(response.content.decode()).xpath("//main//img")
    assert dict(image.attrib) == {
        "class": "speaker-photo is-large",
        "src": f"/media/{stem}-640.jpg",
        "srcset": f"/media/{stem}-160.jpg 160w, /media/{stem}-320.jpg 320w, "
        f"/media/{stem}-640.jpg 640w",
        "sizes": "10rem",
        "width": "640",
        "height": "800",
        "alt": "Yuhan Liu",
        "loading": "eager",
        "decoding": "async",
    }


def test_speaker_page_json_ld_has_the_photo_as_image(client, speaker):
    stem = photo_of(speaker)

    response = client.get("/2026/speakers/yuhan-liu/")

    tree = lxml.html.fromstring(response.content.decode())
    (data,) = tree.xpath("//script[@type='application/ld+json']/text()")
    assert f'"image": "http://testserver/media/{stem}-640.jpg"' in data


def test_talk_page_shows_speaker_photos_lazily_and_initials_otherwise(client, speaker):
    talk = speaker.talks.get()
    talk.speaker_links.create(speaker=SpeakerFactory(name="Ion Stoica"), position=1)
    stem = photo_of(speaker, width=480, height=480)

    response = client.get("/2026/talks/lmcache/")

    tree = lxml.html.fromstring(response.content.decode())
    (image,) = tree.xpath("//ul[@class='speaker-cards']//img")
    assert (image.get("srcset"), image.get("sizes")) == (
        f"/media/{stem}-160.jpg 160w, /media/{stem}-320.jpg 320w, /media/{stem}-480.jpg 480w",
        "3rem",
    )
    assert (image.get("width"), image.get("height"), image.get("alt"), image.get("loading")) == (
        "480",
        "480",
        "Yuhan Liu",
        "lazy",
    )
    (placeholder,) = tree.xpath(
        "//ul[@class='speaker-cards']//span[contains(@class, 'speaker-photo')]"
    )
    assert dict(placeholder.attrib) == {
        "class": "speaker-photo is-small is-placeholder",
        "data-initials": "IS",
        "aria-hidden": "true",
    }
    data = tree.xpath("//script[@type='application/ld+json']/text()")[0]
    assert f'"image": "http://testserver/media/{stem}-480.jpg"' in data


def test_speakers_list_shows_photos_and_initials(client, speaker):
    TalkFactory(
        conference=speaker.talks.get().conference,
        speakers=[SpeakerFactory(name="José  de la Cruz")],
    )
    stem = photo_of(speaker)

    response = client.get("/2026/speakers/")

    tree = lxml.html.fromstring(response.content.decode())
    items = tree.xpath("//li[@class='speaker-item']")
    assert [item.xpath("h2")[0].text_content() for item in items] == [
        "José  de la Cruz",
        "Yuhan Liu",
    ]
    assert items[0].xpath("span/@data-initials") == ["JC"]
    assert items[1].xpath("img/@src") == [f"/media/{stem}-640.jpg"]
    assert items[1].xpath("img/@loading") == ["lazy"]


# Serving ----------------------------------------------------------------------------------------


def test_development_server_serves_stored_photos_as_jpeg(client, speaker, media_root, media_urls):
    set_photo(speaker=speaker, photo=prepare_photo(ContentFile(image_bytes("WEBP"), name="a.webp")))

    response = client.get(f"/media/{speaker.photo.name}")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


@pytest.mark.parametrize(
    "path",
    [
        "speakers/page.html",
        "speakers/drawing.svg",
        f"speakers/{'0' * 32}-640.jpg.html",
        "../db.sqlite3",
        "speakers/../../settings.py",
    ],
)
def test_development_server_serves_nothing_but_stored_photo_names(
    client, media_root, media_urls, path
):
    (media_root / "speakers").mkdir(parents=True)
    for name in ("page.html", "drawing.svg", f"{'0' * 32}-640.jpg.html"):
        (media_root / "speakers" / name).write_text("<script>alert(1)</script>")

    response = client.get(f"/media/{path}")

    assert response.status_code == 404


def test_photos_are_not_served_by_the_app_with_debug_off(client, speaker):
    set_photo(speaker=speaker, photo=prepare_photo(ContentFile(image_bytes("JPEG"), name="a.jpg")))

    assert client.get(f"/media/{speaker.photo.name}").status_code == 404


def test_public_pages_allow_images_from_the_photo_bucket_when_one_is_set(client, speaker, settings):
    settings.MEDIA_ORIGIN = "https://photos.example.org"

    policy = client.get("/2026/speakers/yuhan-liu/")["Content-Security-Policy"]

    assert "img-src 'self' data: https://photos.example.org;" in policy
    assert "script-src 'self';" in policy


def test_photo_urls_of_a_list_match_the_storage_s_own(settings):
    settings.MEDIA_URL = "https://cdn.example.org/media/"
    name = f"speakers/{'a' * 32}-320.jpg"

    assert photo_url_function()(name) == f"https://cdn.example.org/media/{name}"


def test_photo_urls_of_a_signing_storage_are_its_own():
    class SigningStorage:
        def url(self, name):
            return f"https://bucket.example.org/{name}?signature={len(name) * 7 % 13}"

    storage = SigningStorage()
    name = f"speakers/{'a' * 32}-320.jpg"

    assert photo_url_function(storage)(name) == storage.url(name)
