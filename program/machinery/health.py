"""``/healthz``, answered before anything else reads the request.

A load balancer checks each app server at its own address (``http://127.0.0.1:8000/healthz``),
a Host that ``DJANGO_ALLOWED_HOSTS`` does not name, over plain HTTP. So the check is the first
middleware: it answers before CommonMiddleware validates the Host (400 and a ``DisallowedHost``
traceback in the log on every probe) and before the HTTPS redirect, and never reads the Host.
"""

import secrets

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse

from program.machinery.http import read_only

PATH = "/healthz"
CACHE_KEY = "healthz"


def cache_writable():
    """Whether a value written to the default cache reads back (a failing Redis or cache
    folder answers a failed write as a miss instead of raising: conference/cache.py)."""
    token = secrets.token_hex(8)
    cache.set(CACHE_KEY, token, timeout=60)
    return cache.get(CACHE_KEY) == token


def healthz(request):
    """200 ``ok`` when the database answers a query, 503 ``database unavailable`` otherwise.

    The site answers without its cache (only slower), so a cache that cannot be written
    keeps the 200 and adds ``; cache unavailable`` to the body.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    body = "ok" if cache_writable() else "ok; cache unavailable"
    return HttpResponse(body, content_type="text/plain")


class HealthCheckMiddleware:
    """Answers ``/healthz`` itself, whatever the Host header (GET and HEAD; 405 otherwise)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.answer = read_only(healthz)

    def __call__(self, request):
        if request.path_info == PATH:
            return self.answer(request)
        return self.get_response(request)
