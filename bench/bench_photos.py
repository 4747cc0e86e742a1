"""Peak memory of a photo upload's checks and sizes (program.photos.prepare_photo), per file.

Each file is made here, then prepared in a fresh Python process of its own (Django set up,
the file already read): its peak resident memory (``VmHWM``, reset through
``/proc/self/clear_refs``, so Linux only) above what the process held just before the call,
the time the call took, and the answer (the sizes made, or the reason refused). The baseline
is an ordinary upload measured in the same run, a 4,032 x 3,024 phone JPEG; the ratio is
each file's peak over the baseline's. Figures: docs/operators/photos.md.

    .venv/bin/python bench/bench_photos.py
"""

import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageCms

ROOT = Path(__file__).resolve().parent.parent

# Runs in the child: prepare one file, report peak memory above the resting process.
CHILD = """
import json, re, sys, time
import django
django.setup()
from django.core.files.base import ContentFile
from django.core.exceptions import ValidationError
from program.photos import prepare_photo
name, path = sys.argv[1], sys.argv[2]
upload = ContentFile(open(path, "rb").read(), name=name)
def status(field):
    return int(re.search(rf"{field}:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
open("/proc/self/clear_refs", "w").write("5")  # the peak (VmHWM) starts again from now
before = status("VmRSS")
start = time.perf_counter()
try:
    photo = prepare_photo(upload)
    sizes = [f"{width} px: {len(data):,} B" for width, data in photo.renditions]
    answer = "sizes " + ", ".join(sizes)
except ValidationError as error:
    answer = "refused: " + error.messages[0]
except Exception as error:
    answer = f"error (500): {type(error).__name__}: {error}"
seconds = time.perf_counter() - start
after = status("VmHWM")
print(json.dumps({"peak_kib": after - before, "seconds": seconds, "answer": answer}))
"""


def encoded(image, format_name, **options):
    buffer = io.BytesIO()
    image.save(buffer, format_name, **options)
    return buffer.getvalue()


def phone_photo():
    """A 4,032 x 3,024 JPEG with detail in it, as phones take them."""
    image = Image.linear_gradient("L").resize((4032, 3024))
    return encoded(
        Image.merge("RGB", (image, image.transpose(Image.Transpose.ROTATE_180), image)),
        "JPEG",
        quality=90,
    )


def big_profile(size=4_500_000):
    """sRGB's profile padded to ``size`` bytes with a private tag, as some editors write."""
    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    count = int.from_bytes(profile[128:132], "big")
    table_end = 132 + 12 * count
    padding = size - len(profile) - 12
    # Shift every tag's data by the new 12-byte entry, then append the private tag's data.
    entries = bytearray()
    for index in range(count):
        entry = profile[132 + 12 * index : 144 + 12 * index]
        offset = int.from_bytes(entry[4:8], "big") + 12
        entries += entry[:4] + offset.to_bytes(4, "big") + entry[8:]
    data_offset = len(profile) + 12
    entries += b"zzzz" + data_offset.to_bytes(4, "big") + padding.to_bytes(4, "big")
    padded = profile[:128] + (count + 1).to_bytes(4, "big") + entries + profile[table_end:]
    padded += b"\0" * padding
    padded[0:4] = len(padded).to_bytes(4, "big")
    return bytes(padded)


def files():
    yield "ordinary: phone JPEG 4,032 x 3,024", "phone.jpg", phone_photo()
    yield (
        "lossless WebP 9,400 x 9,400",
        "big.webp",
        encoded(Image.new("RGB", (9400, 9400), "white"), "WEBP", lossless=True),
    )
    yield (
        "PNG 9,000 x 9,000 RGBA",
        "big.png",
        encoded(Image.new("RGBA", (9000, 9000), (200, 30, 60, 255)), "PNG", optimize=True),
    )
    yield (
        "PNG 2,560 x 2,560 RGBA (largest accepted)",
        "largest.png",
        encoded(Image.new("RGBA", (2560, 2560), (200, 30, 60, 128)), "PNG", optimize=True),
    )
    yield (
        "WebP 2,560 x 2,560 (largest accepted)",
        "largest.webp",
        encoded(Image.new("RGB", (2560, 2560), (200, 30, 60)), "WEBP", lossless=True),
    )
    yield "PNG 1 x 70,000", "tall.png", encoded(Image.new("L", (1, 70_000)), "PNG", optimize=True)
    yield (
        "JPEG 1,000 x 800, 4.5 MB colour profile",
        "profile.jpg",
        encoded(Image.new("RGB", (1000, 800), (200, 30, 60)), "JPEG", icc_profile=big_profile()),
    )
    yield (
        "JPEG 9,000 x 9,000 (read reduced)",
        "large.jpg",
        encoded(Image.new("RGB", (9000, 9000), (200, 30, 60)), "JPEG"),
    )
    yield (
        "progressive JPEG 9,000 x 9,000",
        "progressive.jpg",
        encoded(Image.new("RGB", (9000, 9000), (200, 30, 60)), "JPEG", progressive=True),
    )


def main():
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "conference.settings"}
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for label, name, data in files():
            path = Path(folder) / name
            path.write_bytes(data)
            child = subprocess.run(
                [sys.executable, "-c", CHILD, name, str(path)],
                cwd=ROOT,
                env=environment,
                capture_output=True,
                text=True,
                check=True,
            )
            rows.append((label, len(data), json.loads(child.stdout)))
    baseline = rows[0][2]["peak_kib"] or 1
    print(f"{'file':42} {'bytes':>10} {'peak MiB':>9} {'ratio':>6} {'ms':>7}  answer")
    for label, size, result in rows:
        print(
            f"{label:42} {size:>10,} {result['peak_kib'] / 1024:>9.1f} "
            f"{result['peak_kib'] / baseline:>6.2f} {result['seconds'] * 1000:>7.0f}  "
            f"{result['answer'][:150]}"
        )


if __name__ == "__main__":
    main()
