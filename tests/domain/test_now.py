"""Now and next (/<edition>/now/ and /api/v1/conferences/<edition>/now/) with a fixed clock:
before the conference, during a talk, between talks, between days and after it."""

import datetime as dt

import pytest
from lxml import html

from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    TalkFactory,
    TalkTypeFactory,
    local,
)

pytestmark = pytest.mark.django_db

NOW = "/2026/now/"
API = "/api/v1/conferences/2026/now/"


@pytest.fixture
def edition():
    """Two rooms over two days; a cancelled talk that now and next leave out."""
    conference = ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)
    ballroom = RoomFactory(conference=conference, name="Grand Ballroom 1", position=0)
    hall = RoomFactory(conference=conference, name="Hall B", position=1)
    keynote = TalkTypeFactory(slug="keynote", name="Keynote")
    invited = TalkTypeFactory(slug="invited-talk", name="Invited Talk")

    def talk(slug, room, type_, day, hour, minute, minutes, **fields):
        start = local(day, hour, minute)
        TalkFactory(
            conference=conference,
            slug=slug,
            title=slug.replace("-", " ").capitalize(),
            room=room,
            type=type_,
            start=start,
            end=start + dt.timedelta(minutes=minutes),
            **fields,
        )

    talk("opening-keynote", ballroom, keynote, "2026-05-18", 9, 0, 60)
    talk("kv-cache", ballroom, invited, "2026-05-18", 10, 15, 25)
    talk("serving", hall, invited, "2026-05-18", 10, 0, 60)
    talk("called-off", hall, invited, "2026-05-18", 11, 0, 30, status="cancelled")
    talk("posters", hall, invited, "2026-05-18", 14, 0, 60)
    talk("closing-keynote", ballroom, keynote, "2026-05-19", 9, 0, 60)
    return conference


def board(response):
    """{room name: (talks now, talks next)} as the page shows them, in the rooms' order."""
    tree = html.fromstring(response.content)
    return {
        section.findtext("h2"): (
            section.xpath(".//ol[contains(@class, 'now-talks')]/li/@data-talk-slug"),
            section.xpath(".//ol[contains(@class, 'next-talks')]/li/@data-talk-slug"),
        )
        for section in tree.xpath("//section[@class='now-room']")
    }


def notices(response):
    tree = html.fromstring(response.content)
    return [" ".join(p.text_content().split()) for p in tree.xpath("//p[contains(@class, 'now-')]")]


def test_before_the_conference_it_says_when_it_starts(client, edition, set_clock):
    set_clock("2026-05-17", 12)

    response = client.get(NOW)

    assert response.status_code == 200
    assert "MLSys 2026 starts on Monday, May 18, 9:00 AM PDT." in response.content.decode()
    assert board(response) == {
        "Grand Ballroom 1": ([], ["opening-keynote"]),
        "Hall B": ([], ["serving"]),
    }
    assert "Next, Monday, May 18" in notices(response)


def test_during_a_talk_each_room_shows_now_and_next(client, edition, set_clock):
    set_clock("2026-05-18", 9, 30)

    response = client.get(NOW)

    assert board(response) == {
        "Grand Ballroom 1": (["opening-keynote"], ["kv-cache"]),
        "Hall B": ([], ["serving"]),
    }
    assert notices(response)[0] == ("At the venue it is Monday, May 18, 9:30 AM PDT.")
    (clock_time,) = html.fromstring(response.content).xpath("//p[@class='now-clock']/time")
    assert clock_time.get("datetime") == "2026-05-18T09:30:00-07:00"


def test_between_talks_a_room_shows_only_the_next(client, edition, set_clock):
    set_clock("2026-05-18", 10, 5)

    response = client.get(NOW)

    assert board(response) == {
        "Grand Ballroom 1": ([], ["kv-cache"]),
        "Hall B": (["serving"], ["posters"]),  # the cancelled talk is left out
    }


def test_a_talk_is_on_from_its_start_until_just_before_its_end(client, edition, set_clock):
    set_clock("2026-05-18", 10, 0)

    assert board(client.get(NOW)) == {
        "Grand Ballroom 1": ([], ["kv-cache"]),
        "Hall B": (["serving"], ["posters"]),
    }


def test_overnight_the_next_talk_is_on_the_next_day(client, edition, set_clock):
    set_clock("2026-05-18", 20)

    response = client.get(NOW)

    assert board(response) == {"Grand Ballroom 1": ([], ["closing-keynote"])}
    assert "Next, Tuesday, May 19" in notices(response)


def test_after_the_conference_it_says_it_is_over(client, edition, set_clock):
    set_clock("2026-05-19", 10, 0)

    response = client.get(NOW)

    assert board(response) == {}
    assert (
        "MLSys 2026 is over: its last talk ended on Tuesday, May 19, 10:00 AM PDT."
        in response.content.decode()
    )


def test_filtered_by_type_now_and_next_keep_to_it(client, edition, set_clock):
    set_clock("2026-05-18", 9, 30)

    response = client.get(NOW + "?type=keynote")

    assert board(response) == {"Grand Ballroom 1": (["opening-keynote"], ["closing-keynote"])}
    tree = html.fromstring(response.content)
    assert tree.xpath("//input[@name='type'][@checked]/@value") == ["keynote"]
    assert tree.xpath("//input[@name='type']/@value") == ["invited-talk", "keynote"]


def test_bad_type_answers_400_with_the_message(client, edition, set_clock):
    set_clock("2026-05-18", 9, 30)

    response = client.get(NOW + "?type=lightning")

    assert response.status_code == 400
    alert = html.fromstring(response.content).xpath("//div[@role='alert']//li")
    assert [" ".join(li.text_content().split()) for li in alert] == [
        "Type: lightning is not a known talk type."
    ]


def test_page_may_be_cached_until_the_next_minute(client, edition, set_clock):
    set_clock("2026-05-18", 9, 30, second=55)
    closing = client.get(NOW)
    set_clock("2026-05-18", 9, 31, second=20)

    response = client.get(NOW)

    # Never past its minute, and never longer than any public page (PROXY_SECONDS).
    assert closing["Cache-Control"] == "public, max-age=5, s-maxage=5"
    assert response["Cache-Control"] == "public, max-age=10, s-maxage=10"


def test_edition_without_talks_goes_by_its_dates(client, set_clock):
    ConferenceFactory(slug="2026", name="MLSys 2026")
    set_clock("2026-05-23", 0, 0)

    assert "MLSys 2026 is over: its last talk ended on Friday, May 22." in (
        client.get(NOW).content.decode()
    )


@pytest.mark.parametrize("talk_count", [1, 3])
def test_now_page_query_count_does_not_grow(
    client, set_clock, django_assert_num_queries, talk_count
):
    conference = ConferenceFactory(slug="2026")
    room = RoomFactory(conference=conference)
    for index in range(talk_count):
        start = local("2026-05-18", 9) + dt.timedelta(hours=index)
        TalkFactory(conference=conference, room=room, start=start)
    set_clock("2026-05-18", 9, 10)

    # The data version, editions, the schedule's bounds, the talks, their speakers, their
    # rooms, the rooms, the type choices.
    with django_assert_num_queries(8):
        response = client.get(NOW)

    assert len(board(response)[room.name][0]) == 1


def test_page_at_a_moment_shows_that_moment_and_is_kept_like_any_page(client, edition, set_clock):
    set_clock("2026-05-18", 14, 30)

    response = client.get(NOW, {"at": "2026-05-18T09:30:00-07:00"})

    assert response.status_code == 200
    assert board(response) == {
        "Grand Ballroom 1": (["opening-keynote"], ["kv-cache"]),
        "Hall B": ([], ["serving"]),
    }
    assert notices(response)[0] == "As at Monday, May 18, 9:30 AM PDT. See now"
    tree = html.fromstring(response.content)
    assert tree.xpath("//*[@data-now-refresh]") == []  # a given moment is not fetched again
    assert tree.xpath("//form[contains(@class, 'now-filters')]//input[@name='at']/@value") == [
        "2026-05-18T09:30:00-07:00"
    ]
    # A given moment does not change with the clock: public like the program.
    assert response["Cache-Control"] == (
        "public, max-age=10, s-maxage=10, stale-while-revalidate=30"
    )


def test_page_at_a_moment_and_the_plain_page_are_cached_apart(client, edition, set_clock):
    set_clock("2026-05-18", 9, 30)
    at_ten = client.get(NOW, {"at": "2026-05-18T17:05:00Z"})  # 10:05 in Bellevue
    assert board(client.get(NOW))["Hall B"] == ([], ["serving"])

    set_clock("2026-05-18", 10, 5)

    # The plain page moves with the clock; the page for a moment stays what it was.
    assert board(client.get(NOW)) == {
        "Grand Ballroom 1": ([], ["kv-cache"]),
        "Hall B": (["serving"], ["posters"]),
    }
    assert board(at_ten) == board(client.get(NOW, {"at": "2026-05-18T17:05:00Z"}))
    set_clock("2026-05-18", 14, 30)
    assert board(client.get(NOW, {"at": "2026-05-18T17:05:00Z"})) == board(at_ten)


@pytest.mark.parametrize(
    "at",
    # (A moment beyond the calendar's ends is valid: it reads as the nearest that exists.)
    ["soon", "2026-05-18 09:30:00 07:00", "2026-05-18T25:00Z"],
)
def test_page_refuses_a_bad_moment_with_the_apis_message(client, edition, set_clock, at):
    set_clock("2026-05-18", 9, 30)

    response = client.get(NOW, {"at": at})
    api = client.get(API, {"at": at})

    assert (response.status_code, api.status_code) == (400, 400)
    alert = html.fromstring(response.content).xpath("//div[@role='alert']//li")
    assert [" ".join(li.text_content().split()) for li in alert] == [
        f"At: {at} is not an ISO 8601 date and time such as 2026-05-18T09:00:00Z "
        "(write + as %2B in a URL)."
    ]
    assert api.json() == {"at": [alert[0].text_content().split(": ", 1)[1].strip()]}


def test_a_talk_that_started_yesterday_is_now(client, edition, set_clock):
    hackathon = TalkFactory(
        conference=edition,
        slug="hackathon",
        room=edition.rooms.get(name="Hall B"),
        start=local("2026-05-18", 15),
        end=local("2026-05-19", 12),
    )
    set_clock("2026-05-19", 9, 30)

    for query in ({}, {"day": "2026-05-19"}):
        assert board(client.get(NOW, query)) == {
            "Grand Ballroom 1": (["closing-keynote"], []),
            "Hall B": (["hackathon"], []),
        }
    body = client.get(API, {"at": "2026-05-19T11:59:00-07:00", "day": "2026-05-19"}).json()
    assert [(room["slug"], [t["slug"] for t in room["now"]]) for room in body["rooms"]] == [
        ("hall-b", [hackathon.slug])
    ]


# ---------------------------------------------------------------------------- the API


def test_api_now_at_a_moment(client, edition):
    response = client.get(API, {"at": "2026-05-18T16:30:00Z"})  # 9:30 in Bellevue

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("conference", "at", "state", "starts", "ends")} == {
        "conference": "2026",
        "at": "2026-05-18T09:30:00-07:00",
        "state": "running",
        "starts": "2026-05-18T09:00:00-07:00",
        "ends": "2026-05-19T10:00:00-07:00",
    }
    assert [
        (room["name"], [t["slug"] for t in room["now"]], [t["slug"] for t in room["next"]])
        for room in body["rooms"]
    ] == [
        ("Grand Ballroom 1", ["opening-keynote"], ["kv-cache"]),
        ("Hall B", [], ["serving"]),
    ]
    assert body["rooms"][0]["now"][0]["title"] == "Opening keynote"
    # A given moment does not change with the clock: public like any resource.
    assert response["Cache-Control"] == (
        "public, max-age=10, s-maxage=10, stale-while-revalidate=30"
    )


@pytest.mark.parametrize(
    ("at", "state", "rooms"),
    [
        ("2026-05-17T12:00:00-07:00", "before", ["Grand Ballroom 1", "Hall B"]),
        ("2026-05-18T20:00:00-07:00", "running", ["Grand Ballroom 1"]),
        ("2026-05-19T10:00:00-07:00", "over", []),
    ],
)
def test_api_now_before_between_days_and_after(client, edition, at, state, rooms):
    body = client.get(API, {"at": at}).json()

    assert (body["state"], [room["name"] for room in body["rooms"]]) == (state, rooms)


def test_api_now_reads_the_clock_and_filters(client, edition, set_clock):
    set_clock("2026-05-18", 10, 5, second=30)

    response = client.get(API, {"type": "invited-talk"})

    body = response.json()
    assert body["at"] == "2026-05-18T10:05:00-07:00"
    assert [(room["slug"], [t["slug"] for t in room["now"]]) for room in body["rooms"]] == [
        ("grand-ballroom-1", []),
        ("hall-b", ["serving"]),
    ]
    assert response["Cache-Control"] == "public, max-age=10, s-maxage=10"


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"at": "soon"}, {"at": ["soon is not an ISO 8601 date and time such as "
                                 "2026-05-18T09:00:00Z (write + as %2B in a URL)."]}),
        ({"type": "lightning"}, {"type": ["lightning is not a known talk type."]}),
        ({"when": "now"}, {"when": ["Unknown parameter; the known ones are at, day, format, "
                                    "q, room, speaker, talk, talks, track, type."]}),
    ],
)  # fmt: skip
def test_api_now_refuses_bad_parameters(client, edition, query, errors):
    response = client.get(API, query)

    assert (response.status_code, response.json()) == (400, errors)


@pytest.mark.parametrize(
    ("at", "shown", "state"),
    [
        # The first and last days of the calendar exist in no timezone west or east of UTC
        # (they gave 500): a moment beyond them reads as the nearest one that does.
        ("0001-01-01T00:00:00+14:00", "0001-01-01T16:07:00-07:53", "before"),
        ("9999-12-31T23:00Z", "9999-12-30T15:59:59.999999-08:00", "over"),
    ],
)
def test_api_now_at_the_calendar_s_ends(client, edition, at, shown, state):
    body = client.get(API, {"at": at}).json()

    assert (body["at"], body["state"]) == (shown, state)
    assert client.get(NOW, {"at": at}).status_code == 200  # the page reads it alike


def test_api_now_of_an_unknown_edition_is_404(client, edition):
    assert client.get("/api/v1/conferences/1999/now/").status_code == 404


@pytest.mark.parametrize("talk_count", [1, 3])
def test_api_now_query_count_does_not_grow(client, django_assert_num_queries, talk_count):
    conference = ConferenceFactory(slug="2026")
    room = RoomFactory(conference=conference)
    for index in range(talk_count):
        start = local("2026-05-18", 9) + dt.timedelta(hours=index)
        TalkFactory(conference=conference, room=room, start=start)

    # The data version, the edition, the schedule's bounds, the talks, their speakers and
    # resources, the rooms.
    with django_assert_num_queries(7):
        response = client.get(API, {"at": "2026-05-18T16:10:00Z"})

    assert len(response.json()["rooms"][0]["now"]) == 1
