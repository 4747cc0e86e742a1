"""A room's live stream on the talk page and the now page, with a fixed clock: nothing long
before the talk, "Live stream starts in 12 min" shortly before, "Watch live" while it runs,
"Watch the recording" after it once it has a video; and the talk page's cached copy, which
is rebuilt only when its stream's state changes (program/streams.py)."""

import pytest
from lxml import html

from program import streams
from tests.factories import (
    ConferenceFactory,
    ResourceFactory,
    RoomFactory,
    TalkFactory,
    local,
)

pytestmark = pytest.mark.django_db

STREAM = "https://stream.example.org/ballroom"
RECORDING = "https://video.example.org/kv-cache"
TALK = "/2026/talks/kv-cache/"


@pytest.fixture
def edition():
    """A streamed ballroom with "KV cache" at 10:00-10:30, and a hall that is not streamed."""
    conference = ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)
    ballroom = RoomFactory(
        conference=conference, name="Grand Ballroom 1", position=0, stream_url=STREAM
    )
    hall = RoomFactory(conference=conference, name="Hall B", position=1)
    TalkFactory(
        conference=conference,
        slug="kv-cache",
        title="KV cache",
        room=ballroom,
        start=local("2026-05-18", 10),
        end=local("2026-05-18", 10, 30),
    )
    TalkFactory(
        conference=conference,
        slug="serving",
        room=hall,
        start=local("2026-05-18", 10),
        end=local("2026-05-18", 10, 30),
    )
    return conference


def watch_links(response, within="//"):
    """(text, href, badge) of each watch link in the page (or under ``within``)."""
    tree = html.fromstring(response.content)
    return [
        (
            " ".join(p.xpath("a")[0].text_content().split()),
            p.xpath("a/@href")[0],
            "".join(p.xpath("span[@class='live-badge']/text()")),
        )
        for p in tree.xpath(f"{within}/p[contains(@class, 'watch ')]")
    ]


@pytest.mark.parametrize(
    ("hour", "minute", "second", "shown"),
    [
        (9, 40, 0, []),  # 20 minutes before: not yet
        (9, 44, 59, []),  # just before the 15 minutes' window
        (9, 45, 0, [("Live stream starts in 15 min", STREAM, "")]),
        (9, 48, 30, [("Live stream starts in 12 min", STREAM, "")]),
        (9, 59, 59, [("Live stream starts in 1 min", STREAM, "")]),
        (10, 0, 0, [("Watch live", STREAM, "Live")]),
        (10, 29, 59, [("Watch live", STREAM, "Live")]),
        (10, 30, 0, []),  # over, and no recording yet
    ],
)
def test_talk_page_offers_the_stream_by_the_clock(
    client, edition, set_clock, hour, minute, second, shown
):
    set_clock("2026-05-18", hour, minute, second)

    assert watch_links(client.get(TALK)) == shown


def test_after_the_talk_its_page_offers_the_recording(client, edition, set_clock):
    ResourceFactory(talk=edition.talks.get(slug="kv-cache"), kind="slides")
    ResourceFactory(talk=edition.talks.get(slug="kv-cache"), kind="video", url=RECORDING)
    set_clock("2026-05-18", 10, 30)

    assert watch_links(client.get(TALK)) == [("Watch the recording", RECORDING, "")]


def test_a_talk_in_a_room_without_a_stream_offers_none(client, edition, set_clock):
    set_clock("2026-05-18", 10, 5)

    assert watch_links(client.get("/2026/talks/serving/")) == []


def test_a_cancelled_talk_offers_no_stream(client, edition, set_clock):
    edition.talks.filter(slug="kv-cache").update(status="cancelled")
    set_clock("2026-05-18", 10, 5)

    assert watch_links(client.get(TALK)) == []


def test_the_countdown_copy_is_kept_for_its_minute_only(
    client, edition, set_clock, django_assert_num_queries
):
    set_clock("2026-05-18", 9, 48, second=55)
    first = client.get(TALK)
    set_clock("2026-05-18", 9, 48, second=58)
    with django_assert_num_queries(1):  # the data version: a warm hit
        same = client.get(TALK)
    set_clock("2026-05-18", 9, 49, second=1)

    rebuilt = client.get(TALK)

    assert watch_links(first) == watch_links(same) == [("Live stream starts in 12 min", STREAM, "")]
    assert watch_links(rebuilt) == [("Live stream starts in 11 min", STREAM, "")]
    # Browsers and proxies keep it no longer than until the minute turns.
    assert first["Cache-Control"] == "public, max-age=5, s-maxage=5"


def test_the_live_copy_is_kept_until_the_talk_ends(
    client, edition, set_clock, django_assert_num_queries
):
    set_clock("2026-05-18", 10, 0)
    client.get(TALK)
    set_clock("2026-05-18", 10, 29, second=59)
    with django_assert_num_queries(1):
        assert watch_links(client.get(TALK)) == [("Watch live", STREAM, "Live")]
    set_clock("2026-05-18", 10, 30)

    assert watch_links(client.get(TALK)) == []


def test_a_talk_without_a_stream_stays_one_copy_whatever_the_clock(
    client, edition, set_clock, django_assert_num_queries
):
    set_clock("2026-05-18", 9)
    client.get("/2026/talks/serving/")
    set_clock("2026-05-19", 9)

    with django_assert_num_queries(1):
        response = client.get("/2026/talks/serving/")

    assert response["Cache-Control"] == "public, max-age=10, s-maxage=10, stale-while-revalidate=30"


@pytest.mark.parametrize(
    ("hour", "minute", "shown"),
    [
        (9, 40, []),
        (9, 48, [("Live stream starts in 12 min", STREAM, "")]),
        (10, 5, [("Watch live", STREAM, "Live")]),
    ],
)
def test_now_page_offers_each_streamed_rooms_stream(
    client, edition, set_clock, hour, minute, shown
):
    set_clock("2026-05-18", hour, minute)

    response = client.get("/2026/now/")

    ballroom = "//section[@aria-labelledby='room-grand-ballroom-1']"
    assert watch_links(response, ballroom) == shown
    assert watch_links(response, "//section[@aria-labelledby='room-hall-b']") == []


def test_now_page_at_a_moment_offers_the_stream_of_that_moment(client, edition, set_clock):
    set_clock("2026-05-19", 12)

    response = client.get("/2026/now/", {"at": "2026-05-18T10:10:00-07:00"})

    assert watch_links(response) == [("Watch live", STREAM, "Live")]


@pytest.mark.parametrize(
    ("at", "state", "text", "changes_at"),
    [
        ((9, 0), None, None, (9, 45)),
        ((9, 45), streams.Watching.SOON, "Live stream starts in 15 min", (9, 46)),
        ((10, 0), streams.Watching.LIVE, "Watch live", (10, 30)),
        ((10, 30), None, None, None),
    ],
)
def test_watch_states_and_when_they_change(at, state, text, changes_at):
    watch, changes = streams.watch(
        start=local("2026-05-18", 10),
        end=local("2026-05-18", 10, 30),
        cancelled=False,
        stream_url=STREAM,
        recording_url="",
        at=local("2026-05-18", *at),
    )

    assert (watch.state if watch else None, watch.text if watch else None) == (state, text)
    assert changes == (local("2026-05-18", *changes_at) if changes_at else None)


def test_a_recording_without_a_stream_appears_when_the_talk_ends():
    talk = {"start": local("2026-05-18", 10), "end": local("2026-05-18", 10, 30)}
    during = streams.watch(
        **talk, cancelled=False, stream_url="", recording_url=RECORDING, at=talk["start"]
    )
    after = streams.watch(
        **talk, cancelled=False, stream_url="", recording_url=RECORDING, at=talk["end"]
    )

    assert during == (None, talk["end"])
    assert after == (
        streams.Watch(streams.Watching.RECORDING, RECORDING, "Watch the recording"),
        None,
    )
