"""The anonymous API throttle counts each client once, across workers, whatever it claims."""

import ipaddress
import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import connection
from rest_framework.throttling import AnonRateThrottle

from conference.proxies import client_address
from program.api.throttling import AnonymousRateThrottle
from tests.conftest import redis_caches
from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db

A_MINUTE_STARTS = 1_800_000_000.0  # a multiple of 60: the throttle's window begins


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """Every request of a test falls in the same window."""
    monkeypatch.setattr(AnonymousRateThrottle, "timer", staticmethod(lambda: A_MINUTE_STARTS + 5))


@pytest.fixture
def edition():
    return ConferenceFactory(slug="2026")


def statuses(client, count, **headers):
    return [client.get("/api/v1/conferences/", **headers).status_code for _ in range(count)]


# ---------------------------------------------------------------------------- the client


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "client"),
    [
        ([], "203.0.113.7", "", "203.0.113.7"),
        ([], "203.0.113.7", "198.51.100.1", "203.0.113.7"),  # nobody vouches for the header
        (["127.0.0.1"], "127.0.0.1", "198.51.100.1", "198.51.100.1"),
        (["127.0.0.1"], "127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # forged hop
        (["127.0.0.1"], "203.0.113.7", "198.51.100.1", "203.0.113.7"),  # not via the proxy
        (["127.0.0.0/8", "10.0.0.0/8"], "127.0.0.1", "6.6.6.6, 192.0.2.1, 10.1.2.3", "192.0.2.1"),
        (["127.0.0.1"], "127.0.0.1", "", "127.0.0.1"),
        (["127.0.0.1"], "127.0.0.1", "not-an-address", "127.0.0.1"),
        (["::1"], "::1", "2001:db8::5", "2001:db8::5"),
        ([], "::ffff:203.0.113.7", "", "203.0.113.7"),
    ],
)
def test_client_address_believes_forwarded_for_only_from_trusted_proxies(
    rf, settings, trusted, remote, forwarded, client
):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network(network) for network in trusted]
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == ipaddress.ip_address(client)


def test_forged_forwarded_for_does_not_dodge_the_throttle(client, edition, settings):
    settings.API_ANONYMOUS_RATE = "3/minute"

    forged = [
        client.get("/api/v1/conferences/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(5)
    ]

    assert forged == [200, 200, 200, 429, 429]


def test_behind_a_trusted_proxy_each_client_has_its_own_allowance(client, edition, settings):
    settings.API_ANONYMOUS_RATE = "2/minute"
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1")]

    first = statuses(client, 3, HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = statuses(client, 2, HTTP_X_FORWARDED_FOR="198.51.100.2")
    # Whatever the client puts before the proxy's entry, it is the same client.
    forged = statuses(client, 2, HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.2")

    assert (first, second, forged) == ([200, 200, 429], [200, 200], [429, 429])


def test_an_ipv6_client_is_counted_by_its_64_block(client, edition, settings):
    settings.API_ANONYMOUS_RATE = "2/minute"

    answers = [
        client.get("/api/v1/conferences/", REMOTE_ADDR=f"2001:db8:1:2::{n}").status_code
        for n in range(1, 4)
    ]
    other_block = client.get("/api/v1/conferences/", REMOTE_ADDR="2001:db8:1:3::1")

    assert (answers, other_block.status_code) == ([200, 200, 429], 200)


def test_the_window_ends_when_retry_after_says(client, edition, settings, monkeypatch):
    settings.API_ANONYMOUS_RATE = "1/minute"
    assert statuses(client, 1) == [200]

    refused = client.get("/api/v1/conferences/")
    monkeypatch.setattr(AnonymousRateThrottle, "timer", staticmethod(lambda: A_MINUTE_STARTS + 60))

    assert (refused.status_code, refused["Retry-After"]) == (429, "55")
    assert statuses(client, 2) == [200, 429]


# ---------------------------------------------------------------------------- two workers


def hammer(throttle_class, request, attempts, answers, start):
    """One worker: its own cache client (Django's caches are per thread), then ``attempts``."""
    start.wait()
    try:
        answers.extend(throttle_class().allow_request(request, view=None) for _ in range(attempts))
    finally:
        caches.close_all()
        connection.close()


def run_workers(throttle_class, request, workers=2, attempts=40):
    answers, start = [], threading.Barrier(workers)
    threads = [
        threading.Thread(target=hammer, args=(throttle_class, request, attempts, answers, start))
        for _ in range(workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_two_workers_count_one_client_once(rf, settings, redis_server):
    settings.CACHES = redis_caches(redis_server.url)
    settings.API_ANONYMOUS_RATE = "50/minute"
    request = rf.get("/api/v1/talks/", REMOTE_ADDR="198.51.100.1")

    answers = run_workers(AnonymousRateThrottle, request)

    assert (answers.count(True), answers.count(False)) == (50, 30)
    # One counter for the client and the minute.
    assert redis_server.cache_keys() == ["default:1:throttle:anon:198.51.100.1:1800000000"]


def test_drf_throttle_loses_counts_between_workers(rf, settings, redis_server, monkeypatch):
    """Why AnonymousRateThrottle exists: DRF's get-then-set lets more requests through."""
    settings.CACHES = redis_caches(redis_server.url)
    monkeypatch.setattr(AnonRateThrottle, "rate", "50/minute", raising=False)
    request = rf.get("/api/v1/talks/", REMOTE_ADDR="198.51.100.1")
    request.user = AnonymousUser()

    answers = run_workers(AnonRateThrottle, request)

    assert answers.count(True) > 50
