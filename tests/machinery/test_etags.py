"""Each encoding of a response is its own representation with its own ETag: an
If-None-Match naming one never answers 304 to a request for another (RFC 9110 8.8.3).

One tag shared by the encodings (weak on compressed pages built for one request, strong on
whitenoise's static files) once answered 304 to the wrong encoding: a client holding the
gzip copy was told its copy was right for a brotli or plain request, and the other way round.
"""

import pytest
from django.templatetags.static import static
from django.test import Client

pytestmark = pytest.mark.django_db

ACCEPT = {"br": "br, gzip", "gzip": "gzip", "identity": "identity"}


def statuses(url, client):
    """For each encoding held (its ETag, strong and weak) and each asked for: the status."""
    tags = {}
    for encoding, accept in ACCEPT.items():
        response = client.get(url, HTTP_ACCEPT_ENCODING=accept)
        assert response.get("Content-Encoding", "identity") == encoding
        tags[encoding] = response["ETag"]
    assert len(set(tags.values())) == 3
    return {
        (held, form, asked): client.get(
            url, HTTP_ACCEPT_ENCODING=accept, HTTP_IF_NONE_MATCH=form + tag.removeprefix("W/")
        ).status_code
        for held, tag in tags.items()
        for form in ("", "W/")
        for asked, accept in ACCEPT.items()
    }


def expected(weak_matches):
    """304 only for the encoding held; its weak form too when ``weak_matches`` (Django's
    If-None-Match compares weakly, as RFC 9110 says; whitenoise compares strings)."""
    return {
        (held, form, asked): 304 if held == asked and (form == "" or weak_matches) else 200
        for held in ACCEPT
        for form in ("", "W/")
        for asked in ACCEPT
    }


@pytest.mark.parametrize(
    "url",
    [
        "/2026/program/",  # from the shared cache
        "/2026/program.ics",
        "/api/v1/talks/",
        "/api/schema/",  # built each time, compressed by CompressionMiddleware
    ],
)
def test_a_pages_etag_answers_304_to_its_own_encoding_only(program, url):
    assert statuses(url, Client()) == expected(weak_matches=True)


def test_a_static_files_etag_answers_304_to_its_own_encoding_only(collected_static):
    client = Client()  # its middleware (whitenoise) reads the new STATIC_ROOT

    assert statuses(static("css/site.css"), client) == expected(weak_matches=False)


def test_a_static_304_carries_the_tag_of_the_encoding_asked_for(collected_static):
    client = Client()
    url = static("css/site.css")
    brotli = client.get(url, HTTP_ACCEPT_ENCODING="br")

    again = client.get(url, HTTP_ACCEPT_ENCODING="br", HTTP_IF_NONE_MATCH=brotli["ETag"])

    assert (again.status_code, again["ETag"], again["Vary"]) == (
        304,
        brotli["ETag"],
        "Accept-Encoding",
    )
    assert brotli["ETag"].endswith('-br"')
