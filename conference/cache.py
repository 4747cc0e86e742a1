"""Cache backends the site survives losing (docs/operators/cache.md: the cache can fail).

Everything kept in the cache can be rebuilt from the database: built pages and feeds, and the
API throttle's counts. So when the store fails (Redis unreachable, slow or full; the cache
folder full, read-only or gone), every operation behaves as a miss instead of raising:
reads give the default, writes store nothing, ``incr()`` raises ValueError as for a missing
key (the throttle then lets the request through). Requests are answered from the database,
a little slower, and nothing else changes.

A dead store must not stall requests either: Redis connections give up quickly (short
socket timeouts, no retries), and after a failure the process leaves that store alone for
``RETRY_SECONDS`` (2 by default; an ``OPTIONS`` key), so it costs one failure per pause, not
one per request. Failures are logged at most once a minute per process and store, without a
traceback, with the number of failed operations since the previous line.
"""

import logging
import os
import threading
import time

from django.core.cache.backends.filebased import FileBasedCache
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


class _StoreHealth:
    """What one process knows about one store (a Redis server, a cache folder), shared by
    every alias and thread using it."""

    def __init__(self, name):
        self.name = name  # "Redis cache", "File cache": how the log line names the store
        self.lock = threading.Lock()
        self.resting_until = 0.0  # time.monotonic() before which the store is left alone
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
            "%s unavailable, answering from the database without it (%s failed "
            "operation%s since the last report): %s",
            self.name,
            failures,
            "" if failures == 1 else "s",
            error,
        )

    def resting(self):
        return time.monotonic() < self.resting_until


_health = {}
_health_lock = threading.Lock()


def _store_health(name, store):
    with _health_lock:
        return _health.setdefault((name, store), _StoreHealth(name))


_running = threading.local()  # whether this thread is inside a guarded operation


def _or_miss(name, miss):
    """The backend's operation ``name``; when the store fails, log it and return
    ``miss(*args, **kwargs)``."""

    def guarded(self, *args, **kwargs):
        operation = getattr(super(ResilientCache, self), name)
        if getattr(_running, "operation", False):
            # Called by another operation (FileBasedCache.add calls set): that one answers
            # for both, so an add whose set failed says False, not True.
            return operation(*args, **kwargs)
        if self._health.resting():
            return miss(*args, **kwargs)
        _running.operation = True
        try:
            return operation(*args, **kwargs)
        except self.store_errors as error:
            self._health.failed(error, self._retry_seconds)
            return miss(*args, **kwargs)
        finally:
            _running.operation = False

    guarded.__name__ = name
    return guarded


def _key_not_found(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found: the cache is unavailable.")


class ResilientCache:
    """Mixin for a Django cache backend: a failing store is a miss (the module docstring).

    A subclass names ``store_errors`` (the exceptions of a failing store) and ``store_name``,
    and calls ``watch(store, params)`` in ``__init__`` with what identifies its store.
    """

    store_errors = ()
    store_name = ""

    @staticmethod
    def without_retry_option(params):
        """``params`` without OPTIONS' RETRY_SECONDS, and that value (or the default)."""
        options = dict(params.get("OPTIONS") or {})
        retry_seconds = options.pop("RETRY_SECONDS", DEFAULT_RETRY_SECONDS)
        return {**params, "OPTIONS": options}, retry_seconds

    def watch(self, store, retry_seconds):
        self._retry_seconds = retry_seconds
        self._health = _store_health(self.store_name, store)

    get = _or_miss("get", lambda key, default=None, version=None: default)
    get_many = _or_miss("get_many", lambda keys, version=None: {})
    has_key = _or_miss("has_key", lambda key, version=None: False)
    add = _or_miss("add", lambda *args, **kwargs: False)
    set = _or_miss("set", lambda *args, **kwargs: None)
    set_many = _or_miss("set_many", lambda data, *args, **kwargs: list(data))
    touch = _or_miss("touch", lambda *args, **kwargs: False)
    delete = _or_miss("delete", lambda *args, **kwargs: False)
    delete_many = _or_miss("delete_many", lambda *args, **kwargs: None)
    incr = _or_miss("incr", _key_not_found)
    clear = _or_miss("clear", lambda: False)


class ResilientRedisCache(ResilientCache, RedisCache):
    """Django's RedisCache where a failing Redis is a cache miss (see the module docstring)."""

    store_errors = (RedisError,)
    store_name = "Redis cache"

    def __init__(self, server, params):
        params, retry_seconds = self.without_retry_option(params)
        super().__init__(server, {**params, "OPTIONS": {**FAIL_FAST, **params["OPTIONS"]}})
        self.watch(tuple(self._servers), retry_seconds)


class ResilientFileBasedCache(ResilientCache, FileBasedCache):
    """Django's FileBasedCache where a failing folder (full, read-only, unwritable, gone) is
    a cache miss (see the module docstring).

    The store is the folder holding the aliases' folders (DJANGO_CACHE_DIR): they share one
    disk, so a full disk is one log line a minute, not one per alias.
    """

    store_errors = (OSError,)
    store_name = "File cache"

    def __init__(self, directory, params):
        params, retry_seconds = self.without_retry_option(params)
        self.watch(os.path.dirname(os.path.abspath(directory)), retry_seconds)
        try:
            super().__init__(directory, params)  # makes the folder, which may fail too
        except OSError as error:
            self._health.failed(error, self._retry_seconds)
