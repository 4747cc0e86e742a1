"""Password checks that a flood of failed logins cannot turn against the public site.

Checking a password is deliberately slow (PBKDF2: tens of milliseconds of CPU), so guessers
posting to the login page could take every core from the pages attendees read. Each
process checks at most ``PASSWORD_CHECKS`` passwords at once; a login that finds them all
busy for ``WAIT_SECONDS`` is answered 503 with Retry-After, without checking anything.

django-axes (settings.AUTHENTICATION_BACKENDS) refuses a user name from an address after
5 failures for it there, before this runs. An address that fails
``ADDRESS_FAILURE_LIMIT`` times whatever the names (guessing many names: password
spraying) is refused here, still before any password is checked.
"""

import threading

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import Sum
from django.template.response import TemplateResponse
from django.utils import timezone

from conference.proxies import client_ip

PASSWORD_CHECKS = 1
WAIT_SECONDS = 1
RETRY_AFTER_SECONDS = 5

# Failed logins from one address (an IPv6 /64) within AXES_COOLOFF_TIME, whatever the user
# names, after which it is refused: four times the limit for one name, so that colleagues
# behind one router (a venue's Wi-Fi) are not kept out by a few typos among them.
ADDRESS_FAILURE_LIMIT = 20

_password_checks = threading.BoundedSemaphore(PASSWORD_CHECKS)


class LoginsBusy(Exception):
    """Every password check of this process is taken."""


class AddressLockedOut(Exception):
    """The client's address failed ADDRESS_FAILURE_LIMIT times within the cool-off."""


def address_failures(request):
    """Failed logins from the request's address (as django-axes counts it) in the last
    AXES_COOLOFF_TIME, over every user name, from django-axes' own records."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(ip_address=client_ip(request), attempt_time__gte=since)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class BoundedModelBackend(ModelBackend):
    """Django's ModelBackend, checking at most ``PASSWORD_CHECKS`` passwords at once, and
    none from an address that failed ADDRESS_FAILURE_LIMIT times."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None and address_failures(request) >= ADDRESS_FAILURE_LIMIT:
            raise AddressLockedOut
        if not _password_checks.acquire(timeout=WAIT_SECONDS):
            raise LoginsBusy
        try:
            return super().authenticate(request, username, password, **kwargs)
        finally:
            _password_checks.release()


class LoginsBusyMiddleware:
    """Answers 503 with Retry-After to a login that found the password checks busy, and
    429 to one from an address locked out (AddressLockedOut)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, AddressLockedOut):
            return locked_out(request, address=True)
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


def locked_out(request, original_response=None, credentials=None, *, address=False):
    """django-axes' answer to a login refused after too many failures for its user name
    from its address, or (``address``) from its address whatever the names: 429, and how
    long."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    response = TemplateResponse(
        request,
        "admin/locked_out.html",
        {
            "title": "Login refused",
            "address": address,
            "failure_limit": ADDRESS_FAILURE_LIMIT if address else settings.AXES_FAILURE_LIMIT,
            "minutes": seconds // 60,
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response.render()
