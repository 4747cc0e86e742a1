"""A room's door screen (/<edition>/rooms/<room>/screen/) with a fixed clock: before the
edition, during a talk, between talks, after the room's last talk of the day and of the
edition, with a notice, at a given moment (?at=), its reload and its cost."""

import datetime as dt

import pytest
from lxml import html

from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    local,
)

pytestmark = pytest.mark.django_db

SCREEN = "/2026/rooms/grand-ballroom-1/screen/"


@pytest.fixture
def edition():
    """Grand Ballroom 1 over two days, a cancelled talk the screen leaves out, and a talk in
    another room that it never shows."""
    conference = ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)
    ballroom = RoomFactory(conference=conference, name="Grand Ballroom 1", position=0)
    hall = RoomFactory(conference=conference, name="Hall B", position=1)

    def talk(slug, room, day, hour, minute, minutes, speakers=(), **fields):
        start = local(day, hour, minute)
        TalkFactory(
            conference=conference,
            slug=slug,
            title=slug.replace("-", " ").capitalize(),
            room=room,
            start=start,
            end=start + dt.timedelta(minutes=minutes),
            speakers=[SpeakerFactory(name=name) for name in speakers],
            **fields,
        )

    talk("opening-keynote", ballroom, "2026-05-18", 9, 0, 60, ["Ion Stoica"])
    talk("kv-cache", ballroom, "2026-05-18", 10, 15, 25, ["Yuhan Liu", "Junchen Jiang"])
    talk("called-off", ballroom, "2026-05-18", 11, 0, 30, status="cancelled")
    talk("posters", ballroom, "2026-05-18", 14, 0, 60)
    talk("serving", hall, "2026-05-18", 10, 0, 60)
    talk("closing-keynote", ballroom, "2026-05-19", 9, 0, 60, ["Chris De Sa"])
    return conference


def text(element):
    return " ".join(element.text_content().split())


def screen(response):
    """What a screen shows: its room, notice, messages, and its talks now and next as
    (title, speakers, time), with the next one's announcement."""
    tree = html.fromstring(response.content)

    def talks(section):
        return [
            (
                text(talk.xpath(".//*[@class='screen-title']")[0]),
                "".join(text(p) for p in talk.xpath(".//p[@class='screen-speakers']")),
                text(talk.xpath(".//p[@class='screen-time']")[0]),
            )
            for talk in tree.xpath(f"//section[@class='{section}']/div[@class='screen-talk']")
        ]

    return {
        "room": text(tree.xpath("//h1")[0]),
        "notice": [text(p) for p in tree.xpath("//p[@class='screen-notice']")],
        "messages": [text(p) for p in tree.xpath("//p[@class='screen-message']")],
        "now": talks("screen-now"),
        "next": talks("screen-next"),
        "when": [text(span) for span in tree.xpath("//span[@class='screen-when']")],
    }


def refresh(response):
    return html.fromstring(response.content).xpath("//meta[@http-equiv='refresh']/@content")


def test_during_a_talk_it_shows_it_and_the_next_one_in_minutes(client, edition, set_clock):
    set_clock("2026-05-18", 10, 3, second=20)

    response = client.get(SCREEN)

    assert response.status_code == 200
    assert screen(response) == {
        "room": "Grand Ballroom 1",
        "notice": [],
        "messages": [],
        "now": [],
        "next": [("Kv cache", "Yuhan Liu, Junchen Jiang", "10:15–10:40 AM PDT")],
        "when": ["in 12 min"],
    }


def test_a_talk_in_progress_is_now(client, edition, set_clock):
    set_clock("2026-05-18", 9, 48)

    shown = screen(client.get(SCREEN))

    assert shown["now"] == [("Opening keynote", "Ion Stoica", "9:00–10:00 AM PDT")]
    assert shown["next"] == [("Kv cache", "Yuhan Liu, Junchen Jiang", "10:15–10:40 AM PDT")]
    assert shown["when"] == ["in 27 min"]
    assert shown["messages"] == []


def test_later_that_day_the_next_talk_gives_its_time(client, edition, set_clock):
    # The cancelled talk at 11:00 is left out: next is the posters at 2:00 PM.
    set_clock("2026-05-18", 10, 45)

    shown = screen(client.get(SCREEN))

    assert shown["now"] == []
    assert shown["next"] == [("Posters", "", "2:00–3:00 PM PDT")]
    assert shown["when"] == ["at 2:00 PM"]


def test_after_the_days_last_talk_it_says_so_and_names_the_next_day(client, edition, set_clock):
    set_clock("2026-05-18", 15, 30)

    shown = screen(client.get(SCREEN))

    assert shown["now"] == []
    assert shown["messages"] == ["No more talks in this room today."]
    assert shown["next"] == [("Closing keynote", "Chris De Sa", "9:00–10:00 AM PDT")]
    assert shown["when"] == ["Tuesday, May 19, 9:00 AM"]


def test_after_the_rooms_last_talk_it_says_there_are_no_more(client, edition, set_clock):
    # Hall B's talks would keep the edition running; this room has nothing more.
    TalkFactory(
        conference=edition,
        room=edition.rooms.get(slug="hall-b"),
        start=local("2026-05-19", 11),
        end=local("2026-05-19", 12),
    )
    set_clock("2026-05-19", 10, 30)

    shown = screen(client.get(SCREEN))

    assert (shown["now"], shown["next"]) == ([], [])
    assert shown["messages"] == ["No more talks in this room at this edition."]


def test_before_the_edition_it_says_when_it_starts(client, edition, set_clock):
    set_clock("2026-05-17", 12)

    shown = screen(client.get(SCREEN))

    assert shown["messages"] == ["MLSys 2026 starts on Monday, May 18, 9:00 AM PDT."]
    assert shown["now"] == []
    assert shown["next"] == [("Opening keynote", "Ion Stoica", "9:00–10:00 AM PDT")]
    assert shown["when"] == ["Monday, May 18, 9:00 AM"]


def test_after_the_edition_it_says_it_is_over(client, edition, set_clock):
    set_clock("2026-05-19", 10, 0)

    shown = screen(client.get(SCREEN))

    assert shown["messages"] == ["MLSys 2026 is over. Thank you for coming!"]
    assert (shown["now"], shown["next"]) == ([], [])


def test_the_rooms_notice_is_shown(client, edition, set_clock):
    edition.rooms.filter(slug="grand-ballroom-1").update(
        screen_notice="Room full: overflow in Hall B"
    )
    set_clock("2026-05-18", 9, 48)

    shown = screen(client.get(SCREEN))

    assert shown["notice"] == ["Room full: overflow in Hall B"]
    assert shown["now"] == [("Opening keynote", "Ion Stoica", "9:00–10:00 AM PDT")]


def test_it_reloads_just_after_the_minute_turns(client, edition, set_clock):
    set_clock("2026-05-18", 9, 48, second=15)

    response = client.get(SCREEN)

    assert refresh(response) == ["46"]
    assert response["Refresh"] == "46"
    # Kept by browsers and proxies no longer than the site's pages of the clock are.
    assert response["Cache-Control"] == "public, max-age=10, s-maxage=10"


def test_a_copy_kept_for_the_minute_reloads_by_the_seconds_left_now(client, edition, set_clock):
    set_clock("2026-05-18", 9, 48, second=5)
    built = client.get(SCREEN)
    set_clock("2026-05-18", 9, 48, second=50)

    kept = client.get(SCREEN)

    assert kept.content == built.content  # one copy for the minute
    assert refresh(kept) == ["56"]  # as built: at most a minute late where headers are lost
    assert kept["Refresh"] == "11"


def test_the_next_minute_is_built_anew(client, edition, set_clock):
    set_clock("2026-05-18", 10, 3, second=59)
    assert screen(client.get(SCREEN))["when"] == ["in 12 min"]
    set_clock("2026-05-18", 10, 4, second=1)

    assert screen(client.get(SCREEN))["when"] == ["in 11 min"]


def test_at_a_moment_it_shows_that_moment_and_does_not_reload(client, edition, set_clock):
    set_clock("2026-05-19", 12)

    response = client.get(SCREEN, {"at": "2026-05-18T09:48:00-07:00"})

    assert response.status_code == 200
    assert screen(response)["now"] == [("Opening keynote", "Ion Stoica", "9:00–10:00 AM PDT")]
    facts = html.fromstring(response.content).xpath("//p[@class='screen-facts']")[0]
    assert text(facts) == "MLSys 2026 · as at Monday, May 18, 9:48 AM PDT"
    assert refresh(response) == []
    assert "Refresh" not in response


@pytest.mark.parametrize("at", ["soon", "2026-05-18T25:00Z"])
def test_a_bad_moment_answers_400_naming_at(client, edition, set_clock, at):
    set_clock("2026-05-18", 9, 48)

    response = client.get(SCREEN, {"at": at})

    assert response.status_code == 400
    items = html.fromstring(response.content).xpath("//div[@role='alert']//li")
    assert [text(li) for li in items] == [
        f"At: {at} is not an ISO 8601 date and time such as 2026-05-18T09:00:00Z "
        "(write + as %2B in a URL)."
    ]
    assert refresh(response) == []


def test_an_unknown_room_or_an_unpublished_edition_is_not_found(client, edition, set_clock):
    set_clock("2026-05-18", 9, 48)
    ConferenceFactory(slug="2027", is_published=False)
    RoomFactory(conference=ConferenceFactory(slug="2027"), name="Grand Ballroom 1")

    assert client.get("/2026/rooms/nowhere/screen/").status_code == 404
    assert client.get("/2027/rooms/grand-ballroom-1/screen/").status_code == 404
    assert client.get("/2026/rooms/grand-ballroom-1/screen/").status_code == 200


def test_the_screen_has_its_own_layout(client, edition, set_clock):
    set_clock("2026-05-18", 9, 48)

    tree = html.fromstring(client.get(SCREEN).content)

    assert tree.xpath("//link[@rel='stylesheet']/@href") == ["/static/css/screen.css"]
    assert tree.xpath("//nav | //footer | //script | //*[@class='skip-link']") == []
    assert text(tree.xpath("//title")[0]) == "Grand Ballroom 1 · MLSys 2026"


@pytest.mark.parametrize("talk_count", [1, 3])
def test_screen_query_count_does_not_grow(client, set_clock, django_assert_num_queries, talk_count):
    conference = ConferenceFactory(slug="2026")
    room = RoomFactory(conference=conference, name="Grand Ballroom 1")
    for index in range(talk_count):
        start = local("2026-05-18", 9) + dt.timedelta(hours=index)
        TalkFactory(
            conference=conference,
            room=room,
            start=start,
            speakers=[SpeakerFactory() for _ in range(talk_count)],
        )
    set_clock("2026-05-18", 9, 10)

    # The data version, editions, the room, the schedule's bounds, the talks, their speakers.
    with django_assert_num_queries(6):
        response = client.get(SCREEN)
    # A warm hit reads the data version only.
    with django_assert_num_queries(1):
        client.get(SCREEN)

    assert len(screen(response)["now"]) == 1
