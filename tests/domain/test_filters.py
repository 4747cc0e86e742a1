"""TalkFilter: the program page, the feeds and the API read the same parameters through it."""

import pytest
from django.http import QueryDict

from program.filters import TalkFilter
from program.models import Talk
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkTypeFactory,
    TrackFactory,
    local,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    """Five public talks over two days, and a draft; another edition shares a room slug and
    has a track of its own."""
    conference = ConferenceFactory(slug="2026")
    ballroom = RoomFactory(conference=conference, name="Grand Ballroom 1")
    hall = RoomFactory(conference=conference, name="Hall B")
    keynote = TalkTypeFactory(slug="keynote", name="Keynote")
    invited = TalkTypeFactory(slug="invited-talk", name="Invited Talk")
    poster = TalkTypeFactory(slug="poster", name="Poster")
    yuhan = SpeakerFactory(
        name="Yuhan Liu",
        affiliation="University of Chicago",
        bio="Yuhan builds caching layers for LLM inference.",
    )
    esha = SpeakerFactory(name="Esha Choukse", affiliation="Microsoft", bio="Esha studies power.")
    roger = SpeakerFactory(name="Roger Wang", affiliation="vLLM", bio="Roger maintains vLLM.")
    serving = TrackFactory(conference=conference, name="LLM Serving", slug="serving")
    systems = TrackFactory(conference=conference, name="Systems", slug="systems")

    def talk(slug, type, room, start, speakers, **fields):
        return TalkFactory(
            conference=conference,
            title=slug.replace("-", " ").capitalize(),
            slug=slug,
            type=type,
            room=room,
            start=start,
            end=start + (local("2026-05-18", 10) - local("2026-05-18", 9, 30)),
            speakers=speakers,
            **fields,
        )

    talk("opening-keynote", keynote, ballroom, local("2026-05-18", 9), [esha])
    talk(
        "kv-cache-layer",
        invited,
        ballroom,
        local("2026-05-18", 10),
        [yuhan],
        abstract="Moving the KV cache out of GPU memory.",
        track=serving,
    )
    talk("serving-engines", invited, hall, local("2026-05-18", 10), [roger, yuhan], track=serving)
    talk("late-posters", poster, hall, local("2026-05-18", 23, 30), [roger], track=systems)
    talk("closing-keynote", keynote, ballroom, local("2026-05-19", 9), [roger])
    talk("secret-draft", invited, ballroom, local("2026-05-19", 11), [esha], status="draft")
    other = ConferenceFactory(slug="2025")
    RoomFactory(conference=other, name="Grand Ballroom 1")
    RoomFactory(conference=other, name="Old Annex")
    TrackFactory(conference=other, name="Archive", slug="archive")
    return conference


def filtered(conference, query):
    """Slugs of the edition's public talks that ``query`` (a query string) selects."""
    talks = Talk.objects.published().filter(conference=conference)
    filterset = TalkFilter(QueryDict(query), talks, conference=conference)
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs.values_list("slug", flat=True))


def errors(conference, query):
    talks = Talk.objects.published().filter(conference=conference)
    filterset = TalkFilter(QueryDict(query), talks, conference=conference)
    assert not filterset.is_valid()
    return filterset.form.errors


ALL = ["opening-keynote", "kv-cache-layer", "serving-engines", "late-posters", "closing-keynote"]


@pytest.mark.parametrize(
    ("query", "slugs"),
    [
        ("", ALL),
        ("type=keynote", ["opening-keynote", "closing-keynote"]),
        ("type=keynote&type=poster", ["opening-keynote", "late-posters", "closing-keynote"]),
        (
            "day=2026-05-18",
            ["opening-keynote", "kv-cache-layer", "serving-engines", "late-posters"],
        ),
        ("day=2026-05-19", ["closing-keynote"]),
        ("day=2026-05-20", []),
        ("room=hall-b", ["serving-engines", "late-posters"]),
        ("speaker=yuhan-liu", ["kv-cache-layer", "serving-engines"]),
        ("talk=late-posters&talk=opening-keynote", ["opening-keynote", "late-posters"]),
        ("q=keynote", ["opening-keynote", "closing-keynote"]),
        ("track=serving", ["kv-cache-layer", "serving-engines"]),
        ("track=serving&track=systems", ["kv-cache-layer", "serving-engines", "late-posters"]),
    ],
)
def test_each_filter_alone(edition, query, slugs):
    assert filtered(edition, query) == slugs


@pytest.mark.parametrize(
    ("query", "slugs"),
    [
        ("type=invited-talk&room=grand-ballroom-1", ["kv-cache-layer"]),
        ("type=keynote&day=2026-05-19", ["closing-keynote"]),
        ("speaker=roger-wang&day=2026-05-18", ["serving-engines", "late-posters"]),
        ("speaker=roger-wang&type=poster&type=keynote", ["late-posters", "closing-keynote"]),
        ("q=vllm&room=hall-b&day=2026-05-18&type=invited-talk", ["serving-engines"]),
        ("talk=kv-cache-layer&talk=closing-keynote&day=2026-05-19", ["closing-keynote"]),
        ("type=poster&room=grand-ballroom-1", []),
        ("track=serving&room=hall-b", ["serving-engines"]),
        ("track=systems&track=serving&speaker=roger-wang", ["serving-engines", "late-posters"]),
        ("track=systems&type=invited-talk", []),
    ],
)
def test_filters_combined(edition, query, slugs):
    assert filtered(edition, query) == slugs


@pytest.mark.parametrize(
    ("query", "slugs"),
    [
        # A speaker's name, affiliation and bio, the abstract and the title all count.
        ("q=Choukse", ["opening-keynote"]),
        ("q=chicago", ["kv-cache-layer", "serving-engines"]),
        ("q=caching", ["kv-cache-layer", "serving-engines"]),
        ("q=GPU", ["kv-cache-layer"]),
        ("q=posters", ["late-posters"]),
        # Every word must appear, each anywhere, in any case.
        ("q=Caching+roger", ["serving-engines"]),
        ("q=  MAINTAINS   posters ", ["late-posters"]),
        ("q=kv+nowhere", []),
    ],
)
def test_search_needs_every_word_somewhere(edition, query, slugs):
    assert filtered(edition, query) == slugs


def test_talk_at_half_past_eleven_at_night_is_on_its_own_day(edition):
    # 23:30 in Bellevue is 06:30 UTC on the next day.
    late = Talk.objects.get(slug="late-posters")
    assert late.start.astimezone(late.conference.tzinfo).day == 18

    assert "late-posters" in filtered(edition, "day=2026-05-18")
    assert "late-posters" not in filtered(edition, "day=2026-05-19")


def test_draft_talks_are_never_found(edition):
    assert "secret-draft" not in filtered(edition, "q=secret")
    assert filtered(edition, "q=secret") == []


@pytest.mark.parametrize(
    ("query", "name", "message"),
    [
        ("day=2026-13-45", "day", "2026-13-45 is not a valid date."),
        ("day=tomorrow", "day", "tomorrow is not a valid date."),
        ("type=keynote&type=lightning", "type", "lightning is not a known talk type."),
        ("room=old-annex", "room", "old-annex is not a known room."),
        ("room=nowhere", "room", "nowhere is not a known room."),
        ("speaker=nobody", "speaker", "nobody is not a known speaker."),
        ("talk=secret-draft", "talk", "secret-draft is not a known talk."),
        # A track of another edition is not one of this edition's.
        ("track=serving&track=archive", "track", "archive is not a known track."),
        ("track=Systems", "track", "Systems is not a known track."),
        # Not slugs at all: refused before the database sees them (PostgreSQL refuses NUL).
        ("room=a%00b", "room", "a\x00b is not a known room."),
        ("speaker=%00", "speaker", "\x00 is not a known speaker."),
        ("type=key%00note", "type", "key\x00note is not a known talk type."),
        ("talk=two%20words", "talk", "two words is not a known talk."),
    ],
)
def test_invalid_value_names_the_parameter_and_why(edition, query, name, message):
    assert errors(edition, query) == {name: [message]}


def test_several_invalid_values_are_all_reported(edition):
    assert errors(edition, "day=2026-02-30&room=nowhere") == {
        "day": ["2026-02-30 is not a valid date."],
        "room": ["nowhere is not a known room."],
    }


def test_labels_name_the_parameters_for_messages(edition):
    filterset = TalkFilter(QueryDict(""), Talk.objects.none(), conference=edition)

    labels = {name: field.label for name, field in filterset.form.fields.items()}

    assert labels == {
        "q": "Search",
        "type": "Type",
        "day": "Day",
        "room": "Room",
        "speaker": "Speaker",
        "track": "Track",
        "talk": "Talk",
        "talks": "Talks",
    }


def test_without_an_edition_day_is_read_in_each_talks_timezone(edition):
    tokyo = ConferenceFactory(slug="tokyo", timezone="Asia/Tokyo")
    TalkFactory(
        conference=tokyo, slug="tokyo-morning", start=local("2026-05-19", 8, tz=tokyo.tzinfo)
    )
    talks = Talk.objects.published()

    filterset = TalkFilter(QueryDict("day=2026-05-19"), talks)

    assert filterset.is_valid()
    assert sorted(filterset.qs.values_list("slug", flat=True)) == [
        "closing-keynote",
        "tokyo-morning",
    ]
