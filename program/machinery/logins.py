"""Password checks that a flood of failed logins cannot turn against the public site.

Checking a password is deliberately slow (PBKDF2: tens of milliseconds of CPU), so guessers
posting to the login page could take every core from the pages attendees read. Each
process checks at most ``PASSWORD_CHECKS`` passwords at once; a login that finds them all
busy for ``WAIT_SECONDS`` is answered 503 with Retry-After, without checking anything.
django-axes (settings.AUTHENTICATION_BACKENDS) refuses locked-out logins before this runs.
"""

import threading

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.template.response import TemplateResponse

PASSWORD_CHECKS = 1
WAIT_SECONDS = 1
RETRY_AFTER_SECONDS = 5

_password_checks = threading.BoundedSemaphore(PASSWORD_CHECKS)


class LoginsBusy(Exception):
    """Every password check of this process is taken."""


class BoundedModelBackend(ModelBackend):
    """Django's ModelBackend, checking at most ``PASSWORD_CHECKS`` passwords at once."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not _password_checks.acquire(timeout=WAIT_SECONDS):
            raise LoginsBusy
        try:
            return super().authenticate(request, username, password, **kwargs)
        finally:
            _password_checks.release()


class LoginsBusyMiddleware:
    """Answers 503 with Retry-After to a login that found the password checks busy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, LoginsBusy):
            return None
        response = TemplateResponse(
            request,
            "admin/logins_busy.html",
            {"title": "Too many logins at once", "retry_after": RETRY_AFTER_SECONDS},
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response.render()


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a login refused after too many failures: 429, and how long."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    response = TemplateResponse(
        request,
        "admin/locked_out.html",
        {
            "title": "Login refused",
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "minutes": seconds // 60,
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response.render()
