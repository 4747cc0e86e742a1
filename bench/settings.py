"""Production settings for the app servers that the benchmarks and the coherence test start.

Static names stay plain (collectstatic, which compresses every file with brotli, takes a
minute), and STATIC_ROOT is BENCH_STATIC_ROOT when given: the folder of files that
bench/bench_http.py compares responses with, served by whitenoise like any static file.
"""

import os
from pathlib import Path

from conference.settings import *  # noqa: F403
from conference.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
