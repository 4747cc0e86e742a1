"""The anonymous API throttle: requests per client and minute, counted once across workers.

DRF's AnonRateThrottle keeps a list of timestamps per client, read and then written back: two
workers answering the same client at once each write their own list and one request goes
uncounted, and it keys clients by whatever X-Forwarded-For says. Here each client has one
counter per window (a minute for ``120/minute``), incremented atomically in the shared cache
(Redis INCR), and the client is found by conference.proxies.counted_address. Windows are
fixed: a client may use its allowance at the end of one minute and again at the start of the
next. When the cache cannot count (Redis down, the cache folder full), requests are let
through.
"""

import time

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import BaseThrottle

from conference.proxies import counted_address

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate):
    """``"120/minute"`` (DRF's syntax: second, minute, hour or day) -> (120, 60)."""
    count, period = rate.split("/")
    return int(count), PERIODS[period[0]]


def client_identity(request):
    """The client's address; an IPv6 client by its /64, the block one host usually holds
    (conference.proxies.counted_address, which failed logins are counted by too)."""
    address = counted_address(request)
    return "unknown" if address is None else str(address)


def count_request(cache, key, timeout):
    """Adds one to the counter ``key`` and returns it, or None when the cache cannot count."""
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request, or the cache is failing
        cache.add(key, 0, timeout)
        try:
            return cache.incr(key)
        except ValueError:
            return None


class AnonymousRateThrottle(BaseThrottle):
    """``settings.API_ANONYMOUS_RATE`` requests per client and window (None: no limit)."""

    timer = time.time

    def allow_request(self, request, view):
        if settings.API_ANONYMOUS_RATE is None:
            return True
        limit, window = parse_rate(settings.API_ANONYMOUS_RATE)
        now = self.timer()
        window_start = int(now // window) * window
        key = f"throttle:anon:{client_identity(request)}:{window_start}"
        # Kept two windows, so a counter never expires while its window is current.
        count = count_request(caches["default"], key, timeout=2 * window)
        if count is None or count <= limit:
            return True
        self.wait_seconds = window_start + window - now
        return False

    def wait(self):
        return self.wait_seconds
