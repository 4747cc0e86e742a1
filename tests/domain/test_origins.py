"""The origins an edition lets frame its embeds, and a room's stream address, as the
database and the forms keep them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from program.models import Room
from program.origins import origin, origins, validate_origins
from tests.factories import ConferenceFactory, RoomFactory


@pytest.mark.parametrize(
    ("line", "serialised"),
    [
        ("https://mlsys.org", "https://mlsys.org"),
        ("  HTTPS://MLSys.org/  ", "https://mlsys.org"),
        ("https://mlsys.org:443", "https://mlsys.org"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://127.0.0.1:80", "http://127.0.0.1"),
        ("https://[::1]:8443", "https://[::1]:8443"),
        ("https://mlsys.org/2026/", None),
        ("https://*.mlsys.org", None),
        ("mlsys.org", None),
        ("javascript:alert(1)", None),
        ("https://mlsys.org; script-src *", None),
        ("https://mlsys.org:99999", None),
        ("'self'", None),
        ("ftp://mlsys.org", None),
        # A Unicode host as browsers serialise the origin (a header holds ASCII only).
        ("https://Bücher.de", "https://xn--bcher-kva.de"),
        ("https://bücher.de:8443/", "https://xn--bcher-kva.de:8443"),
        ("https://конференция.рф", "https://xn--e1aajfpcds8ay4h.xn--p1ai"),
        # IDNA 2003 (Python) writes fußball.de as fussball.de, browsers as xn--fuball-cta.de.
        ("https://fußball.de", None),
        ("https://bücher.de/path", None),
        ("https://bücher.de evil", None),
        ("https://a.org\nX-Frame-Options: ALLOWALL", None),
    ],
)
def test_origin_is_read_as_browsers_serialise_it(line, serialised):
    assert origin(line) == serialised


@pytest.mark.django_db
def test_a_header_from_values_written_past_the_validator_is_one_well_formed_line():
    """An update() or SQL may store anything: the header lists only what is an origin."""
    text = (
        'https://a.org\r\nSet-Cookie: x=1\nhttps://b.org; script-src *\n"https://c.org"\n'
        "https://d.org 'unsafe-inline'\nhttps://e.org\nhttps://bücher.de\u2028https://f.org"
    )
    edition = ConferenceFactory()
    type(edition).objects.filter(pk=edition.pk).update(embed_origins=text)
    edition.refresh_from_db()
    assert edition.embed_origin_list() == [
        "https://a.org",
        "https://e.org",
        "https://xn--bcher-kva.de",
        "https://f.org",
    ]


def test_origins_one_per_line_once_each_leaving_out_what_is_not_one():
    text = "https://mlsys.org\n\nhttps://MLSYS.org/\r\nnot an origin\nhttp://localhost:8080\n"
    assert origins(text) == ["https://mlsys.org", "http://localhost:8080"]
    assert origins("") == []
    assert origins(None) == []


def test_validator_names_each_bad_line():
    validate_origins("https://mlsys.org\nhttp://localhost:8080")
    with pytest.raises(ValidationError) as raised:
        validate_origins("https://mlsys.org\nmlsys.org\nhttps://a.org/path")
    assert raised.value.messages == [
        "Not a web origin (scheme, host and optional port, such as https://mlsys.org): "
        "“mlsys.org”, “https://a.org/path”."
    ]


@pytest.mark.django_db
def test_edition_form_refuses_a_bad_origin_and_lists_the_good_ones():
    edition = ConferenceFactory(embed_origins="https://mlsys.org\nhttps://www.mlsys.org:443")
    edition.full_clean()
    assert edition.embed_origin_list() == ["https://mlsys.org", "https://www.mlsys.org"]
    edition.embed_origins = "https://mlsys.org/embed"
    with pytest.raises(ValidationError) as raised:
        edition.full_clean()
    assert list(raised.value.message_dict) == ["embed_origins"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "rtmp://live.example"])
def test_database_refuses_a_stream_address_that_is_not_a_web_link(url):
    room = RoomFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Room.objects.filter(pk=room.pk).update(stream_url=url)


@pytest.mark.django_db
def test_stream_address_may_be_empty_or_a_web_link():
    room = RoomFactory(stream_url="https://stream.example/ballroom-1", screen_notice="Room full")
    room.full_clean()
    Room.objects.filter(pk=room.pk).update(stream_url="")
    room.stream_url = "ftp://stream.example/"
    with pytest.raises(ValidationError) as raised:
        room.full_clean()
    assert raised.value.message_dict["stream_url"] == [
        "Enter a web address that starts with http:// or https://."
    ]
