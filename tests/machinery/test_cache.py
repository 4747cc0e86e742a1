"""The shared cache can fail and cannot be abused (conference/cache.py,
program/machinery/responses.py)."""

import logging
import threading
import time

import pytest
from django.core.cache import caches
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

import conference.cache
from program.filters import TalkFilter
from program.machinery.responses import cached_or_built, normalised_query
from program.models import Talk
from tests.conftest import redis_caches
from tests.factories import (
    SpeakerFactory,
    TalkTypeFactory,
)

pytestmark = pytest.mark.django_db

PROGRAM = "/2026/program/"
CALENDAR = "/2026/program.ics"
SCHEDULE = "/2026/schedule.xml"
TALKS_API = "/api/v1/talks/"


def cached_responses(server):
    """The responses kept in Redis, each once (not its gzip and brotli copies)."""
    return [
        key
        for key in server.cache_keys()
        if key.startswith("editions:") and ":response:" in key and key.endswith(":identity")
    ]


# ---------------------------------------------------------------------------- Redis down


@pytest.mark.django_db
def test_healthz_says_when_the_cache_cannot_be_written(client, settings, redis_server):
    settings.CACHES = redis_caches(redis_server.url, RETRY_SECONDS=0.3)
    with_redis = client.get("/healthz")
    redis_server.stop()
    without_redis = client.get("/healthz")
    redis_server.start()
    time.sleep(0.4)  # the pause after a failure (RETRY_SECONDS) is over
    back = client.get("/healthz")

    assert (with_redis.status_code, with_redis.content) == (200, b"ok")
    assert (without_redis.status_code, without_redis.content) == (200, b"ok; cache unavailable")
    assert (back.status_code, back.content) == (200, b"ok")


def test_pages_feeds_and_api_answer_from_the_database_while_redis_is_down(
    client, two_days, settings, redis_server, caplog
):
    settings.CACHES = redis_caches(redis_server.url, RETRY_SECONDS=0.3)
    settings.API_ANONYMOUS_RATE = "2/minute"
    urls = [PROGRAM, CALENDAR, SCHEDULE]
    with_redis = {url: client.get(url) for url in urls}
    assert len(cached_responses(redis_server)) == 3

    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="conference.cache"):
        without_redis = [(url, client.get(url)) for url in urls * 3]
        api = [client.get(TALKS_API) for _ in range(4)]  # more than the 2 a minute allowed

    assert [(url, response.status_code) for url, response in without_redis] == [
        (url, 200) for url in urls * 3
    ]
    assert all(response.content == with_redis[url].content for url, response in without_redis)
    # The throttle cannot count without Redis: it lets requests through.
    assert [response.status_code for response in api] == [200] * 4
    assert [talk["title"] for talk in api[-1].json()["results"]] == [
        "KV caches at scale",
        "Serving models cheaply",
    ]
    (record,) = caplog.records  # one line, however many requests failed
    assert record.getMessage().startswith(
        "Redis cache unavailable, answering from the database without it (1 failed operation "
        "since the last report): Error 111 connecting to 127.0.0.1:"
    )
    assert record.exc_info is None

    redis_server.start()
    caplog.clear()
    time.sleep(0.4)  # the pause after a failure (RETRY_SECONDS) is over: cache again
    with caplog.at_level(logging.WARNING, logger="conference.cache"):
        client.get(PROGRAM)
        assert len(cached_responses(redis_server)) == 1
        with CaptureQueriesContext(connection) as from_cache:
            cached = client.get(PROGRAM)
    assert (cached.status_code, cached.content) == (200, with_redis[PROGRAM].content)
    assert len(from_cache) == 1  # the data version, and nothing was built
    assert caplog.records == []


def test_a_write_made_while_redis_was_unreachable_shows_at_once(
    client, two_days, settings, redis_server
):
    """A writer that cannot reach Redis still moves the data version (the database keeps
    it): readers that can reach Redis never answer the old version's pages after it."""
    settings.CACHES = redis_caches(redis_server.url, RETRY_SECONDS=0.3)
    client.get(PROGRAM)
    health = caches["editions"]._health

    health.resting_until = float("inf")  # this process sees Redis as down, others do not
    Talk.objects.filter(slug="kv-caches-at-scale").update(title="KV caches, revised")
    health.resting_until = 0.0
    right_after = client.get(PROGRAM)

    assert b"KV caches, revised" in right_after.content
    assert b"KV caches at scale" not in right_after.content


def test_a_flushed_or_restarted_redis_never_serves_an_old_version(
    client, two_days, settings, redis_server
):
    settings.CACHES = redis_caches(redis_server.url, RETRY_SECONDS=0.3)
    client.get(PROGRAM)
    redis_server.stop()
    Talk.objects.filter(slug="kv-caches-at-scale").update(title="KV caches, revised")
    redis_server.start()
    time.sleep(0.4)

    assert b"KV caches, revised" in client.get(PROGRAM).content


def test_unreachable_redis_is_reported_at_most_once_a_minute(settings, redis_server, caplog):
    settings.CACHES = redis_caches(redis_server.url, RETRY_SECONDS=0)
    redis_server.stop()
    clock = [1000.0]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(conference.cache.time, "monotonic", lambda: clock[0])
        with caplog.at_level(logging.WARNING, logger="conference.cache"):
            for _ in range(5):
                assert caches["editions"].get("response:x", "miss") == "miss"
            clock[0] += 59
            caches["editions"].set("response:x", "built")
            clock[0] += 1
            caches["default"].add("throttle", 0)
            with pytest.raises(ValueError, match="the cache is unavailable"):
                caches["default"].incr("throttle")

    assert [record.getMessage().split(": Error")[0] for record in caplog.records] == [
        "Redis cache unavailable, answering from the database without it "
        "(1 failed operation since the last report)",
        "Redis cache unavailable, answering from the database without it "
        "(6 failed operations since the last report)",
    ]


# ---------------------------------------------------------------------------- one build


def build_at_once(workers, build):
    """``workers`` threads asking for the same version at the same moment."""
    start, answers = threading.Barrier(workers), []

    def ask():
        start.wait()
        answers.append(cached_or_built(caches["editions"], "response:v1", build, 60))

    threads = [threading.Thread(target=ask) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def slow_build(builds):
    def build():
        builds.append("built")
        time.sleep(0.3)
        return "the page", {"response:v1": "the page"}

    return build


def test_readers_of_a_version_being_built_wait_for_it(settings, redis_server):
    settings.CACHES = redis_caches(redis_server.url)
    builds = []

    answers = build_at_once(4, slow_build(builds))

    assert (builds, answers) == (["built"], ["the page"] * 4)


def test_without_redis_every_reader_builds_at_once(settings, redis_server):
    settings.CACHES = redis_caches(redis_server.url)
    redis_server.stop()
    builds = []
    started = time.monotonic()

    answers = build_at_once(4, slow_build(builds))

    assert (builds, answers) == (["built"] * 4, ["the page"] * 4)
    assert time.monotonic() - started < 2  # nobody waited for another's build


# ---------------------------------------------------------------------------- cache keys


def test_unknown_parameters_share_one_cached_response(client, two_days, settings, redis_server):
    settings.CACHES = redis_caches(redis_server.url)

    responses, query_counts = [], []
    for n in range(60):
        with CaptureQueriesContext(connection) as queries:
            responses.append(client.get(f"{PROGRAM}?utm_source={n}&day=2026-05-18"))
        query_counts.append(len(queries))

    assert {response.status_code for response in responses} == {200}
    assert {response["ETag"] for response in responses} == {responses[0]["ETag"]}
    assert len(cached_responses(redis_server)) == 1
    # One build (10 queries with a day, the edition's days among them), then 59 answers from
    # the cache (the data version).
    assert query_counts == [11] + [1] * 59
    assert b"utm_source" not in responses[0].content  # links such as "Subscribe" drop it
    assert b"KV caches at scale" in responses[0].content
    assert b"Serving models cheaply" not in responses[0].content


@pytest.mark.parametrize("url", [CALENDAR, SCHEDULE, "/2026/speakers/"])
def test_feeds_and_lists_ignore_unknown_parameters_for_caching(
    client, two_days, settings, redis_server, url
):
    settings.CACHES = redis_caches(redis_server.url)
    plain = client.get(url)

    tagged = [client.get(f"{url}?ref=newsletter-{n}") for n in range(10)]

    assert [response.content for response in tagged] == [plain.content] * 10
    assert {response["ETag"] for response in tagged} == {plain["ETag"]}
    assert len(cached_responses(redis_server)) == 1


def test_equivalent_filters_share_one_cached_response(client, two_days, settings, redis_server):
    settings.CACHES = redis_caches(redis_server.url)
    SpeakerFactory(slug="ana-solo")
    spellings = [
        "?type=invited-talk&type=keynote",
        "?type=keynote&type=invited-talk&type=keynote",
        "?type=&type=keynote&room=&type=invited-talk&q=",
        "?q=&type=keynote&speaker=&type=invited-talk&day=",
    ]
    TalkTypeFactory(slug="keynote")

    responses = [client.get(f"{CALENDAR}{query}") for query in spellings]

    assert {response.status_code for response in responses} == {200}
    assert {response["ETag"] for response in responses} == {responses[0]["ETag"]}
    assert len(cached_responses(redis_server)) == 1


@pytest.mark.parametrize(
    ("query", "normal"),
    [
        ("", ""),
        ("utm_source=1&fbclid=x", ""),
        ("type=keynote&type=invited-talk&type=keynote", "type=invited-talk&type=keynote"),
        ("type=&type=keynote", "type=keynote"),
        ("q=++kv+++cache+&day=", "q=kv+cache"),
        ("q=+++", ""),
        ("day=2026-05-18&day=2026-05-19", "day=2026-05-19"),  # forms read the last value
        ("day=2026-05-18&day=", ""),
        ("talk=b&room=hall&talk=a&speaker=ana", "room=hall&speaker=ana&talk=a&talk=b"),
        ("room=+hall", "room=+hall"),  # a slug is not trimmed: it stays invalid, as in the API
    ],
)
def test_normalised_query_keeps_the_filters_in_one_spelling(query, normal):
    assert normalised_query(QueryDict(query), TalkFilter).urlencode() == normal


def test_normalised_query_without_filters_is_empty():
    assert normalised_query(QueryDict("type=keynote&utm_source=x"), None).urlencode() == ""
