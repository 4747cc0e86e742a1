"""A strict Content-Security-Policy on every response (public pages, admin, API and its docs);
upload limits before the body is read; a refused permission logged in one line.

No template carries inline script, style or event handler (Django's admin templates have
none, as tests/pages/test_browser.py checks; the API docs' settings script is a file, ``?script``),
so the browser may refuse all of them: an injected ``<script>`` could not run even if
escaping ever failed. Images come from the site itself, or also from the bucket that serves
speaker photos when one is configured (``MEDIA_ORIGIN``).

With it go ``Permissions-Policy``, refusing every powerful feature the site never uses (an
injected script could not ask for the camera either; the agenda's copy button needs only
clipboard writing, left alone), and ``Cross-Origin-Resource-Policy: same-site``: another
site cannot embed our files (an image, a script) with a no-cors load. The API, the feeds
and the calendars stay readable by other sites' scripts: those are CORS requests, which
this header does not apply to (Fetch's CORP check covers no-cors loads only).
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import get_exception_response
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.urls import get_resolver, get_urlconf

security_logger = logging.getLogger("django.security.PermissionDenied")


def content_security_policy(frame_ancestors="'none'"):
    """The policy; ``frame_ancestors`` is who may frame the page: nobody, except an
    edition's embeds (pages/embeds.py), which name the origins its organisers list."""
    images = " ".join(filter(None, ["'self'", "data:", settings.MEDIA_ORIGIN]))
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {images}",
            "object-src 'none'",
            f"frame-ancestors {frame_ancestors}",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


# Features no page, admin page or the API docs use; "()" allows them to no origin at all.
DENIED_FEATURES = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "sync-xhr",
    "usb",
    "xr-spatial-tracking",
]
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)


class ContentSecurityPolicyMiddleware:
    """The policy headers above, on every response (static files too: whitenoise answers
    below this middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-site")
        return response


def upload_limit(max_bytes):
    """Marks a view whose requests carry at most ``max_bytes`` (the whole form, files
    included): UploadLimitMiddleware refuses a larger one before reading it."""

    def mark(view):
        view.max_request_bytes = max_bytes
        return view

    return mark


class UploadLimitMiddleware:
    """413 for a request larger than its view takes (``upload_limit``), by its declared
    Content-Length, before a byte of the body is read.

    Placed before CsrfViewMiddleware, whose check reads the whole form, files included:
    Django has no limit of its own on an upload's size (DATA_UPLOAD_MAX_MEMORY_SIZE
    leaves files out), so a 50 MB upload was read to the end before the form refused it.
    A request without a Content-Length gets no body at all from Django.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = getattr(view_func, "max_request_bytes", None)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body then
        if limit is None or length <= limit:
            return None
        message = (
            f"The upload is {filesizeformat(length)}; the limit is {filesizeformat(limit)}. "
            "Nothing was read or changed: go back and choose a smaller file.\n"
        )
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


class PermissionDeniedMiddleware:
    """A view's PermissionDenied (staff opening an admin page their permissions do not
    open) answered with the 403 page and one warning line on ``django.security``: Django
    would log it on ``django.request`` with the whole traceback, which is no fault to trace."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PermissionDenied):
            return None
        response = get_exception_response(request, get_resolver(get_urlconf()), 403, exception)
        return logged_refusal(request, response)


def logged_refusal(request, response):
    """``response`` (a 403) after one warning line on ``django.security``, and marked
    logged: Django logs every response of status 400 or more once, unless already logged."""
    security_logger.warning(
        "Forbidden (permission denied): %s",
        request.path,
        extra={"status_code": response.status_code, "request": request},
    )
    response._has_been_logged = True
    return response
