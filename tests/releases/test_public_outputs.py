"""Every public output of an edition that holds changes shows its last release, exactly:
the pages (program, its filters, timetable, talk pages and the talks beside them, speakers,
now, agenda, tracks.css), the feeds (iCalendar, frab XML and JSON) and the API (talks and
their filters, speakers, rooms, tracks, now). Every kind of held change is made through the
ORM (tests/releases/held.py), checked invisible, then released and checked visible;
unscheduled talks appear nowhere; ids, guids and UIDs never change. The changes, their
feed and the releases: test_release_history.py."""

import datetime as dt
import json

import icalendar
import pytest
from lxml import etree, html

from program.feeds.ids import talk_guid
from program.models import Speaker, Talk
from program.releases import FIRST_NAME
from tests.releases.held import (
    AT,
    CANCELLED,
    NOW_1,
    NOW_2,
    PUBLISHED,
    RELEASE_1,
    RELEASE_2,
    ROOM_SLUGS,
    ROOMS,
    held_edition,
    ids,
    release_2,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return held_edition()


# ------------------------------------------------------------- reading each output


def row_talks(tree):
    """The talk rows of a page (program, now, agenda): slug -> (start, end, room, status)."""
    return {
        row.get("data-talk-slug"): (
            dt.datetime.fromisoformat(row.xpath(".//time/@datetime")[0]),
            dt.datetime.fromisoformat(row.xpath(".//time/@data-end")[0]),
            ROOM_SLUGS[row.xpath(".//span[@class='room']/text()")[0]],
            CANCELLED if "is-cancelled" in row.get("class") else PUBLISHED,
        )
        for row in tree.xpath("//li[@data-talk-slug]")
    }


def page(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, (path, response.content[:300])
    return html.fromstring(response.content)


def program_page(client):
    tree = page(client, "/2026/program/")
    choices = {
        name: tree.xpath(f"//select[@name='{name}']/option[@value!='']/@value")
        for name in ("room", "speaker", "day")
    }
    choices["track"] = tree.xpath("//input[@type='checkbox'][@name='track']/@value")
    return row_talks(tree), choices


def timetable(client, day):
    tree = page(client, f"/2026/timetable/?day={day}")
    cells = {}
    for cell in tree.xpath("//td[@data-talk-slug]"):
        (room,) = [
            header.removeprefix("room-")
            for header in cell.get("headers").split()
            if header.startswith("room-")
        ]
        cells[cell.get("data-talk-slug")] = (
            dt.datetime.fromisoformat(cell.xpath(".//time/@datetime")[0]),
            dt.datetime.fromisoformat(cell.xpath(".//time/@data-end")[0]),
            room,
            CANCELLED if "is-cancelled" in cell.get("class") else PUBLISHED,
        )
    return cells


def talk_page(client, slug):
    """A public talk page: (start, end, room, status), the talks before and after it in
    its room, and those at the same time; None when it answers 404."""
    response = client.get(f"/2026/talks/{slug}/")
    if response.status_code == 404:
        return None
    tree = html.fromstring(response.content)
    time = tree.xpath("//dl[@class='facts']//time")[0]
    room = tree.xpath("//dl[@class='facts']/div[dt='Room']/dd/a/text()")[0]
    cancelled = bool(tree.xpath("//article[contains(@class, 'is-cancelled')]"))
    beside = {
        li.xpath("string(span[@class='direction'])"): li.xpath("string(a)")
        for li in tree.xpath("//nav[@class='room-neighbours']//li")
    }
    same_time = tree.xpath("//section[@class='concurrent']//a[@class='talk-link']/text()")
    return (
        (
            dt.datetime.fromisoformat(time.get("datetime")),
            dt.datetime.fromisoformat(time.get("data-end")),
            ROOM_SLUGS[room],
            CANCELLED if cancelled else PUBLISHED,
        ),
        beside,
        same_time,
    )


def speakers_page(client):
    tree = page(client, "/2026/speakers/")
    return {
        item.xpath("string(h2)"): [
            (li.xpath("string(a)"), li.get("class") == "is-cancelled")
            for li in item.xpath(".//ul[@class='speaker-talks']/li")
        ]
        for item in tree.xpath("//li[@class='speaker-item']")
    }


def now_page(client):
    tree = page(client, f"/2026/now/?at={AT}")
    return {
        section.xpath("string(h2/@id)").removeprefix("room-"): (
            section.xpath(".//ol[contains(@class, 'now-talks')]/li/@data-talk-slug"),
            section.xpath(".//ol[contains(@class, 'next-talks')]/li/@data-talk-slug"),
        )
        for section in tree.xpath("//section[@class='now-room']")
    }


def api(client, path, status=200):
    response = client.get(f"/api/v1/{path}")
    assert response.status_code == status, (path, response.content[:300])
    return response.json()


def api_talk(item):
    return (
        dt.datetime.fromisoformat(item["start"]),
        dt.datetime.fromisoformat(item["end"]),
        item["room"]["slug"],
        item["status"],
    )


def api_talks(client, query=""):
    """slug -> (start, end, room, status) of the API's talks of the edition, in its order."""
    items = api(client, f"talks/?conference=2026&page_size=100{query}")["results"]
    return {item["slug"]: api_talk(item) for item in items}


def api_now(client):
    rooms = api(client, f"conferences/2026/now/?at={AT}")["rooms"]
    return {
        room["slug"]: (
            [talk["slug"] for talk in room["now"]],
            [talk["slug"] for talk in room["next"]],
        )
        for room in rooms
    }


def calendar_events(content):
    """UID -> (start, end, location's room, status, SEQUENCE) of an iCalendar file."""
    calendar = icalendar.Calendar.from_ical(content)
    return {
        str(event["uid"]): (
            event.decoded("dtstart"),
            event.decoded("dtend"),
            ROOM_SLUGS[str(event["location"]).split(",")[0]],
            str(event["status"]),
            int(event["sequence"]),
        )
        for event in calendar.walk("VEVENT")
    }


def frab_json(client):
    schedule = json.loads(client.get("/2026/schedule.json").content)["schedule"]
    events = {}
    for day in schedule["conference"]["days"]:
        for room, room_events in day["rooms"].items():
            for event in room_events:
                events[event["guid"]] = (
                    dt.datetime.fromisoformat(event["date"]),
                    event["duration"],
                    ROOM_SLUGS[room],
                    event["id"],
                )
    return schedule["version"], events


def frab_xml(client):
    root = etree.fromstring(client.get("/2026/schedule.xml").content)
    events = {
        event.get("guid"): (
            dt.datetime.fromisoformat(event.findtext("date")),
            event.findtext("duration"),
            ROOM_SLUGS[event.findtext("room")],
            int(event.get("id")),
        )
        for event in root.iter("event")
    }
    return root.findtext("version"), events


# -------------------------------------------------------------------- expectations


def calendar_view(program):
    """What a calendar shows of ``program``: UID -> (start, end, room, STATUS)."""
    talks = {talk.slug: talk for talk in Talk.objects.select_related("conference")}
    return {
        str(talk_guid(talks[slug])): (
            start,
            end,
            room,
            status.upper().replace("PUBLISHED", "CONFIRMED"),
        )
        for slug, (start, end, room, status) in program.items()
    }


def frab_view(program):
    """What frab shows of ``program``'s talks that take place: guid -> (start, HH:MM, room, id)."""
    talks = {talk.slug: talk for talk in Talk.objects.select_related("conference")}
    return {
        str(talk_guid(talks[slug])): (
            start,
            f"{(end - start).seconds // 3600:02d}:{(end - start).seconds // 60 % 60:02d}",
            room,
            talks[slug].pk,
        )
        for slug, (start, end, room, status) in program.items()
        if status == PUBLISHED
    }


def on_day(program, day):
    return {slug: slot for slug, slot in program.items() if slot[0].date().isoformat() == day}


def in_order(program):
    return sorted(program, key=lambda slug: (program[slug][0], list(ROOMS).index(program[slug][2])))


def check_everything_shows(client, program, now, *, version):
    """Every public output shows exactly ``program`` (slug -> slot and status)."""
    rows, choices = program_page(client)
    assert rows == program
    rooms_used = [slug for slug in ROOMS if slug in {slot[2] for slot in program.values()}]
    assert choices["room"] == rooms_used
    assert choices["day"] == [f"2026-05-{day}" for day in range(18, 23)]
    for day in ("2026-05-18", "2026-05-19"):
        assert timetable(client, day) == on_day(program, day)
    for slug in [*RELEASE_1, "added", "waiting"]:
        shown = talk_page(client, slug)
        assert (shown and shown[0]) == program.get(slug), slug
    assert now_page(client) == now
    assert list(api_talks(client)) == in_order(program)
    assert api_talks(client) == program
    assert list(api_talks(client, "&ordering=-start")) == sorted(
        program,
        key=lambda slug: (-program[slug][0].timestamp(), list(ROOMS).index(program[slug][2])),
    )
    for room in ("hall-b", "annex", "studio"):
        chosen = {slug: slot for slug, slot in program.items() if slot[2] == room}
        if chosen:
            assert api_talks(client, f"&room={room}") == chosen
            assert row_talks(page(client, f"/2026/program/?room={room}")) == chosen
        else:
            assert api(client, f"talks/?conference=2026&room={room}", 400) == {
                "room": [f"{room} is not a known room."]
            }
    for day in ("2026-05-18", "2026-05-19"):
        assert api_talks(client, f"&day={day}") == on_day(program, day)
        assert row_talks(page(client, f"/2026/program/?day={day}")) == on_day(program, day)
    for slug, pk in ids().items():
        if slug in program:
            assert api_talk(api(client, f"talks/{pk}/")) == program[slug]
        else:
            api(client, f"talks/{pk}/", 404)
    assert api_now(client) == now
    assert [room["slug"] for room in api(client, "rooms/?conference=2026")["results"]] == rooms_used
    calendar = calendar_events(client.get("/2026/program.ics").content)
    assert {uid: event[:4] for uid, event in calendar.items()} == calendar_view(program)
    for slug, pk in ids().items():
        response = client.get(f"/2026/talks/{slug}.ics")
        if slug in program:
            (event,) = calendar_events(response.content).values()
            assert event == calendar[str(talk_guid(Talk.objects.get(pk=pk)))]
        else:
            assert response.status_code == 404
    json_version, json_events = frab_json(client)
    xml_version, xml_events = frab_xml(client)
    assert json_events == xml_events == frab_view(program)
    assert json_version == xml_version == version
    return calendar, choices


def details(edition):
    """The API's addresses of the rooms, tracks and speakers that only release 1 or only
    release 2 uses (named by slug in a fragment, which the test client drops)."""
    rooms, tracks = edition.rooms, edition.tracks
    return [
        f"rooms/{rooms.get(slug='studio').pk}/#studio-removed",
        f"tracks/{tracks.get(slug='legacy').pk}/#legacy",
        f"speakers/{Speaker.objects.get(slug='rex-removed').pk}/#removed",
        f"rooms/{rooms.get(slug='ballroom').pk}/#ballroom",
        f"tracks/{tracks.get(slug='systems').pk}/#systems",
        f"speakers/{Speaker.objects.get(slug='sam-stay').pk}/#sam",
    ]


def test_every_public_output_shows_the_last_release_until_the_next(client, edition):
    calendar, choices = check_everything_shows(client, RELEASE_1, NOW_1, version=FIRST_NAME)
    # Tracks, speakers and the agenda of release 1.
    assert [track["slug"] for track in api(client, "tracks/?conference=2026")["results"]] == [
        "legacy",
        "systems",
    ]
    css = client.get("/2026/tracks.css").content.decode()
    assert ('[data-track="legacy"]' in css, '[data-track="fresh"]' in css) == (True, False)
    assert speakers_page(client) == {
        "Rex Removed": [("Removed", False)],
        "Sam Stay": [
            ("Stays", False),
            ("Moved", False),
            ("Roomed", False),
            ("Retimed", False),
            ("Cancelled", False),
            ("Reinstated", True),
        ],
    }
    assert [
        (speaker["name"], speaker["talks"])
        for speaker in api(client, "speakers/?conference=2026")["results"]
    ] == [
        ("Rex Removed", [ids()["removed"]]),
        ("Sam Stay", [ids()[slug] for slug in in_order(RELEASE_1) if slug != "removed"]),
    ]
    page(client, "/2026/speakers/nia-new/", 404)
    assert {name: choices[name] for name in ("track", "speaker")} == {
        "track": ["legacy", "systems"],
        "speaker": ["rex-removed", "sam-stay"],
    }
    details_before = {path: api(client, path) for path in details(edition)}
    assert talk_page(client, "stays")[1:] == ({"After:": "Moved"}, [])
    assert talk_page(client, "retimed")[1:] == ({"After:": "Cancelled"}, [])
    page(client, "/2026/agenda/?talk=added", 400)
    assert row_talks(page(client, "/2026/agenda/?talk=removed&talk=moved")) == {
        slug: RELEASE_1[slug] for slug in ("moved", "removed")
    }
    sequences = {uid: event[4] for uid, event in calendar.items()}

    done = release_2(edition)

    assert (done.number, done.name, done.changes) == (2, "Final", 7)
    calendar, _ = check_everything_shows(client, RELEASE_2, NOW_2, version="Final")
    assert [track["slug"] for track in api(client, "tracks/?conference=2026")["results"]] == [
        "fresh",
        "systems",
    ]
    css = client.get("/2026/tracks.css").content.decode()
    assert ('[data-track="legacy"]' in css, '[data-track="fresh"]' in css) == (False, True)
    assert speakers_page(client) == {
        "Nia New": [("Added", False)],
        "Sam Stay": [
            ("Stays", False),
            ("Roomed", False),
            ("Retimed", False),
            ("Cancelled", True),
            ("Reinstated", False),
            ("Moved", False),
        ],
    }
    page(client, "/2026/speakers/rex-removed/", 404)
    page(client, "/2026/speakers/nia-new/")
    assert {name: program_page(client)[1][name] for name in ("track", "speaker")} == {
        "track": ["fresh", "systems"],
        "speaker": ["nia-new", "sam-stay"],
    }
    # What only release 1 used is found no more; what release 2 brings is.
    sam_talks = [ids()[slug] for slug in in_order(RELEASE_2) if slug != "added"]
    for path, before in details_before.items():
        if "legacy" in path or "removed" in path:
            api(client, path, 404)
        elif path.startswith("speakers/"):
            assert api(client, path) == {**before, "talks": sam_talks}
        else:
            assert api(client, path) == before
    assert talk_page(client, "stays")[1:] == ({}, ["Added"])
    assert talk_page(client, "retimed")[1:] == ({"Before:": "Roomed", "After:": "Cancelled"}, [])
    assert row_talks(page(client, "/2026/agenda/?talk=added&talk=moved")) == {
        slug: RELEASE_2[slug] for slug in ("added", "moved")
    }
    gone = page(client, "/2026/agenda/?talk=removed")
    assert gone.xpath("string(//section[@class='gone']//li)") == "Removed (removed)"
    # The same events, by the same UIDs: those the release changed with a higher SEQUENCE.
    changed = {str(talk_guid(Talk.objects.get(slug=slug))) for slug in RELEASE_2} - {
        str(talk_guid(Talk.objects.get(slug="stays")))
    }
    assert {uid for uid in calendar if calendar[uid][4] > sequences.get(uid, -1)} == changed
    assert (
        calendar[str(talk_guid(Talk.objects.get(slug="stays")))][4]
        == sequences[str(talk_guid(Talk.objects.get(slug="stays")))]
    )
