"""URLs of an edition's talk and speaker pages, for lists of thousands of them."""

from django.urls import reverse

MARKER = "slug-marker"


def slug_url(name, edition_slug, absolute_uri=None):
    """A function slug -> URL of the page ``name`` (e.g. program:talk-detail) in an edition.

    The route is reversed once and each slug spliced in: reverse() costs tens of
    microseconds, which adds up over the thousands of talks of a program, a feed or an API
    page. Slugs hold only URL-safe characters. ``absolute_uri`` (a request's
    build_absolute_uri) makes the URLs absolute.
    """
    url = reverse(name, kwargs={"edition": edition_slug, "slug": MARKER})
    if absolute_uri is not None:
        url = absolute_uri(url)
    # The slug is the last part of these routes, even if the edition's slug held MARKER.
    head, _, tail = url.rpartition(MARKER)
    return lambda slug: f"{head}{slug}{tail}"
