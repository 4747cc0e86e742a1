"""Nothing known only from drafts shows (issue 20, low items): a room, track or speaker that
only draft talks use answers as a made-up one does, on the pages, feeds and API alike, and
no list, menu or stylesheet names it."""

import json

import lxml.html
import pytest
from django.core.cache import cache

from program.models import Talk
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TrackFactory,
    local,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """Pages and the API's throttle keep answers in the cache: each test starts empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def drafts():
    """A published edition with one public talk, and a draft whose room, track and speaker
    nothing public uses."""
    conference = ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)
    hall = RoomFactory(conference=conference, name="Hall A", slug="hall-a")
    TalkFactory(
        conference=conference,
        slug="public-talk",
        room=hall,
        track=TrackFactory(conference=conference, name="Public track", slug="public-track"),
        speakers=[SpeakerFactory(name="Public Speaker", slug="public-speaker")],
        start=local("2026-05-18", 9),
    )
    draft = TalkFactory(
        conference=conference,
        slug="secret-talk",
        status=Talk.Status.DRAFT,
        room=RoomFactory(conference=conference, name="Secret room", slug="secret-room"),
        track=TrackFactory(conference=conference, name="Secret track", slug="secret-track"),
        speakers=[SpeakerFactory(name="Draft Only", slug="draft-only")],
        start=local("2026-05-18", 11),
    )
    return draft


PARAMETERS = [
    ("speaker", "draft-only", "Speaker", "speaker"),
    ("room", "secret-room", "Room", "room"),
    ("track", "secret-track", "Track", "track"),
]
PAGES = [
    "/2026/program/",
    "/2026/timetable/?day=2026-05-18&",
    "/2026/now/?at=2026-05-18T09:00:00-07:00&",
    "/2026/agenda/?talk=public-talk&",
]


@pytest.mark.parametrize(("parameter", "draft_value", "label", "noun"), PARAMETERS)
@pytest.mark.parametrize("page", PAGES)
def test_a_page_answers_a_draft_only_value_as_a_made_up_one(
    client, drafts, page, parameter, draft_value, label, noun
):
    separator = "" if page.endswith("&") else "?"
    answers = {}
    for value in (draft_value, "made-up"):
        response = client.get(f"{page}{separator}{parameter}={value}")
        tree = lxml.html.fromstring(response.content.decode())
        errors = [" ".join(item.text_content().split()) for item in tree.xpath("//main//li")]
        answers[value] = (
            response.status_code,
            [error for error in errors if error.startswith(f"{label}:")],
        )

    assert answers == {
        draft_value: (400, [f"{label}: {draft_value} is not a known {noun}."]),
        "made-up": (400, [f"{label}: made-up is not a known {noun}."]),
    }


@pytest.mark.parametrize(("parameter", "draft_value", "label", "noun"), PARAMETERS)
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/talks/?",
        "/api/v1/talks/?conference=2026&",
        "/api/v1/conferences/2026/now/?",
    ],
)
def test_the_api_answers_a_draft_only_value_as_a_made_up_one(
    client, drafts, url, parameter, draft_value, label, noun
):
    answers = {}
    for value in (draft_value, "made-up"):
        response = client.get(f"{url}{parameter}={value}")
        answers[value] = (response.status_code, response.json())

    assert answers == {
        draft_value: (400, {parameter: [f"{draft_value} is not a known {noun}."]}),
        "made-up": (400, {parameter: [f"made-up is not a known {noun}."]}),
    }


@pytest.mark.parametrize(("parameter", "draft_value", "label", "noun"), PARAMETERS)
def test_the_calendar_answers_a_draft_only_value_as_a_made_up_one(
    client, drafts, parameter, draft_value, label, noun
):
    statuses = [
        client.get(f"/2026/program.ics?{parameter}={value}").status_code
        for value in (draft_value, "made-up")
    ]

    assert statuses == [400, 400]


def test_the_program_s_menus_list_only_what_public_talks_use(client, drafts):
    tree = lxml.html.fromstring(client.get("/2026/program/").content.decode())

    assert tree.xpath("//select[@name='room']/option/@value") == ["", "hall-a"]
    assert tree.xpath("//select[@name='speaker']/option/@value") == ["", "public-speaker"]
    assert tree.xpath("//input[@name='track']/@value") == ["public-track"]


def test_the_timetable_has_a_column_for_public_rooms_only(client, drafts):
    tree = lxml.html.fromstring(client.get("/2026/timetable/?day=2026-05-18").content.decode())

    assert [" ".join(th.text_content().split()) for th in tree.xpath("//thead//th[@id]")] == [
        "Hall A"
    ]


def test_the_track_stylesheet_names_only_tracks_of_public_talks(client, drafts):
    rules = client.get("/2026/tracks.css").content.decode()

    assert [line.split("]")[0] for line in rules.splitlines() if line.startswith("[")] == [
        '[data-track="public-track"'
    ]


def test_the_api_lists_only_rooms_tracks_and_speakers_of_public_talks(client, drafts):
    secret_room, secret_track = drafts.room, drafts.track
    secret_speaker = drafts.speakers.get()

    listed = {
        name: [row["slug"] for row in client.get(f"/api/v1/{name}/").json()["results"]]
        for name in ("rooms", "tracks", "speakers")
    }
    details = [
        client.get(f"/api/v1/{name}/{row.pk}/").status_code
        for name, row in [
            ("rooms", secret_room),
            ("tracks", secret_track),
            ("speakers", secret_speaker),
        ]
    ]

    assert listed == {
        "rooms": ["hall-a"],
        "tracks": ["public-track"],
        "speakers": ["public-speaker"],
    }
    assert details == [404, 404, 404]


def test_the_frab_schedule_lists_only_rooms_of_public_talks(client, drafts):
    schedule = json.loads(client.get("/2026/schedule.json").content)["schedule"]
    xml = client.get("/2026/schedule.xml").content.decode()

    days = schedule["conference"]["days"]
    assert [list(day["rooms"]) for day in days] == [["Hall A"]] * len(days)
    assert "Secret room" not in xml
    assert "secret-room" not in xml


@pytest.mark.parametrize(
    "path", ["/2026/speakers/draft-only/", "/2026/speakers/made-up/", "/2026/talks/secret-talk/"]
)
def test_pages_of_a_draft_only_speaker_or_a_draft_are_not_found(client, drafts, path):
    assert client.get(path).status_code == 404
