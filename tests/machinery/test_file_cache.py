"""A failing cache folder (DJANGO_CACHE_DIR full, read-only or gone) is a miss, never an error
page (conference/cache.py, docs/operators/cache.md)."""

import logging
import shutil
import time

import pytest
from django.core.cache import caches

from program.models import Talk

pytestmark = pytest.mark.django_db

PROGRAM = "/2026/program/"
CALENDAR = "/2026/program.ics"
TALKS_API = "/api/v1/talks/"


def file_caches(folder, **options):
    """CACHES as production sets them with DJANGO_CACHE_DIR=``folder``."""
    return {
        alias: {
            "BACKEND": "conference.cache.ResilientFileBasedCache",
            "LOCATION": str(folder / alias),
            "OPTIONS": {"MAX_ENTRIES": 3000, **options},
        }
        for alias in ("default", "editions")
    }


def break_folder(folder):
    """Replaces the cache folder by a file: every read and write in it fails with an OSError
    (NotADirectoryError), as on a full or read-only disk, even for root (whom a chmod would
    not stop)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.write_text("not a folder")


def mend_folder(folder):
    folder.unlink()


def test_pages_feeds_and_api_answer_from_the_database_while_the_cache_folder_fails(
    client, two_days, settings, tmp_path, caplog
):
    folder = tmp_path / "cache"
    settings.CACHES = file_caches(folder, RETRY_SECONDS=0.3)
    settings.API_ANONYMOUS_RATE = "2/minute"
    urls = [PROGRAM, CALENDAR]
    with_cache = {url: client.get(url) for url in urls}
    assert [path.name for path in folder.iterdir()] == ["editions"]  # the pages were kept

    break_folder(folder)
    with caplog.at_level(logging.WARNING, logger="conference.cache"):
        without_cache = [(url, client.get(url)) for url in urls * 3]
        api = [client.get(TALKS_API) for _ in range(4)]  # more than the 2 a minute allowed
        # A write moves the data version: its pages were never kept, and are built.
        Talk.objects.filter(slug="kv-caches-at-scale").update(title="KV caches, revised")
        after_write = client.get(PROGRAM)
        health = client.get("/healthz")

    assert [(url, response.status_code) for url, response in without_cache] == [
        (url, 200) for url in urls * 3
    ]
    assert all(response.content == with_cache[url].content for url, response in without_cache)
    # The throttle cannot count without its cache: it lets requests through.
    assert [response.status_code for response in api] == [200] * 4
    assert [talk["title"] for talk in api[-1].json()["results"]] == [
        "KV caches at scale",
        "Serving models cheaply",
    ]
    assert after_write.status_code == 200
    assert b"KV caches, revised" in after_write.content
    assert b"KV caches at scale" not in after_write.content
    assert (health.status_code, health.content) == (200, b"ok; cache unavailable")
    (record,) = caplog.records  # one line, however many operations failed
    assert record.getMessage().startswith(
        "File cache unavailable, answering from the database without it (1 failed operation "
        f"since the last report): [Errno 20] Not a directory: '{folder / 'editions'}/"
    )
    assert record.exc_info is None


def test_healthz_says_when_the_cache_folder_cannot_be_written(client, settings, tmp_path):
    folder = tmp_path / "cache"
    settings.CACHES = file_caches(folder, RETRY_SECONDS=0.3)
    with_cache = client.get("/healthz")
    break_folder(folder)
    without_cache = client.get("/healthz")
    mend_folder(folder)
    time.sleep(0.4)  # the pause after a failure (RETRY_SECONDS) is over
    back = client.get("/healthz")

    assert (with_cache.status_code, with_cache.content) == (200, b"ok")
    assert (without_cache.status_code, without_cache.content) == (200, b"ok; cache unavailable")
    assert (back.status_code, back.content) == (200, b"ok")


def test_every_operation_on_a_failing_cache_folder_is_a_miss(settings, tmp_path, caplog):
    folder = tmp_path / "cache"
    settings.CACHES = file_caches(folder, RETRY_SECONDS=0)
    cache = caches["default"]
    cache.set("kept", 1)
    break_folder(folder)

    with caplog.at_level(logging.WARNING, logger="conference.cache"):
        answers = [
            cache.get("kept", "miss"),
            cache.get_many(["kept"]),
            cache.has_key("kept"),
            cache.add("new", 1),
            cache.set("new", 1),
            cache.set_many({"a": 1, "b": 2}),
            cache.touch("kept"),
            cache.delete("kept"),
            cache.delete_many(["kept"]),
        ]
        with pytest.raises(ValueError, match="not found"):
            cache.incr("kept")

    # set_many answers the keys it could not keep.
    assert answers == ["miss", {}, False, False, None, ["a", "b"], False, False, None]
    assert len(caplog.records) == 1  # at most one line a minute
