"""HTTP as clients send it: methods a URL does not offer, and empty query values."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.factories import ConferenceFactory, SpeakerFactory, TalkFactory, TalkTypeFactory, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    conference = ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)
    yuhan = SpeakerFactory(name="Yuhan Liu", slug="yuhan-liu")
    TalkFactory(
        conference=conference,
        slug="kv-cache-layer",
        type=TalkTypeFactory(slug="keynote", name="Keynote"),
        start=local("2026-05-18", 9),
        speakers=[yuhan],
    )
    TalkFactory(
        conference=conference,
        slug="serving-engines",
        type=TalkTypeFactory(slug="invited-talk", name="Invited Talk"),
        start=local("2026-05-19", 9),
        speakers=[yuhan],
    )
    return conference


PUBLIC_URLS = [
    "/",
    "/current/",
    "/current/program/",
    "/healthz",
    "/2026/",
    "/2026/talks/",
    "/2026/program/",
    "/2026/timetable/",
    "/2026/tracks.css",
    "/2026/talks/kv-cache-layer/",
    "/2026/speakers/",
    "/2026/speakers/yuhan-liu/",
    "/2026/program.ics",
    "/2026/talks/kv-cache-layer.ics",
    "/2026/schedule.xml",
    "/2026/schedule.json",
    "/2026/now/",
    "/2026/agenda/?talk=kv-cache-layer",
    "/2026/changes/",
    "/2026/changes.atom",
]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_writing_to_a_page_or_feed_answers_405_with_allow(edition, url, method):
    # A client that enforces CSRF as a browser does: 405, not the CSRF failure page (403).
    client = Client(enforce_csrf_checks=True)

    response = getattr(client, method)(url, "title=Hacked", "application/x-www-form-urlencoded")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_a_logged_in_organiser_posting_to_a_page_gets_405_too(edition):
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_superuser("organiser", "org@example.org", None))

    response = client.post("/2026/program.ics")

    assert (response.status_code, response["Allow"]) == (405, "GET, HEAD, OPTIONS")


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_options_lists_the_methods(client, edition, url):
    response = client.options(url)

    assert (response.status_code, response["Allow"], response.content) == (
        200,
        "GET, HEAD, OPTIONS",
        b"",
    )


def test_a_post_never_gets_a_cached_page(client, edition):
    assert client.get("/2026/program/").status_code == 200  # now kept in the editions cache

    response = client.post("/2026/program/")

    assert response.status_code == 405


# Empty values: no filter, for every parameter alike (docs/attendees/filters.md).

EVERY_TALK = ["kv-cache-layer", "serving-engines"]
EMPTY_FILTERS = "q=&type=&day=&room=&speaker=&talk=&track="


def test_empty_values_on_the_program_page_mean_no_filter(client, edition):
    response = client.get(f"/2026/program/?{EMPTY_FILTERS}")

    assert response.status_code == 200
    assert [slug for slug in EVERY_TALK if f'data-talk-slug="{slug}"' in response.text] == (
        EVERY_TALK
    )


def test_empty_values_on_the_timetable_mean_no_filter(client, edition):
    response = client.get("/2026/timetable/?day=2026-05-18&q=&type=&room=&speaker=&talk=&track=")

    assert response.status_code == 200
    assert [slug for slug in EVERY_TALK if f'data-talk-slug="{slug}"' in response.text] == [
        "kv-cache-layer"
    ]


def test_an_empty_value_beside_a_real_one_is_ignored(client, edition):
    response = client.get("/api/v1/talks/?type=&type=keynote&talk=")

    assert [talk["slug"] for talk in response.json()["results"]] == ["kv-cache-layer"]


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/talks/?{EMPTY_FILTERS}&conference=&updated_since=&ordering=&page=&page_size="
        "&format=",
        "/api/v1/talks/?talk=",
    ],
)
def test_empty_values_on_the_api_mean_no_filter(client, edition, url):
    response = client.get(url)

    assert response.status_code == 200
    assert [talk["slug"] for talk in response.json()["results"]] == EVERY_TALK


def test_empty_values_on_the_other_api_lists_mean_no_filter(client, edition):
    speakers = client.get("/api/v1/speakers/?conference=&q=&page=")
    rooms = client.get("/api/v1/rooms/?conference=")
    tracks = client.get("/api/v1/tracks/?conference=&page=")

    assert [speaker["slug"] for speaker in speakers.json()["results"]] == ["yuhan-liu"]
    assert rooms.json()["count"] == 2
    assert (tracks.status_code, tracks.json()["count"]) == (200, 0)


def test_empty_values_on_the_calendar_mean_no_filter(client, edition):
    response = client.get("/2026/program.ics?type=&talk=&day=&room=&speaker=&q=")

    assert response.status_code == 200
    assert response.content.count(b"BEGIN:VEVENT") == 2
    assert b"X-WR-CALNAME:MLSys 2026\r\n" in response.content
