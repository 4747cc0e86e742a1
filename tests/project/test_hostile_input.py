"""Arbitrary text in every public URL and parameter: never a server error, never reflected raw.

Hypothesis draws path segments, known parameters (with their names) and unknown ones, made of
any Unicode (control characters, NUL, lone surrogates), invalid UTF-8 bytes and text that
tries to break out of HTML (PROBE). Every answer must be below 500; an HTML answer must never
hold PROBE as markup, and a JSON answer must parse. Bounded and deterministic: a fixed number
of examples per URL, derived from a fixed seed, so a failure replays identically.
"""

import json
import re
import urllib.parse

import pytest
from hypothesis import given, settings, strategies

from program.models import Talk
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkTypeFactory,
    local,
)

pytestmark = pytest.mark.django_db

PROBE = "\"'><xz-probe onload=x>"
TALK_FILTERS = ["q", "type", "day", "room", "speaker", "talk"]

# URL template -> the query parameters it reads. {edition}, {talk}, {speaker}, {id} are path
# segments: a real one or arbitrary text.
URLS = {
    "/": [],
    "/current/{rest}": TALK_FILTERS,
    "/healthz": [],
    "/{edition}/": [],
    "/{edition}/talks/": [],
    "/{edition}/program/": TALK_FILTERS,
    "/{edition}/program.ics": TALK_FILTERS,
    "/{edition}/schedule.xml": [],
    "/{edition}/schedule.json": [],
    "/{edition}/talks/{talk}/": [],
    "/{edition}/talks/{talk}.ics": [],
    "/{edition}/speakers/": [],
    "/{edition}/speakers/{speaker}/": [],
    "/{edition}/now/": TALK_FILTERS,
    "/{edition}/agenda/": TALK_FILTERS,
    "/{edition}/changes/": ["page"],
    "/{edition}/changes.atom": [],
    "/api/v1/": ["format"],
    "/api/v1/conferences/": ["format", "page", "page_size"],
    "/api/v1/conferences/{edition}/": ["format"],
    "/api/v1/conferences/{edition}/now/": [*TALK_FILTERS, "at", "format"],
    "/api/v1/conferences/{edition}/changes/": ["since", "page", "page_size", "format"],
    "/api/v1/talks/": [
        *TALK_FILTERS,
        *("conference", "updated_since", "ordering", "page", "page_size", "format"),
    ],
    "/api/v1/talks/{id}/": ["format"],
    "/api/v1/speakers/": ["conference", "q", "page", "page_size", "format"],
    "/api/v1/speakers/{id}/": ["format"],
    "/api/v1/rooms/": ["conference", "page", "page_size", "format"],
    "/api/v1/rooms/{id}/": ["format"],
    "/api/schema/": ["format", "lang", "version"],
    "/api/docs/": [],
}


@pytest.fixture
def real_segments():
    """An edition with talks of each status, so that real paths reach every branch."""
    edition = ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)
    room = RoomFactory(conference=edition, name="Grand Ballroom 1")
    keynote = TalkTypeFactory(slug="keynote", name="Keynote")
    yuhan = SpeakerFactory(name="Yuhan Liu", affiliation="University of Chicago")
    talk = TalkFactory(
        conference=edition,
        room=room,
        type=keynote,
        title="KV caches <b>at scale</b>",
        start=local("2026-05-18", 9),
        speakers=[yuhan],
    )
    TalkFactory(conference=edition, room=room, status=Talk.Status.CANCELLED, speakers=[yuhan])
    TalkFactory(conference=edition, room=room, status=Talk.Status.DRAFT)
    return {
        "edition": ["2026"],
        "talk": [talk.slug],
        "speaker": ["yuhan-liu"],
        "id": [str(talk.pk), str(yuhan.pk), str(room.pk)],
        "rest": ["program/", "program.ics", "speakers/", "agenda/", "now/"],
        "values": ["2026", "keynote", "grand-ballroom-1", "yuhan-liu", talk.slug, "2026-05-18"],
    }


# Characters that break headers, markup, SQL, URLs and encodings, drawn more often than
# uniform Unicode would.
DANGEROUS = [*"\x00\x01\x1b\x7f\t\n\r <>\"'&%;,=\\/?#+", "\u2028", "\ud800", "\ufeff"]


def hostile_text():
    """Any Unicode, dangerous characters, any bytes (invalid UTF-8 too), or text that tries
    to leave HTML."""
    return strategies.one_of(
        strategies.text(max_size=30),
        strategies.text(strategies.sampled_from([*DANGEROUS, "a", "é", "1"]), max_size=12),
        strategies.binary(max_size=30),
        strategies.text(max_size=10).map(lambda text: text + PROBE),
    )


def encoded(value):
    if isinstance(value, str):
        value = value.encode("utf-8", "surrogatepass")  # lone surrogates as raw bytes
    return urllib.parse.quote_from_bytes(value, safe="")


def requests_for(template, real):
    """(path segments, parameters): every known parameter present or not, and maybe an
    unknown one, each with a real or a hostile value."""
    value = strategies.one_of(strategies.sampled_from(real["values"]), hostile_text())
    path_values = strategies.fixed_dictionaries(
        {
            name: strategies.one_of(strategies.sampled_from(real[name]), hostile_text())
            for name in re.findall(r"\{(\w+)\}", template)
        }
    )
    known = strategies.fixed_dictionaries({}, optional=dict.fromkeys(URLS[template], value))
    unknown = strategies.lists(strategies.tuples(hostile_text(), value), max_size=1)
    return strategies.tuples(
        path_values, strategies.builds(lambda k, u: [*k.items(), *u], known, unknown)
    )


def url_of(template, path_values, parameters):
    path = template
    for name, value in path_values.items():
        path = path.replace("{" + name + "}", encoded(value))
    query = "&".join(f"{encoded(name)}={encoded(value)}" for name, value in parameters)
    return f"{path}?{query}" if query else path


def test_the_probe_is_reflected_escaped(client, real_segments):
    """The HTML check has teeth: the program page does show the search words, escaped."""
    response = client.get(url_of("/{edition}/program/", {"edition": "2026"}, [("q", PROBE)]))

    assert b"&quot;&#x27;&gt;&lt;xz-probe onload=x&gt;" in response.content
    assert b"<xz-probe" not in response.content


def check(response, url):
    assert response.status_code < 500, url
    content_type = response.get("Content-Type", "")
    if content_type.startswith("text/html"):
        assert b"<xz-probe" not in response.content, url
    elif content_type.startswith("application/json") and response.status_code != 304:
        json.loads(response.content)


@pytest.mark.parametrize("template", list(URLS))
def test_arbitrary_text_never_breaks_a_public_url(client, unthrottled, real_segments, template):
    @given(request=requests_for(template, real_segments))
    @settings(max_examples=50)
    def call(request):
        path_values, parameters = request
        url = url_of(template, path_values, parameters)
        check(client.get(url), url)

    call()


@pytest.fixture
def unthrottled(settings):
    # Generated requests come from one address: not what the throttle is for.
    settings.API_ANONYMOUS_RATE = None


# Values that broke web applications before: NUL (PostgreSQL refuses it), line breaks (headers),
# markup, SQL, invalid UTF-8 and lone surrogates, edge dates, huge numbers, long text.
CLASSIC = [
    "\x00", "a\nb", "\r\n", PROBE, b"\xff\xfe", "\ud800", "' OR 1=1 --", "%",
    "0001-01-01", "9999-12-31", "-1", "1e999", "99999999999999999999", "../../etc/passwd",
    "x" * 5000,
]  # fmt: skip


@pytest.mark.parametrize("template", list(URLS))
def test_each_parameter_survives_the_classic_hostile_values(
    client, unthrottled, real_segments, template
):
    real = {name: values[0] for name, values in real_segments.items()}
    segments = re.findall(r"\{(\w+)\}", template)
    for name in [*segments, *URLS[template], "unknown"]:
        for value in CLASSIC:
            path_values = {segment: real[segment] for segment in segments}
            if name in segments:
                path_values[name], parameters = value, []
            else:
                parameters = [(name, value)]
            url = url_of(template, path_values, parameters)
            check(client.get(url), url)
