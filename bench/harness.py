"""Shared set-up for the benchmark scripts (never run as tests).

Each script builds its data in a throwaway SQLite database (or the one DATABASE_URL names),
then times requests in-process through Django's WSGI handler, as gunicorn calls it: "server
time" is the time from request to finished response body, middleware, queries and rendering
included, without the network. (Django's test client is not used for timing: it copies
every template context for its assertions, which costs a large page tens of milliseconds.)
Every figure is printed with its ratio to a baseline measured in the same run.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django():
    """Configure Django against a fresh benchmark database and migrate it."""
    sys.path.insert(0, str(ROOT))
    if "DATABASE_URL" not in os.environ:
        folder = tempfile.mkdtemp(prefix="bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault(
        "DJANGO_SECRET_KEY", "benchmark-only-key-not-secret-it-signs-nothing-real-0123456789"
    )
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "conference.settings"
    # Static files are served from the app folders here; STATIC_ROOT need not exist.
    warnings.filterwarnings("ignore", "No directory at")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def arguments(description, repeat=30):
    """--talks (default 2,000) and --repeat, the options every benchmark takes."""
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--talks", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=repeat)
    return parser.parse_args()


def generated_edition(slug, talks, rooms=6):
    """A synthetic edition of ``talks`` talks in ``rooms`` rooms (generate_program, seed 1,
    five days), ready to measure."""
    from django.core.management import call_command
    from django.db import connection

    from program.models import Conference

    call_command("generate_program", conference=slug, talks=talks, rooms=rooms, seed=1, verbosity=0)
    add_photos_and_resources(slug)
    if connection.vendor == "postgresql":
        # Fresh bulk-loaded tables have no statistics yet (autovacuum would gather them).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Conference.objects.get(slug=slug)


def add_photos_and_resources(slug):
    """Every other speaker of the edition gets a photo (its stored name and size: pages only
    print URLs), every third talk slides and every fifth a video, as after a real edition."""
    from program.models import Resource, Speaker, Talk

    speakers = list(Speaker.objects.filter(talks__conference__slug=slug).distinct().order_by("pk"))
    for number, speaker in enumerate(speakers[::2]):
        speaker.photo = f"speakers/{number:032x}-640.jpg"
        speaker.photo_width, speaker.photo_height = 640, 800
    Speaker.objects.bulk_update(speakers[::2], ["photo", "photo_width", "photo_height"])
    talks = list(
        Talk.objects.filter(conference__slug=slug).order_by("pk").values_list("pk", "slug")
    )
    Resource.objects.bulk_create(
        [
            Resource(talk_id=pk, kind=kind, url=f"https://{kind}.example.org/{talk_slug}")
            for index, (pk, talk_slug) in enumerate(talks)
            for kind, every in (("slides", 3), ("video", 5))
            if index % every == 0
        ]
    )


@dataclass
class Measurement:
    name: str
    status: int
    queries: int
    size: int
    times_ms: list

    @property
    def median_ms(self):
        return statistics.median(self.times_ms)

    @property
    def p95_ms(self):
        ordered = sorted(self.times_ms)
        return ordered[max(0, round(0.95 * len(ordered)) - 1)]


@dataclass
class Response:
    status_code: int
    headers: dict
    content: bytes

    def __getitem__(self, header):
        return self.headers[header.lower()]


class WsgiClient:
    """GET requests straight through the WSGI handler; ``headers`` are WSGI environ keys."""

    def __init__(self):
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()

    def get(self, url, **headers):
        from django.test import RequestFactory

        path, _, query = url.partition("?")
        environ = RequestFactory()._base_environ(PATH_INFO=path, QUERY_STRING=query, **headers)
        started = {}

        def start_response(status, response_headers):
            started["status"] = int(status.split()[0])
            started["headers"] = {name.lower(): value for name, value in response_headers}

        content = b"".join(self.handler(environ, start_response))
        return Response(started["status"], started["headers"], content)


def measure(client, name, url, *, repeat=30, warmup=3, before_each=None, **headers):
    """Time ``repeat`` GETs of ``url`` after ``warmup`` untimed ones; count queries once.

    ``before_each`` (untimed) runs before every request, e.g. to empty a cache.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    prepare = before_each or (lambda: None)
    for _ in range(warmup):
        prepare()
        client.get(url, **headers)
    prepare()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    # Counted now: the next request clears the connection's query log the count reads.
    query_count = len(queries)
    times = []
    for _ in range(repeat):
        prepare()
        began = time.perf_counter()
        client.get(url, **headers)
        times.append((time.perf_counter() - began) * 1000)
    return Measurement(name, response.status_code, query_count, len(response.content), times)


def report(title, measurements, baseline):
    """Print one row per measurement with its ratio to the baseline's median."""
    print(f"\n{title}")
    header = f"{'request':<44} {'status':>6} {'median ms':>10} {'p95 ms':>8} "
    header += f"{'req/s':>8} {'queries':>8} {'KiB':>8} {'x baseline':>11}"
    print(header)
    print("-" * len(header))
    for item in [baseline, *measurements]:
        print(
            f"{item.name:<44} {item.status:>6} {item.median_ms:>10.2f} {item.p95_ms:>8.2f} "
            f"{1000 / item.median_ms:>8.0f} {item.queries:>8} {item.size / 1024:>8.1f} "
            f"{item.median_ms / baseline.median_ms:>11.1f}"
        )
