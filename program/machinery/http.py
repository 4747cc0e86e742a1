"""HTTP methods of the public pages and feeds, as clients send them."""

import functools

from django.http import HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

ALLOWED_METHODS = ["GET", "HEAD", "OPTIONS"]


def read_only(view):
    """A page or feed: GET and HEAD; OPTIONS lists them; any other method answers 405 with
    ``Allow: GET, HEAD, OPTIONS``.

    Exempt from the CSRF check, which protects writes: these views write nothing, and a
    POST must be told 405, not shown the CSRF failure page (403). The method is checked
    before anything else runs, so a cached page is never the answer to a POST.
    """

    @functools.wraps(view)
    def read_only_view(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse()
            response.headers["Allow"] = ", ".join(ALLOWED_METHODS)
            return response
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(ALLOWED_METHODS)
        return view(request, *args, **kwargs)

    return csrf_exempt(read_only_view)
