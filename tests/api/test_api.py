"""The JSON API (docs/api/json.md): shapes, filters, errors, paging, caching, access."""

import datetime as dt
import re
from urllib.parse import urlencode

import lxml.html
import pytest
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.test import Client

from program.api.serializers import TalkSerializer
from program.api.throttling import AnonymousRateThrottle
from program.machinery.stamps import keep_given_stamps
from program.models import Conference, Room, Speaker, Talk, Track
from tests.factories import (
    ConferenceFactory,
    ResourceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkTypeFactory,
    TrackFactory,
    local,
)

pytestmark = pytest.mark.django_db

NOVEMBER_28 = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
TALK_SLUG = "lmcache-an-efficient-kv-cache-layer-for-enterprise-scale-llm-inference"


@pytest.fixture(autouse=True)
def fresh_throttle():
    """The throttle counts requests in the default cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


def get_json(client, url, params=None, status=200, **headers):
    if params:
        url = f"{url}?{urlencode(params, doseq=True)}"
    response = client.get(url, **headers)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def slugs(client, params=None):
    return [talk["slug"] for talk in get_json(client, "/api/v1/talks/", params)["results"]]


@pytest.fixture
def mlsys():
    """The contract's example talk, in the seed edition."""
    conference = ConferenceFactory(slug="2026", name="MLSys 2026")
    room = RoomFactory(conference=conference, name="Grand Ballroom 1", capacity=800)
    speaker = SpeakerFactory(name="Yuhan Liu", affiliation="University of Chicago")
    talk = TalkFactory(
        conference=conference,
        room=room,
        title="LMCache: An Efficient KV Cache Layer for Enterprise-Scale LLM Inference",
        type=TalkTypeFactory(slug="invited-talk", name="Invited Talk"),
        abstract="KV cache has traditionally ...",
        start=local("2026-05-18", 9, 50),
        end=local("2026-05-18", 10, 15),
        speakers=[speaker],
    )
    with keep_given_stamps():
        Talk.objects.filter(pk=talk.pk).update(updated_at=NOVEMBER_28)
    return talk


# ---------------------------------------------------------------------------- shapes


def test_talk_has_the_contract_shape(client, mlsys):
    speaker = mlsys.ordered_speakers[0]

    talk = get_json(client, f"/api/v1/talks/{mlsys.pk}/")

    assert talk == {
        "id": mlsys.pk,
        "slug": TALK_SLUG,
        "conference": "2026",
        "title": "LMCache: An Efficient KV Cache Layer for Enterprise-Scale LLM Inference",
        "type": {"slug": "invited-talk", "name": "Invited Talk"},
        "abstract": "KV cache has traditionally ...",
        "start": "2026-05-18T09:50:00-07:00",
        "end": "2026-05-18T10:15:00-07:00",
        "duration_minutes": 25,
        "room": {"slug": "grand-ballroom-1", "name": "Grand Ballroom 1", "stream_url": None},
        "track": None,
        "speakers": [
            {
                "id": speaker.pk,
                "slug": "yuhan-liu",
                "name": "Yuhan Liu",
                "affiliation": "University of Chicago",
            }
        ],
        "status": "published",
        "resources": [],
        "board": "",
        "url": f"http://testserver/2026/talks/{TALK_SLUG}/",
        "updated_at": "2026-11-28T00:00:00Z",
    }


def test_talk_lists_its_resources_in_order(client, mlsys):
    ResourceFactory(talk=mlsys, kind="video", url="https://video.example.org/1", position=2)
    ResourceFactory(
        talk=mlsys, kind="slides", url="https://slides.example.org/1.pdf", position=1, title="Deck"
    )
    ResourceFactory(kind="paper")  # another talk's

    detail = get_json(client, f"/api/v1/talks/{mlsys.pk}/")
    listed = get_json(client, "/api/v1/talks/", {"talk": mlsys.slug, "conference": "2026"})

    assert detail["resources"] == [
        {"kind": "slides", "url": "https://slides.example.org/1.pdf", "title": "Deck"},
        {"kind": "video", "url": "https://video.example.org/1", "title": ""},
    ]
    assert listed["results"][0]["resources"] == detail["resources"]


def test_talk_in_a_list_reads_as_on_its_own(client, mlsys):
    detail = get_json(client, f"/api/v1/talks/{mlsys.pk}/")

    listing = get_json(client, "/api/v1/talks/")

    assert listing == {"count": 1, "next": None, "previous": None, "results": [detail]}


def test_talk_representation_has_exactly_the_declared_fields(client, mlsys):
    # The representation is written out by hand for speed; the schema comes from the fields.
    talk = get_json(client, f"/api/v1/talks/{mlsys.pk}/")

    assert list(talk) == list(TalkSerializer().fields)
    assert list(talk["type"]) == list(TalkSerializer().fields["type"].fields)
    assert list(talk["room"]) == list(TalkSerializer().fields["room"].fields)
    assert list(talk["speakers"][0]) == list(TalkSerializer().fields["speakers"].child.fields)


def test_talk_times_carry_their_own_conference_offset(client):
    berlin = dt.timezone(dt.timedelta(hours=2))
    conference = ConferenceFactory(slug="2027", timezone="Europe/Berlin")
    talk = TalkFactory(
        conference=conference,
        start=dt.datetime(2027, 6, 1, 9, 0, tzinfo=berlin),
        end=dt.datetime(2027, 6, 1, 9, 45, tzinfo=berlin),
    )
    with keep_given_stamps():
        Talk.objects.filter(pk=talk.pk).update(
            updated_at=dt.datetime(2027, 1, 2, 3, 4, 5, 678000, tzinfo=dt.UTC)
        )

    data = get_json(client, f"/api/v1/talks/{talk.pk}/")

    assert (data["start"], data["end"], data["duration_minutes"]) == (
        "2027-06-01T09:00:00+02:00",
        "2027-06-01T09:45:00+02:00",
        45,
    )
    assert data["updated_at"] == "2027-01-02T03:04:05.678000Z"


def test_speakers_of_a_talk_keep_their_order(client):
    first, second, third = (SpeakerFactory(name=name) for name in ("Zoe Zed", "Al Alpha", "Mo Mid"))
    talk = TalkFactory(speakers=[first, second, third])

    data = get_json(client, f"/api/v1/talks/{talk.pk}/")

    assert [speaker["slug"] for speaker in data["speakers"]] == ["zoe-zed", "al-alpha", "mo-mid"]


def test_conference_has_the_contract_shape(client, mlsys):
    data = get_json(client, "/api/v1/conferences/2026/")

    assert data == {
        "slug": "2026",
        "name": "MLSys 2026",
        "start_date": "2026-05-18",
        "end_date": "2026-05-22",
        "timezone": "America/Los_Angeles",
        "venue": "Hyatt Regency Bellevue",
        "city": "Bellevue, Washington",
        "url": "http://testserver/2026/program/",
    }


def test_track_has_the_contract_shape(client, mlsys):
    track = TrackFactory(
        conference=mlsys.conference,
        name="LLM Serving",
        slug="llm-serving",
        colour="#b45309",
        description="Caching and batching.",
    )
    Talk.objects.filter(pk=mlsys.pk).update(track=track)  # the API lists tracks talks use

    data = get_json(client, f"/api/v1/tracks/{track.pk}/")

    assert data == {
        "id": track.pk,
        "slug": "llm-serving",
        "name": "LLM Serving",
        "conference": "2026",
        "colour": "#b45309",
        "description": "Caching and batching.",
    }


def test_talk_reads_its_track(client, mlsys):
    mlsys.track = TrackFactory(
        conference=mlsys.conference, name="LLM Serving", slug="llm-serving", colour="#b45309"
    )
    mlsys.save()

    by_id = get_json(client, f"/api/v1/talks/{mlsys.pk}/")
    in_list = get_json(client, "/api/v1/talks/")["results"]

    assert by_id["track"] == {"slug": "llm-serving", "name": "LLM Serving", "colour": "#b45309"}
    assert in_list == [by_id]


def test_room_has_the_contract_shape(client, mlsys):
    data = get_json(client, f"/api/v1/rooms/{mlsys.room_id}/")

    assert data == {
        "id": mlsys.room_id,
        "slug": "grand-ballroom-1",
        "name": "Grand Ballroom 1",
        "conference": "2026",
        "capacity": 800,
        "position": 0,
        "stream_url": None,
    }


def test_a_streamed_room_reads_its_stream_on_the_room_and_the_talk(client, mlsys):
    stream = "https://stream.example.org/ballroom?channel=1&lang=en"
    Room.objects.filter(pk=mlsys.room_id).update(stream_url=stream)

    room = get_json(client, f"/api/v1/rooms/{mlsys.room_id}/")
    talk = get_json(client, f"/api/v1/talks/{mlsys.pk}/")
    now = get_json(client, "/api/v1/conferences/2026/now/", {"at": "2026-05-18T10:00:00-07:00"})

    assert room["stream_url"] == stream
    assert talk["room"] == {
        "slug": "grand-ballroom-1",
        "name": "Grand Ballroom 1",
        "stream_url": stream,
    }
    assert now["rooms"][0]["now"][0]["room"]["stream_url"] == stream


def test_speaker_has_the_contract_shape_with_public_talks_in_time_order(client, mlsys):
    speaker = mlsys.ordered_speakers[0]
    Speaker.objects.filter(pk=speaker.pk).update(bio="Yuhan Liu works on LLM serving.")
    earlier = TalkFactory(
        conference=mlsys.conference, start=local("2026-05-18", 8), speakers=[speaker]
    )
    TalkFactory(conference=mlsys.conference, status=Talk.Status.DRAFT, speakers=[speaker])

    data = get_json(client, f"/api/v1/speakers/{speaker.pk}/")

    assert data == {
        "id": speaker.pk,
        "slug": "yuhan-liu",
        "name": "Yuhan Liu",
        "affiliation": "University of Chicago",
        "bio": "Yuhan Liu works on LLM serving.",
        "url": "http://testserver/2026/speakers/yuhan-liu/",
        "photo": None,
        "talks": [earlier.pk, mlsys.pk],
    }


def test_speaker_photo_is_its_largest_size_at_an_absolute_url(client, mlsys):
    speaker = mlsys.ordered_speakers[0]
    name = "speakers/0123456789abcdef0123456789abcdef-480.jpg"
    Speaker.objects.filter(pk=speaker.pk).update(photo=name, photo_width=480, photo_height=600)

    data = get_json(client, f"/api/v1/speakers/{speaker.pk}/")

    assert data["photo"] == {
        "url": f"http://testserver/media/{name}",
        "width": 480,
        "height": 600,
    }


def test_speaker_url_leads_to_their_latest_public_edition(client):
    speaker = SpeakerFactory(name="Ion Stoica")
    TalkFactory(
        conference=ConferenceFactory(
            slug="2025", start_date=dt.date(2025, 5, 12), end_date=dt.date(2025, 5, 15)
        ),
        speakers=[speaker],
    )
    TalkFactory(conference=ConferenceFactory(slug="2026"), speakers=[speaker])
    TalkFactory(
        conference=ConferenceFactory(
            slug="2027", start_date=dt.date(2027, 5, 10), end_date=dt.date(2027, 5, 14)
        ),
        status=Talk.Status.DRAFT,
        speakers=[speaker],
    )

    data = get_json(client, f"/api/v1/speakers/{speaker.pk}/")

    assert data["url"] == "http://testserver/2026/speakers/ion-stoica/"
    assert len(data["talks"]) == 2


# ---------------------------------------------------------------------------- visibility


def test_drafts_are_invisible_and_cancelled_talks_listed_with_their_status(client):
    published = TalkFactory(title="Published talk")
    cancelled = TalkFactory(
        conference=published.conference, title="Cancelled talk", status=Talk.Status.CANCELLED
    )
    draft = TalkFactory(conference=published.conference, title="Draft talk", status="draft")

    results = get_json(client, "/api/v1/talks/")["results"]

    assert [(talk["slug"], talk["status"]) for talk in results] == [
        ("published-talk", "published"),
        ("cancelled-talk", "cancelled"),
    ]
    assert get_json(client, f"/api/v1/talks/{cancelled.pk}/")["status"] == "cancelled"
    assert get_json(client, f"/api/v1/talks/{draft.pk}/", status=404) == {
        "detail": "No Talk matches the given query."
    }


def test_unpublished_edition_is_invisible_everywhere(client):
    hidden = ConferenceFactory(slug="2031", is_published=False)
    talk = TalkFactory(conference=hidden, title="Hidden talk")
    ConferenceFactory(slug="2026")

    assert [c["slug"] for c in get_json(client, "/api/v1/conferences/")["results"]] == ["2026"]
    assert get_json(client, "/api/v1/conferences/2031/", status=404) == {
        "detail": "No Conference matches the given query."
    }
    assert get_json(client, "/api/v1/talks/")["count"] == 0
    assert get_json(client, f"/api/v1/talks/{talk.pk}/", status=404)
    assert get_json(client, "/api/v1/rooms/")["count"] == 0
    assert get_json(client, f"/api/v1/rooms/{talk.room_id}/", status=404)
    assert get_json(client, "/api/v1/speakers/")["count"] == 0


def test_speakers_are_those_of_public_talks(client):
    TalkFactory(speakers=[SpeakerFactory(name="Public Speaker")], status=Talk.Status.CANCELLED)
    TalkFactory(speakers=[SpeakerFactory(name="Draft Speaker")], status=Talk.Status.DRAFT)
    SpeakerFactory(name="No Talk Speaker")

    data = get_json(client, "/api/v1/speakers/")

    assert [speaker["slug"] for speaker in data["results"]] == ["public-speaker"]


def test_lists_have_a_fixed_order(client):
    newer = ConferenceFactory(slug="2026", start_date=dt.date(2026, 5, 18))
    older = ConferenceFactory(
        slug="2025", start_date=dt.date(2025, 5, 12), end_date=dt.date(2025, 5, 15)
    )
    second = RoomFactory(conference=newer, name="Second", position=2)
    first = RoomFactory(conference=newer, name="First", position=1)
    old = RoomFactory(conference=older, name="Old room", position=0)
    bea, ada = SpeakerFactory(name="Bea Bond"), SpeakerFactory(name="Ada Ames")
    # Each room has a public talk: the API lists the rooms that public talks use.
    for conference, room, speaker in [(newer, first, bea), (newer, second, ada), (older, old, ada)]:
        TalkFactory(conference=conference, room=room, speakers=[speaker])

    conferences = get_json(client, "/api/v1/conferences/")["results"]
    rooms = get_json(client, "/api/v1/rooms/")["results"]
    speakers = get_json(client, "/api/v1/speakers/")["results"]

    assert [conference["slug"] for conference in conferences] == ["2026", "2025"]
    assert [(room["conference"], room["slug"]) for room in rooms] == [
        ("2026", "first"),
        ("2026", "second"),
        ("2025", "old-room"),
    ]
    assert [speaker["slug"] for speaker in speakers] == ["ada-ames", "bea-bond"]


# ---------------------------------------------------------------------------- talk filters


@pytest.fixture
def program():
    """Two editions in different timezones; talks chosen so each filter keeps a known few."""
    bellevue = ConferenceFactory(slug="2026")
    singapore = ConferenceFactory(
        slug="2025",
        timezone="Asia/Singapore",
        start_date=dt.date(2025, 5, 12),
        end_date=dt.date(2025, 5, 15),
    )
    ballroom = RoomFactory(conference=bellevue, name="Ballroom", position=0)
    annex = RoomFactory(conference=bellevue, name="Annex", position=1)
    hall = RoomFactory(conference=singapore, name="Ballroom", position=0)
    keynote = TalkTypeFactory(slug="keynote", name="Keynote")
    invited = TalkTypeFactory(slug="invited-talk", name="Invited Talk")
    poster = TalkTypeFactory(slug="poster", name="Poster")
    yuhan = SpeakerFactory(name="Yuhan Liu", affiliation="University of Chicago")
    amin = SpeakerFactory(name="Amin Vahdat", affiliation="Google", bio="Builds TPU pods.")
    sgt = dt.timezone(dt.timedelta(hours=8))
    # Two editions each have a track "serving": without conference, the slug means both.
    serving = TrackFactory(conference=bellevue, name="LLM Serving", slug="serving")
    posters = TrackFactory(conference=bellevue, name="Posters", slug="posters")
    singapore_serving = TrackFactory(conference=singapore, name="Serving", slug="serving")

    def talk(title, conference, room, start, kind, speakers, **extra):
        return TalkFactory(
            title=title,
            conference=conference,
            room=room,
            start=start,
            end=start + dt.timedelta(minutes=25),
            type=kind,
            speakers=speakers,
            **extra,
        )

    return {
        "opening": talk(
            "Opening keynote", bellevue, ballroom, local("2026-05-18", 9), keynote, [amin]
        ),
        "cache": talk(
            "KV cache layers",
            bellevue,
            annex,
            local("2026-05-18", 9),
            invited,
            [yuhan],
            track=serving,
        ),
        # 23:30 in Bellevue on the 18th is already the 19th in UTC.
        "late": talk(
            "Late night posters",
            bellevue,
            ballroom,
            local("2026-05-18", 23, 30),
            poster,
            [yuhan],
            track=posters,
        ),
        "tuesday": talk(
            "Serving at scale",
            bellevue,
            annex,
            local("2026-05-19", 10),
            invited,
            [amin, yuhan],
            abstract="Scheduling KV cache transfers.",
            track=serving,
        ),
        "cancelled": talk(
            "Cancelled panel",
            bellevue,
            ballroom,
            local("2026-05-19", 11),
            keynote,
            [amin],
            status=Talk.Status.CANCELLED,
        ),
        "draft": talk(
            "Draft keynote",
            bellevue,
            ballroom,
            local("2026-05-19", 12),
            keynote,
            [amin],
            status=Talk.Status.DRAFT,
        ),
        # 08:00 in Singapore on the 18th is still the 17th in Bellevue.
        "singapore": talk(
            "Keynote in Singapore",
            singapore,
            hall,
            dt.datetime(2026, 5, 18, 8, 0, tzinfo=sgt),
            keynote,
            [amin],
            track=singapore_serving,
        ),
    }


EVERY_PUBLIC_TALK = [
    "keynote-in-singapore",
    "opening-keynote",
    "kv-cache-layers",
    "late-night-posters",
    "serving-at-scale",
    "cancelled-panel",
]


def test_talks_without_filters_are_every_public_talk_by_start_room_title(client, program):
    assert slugs(client) == EVERY_PUBLIC_TALK


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"conference": "2025"}, ["keynote-in-singapore"]),
        (
            {"conference": "2026"},
            [
                "opening-keynote",
                "kv-cache-layers",
                "late-night-posters",
                "serving-at-scale",
                "cancelled-panel",
            ],
        ),
        ({"q": "kv cache"}, ["kv-cache-layers", "serving-at-scale"]),
        ({"q": "CHICAGO"}, ["kv-cache-layers", "late-night-posters", "serving-at-scale"]),
        (
            {"q": "tpu"},
            ["keynote-in-singapore", "opening-keynote", "serving-at-scale", "cancelled-panel"],
        ),
        ({"type": "keynote"}, ["keynote-in-singapore", "opening-keynote", "cancelled-panel"]),
        (
            {"type": ["poster", "invited-talk"]},
            ["kv-cache-layers", "late-night-posters", "serving-at-scale"],
        ),
        (
            {"conference": "2026", "day": "2026-05-18"},
            ["opening-keynote", "kv-cache-layers", "late-night-posters"],
        ),
        ({"conference": "2025", "day": "2026-05-18"}, ["keynote-in-singapore"]),
        ({"conference": "2026", "room": "annex"}, ["kv-cache-layers", "serving-at-scale"]),
        (
            {"room": "ballroom"},
            ["keynote-in-singapore", "opening-keynote", "late-night-posters", "cancelled-panel"],
        ),
        ({"speaker": "yuhan-liu"}, ["kv-cache-layers", "late-night-posters", "serving-at-scale"]),
        (
            {"conference": "2026", "talk": ["serving-at-scale", "opening-keynote"]},
            ["opening-keynote", "serving-at-scale"],
        ),
        (
            {"conference": "2026", "type": "keynote", "speaker": "amin-vahdat"},
            ["opening-keynote", "cancelled-panel"],
        ),
        ({"conference": "2026", "track": "serving"}, ["kv-cache-layers", "serving-at-scale"]),
        ({"track": "serving"}, ["keynote-in-singapore", "kv-cache-layers", "serving-at-scale"]),
        (
            {"conference": "2026", "track": ["posters", "serving"]},
            ["kv-cache-layers", "late-night-posters", "serving-at-scale"],
        ),
        ({"track": "posters", "speaker": "amin-vahdat"}, []),
    ],
)
def test_talk_filters_keep_exactly_the_matching_talks(client, program, params, expected):
    assert slugs(client, params) == expected


def test_day_without_conference_reads_each_talk_in_its_own_timezone(client, program):
    assert slugs(client, {"day": "2026-05-18"}) == [
        "keynote-in-singapore",
        "opening-keynote",
        "kv-cache-layers",
        "late-night-posters",
    ]


def test_updated_since_keeps_talks_changed_at_or_after_the_moment(client, program):
    with keep_given_stamps():
        Talk.objects.update(updated_at=dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
        Talk.objects.filter(pk=program["late"].pk).update(
            updated_at=dt.datetime(2026, 5, 20, 12, 0, tzinfo=dt.UTC)
        )
        Talk.objects.filter(pk=program["cancelled"].pk).update(
            updated_at=dt.datetime(2026, 5, 21, tzinfo=dt.UTC)
        )

    assert slugs(client, {"updated_since": "2026-05-20T12:00:00Z"}) == [
        "late-night-posters",
        "cancelled-panel",
    ]
    assert slugs(client, {"updated_since": "2026-05-20T05:00:01-07:00"}) == ["cancelled-panel"]
    assert slugs(client, {"updated_since": "2026-05-21"}) == ["cancelled-panel"]
    assert slugs(client, {"updated_since": "2026-05-22T00:00:00Z"}) == []


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("start", EVERY_PUBLIC_TALK),
        (
            "-start",
            [
                "cancelled-panel",
                "serving-at-scale",
                "late-night-posters",
                "opening-keynote",
                "kv-cache-layers",
                "keynote-in-singapore",
            ],
        ),
        (
            "title",
            [
                "cancelled-panel",
                "keynote-in-singapore",
                "kv-cache-layers",
                "late-night-posters",
                "opening-keynote",
                "serving-at-scale",
            ],
        ),
    ],
)
def test_ordering_orders_the_talks(client, program, ordering, expected):
    assert slugs(client, {"ordering": ordering}) == expected


PROGRAM_QUERIES = [
    {},
    {"q": "kv cache"},
    {"type": ["keynote", "poster"]},
    {"day": "2026-05-18"},
    {"room": "annex"},
    {"speaker": "yuhan-liu"},
    {"talk": ["serving-at-scale", "late-night-posters"]},
    {"q": "tpu", "day": "2026-05-19", "type": "keynote"},
    {"track": ["serving", "posters"]},
    {"track": "serving", "day": "2026-05-19"},
]


@pytest.mark.parametrize("params", PROGRAM_QUERIES)
def test_api_and_program_page_return_the_same_talks(client, program, params):
    page = client.get(f"/2026/program/?{urlencode(params, doseq=True)}")
    assert page.status_code == 200
    on_page = re.findall(r'data-talk-slug="([^"]+)"', page.content.decode())

    in_api = slugs(client, {"conference": "2026", **params})

    assert in_api == on_page
    assert in_api  # each query keeps at least one talk, so the comparison means something


# ------------------------------------------------------------------ speaker and room filters


def test_speakers_filter_by_conference_and_words(client, program):
    assert [s["slug"] for s in get_json(client, "/api/v1/speakers/")["results"]] == [
        "amin-vahdat",
        "yuhan-liu",
    ]
    by_conference = get_json(client, "/api/v1/speakers/", {"conference": "2025"})["results"]
    assert [speaker["slug"] for speaker in by_conference] == ["amin-vahdat"]
    # A speaker's talks are all their public talks, whatever the conference filter.
    assert by_conference[0]["talks"] == [
        program[name].pk for name in ("singapore", "opening", "tuesday", "cancelled")
    ]
    by_words = get_json(client, "/api/v1/speakers/", {"q": "chicago yuhan"})["results"]
    assert [speaker["slug"] for speaker in by_words] == ["yuhan-liu"]
    assert get_json(client, "/api/v1/speakers/", {"q": "tpu", "conference": "2026"})["count"] == 1
    assert get_json(client, "/api/v1/speakers/", {"q": "nobody"})["count"] == 0


def test_tracks_filter_by_conference(client, program):
    everywhere = get_json(client, "/api/v1/tracks/")["results"]
    in_2025 = get_json(client, "/api/v1/tracks/", {"conference": "2025"})["results"]

    # Newest edition first, then by name.
    assert [(track["conference"], track["slug"]) for track in everywhere] == [
        ("2026", "serving"),
        ("2026", "posters"),
        ("2025", "serving"),
    ]
    assert [(track["conference"], track["name"]) for track in in_2025] == [("2025", "Serving")]


def test_tracks_of_unpublished_editions_are_not_found(client, program):
    hidden = TrackFactory(conference=ConferenceFactory(slug="2027", is_published=False))

    assert get_json(client, f"/api/v1/tracks/{hidden.pk}/", status=404) == {
        "detail": "No Track matches the given query."
    }
    assert get_json(client, "/api/v1/tracks/", {"conference": "2027"}, status=400) == {
        "conference": ["2027 is not a known conference."]
    }


def test_rooms_filter_by_conference(client, program):
    rooms = get_json(client, "/api/v1/rooms/", {"conference": "2026"})["results"]

    assert [(room["conference"], room["slug"]) for room in rooms] == [
        ("2026", "ballroom"),
        ("2026", "annex"),
    ]


# ---------------------------------------------------------------------------- bad requests


TALK_PARAMETERS = (
    "conference, day, format, ordering, page, page_size, q, room, speaker, talk, talks, track, "
    "type, updated_since"
)


@pytest.mark.parametrize(
    ("url", "params", "body"),
    [
        (
            "/api/v1/talks/",
            {"typ": "keynote"},
            {"typ": [f"Unknown parameter; the known ones are {TALK_PARAMETERS}."]},
        ),
        (
            "/api/v1/talks/",
            {"conference": "2099"},
            {"conference": ["2099 is not a known conference."]},
        ),
        (
            "/api/v1/talks/",
            {"updated_since": "yesterday"},
            {
                "updated_since": [
                    "yesterday is not an ISO 8601 date and time such as 2026-05-18T09:00:00Z "
                    "(write + as %2B in a URL)."
                ]
            },
        ),
        (
            "/api/v1/talks/",
            {"updated_since": "2026-05-18T09:00:00 07:00"},
            {
                "updated_since": [
                    "2026-05-18T09:00:00 07:00 is not an ISO 8601 date and time such as "
                    "2026-05-18T09:00:00Z (write + as %2B in a URL)."
                ]
            },
        ),
        (
            "/api/v1/talks/",
            {"ordering": "room"},
            {"ordering": ["room is not a known ordering: use start, -start or title."]},
        ),
        ("/api/v1/talks/", {"day": "2026-13-45"}, {"day": ["2026-13-45 is not a valid date."]}),
        # The last and first dates have no bounds in every timezone (they gave 500).
        ("/api/v1/talks/", {"day": "9999-12-31"}, {"day": ["9999-12-31 is not a valid date."]}),
        (
            "/api/v1/talks/",
            {"conference": "2025", "day": "0001-01-01"},
            {"day": ["0001-01-01 is not a valid date."]},
        ),
        ("/api/v1/talks/", {"type": "keynot"}, {"type": ["keynot is not a known talk type."]}),
        ("/api/v1/talks/", {"room": "attic"}, {"room": ["attic is not a known room."]}),
        (
            "/api/v1/talks/",
            {"conference": "2025", "room": "annex"},
            {"room": ["annex is not a known room."]},
        ),
        (
            "/api/v1/talks/",
            {"speaker": "nobody"},
            {"speaker": ["nobody is not a known speaker."]},
        ),
        ("/api/v1/talks/", {"talk": "nothing"}, {"talk": ["nothing is not a known talk."]}),
        ("/api/v1/talks/", {"q": "kv\x00"}, {"q": ["Null characters are not allowed."]}),
        ("/api/v1/talks/", {"room": "\x00"}, {"room": ["Null characters are not allowed."]}),
        (
            "/api/v1/talks/",
            {"q": "k" * 201},
            {"q": ["Ensure this value has at most 200 characters (it has 201)."]},
        ),
        ("/api/v1/talks/", {"page": "two"}, {"page": ["two is not a whole number from 1 up."]}),
        (
            "/api/v1/talks/",
            {"page_size": "0"},
            {"page_size": ["0 is not a whole number from 1 up."]},
        ),
        (
            "/api/v1/speakers/",
            {"conference": "2099", "name": "Yuhan"},
            {
                "name": [
                    "Unknown parameter; the known ones are conference, format, page, page_size, q."
                ],
            },
        ),
        (
            "/api/v1/speakers/",
            {"conference": "2099"},
            {"conference": ["2099 is not a known conference."]},
        ),
        (
            "/api/v1/rooms/",
            {"conference": "2031"},
            {"conference": ["2031 is not a known conference."]},
        ),
        (
            "/api/v1/conferences/",
            {"conference": "2026"},
            {"conference": ["Unknown parameter; the known ones are format, page, page_size."]},
        ),
        (
            "/api/v1/conferences/2026/",
            {"page": "1"},
            {"page": ["Unknown parameter; the known ones are format."]},
        ),
    ],
)
def test_bad_parameter_answers_400_naming_it(client, program, url, params, body):
    ConferenceFactory(slug="2031", is_published=False)

    assert get_json(client, url, params, status=400) == body


@pytest.mark.parametrize(
    ("updated_since", "count"),
    [("0001-01-01T00:00:00+14:00", 6), ("0001-01-01T00:00:00Z", 6), ("9999-12-31T23:59Z", 0)],
)
def test_updated_since_at_the_calendar_s_ends_reads_as_its_nearest_moment(
    client, program, updated_since, count
):
    """Valid ISO 8601 (the schema's date-time), beyond what every timezone can show."""
    body = get_json(client, "/api/v1/talks/", {"updated_since": updated_since})

    assert body["count"] == count


def test_several_bad_parameters_are_all_named(client, program):
    body = get_json(
        client,
        "/api/v1/talks/",
        {"conference": "2099", "day": "someday", "ordering": "x"},
        status=400,
    )

    assert body == {
        "day": ["someday is not a valid date."],
        "conference": ["2099 is not a known conference."],
        "ordering": ["x is not a known ordering: use start, -start or title."],
    }


def test_format_json_is_a_known_parameter(client, program):
    assert (
        get_json(client, "/api/v1/talks/", {"format": "json", "conference": "2025"})["count"] == 1
    )


@pytest.mark.parametrize(
    "url",
    [
        "/api/",
        "/api/v1/talks/1.5/",
        "/api/v1/conferences/%0A/",
        "/api/v1/nothing/",
        "/api/v2/",
        "/api/nothing/at/all/",
    ],
)
def test_urls_that_name_nothing_answer_json_404(client, url):
    assert get_json(client, url, status=404) == {"detail": "Not found."}


@pytest.mark.parametrize("debug", [True, False])
def test_api_answers_json_404_with_debug_on_or_off(client, settings, debug):
    settings.DEBUG = debug

    response = client.get("/api/")

    assert (response.status_code, response["Content-Type"], response.json()) == (
        404,
        "application/json",
        {"detail": "Not found."},
    )


def test_unknown_api_url_without_a_slash_redirects_then_answers_json_404(client):
    response = client.get("/api/nothing", follow=True)

    assert response.redirect_chain == [("/api/nothing/", 301)]
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_api_root_links_resources_schema_docs_and_the_current_edition(
    client, django_assert_num_queries
):
    ConferenceFactory(slug="2025")
    ConferenceFactory(slug="2026", is_current=True)

    with django_assert_num_queries(1):
        body = get_json(client, "/api/v1/")

    assert body == {
        "conferences": "http://testserver/api/v1/conferences/",
        "talks": "http://testserver/api/v1/talks/",
        "speakers": "http://testserver/api/v1/speakers/",
        "rooms": "http://testserver/api/v1/rooms/",
        "tracks": "http://testserver/api/v1/tracks/",
        "sessions": "http://testserver/api/v1/sessions/",
        "schema": "http://testserver/api/schema/",
        "docs": "http://testserver/api/docs/",
        "now": "http://testserver/api/v1/conferences/2026/now/",
        "changes": "http://testserver/api/v1/conferences/2026/changes/",
    }
    assert list(body) == [
        "conferences",
        "talks",
        "speakers",
        "rooms",
        "tracks",
        "sessions",
        "schema",
        "docs",
        "now",
        "changes",
    ]


def test_api_root_without_a_current_edition_has_no_now_or_changes(client):
    ConferenceFactory(slug="2026", is_current=False)
    ConferenceFactory(slug="2027", is_current=True, is_published=False)

    body = get_json(client, "/api/v1/")

    assert (body["schema"], body["now"], body["changes"]) == (
        "http://testserver/api/schema/",
        None,
        None,
    )


def test_list_url_without_its_slash_redirects_to_it(client):
    response = client.get("/api/v1/talks?conference=2026")

    assert (response.status_code, response["Location"]) == (301, "/api/v1/talks/?conference=2026")


# ---------------------------------------------------------------------------- pagination


def make_talks(count):
    """Many talks quickly: one speaker-less row each (lists do not need speakers)."""
    conference = ConferenceFactory(slug="2026")
    room = RoomFactory(conference=conference, name="Ballroom")
    kind = TalkTypeFactory(slug="poster", name="Poster")
    start = local("2026-05-18", 9)
    Talk.objects.bulk_create(
        Talk(
            conference=conference,
            room=room,
            type=kind,
            title=f"Poster {number:04}",
            slug=f"poster-{number:04}",
            start=start + dt.timedelta(minutes=number),
            end=start + dt.timedelta(minutes=number + 30),
            status=Talk.Status.PUBLISHED,
        )
        for number in range(count)
    )


def test_pages_link_to_each_other(client):
    make_talks(5)

    first = get_json(client, "/api/v1/talks/", {"page_size": 2})
    second = get_json(client, "/api/v1/talks/", {"page_size": 2, "page": 2})
    last = get_json(client, "/api/v1/talks/", {"page_size": 2, "page": "last"})

    assert (first["count"], first["previous"], first["next"]) == (
        5,
        None,
        "http://testserver/api/v1/talks/?page=2&page_size=2",
    )
    assert [talk["slug"] for talk in first["results"]] == ["poster-0000", "poster-0001"]
    assert (second["previous"], second["next"]) == (
        "http://testserver/api/v1/talks/?page_size=2",
        "http://testserver/api/v1/talks/?page=3&page_size=2",
    )
    assert [talk["slug"] for talk in second["results"]] == ["poster-0002", "poster-0003"]
    assert ([talk["slug"] for talk in last["results"]], last["next"]) == (["poster-0004"], None)


def test_a_page_past_the_last_is_not_found_as_drf_answers(client):
    make_talks(5)

    body = get_json(client, "/api/v1/talks/", {"page_size": 2, "page": 4}, status=404)
    last = get_json(client, "/api/v1/talks/", {"page_size": 2, "page": 3})

    assert body == {"detail": "Page 4 does not exist: the last page is 3."}
    assert [talk["slug"] for talk in last["results"]] == ["poster-0004"]


@pytest.mark.parametrize("url", ["/api/v1/rooms/", "/api/v1/conferences/2026/changes/"])
def test_every_list_answers_404_past_its_last_page(client, url):
    make_talks(1)

    assert get_json(client, url, {"page": 2}, status=404) == {
        "detail": "Page 2 does not exist: the last page is 1."
    }


def test_page_size_is_50_by_default_and_clamped_to_500(client):
    make_talks(501)

    default = get_json(client, "/api/v1/talks/")
    clamped = get_json(client, "/api/v1/talks/", {"page_size": 1000})

    assert (default["count"], len(default["results"])) == (501, 50)
    assert (len(clamped["results"]), clamped["next"]) == (
        500,
        "http://testserver/api/v1/talks/?page=2&page_size=1000",
    )
    assert clamped["results"][-1]["slug"] == "poster-0499"


# ---------------------------------------------------------------------------- HTTP caching


@pytest.mark.parametrize("path", ["/api/v1/talks/", "/api/v1/talks/{pk}/"])
def test_etag_answers_304_when_it_matches_and_200_when_stale(client, mlsys, path):
    url = path.format(pk=mlsys.pk)
    first = client.get(url)
    etag = first["ETag"]

    unchanged = client.get(url, HTTP_IF_NONE_MATCH=etag)
    Talk.objects.filter(pk=mlsys.pk).update(title="A new title")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert unchanged["ETag"] == etag
    assert unchanged["Cache-Control"] == PUBLIC
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "A new title" in changed.content.decode()


# What a proxy may keep (machinery/responses.py public()): resources for 10 s, then 30 s more
# while it fetches a new copy; the root, the schema and the documentation change only with a
# release, and are public for a minute.
PUBLIC = "public, max-age=10, s-maxage=10, stale-while-revalidate=30"


@pytest.mark.parametrize(
    ("url", "cache_control"),
    [
        ("/api/v1/", "public, max-age=60"),
        ("/api/v1/conferences/", PUBLIC),
        ("/api/v1/conferences/2026/", PUBLIC),
        ("/api/v1/talks/", PUBLIC),
        ("/api/v1/speakers/", PUBLIC),
        ("/api/v1/rooms/", PUBLIC),
        ("/api/schema/", "public, max-age=60"),
        ("/api/docs/", "public, max-age=60"),
    ],
)
def test_every_get_is_public_with_an_etag(client, mlsys, url, cache_control):
    response = client.get(url)

    assert response.status_code == 200
    assert response["Cache-Control"] == cache_control
    assert response.has_header("ETag")


def test_errors_are_not_cached_publicly(client, mlsys):
    response = client.get("/api/v1/talks/?typ=keynote")

    assert response.status_code == 400
    assert not response.has_header("Cache-Control")


def test_conference_and_room_carry_last_modified(client, mlsys):
    conference = mlsys.conference
    with keep_given_stamps():
        Conference.objects.filter(pk=conference.pk).update(
            updated_at=dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
        )
        Room.objects.filter(pk=mlsys.room_id).update(
            updated_at=dt.datetime(2026, 4, 2, 10, 30, tzinfo=dt.UTC)
        )

    edition = client.get("/api/v1/conferences/2026/")
    room = client.get(f"/api/v1/rooms/{mlsys.room_id}/")
    since = client.get(
        "/api/v1/conferences/2026/", HTTP_IF_MODIFIED_SINCE="Wed, 01 Apr 2026 00:00:00 GMT"
    )

    assert edition["Last-Modified"] == "Wed, 01 Apr 2026 00:00:00 GMT"
    assert room["Last-Modified"] == "Thu, 02 Apr 2026 10:30:00 GMT"
    assert since.status_code == 304


def test_track_carries_the_later_of_its_and_its_edition_s_change(client, mlsys):
    track = TrackFactory(conference=mlsys.conference)
    Talk.objects.filter(pk=mlsys.pk).update(track=track)
    with keep_given_stamps():
        Conference.objects.filter(pk=mlsys.conference_id).update(
            updated_at=dt.datetime(2026, 4, 3, tzinfo=dt.UTC)
        )
        Track.objects.filter(pk=track.pk).update(updated_at=dt.datetime(2026, 4, 1, tzinfo=dt.UTC))

    response = client.get(f"/api/v1/tracks/{track.pk}/")

    assert response["Last-Modified"] == "Fri, 03 Apr 2026 00:00:00 GMT"


# ---------------------------------------------------------------------------- CORS


def test_any_origin_may_read_without_credentials(client, mlsys):
    response = client.get("/api/v1/talks/", HTTP_ORIGIN="https://apps.example.org")

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.has_header("Access-Control-Allow-Credentials")


@pytest.mark.parametrize("url", ["/api/v1/talks/", "/2026/schedule.json", "/2026/program.ics"])
def test_a_script_on_another_site_may_read_the_etag_and_retry_after(client, mlsys, url):
    response = client.get(url, HTTP_ORIGIN="https://apps.example.org")

    assert response.status_code == 200
    assert response["Access-Control-Expose-Headers"] == "ETag, Retry-After, Link"


def test_cors_preflight_allows_reading_only(client, mlsys):
    response = client.options(
        "/api/v1/talks/",
        HTTP_ORIGIN="https://apps.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert not response.has_header("Access-Control-Allow-Credentials")


# ---------------------------------------------------------------------------- access


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("who", ["anonymous", "member", "superuser"])
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/talks/",
        "/api/v1/talks/{pk}/",
        "/api/v1/speakers/",
        "/api/v1/rooms/",
        "/api/v1/conferences/2026/",
        "/api/v1/conferences/2026/now/",
        "/api/v1/conferences/2026/changes/",
        "/api/v1/",
        "/api/schema/",
    ],
)
def test_writes_answer_405_with_allow(mlsys, method, who, path):
    # A client that checks CSRF as a browser does: 405 must come before any 403.
    client = Client(enforce_csrf_checks=True)
    if who == "member":
        client.force_login(User.objects.create_user("member", password="not-staff-password"))
    elif who == "superuser":
        client.force_login(User.objects.create_superuser("boss", "boss@example.org", None))

    response = getattr(client, method)(
        path.format(pk=mlsys.pk), {"title": "Hacked"}, content_type="application/json"
    )

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    detail = f'Method "{method.upper()}" not allowed.'
    if path == "/api/schema/":  # in the schema's own format, YAML
        assert response.content.decode() == (
            f"detail:\n  string: {detail}\n  code: method_not_allowed\n"
        )
    else:
        assert response.json() == {"detail": detail}
    assert Talk.objects.get(pk=mlsys.pk).title.startswith("LMCache")
    assert Talk.objects.count() == 1


def test_anonymous_clients_are_throttled_with_retry_after(client, mlsys, settings, monkeypatch):
    settings.API_ANONYMOUS_RATE = "2/minute"
    # A minute starts: the client may retry in 60 seconds.
    monkeypatch.setattr(AnonymousRateThrottle, "timer", staticmethod(lambda: 1_800_000_000.0))

    statuses = [client.get("/api/v1/talks/").status_code for _ in range(2)]
    refused = client.get("/api/v1/conferences/")

    assert statuses == [200, 200]
    assert refused.status_code == 429
    assert refused.json() == {"detail": "Request was throttled. Expected available in 60 seconds."}
    assert refused["Retry-After"] == "60"
    assert not refused.has_header("Cache-Control")


def test_documented_rate_is_the_configured_one(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "program.api.throttling.AnonymousRateThrottle"
    ]
    assert settings.API_ANONYMOUS_RATE == "120/minute"


# ---------------------------------------------------------------------------- SQL queries


def make_program(item_count):
    """``item_count`` talks in as many rooms; talk n has n + 1 speakers (with photos) and
    n + 1 resources."""
    conference = ConferenceFactory(slug="2026")
    kind = TalkTypeFactory(slug="invited-talk", name="Invited Talk")
    for number in range(item_count):
        room = RoomFactory(conference=conference, name=f"Hall {number}")
        track = TrackFactory(conference=conference, name=f"Track {number}")
        speakers = [SpeakerFactory(with_photo=True) for _ in range(number + 1)]
        talk = TalkFactory(
            conference=conference, room=room, track=track, type=kind, speakers=speakers
        )
        for _ in range(number + 1):
            ResourceFactory(talk=talk)


def speaker_count(item_count):
    return item_count * (item_count + 1) // 2


@pytest.mark.parametrize("item_count", [1, 3])
@pytest.mark.parametrize(
    ("url", "queries", "listed"),
    [
        # the data version, then: count, page, speakers of the page, resources of the page
        ("/api/v1/talks/", 5, int),
        # + the edition for TalkFilter, + its check as a choice
        ("/api/v1/talks/?conference=2026", 7, int),
        # + the check of each slug given
        ("/api/v1/talks/?conference=2026&type=invited-talk&room=hall-0&ordering=title", 9, bool),
        ("/api/v1/talks/?conference=2026&track=track-0", 8, bool),
        # count, page, public talks of the page's speakers
        ("/api/v1/speakers/", 4, speaker_count),
        # + the check of the edition
        ("/api/v1/speakers/?conference=2026&q=speaker", 5, speaker_count),
        # count, page
        ("/api/v1/rooms/?conference=2026", 4, int),
        ("/api/v1/tracks/?conference=2026", 4, int),
        ("/api/v1/conferences/", 3, bool),
    ],
)
def test_list_query_count_does_not_grow_with_length(
    client, django_assert_num_queries, item_count, url, queries, listed
):
    make_program(item_count)

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.json()["results"]) == listed(item_count)


# ---------------------------------------------------------------------------- documentation


def test_docs_page_is_served_entirely_by_us(client):
    page = client.get("/api/docs/")
    html = page.content.decode()
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    script = client.get(next(url for url in references if "script" in url))

    assert page.status_code == 200
    assert "://" not in html
    assert not [url for url in references if url.startswith("//")]
    assert sorted(url.rsplit("/", 1)[-1] for url in references if url.startswith("/static/")) == [
        "api-docs.css",
        "favicon-32x32.png",
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "swagger-ui.css",
    ]
    for url in references:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
    assert script.status_code == 200
    assert script["Content-Type"] == "application/javascript"
    assert '"/api/schema/"' in script.content.decode()
    assert "://" not in script.content.decode()


def test_docs_page_has_a_language_a_title_and_no_inline_script_or_style(client):
    page = lxml.html.fromstring(client.get("/api/docs/").content)

    assert page.xpath("/html/@lang") == ["en"]
    assert page.xpath("//title/text()") == ["API documentation · Conference program"]
    # A strict Content-Security-Policy (script-src 'self'; style-src 'self') holds.
    assert page.xpath("//script[not(@src)] | //style | //*[@style]") == []
    assert page.xpath("//script/@src")[-1] == "/api/docs/?script="
