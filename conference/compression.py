"""gzip and brotli for HTML, JSON, XML, CSS and calendar responses (docs/operators/cache.md).

Whitenoise compresses static files ahead of time; pages, the API and feeds are compressed
here: once per encoding, when a public response is stored in the shared cache
(program/machinery/responses.py), and by CompressionMiddleware for every response built without the
cache. A response that already has a Content-Encoding is answered as it is, so nothing is
compressed twice. Each encoding of a body has its own ETag (encoded_etag), so a validator
of one encoding never answers 304 to a request for another.

A response that holds a secret is never compressed: a CSRF token or anything shown to a
logged-in session could be guessed a byte at a time from compressed sizes (BREACH).
"""

import gzip

import brotli
from django.utils.cache import patch_vary_headers

# Below this a compressed body saves less than its headers cost (Django's GZipMiddleware).
MIN_LENGTH = 200
COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/xml",
    "application/atom+xml",
    "application/javascript",
    "application/vnd.oai.openapi",  # the API schema, YAML or JSON
)
ENCODINGS = ("br", "gzip")  # in order of preference: brotli is smaller


def compress(body, encoding):
    """``body`` (bytes) compressed with ``encoding`` ("br" or "gzip").

    Fast levels: a 3.7 MB program page takes tens of milliseconds, and brotli's 4 is still
    smaller than gzip's best. gzip's header carries no time: a body compresses to the same
    bytes whenever it is built.
    """
    if encoding == "br":
        return brotli.compress(body, quality=4)
    return gzip.compress(body, compresslevel=5, mtime=0)


def accepted_encoding(request):
    """ "br", "gzip" or None: the client's preferred of ours, by ``Accept-Encoding``.

    Each coding's q-value (RFC 9110 12.5.3) counts: ``br;q=0`` refuses brotli, ``*`` stands
    for any coding not named.
    """
    weights = {}
    for item in request.headers.get("Accept-Encoding", "").split(","):
        coding, *parameters = (part.strip() for part in item.split(";"))
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if coding:
            weights[coding.lower()] = weight
    for encoding in ENCODINGS:
        if weights.get(encoding, weights.get("*", 0.0)) > 0:
            return encoding
    return None


def compressible(response):
    """Whether ``response`` is a body worth compressing that is not compressed yet."""
    return (
        not response.streaming
        and not response.has_header("Content-Encoding")
        and len(response.content) >= MIN_LENGTH
        and response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES)
    )


def holds_secret(request):
    """A CSRF token was put into the response, or its build read the session (what a
    logged-in reader sees). A session cookie alone, made-up or real, is no secret: a public
    page built without reading the session shows nothing of it. Such a response is neither
    compressed (BREACH) nor kept in the shared cache (program/machinery/responses.py)."""
    session = getattr(request, "session", None)
    return "CSRF_COOKIE_NEEDS_UPDATE" in request.META or (session is not None and session.accessed)


class CompressionMiddleware:
    """Compresses HTML, JSON, XML and calendar responses built for one request.

    Below ConditionalGetMiddleware: each encoding is its own representation with its own
    ETag (the uncompressed body's tag plus ``-gzip`` or ``-br``, as the shared cache's
    copies have, else ConditionalGetMiddleware's hash of the bytes sent), so an
    If-None-Match is compared with the tag of what this request would get. A tag shared by
    the encodings answered 304 to a client asking for another encoding than the one it
    holds (RFC 9110 8.8.3: a validator names one representation).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not compressible(response):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        encoding = accepted_encoding(request)
        if encoding is None or holds_secret(request):
            return response
        response.content = compress(response.content, encoding)
        response.headers["Content-Encoding"] = encoding
        response.headers["Content-Length"] = str(len(response.content))
        etag = response.get("ETag")
        if etag:
            response.headers["ETag"] = encoded_etag(etag, encoding)
        return response


def encoded_etag(etag, encoding):
    """``etag`` ('"abc"' or 'W/"abc"') of a body, for that body compressed with
    ``encoding``: '"abc-gzip"'. Strong stays strong: compress() gives the same bytes for
    the same body every time."""
    weak = "W/" if etag.startswith("W/") else ""
    return f'{weak}"{etag.removeprefix("W/").strip(chr(34))}-{encoding}"'
