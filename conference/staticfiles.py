"""How long browsers, proxies and CDNs keep static files (whitenoise's headers)."""

# A year: the longest lifetime RFC 9111 caches are expected to honour (larger values may be
# cut down), and more than any release stays deployed.
HASHED_FILE_SECONDS = 60 * 60 * 24 * 365


def hashed_files_for_a_year(headers, path, url):
    """WHITENOISE_ADD_HEADERS_FUNCTION: a hashed name (``site.1a2b3c4d5e6f.css``, which
    whitenoise marks immutable) names one content forever, so it may be kept a year without
    asking again; other files keep whitenoise's short ``max-age``."""
    if "immutable" in headers.get("Cache-Control", ""):
        headers["Cache-Control"] = f"public, max-age={HASHED_FILE_SECONDS}, immutable"
