"""Answers behind a secret in their URL (a speaker's private link): never shared, never
indexed, never leaking the URL onward, and not to be found by guessing.

``private(view)`` wraps such a view. Its every answer is ``Cache-Control: no-store,
private`` (no shared cache, proxy or browser keeps it; the response cache,
``responses.cached``, is never put in front of it), ``Referrer-Policy: strict-origin`` (a
link or form on the page sends at most the site's origin, never the page's path, which holds
the secret) and ``X-Robots-Tag: noindex``. Not ``no-referrer``: with it a browser sends
``Origin: null`` on the page's own form, which Django's CSRF check rightly refuses.

Guessing is counted as the admin login counts it (machinery/logins.py): a view raising
``Refused`` (404: no such secret; 410: one that no longer works) is answered with one
generic page that tells nothing of whose secret it was, and the failure is recorded in
django-axes' own table (``AccessAttempt``, user name ``GUESS_NAME``: the organisers see
them in the admin beside failed logins, and ``axes_reset`` clears them). An address with
``ADDRESS_FAILURE_LIMIT`` failures within ``AXES_COOLOFF_TIME``, failed logins and failed
secrets together, is answered 429 with Retry-After before the view runs: nothing is looked
up. The failure is written directly rather than through axes' login signal, which would
store the URL (the secret) as the attempt's path and apply its per-user-name lockout.
"""

import functools

from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.response import TemplateResponse
from django.utils import timezone

from conference.proxies import client_ip
from program.machinery.logins import ADDRESS_FAILURE_LIMIT, address_failures
from program.machinery.secret_logs import SECRET_IN_PATH, is_private

# The AccessAttempt.username of failed secrets: brackets, which no user name holds.
GUESS_NAME = "[private link]"
PRIVATE_HEADERS = {
    "Cache-Control": "no-store, private",
    "Referrer-Policy": "strict-origin",
    "X-Robots-Tag": "noindex",
}


class Refused(Exception):
    """The view's secret does not open anything: answered ``status`` (404 or 410)."""

    status = 404


def private(view):
    """``view`` with the headers, the count of failures and the 429 above."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if address_failures(request) >= ADDRESS_FAILURE_LIMIT:
            response = refusal(request, 429)
            response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
        else:
            try:
                response = view(request, *args, **kwargs)
            except Refused as refused:
                record_failure(request)
                response = refusal(request, refused.status)
        for name, value in PRIVATE_HEADERS.items():
            response[name] = value
        return response

    wrapped.private = True
    return wrapped


class PrivateAnswersMiddleware:
    """The private headers also on what middleware answers for a private view before it
    runs: the CSRF check's 403, the upload limit's 413 (they bypass ``private``), and on
    CommonMiddleware's redirect of a link without its last slash (which resolves to no
    view; a 301 is kept by caches). Listed above all three in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_private(request) or SECRET_IN_PATH.search(request.path):
            for name, value in PRIVATE_HEADERS.items():
                response[name] = value
        return response


def refusal(request, status):
    """The generic page of a refused secret: 404, 410 or 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds()) // 60
    return TemplateResponse(
        request, "private_refused.html", {"status": status, "minutes": minutes}, status=status
    ).render()


def record_failure(request):
    """One more failure of the request's address (and user agent), as django-axes counts
    failed logins: the count starts again once AXES_COOLOFF_TIME passed since the last."""
    now = timezone.now()
    key = {
        "username": GUESS_NAME,
        "ip_address": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:255],
    }
    with transaction.atomic():
        AccessAttempt.objects.filter(
            **key, attempt_time__lt=now - settings.AXES_COOLOFF_TIME
        ).delete()
        attempt, created = AccessAttempt.objects.select_for_update().get_or_create(
            **key,
            defaults={
                "get_data": "",
                "post_data": "",
                "http_accept": request.META.get("HTTP_ACCEPT", "")[:1025],
                # The route, not the path: the path holds the secret.
                "path_info": getattr(request.resolver_match, "route", "")[:255],
                "failures_since_start": 1,
            },
        )
        if not created:
            AccessAttempt.objects.filter(pk=attempt.pk).update(
                failures_since_start=F("failures_since_start") + 1, attempt_time=now
            )
