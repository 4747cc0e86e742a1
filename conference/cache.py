"""A Redis cache the site survives losing (docs/operators/cache.md: the cache can fail).

Everything kept in the cache can be rebuilt from the database: built pages and feeds, and the
API throttle's counts. So when Redis is unreachable, slow or full, every operation behaves as
a miss instead of raising: reads give the default, writes store nothing, ``incr()`` raises
ValueError as for a missing key (the throttle then lets the request through). Requests are
answered from the database, a little slower, and nothing else changes.

A dead server must not stall requests either: connections give up quickly (short socket
timeouts, no retries), and after a failure the process leaves that server alone for
``RETRY_SECONDS`` (2 by default; an ``OPTIONS`` key), so it costs one timeout per pause, not
one per request. Failures are logged at most once a minute per process, without a traceback,
with the number of failed operations since the previous line.
"""

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger(__name__)

LOG_INTERVAL_SECONDS = 60
DEFAULT_RETRY_SECONDS = 2
# Redis answers in well under a millisecond on a LAN; a built page of a large edition is a
# few megabytes. Connection options are overridable in OPTIONS.
FAIL_FAST = {"socket_connect_timeout": 0.5, "socket_timeout": 2, "retry": Retry(NoBackoff(), 0)}


class _ServerHealth:
    """What one process knows about one Redis server, shared by its threads' clients."""

    def __init__(self):
        self.lock = threading.Lock()
        self.resting_until = 0.0  # time.monotonic() before which the server is left alone
        self.logged_at = None
        self.unlogged_failures = 0

    def failed(self, error, retry_seconds):
        now = time.monotonic()
        with self.lock:
            self.resting_until = now + retry_seconds
            self.unlogged_failures += 1
            if self.logged_at is not None and now - self.logged_at < LOG_INTERVAL_SECONDS:
                return
            failures, self.unlogged_failures, self.logged_at = self.unlogged_failures, 0, now
        logger.warning(
            "Redis cache unavailable, answering from the database without it (%s failed "
            "operation%s since the last report): %s",
            failures,
            "" if failures == 1 else "s",
            error,
        )

    def resting(self):
        return time.monotonic() < self.resting_until


_health = {}
_health_lock = threading.Lock()


def _server_health(servers):
    with _health_lock:
        return _health.setdefault(tuple(servers), _ServerHealth())


def _or_miss(miss):
    """Run a cache operation; when Redis fails, log it and return ``miss(*args, **kwargs)``."""

    def decorate(operation):
        @functools.wraps(operation)
        def guarded(self, *args, **kwargs):
            if self._health.resting():
                return miss(*args, **kwargs)
            try:
                return operation(self, *args, **kwargs)
            except RedisError as error:
                self._health.failed(error, self._retry_seconds)
                return miss(*args, **kwargs)

        return guarded

    return decorate


def _key_not_found(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found: the cache is unavailable.")


class ResilientRedisCache(RedisCache):
    """Django's RedisCache where a failing Redis is a cache miss (see the module docstring)."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self._retry_seconds = options.pop("RETRY_SECONDS", DEFAULT_RETRY_SECONDS)
        super().__init__(server, {**params, "OPTIONS": {**FAIL_FAST, **options}})
        self._health = _server_health(self._servers)

    get = _or_miss(lambda key, default=None, version=None: default)(RedisCache.get)
    get_many = _or_miss(lambda keys, version=None: {})(RedisCache.get_many)
    has_key = _or_miss(lambda key, version=None: False)(RedisCache.has_key)
    add = _or_miss(lambda *args, **kwargs: False)(RedisCache.add)
    set = _or_miss(lambda *args, **kwargs: None)(RedisCache.set)
    set_many = _or_miss(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    touch = _or_miss(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = _or_miss(lambda *args, **kwargs: False)(RedisCache.delete)
    delete_many = _or_miss(lambda *args, **kwargs: None)(RedisCache.delete_many)
    incr = _or_miss(_key_not_found)(RedisCache.incr)
    clear = _or_miss(lambda: False)(RedisCache.clear)
