"""A strict Content-Security-Policy for the public pages.

The public templates carry no inline script, style or event handler, so the browser may
refuse all of them: an injected ``<script>`` could not run even if escaping ever failed.
The admin and the interactive API documentation come from third-party templates and keep
their own rules. Images come from the site itself, or also from the bucket that serves
speaker photos when one is configured (``MEDIA_ORIGIN``).
"""

from django.conf import settings


def content_security_policy():
    images = " ".join(filter(None, ["'self'", "data:", settings.MEDIA_ORIGIN]))
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {images}",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


EXEMPT_PREFIXES = ("/admin/", "/api/")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(EXEMPT_PREFIXES):
            response.headers.setdefault("Content-Security-Policy", content_security_policy())
        return response
