"""The service worker's first fill: what it transfers for an edition of 200 and of 2,000 talks.

Run: .venv/bin/python bench/bench_offline.py
Targets (the issue): under 2 MB for 200 talks, under 15 MB for 2,000, compressed.

For each generated edition (generate_program, as bench/harness.py makes them: every other
speaker with a photo) it asks for /<edition>/offline.json, then for every URL the list
names, as the worker does on its first fill:

- pages through the WSGI handler with ``Accept-Encoding: gzip, deflate, br, zstd`` (what
  Chromium sends from a worker; the site answers brotli): the bytes of the body as sent;
- static files as production sends them: whitenoise's brotli copy made by collectstatic
  (made here with the same compressor), or the file itself when it has none (PNG);
- photos at the size the list names (160 px wide), a real JPEG made once by the upload
  code from a drawn portrait, its bytes for each (JPEG is sent as it is).

The baseline, in the same run, is the same URLs uncompressed (what a fill would cost
without compression).
"""

import io
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import WsgiClient, generated_edition, setup_django

# What Chromium's fetch() sends from a service worker (a forbidden header: not ours to set).
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"
TARGETS = {200: 2_000_000, 2000: 15_000_000}


def photo_bytes():
    """The bytes of a real 160-px rendition, as the upload code writes it."""
    from django.core.files.base import ContentFile
    from PIL import Image, ImageDraw

    from program.photos import prepare_photo

    image = Image.new("RGB", (900, 1100), (214, 226, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse((250, 760, 650, 1300), fill=(29, 78, 216))
    draw.ellipse((300, 250, 600, 620), fill=(224, 172, 140))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    prepared = prepare_photo(ContentFile(buffer.getvalue(), name="portrait.jpg"))
    return len(dict(prepared.renditions)[160])


def static_sizes(url):
    """(as sent, plain) bytes of a static file: its brotli copy when whitenoise makes one."""
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from whitenoise.compress import Compressor

    path = Path(finders.find(url.removeprefix(settings.STATIC_URL)))
    plain = path.read_bytes()
    if path.suffix.lstrip(".") in Compressor.SKIP_COMPRESS_EXTENSIONS:
        return len(plain), len(plain)
    compressed = Compressor(quiet=True).compress_brotli(plain)
    return min(len(compressed), len(plain)), len(plain)


def fill(client, slug, photo_size):
    """{kind: [urls, bytes as sent, plain bytes]} of the first fill of edition ``slug``."""
    listed = client.get(f"/{slug}/offline.json", HTTP_ACCEPT_ENCODING=BROWSER_ENCODINGS)
    plain_list = client.get(f"/{slug}/offline.json")
    urls = json.loads(plain_list.content)["urls"]
    totals = {
        "list": [1, len(listed.content), len(plain_list.content)],
        "pages": [0, 0, 0],
        "files": [0, 0, 0],
        "photos": [0, 0, 0],
    }
    for url in urls:
        if url.startswith("/static/"):
            kind, (sent, plain) = "files", static_sizes(url)
        elif url.startswith("/media/"):
            kind, sent, plain = "photos", photo_size, photo_size
        else:
            response = client.get(url, HTTP_ACCEPT_ENCODING=BROWSER_ENCODINGS)
            assert response.status_code == 200, (url, response.status_code)
            assert response.headers.get("content-encoding") == "br", url
            kind, sent = "pages", len(response.content)
            plain = len(client.get(url).content)
        totals[kind][0] += 1
        totals[kind][1] += sent
        totals[kind][2] += plain
    return totals


def main():
    setup_django()
    from django.test.utils import override_settings

    # Static files are not collected here: plain storage, as the development server uses
    # (the names differ from production's hashed ones by a few bytes, not the bodies).
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        measure_fills()


def measure_fills():
    client = WsgiClient()
    photo_size = photo_bytes()
    print(f"A photo at the size kept (160 px): {photo_size:,} bytes")
    print(
        f"{'edition':>14} {'what':>7} {'URLs':>6} {'sent (MB)':>10} "
        f"{'plain (MB)':>11} {'sent/plain':>10}"
    )
    for talks, target in TARGETS.items():
        slug = f"fill{talks}"
        generated_edition(slug, talks)
        totals = fill(client, slug, photo_size)
        for kind, (count, sent, plain) in totals.items():
            print(
                f"{talks:>8} talks {kind:>7} {count:>6,} {sent / 1e6:>10.2f} "
                f"{plain / 1e6:>11.2f} {sent / plain:>10.2f}"
            )
        count = sum(value[0] for value in totals.values())
        sent = sum(value[1] for value in totals.values())
        plain = sum(value[2] for value in totals.values())
        verdict = "within" if sent < target else "OVER"
        print(
            f"{talks:>8} talks {'all':>7} {count:>6,} {sent / 1e6:>10.2f} {plain / 1e6:>11.2f} "
            f"{sent / plain:>10.2f}   target {target / 1e6:.0f} MB: {verdict}"
        )


if __name__ == "__main__":
    main()
