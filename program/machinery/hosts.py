"""One spelling of each host name (docs/operators/security.md: "One spelling of the site's
address").

Django checks the Host header against ALLOWED_HOSTS ignoring letter case, a trailing dot
and the port, but hands it on as sent; the shared cache keys a response by its absolute
URL, which the pages also write into og:url, JSON-LD, webcal links and the API's ``url``.
So ``Example.ORG.:81``, ``example.org:82``... were each a build and a copy of their own,
showing an address of their own. HostMiddleware rewrites the Host before anything reads it:

- the name in lower case, without a trailing dot;
- the port kept only where it is the address: the port clients connect to, when it is not
  the scheme's default and DJANGO_HTTPS is off. That is the port the server listens on
  (``SERVER_PORT``: the development server, gunicorn serving clients directly), or, for a
  request from a trusted proxy (``DJANGO_TRUSTED_PROXIES``), the port it says it took the
  request on (``X-Forwarded-Port``: deploy/nginx.conf sets it). Any other port is dropped,
  so an address names the scheme's default port (behind a proxy with DJANGO_HTTPS, always).

Only the requests the public is answered from the shared cache are rewritten: GET and
HEAD outside the admin (``ADMIN_PATH``). The admin is never cached, and it needs the Host
as the browser sent it: Django's CSRF check compares a login's ``Origin`` with it, and
"View on site" redirects on it, so an organiser reaching the site through a port of their
own (an SSH tunnel, ``docker run -p 18000:8000``) still logs in.

A malformed Host is left alone, for Django to answer 400. What ALLOWED_HOSTS accepts is
unchanged: it already ignored what is rewritten.
"""

from django.conf import settings
from django.http.request import split_domain_port

from conference.proxies import from_trusted_proxy

DEFAULT_PORTS = {"http": "80", "https": "443"}


def canonical_host(request):
    """The host of ``request`` spelt the one way above, or None when it sent no Host or a
    malformed one."""
    host = request.META.get("HTTP_HOST")
    domain, port = split_domain_port(host or "")
    if not domain:
        return None
    server_port = request.META.get("SERVER_PORT")
    if "HTTP_X_FORWARDED_PORT" in request.META and from_trusted_proxy(request):
        server_port = request.META["HTTP_X_FORWARDED_PORT"].strip()
    if (
        settings.SERVED_OVER_HTTPS
        or port != server_port
        or port == DEFAULT_PORTS.get(request.scheme)
    ):
        return domain
    return f"{domain}:{port}"


class HostMiddleware:
    """Rewrites the Host header to its canonical spelling (canonical_host); before the
    HTTPS redirect, which builds its address from it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and not request.path_info.startswith(
            f"/{settings.ADMIN_PATH}"
        ):
            host = canonical_host(request)
            if host is not None:
                request.META["HTTP_HOST"] = host
        return self.get_response(request)
