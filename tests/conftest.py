import importlib
import os
from pathlib import Path

import pytest
from django.core.cache import caches
from django.urls import clear_url_caches

# ../shared beside the repository, or wherever SHARED_DIR points.
SHARED = Path(
    os.environ.get("SHARED_DIR") or Path(__file__).resolve().parent.parent.parent / "shared"
)


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

    test_views.py checks the hashed names themselves, after running collectstatic.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


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
