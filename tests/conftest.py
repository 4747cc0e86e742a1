import datetime as dt
import importlib
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import hypothesis
import pytest
import redis
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.urls import clear_url_caches

from program.machinery import clock
from program.machinery.data_version import postgresql_trigger_names
from tests.factories import local

# ../shared beside the repository, or wherever SHARED_DIR points.
SHARED = Path(
    os.environ.get("SHARED_DIR") or Path(__file__).resolve().parent.parent.parent / "shared"
)


# Property-based tests are bounded and deterministic: examples derive from a fixed seed (a
# failure replays identically), no example database, no timing limits on a shared machine.
hypothesis.settings.register_profile(
    "suite",
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
hypothesis.settings.load_profile("suite")


def require(condition, reason):
    """Skip a test that needs something outside Python; under CI=true, fail instead."""
    if condition:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: CI must not pass by skipping)")
    pytest.skip(reason)


@pytest.fixture
def shared_dir():
    require(SHARED.is_dir(), f"{SHARED} is absent: the shared contract files are needed")
    return SHARED


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Static URLs without hashes: the manifest of hashed names exists only after collectstatic.

    tests/pages/test_views.py checks the hashed names themselves, after running collectstatic.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def collected_static(settings, tmp_path):
    """collectstatic of the site's own static files into a temporary STATIC_ROOT, as
    production storage writes them (hashed names, .gz and .br copies). The apps' files
    (admin, API documentation) take a minute to compress with brotli and add nothing here."""
    settings.STATIC_ROOT = tmp_path
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return tmp_path


@pytest.fixture(autouse=True)
def data_version_moves_within_the_tests_transaction(request):
    """On PostgreSQL the data version moves when a write commits (deferred triggers,
    program/machinery/data_version.py). A test's own transaction never commits: within it,
    the triggers fire at each statement instead, as if each write had committed."""
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or "db" in request.fixturenames
    transactional = (marker and marker.kwargs.get("transaction")) or (
        "transactional_db" in request.fixturenames
    )
    if not uses_db or transactional:
        return
    request.getfixturevalue("db")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            names = ", ".join(postgresql_trigger_names(connection))
            cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")


@pytest.fixture(autouse=True)
def empty_caches():
    """Each test starts with empty caches: throttle counts and built feeds never leak."""
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a folder of the test's own, never the repository's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def media_urls(settings):
    """The URLs of `make serve` (debug on), which serve uploaded photos themselves."""
    import conference.urls

    settings.DEBUG = True
    importlib.reload(conference.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(conference.urls)
    clear_url_caches()


class RedisServer:
    """A private redis-server on a free port, which a test may stop and start again."""

    def __init__(self, binary, folder):
        self.binary, self.folder = binary, folder
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                *(self.binary, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def cache_keys(self):
        return sorted(key.decode() for key in redis.Redis(port=self.port).scan_iter())


@pytest.fixture
def redis_server(tmp_path):
    binary = shutil.which("redis-server")
    require(binary, "redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(binary, tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


def redis_caches(url, **options):
    """CACHES as production sets them with CACHE_URL, at ``url``."""
    return {
        alias: {
            "BACKEND": "conference.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": alias,
            "OPTIONS": options,
        }
        for alias in ("default", "editions")
    }


@pytest.fixture
def set_clock(monkeypatch):
    """Sets the site's clock (program.machinery.clock.now) to a moment in Bellevue:
    ``set_clock("2026-05-18", 9, 48, second=30)``."""

    def set_to(day, hour, minute=0, second=0):
        moment = local(day, hour, minute) + dt.timedelta(seconds=second)
        monkeypatch.setattr(clock, "now", lambda: moment.astimezone(dt.UTC))

    return set_to
