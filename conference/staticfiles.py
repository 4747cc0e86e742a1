"""Static files as whitenoise serves them: how long browsers, proxies and CDNs keep them, and
an ETag for each of a file's encodings."""

import os
from http import HTTPStatus
from wsgiref.headers import Headers

from whitenoise import middleware, responders
from whitenoise.responders import MissingFileError

from conference.compression import encoded_etag

# A year: the longest lifetime RFC 9111 caches are expected to honour (larger values may be
# cut down), and more than any release stays deployed.
HASHED_FILE_SECONDS = 60 * 60 * 24 * 365


def hashed_files_for_a_year(headers, path, url):
    """WHITENOISE_ADD_HEADERS_FUNCTION: a hashed name (``site.1a2b3c4d5e6f.css``, which
    whitenoise marks immutable) names one content forever, so it may be kept a year without
    asking again; other files keep whitenoise's short ``max-age``."""
    if "immutable" in headers.get("Cache-Control", ""):
        headers["Cache-Control"] = f"public, max-age={HASHED_FILE_SECONDS}, immutable"


class StaticFile(responders.StaticFile):
    """whitenoise's file, whose .gz and .br copies each have their own ETag (the file's plus
    ``-gzip`` or ``-br``, as pages have: conference/compression.py). whitenoise gives the three
    one tag, so an If-None-Match naming the gzip copy answered 304 to a request for brotli or
    for the plain file, and the client kept bytes it had not asked for."""

    @staticmethod
    def get_alternatives(base_headers, files):
        alternatives = []
        for encoding_re, path, headers in responders.StaticFile.get_alternatives(
            base_headers, files
        ):
            fields = dict(headers)
            if "Content-Encoding" in fields:
                fields["ETag"] = encoded_etag(fields["ETag"], fields["Content-Encoding"])
            alternatives.append((encoding_re, path, list(fields.items())))
        return alternatives

    def chosen_headers(self, request_headers):
        """The headers of the copy this request gets (by its Accept-Encoding)."""
        return self.get_path_and_headers(request_headers)[1]

    def is_not_modified(self, request_headers):
        asked = request_headers.get("HTTP_IF_NONE_MATCH")
        if asked is None:
            return super().is_not_modified(request_headers)
        return asked == dict(self.chosen_headers(request_headers))["ETag"]

    def get_response(self, method, request_headers):
        response = super().get_response(method, request_headers)
        if response is not self.not_modified_response:
            return response
        headers = self.chosen_headers(request_headers)
        kept = [(name, value) for name, value in headers if name in responders.NOT_MODIFIED_HEADERS]
        return responders.Response(HTTPStatus.NOT_MODIFIED, kept, None)


class WhiteNoiseMiddleware(middleware.WhiteNoiseMiddleware):
    """whitenoise's middleware serving StaticFile above."""

    def get_static_file(self, path, url, stat_cache=None):
        # whitenoise 6's own (WhiteNoise.get_static_file), with the StaticFile above.
        if stat_cache is None and not os.path.exists(path):
            raise MissingFileError(path)
        headers = Headers([])
        self.add_mime_headers(headers, path, url)
        self.add_cache_headers(headers, path, url)
        if self.allow_all_origins:
            headers["Access-Control-Allow-Origin"] = "*"
        if self.add_headers_function is not None:
            self.add_headers_function(headers, path, url)
        return StaticFile(
            path,
            headers.items(),
            stat_cache=stat_cache,
            encodings={"gzip": path + ".gz", "br": path + ".br"},
        )
