"""Calendar files across daylight-saving changes, read back by independent parsers.

icalendar (Python, zoneinfo underneath), vobject (Python, dateutil's VTIMEZONE reader) and
ical.js (JavaScript, Mozilla's, run by node: tests/feeds/ical_instants.mjs) must read the
true UTC instants of every talk: in the hour that repeats when the clocks go back, and in a
later edition read with the VTIMEZONE of an earlier one, as calendar apps that keep one
definition per TZID do (vobject and our ical.js script do exactly that).
"""

import datetime as dt
import io
import json
import shutil
import subprocess
import zoneinfo
from pathlib import Path

import pytest
import vobject
import vobject.icalendar
from dateutil import tz as dateutil_tz
from icalendar import Calendar, Timezone

from program.feeds.vtimezone import vtimezone
from tests.conftest import require
from tests.factories import ConferenceFactory, RoomFactory, TalkFactory
from tests.feeds.test_feeds import check_ics  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
UTC = dt.UTC
ROOT = Path(__file__).resolve().parent.parent.parent


def utc(*parts):
    return dt.datetime(*parts, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fresh_vobject_zones():
    """vobject keeps the first VTIMEZONE it reads for each TZID, for the whole process."""
    zones = vars(vobject.icalendar)["__tzidMap"]
    saved = dict(zones)
    zones.clear()
    zones.update({"UTC": saved["UTC"]})
    yield
    zones.clear()
    zones.update(saved)


def new_york_edition(slug, year):
    return ConferenceFactory(
        slug=slug,
        name=f"Night Conf {year}",
        timezone="America/New_York",
        start_date=dt.date(year, 6, 1),
        end_date=dt.date(year, 11, 30),
    )


def talk(conference, slug, start, end):
    room = RoomFactory(conference=conference, name="Hall", slug="hall")
    return TalkFactory(
        conference=conference, slug=slug, title=slug, room=room, start=start, end=end
    )


def icalendar_instants(content):
    """{summary: (start, end)} in UTC as icalendar reads them."""
    return {
        str(event["SUMMARY"]): (
            event.decoded("DTSTART").astimezone(UTC),
            event.decoded("DTEND").astimezone(UTC),
        )
        for event in Calendar.from_ical(content).walk("VEVENT")
    }


@pytest.fixture
def icaljs_instants(tmp_path):
    """{summary: (start, end)} as ical.js reads the last of ``contents`` (node_modules from
    `make test`'s npm ci; node from the system)."""
    node = shutil.which("node")
    require(node is not None, "node is not installed: ical.js runs on it")
    require((ROOT / "node_modules" / "ical.js").is_dir(), "node_modules/ical.js is missing: npm ci")

    def read(*contents):
        paths = []
        for number, content in enumerate(contents):
            paths.append(tmp_path / f"calendar-{number}.ics")
            paths[-1].write_bytes(content)
        script = ROOT / "tests" / "feeds" / "ical_instants.mjs"
        result = subprocess.run(
            [node, str(script), *map(str, paths)], capture_output=True, check=True, text=True
        )
        return {
            summary: tuple(dt.datetime.fromisoformat(moment) for moment in moments)
            for summary, moments in json.loads(result.stdout).items()
        }

    return read


def vobject_instants(content):
    calendar = vobject.readOne(content.decode())
    return {
        event.summary.value: (
            event.dtstart.value.astimezone(UTC),
            event.dtend.value.astimezone(UTC),
        )
        for event in calendar.vevent_list
    }


@pytest.fixture
def repeated_hour():
    """Talks on 1 November 2026, when New York's clocks go back from 2:00 EDT to 1:00 EST."""
    edition = new_york_edition("2026", 2026)
    # 01:30 EDT to 01:30 EST: one hour, from the first 1:30 to the second.
    talk(edition, "one-hour", utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 30))
    # Entirely in the second 1:00-2:00.
    talk(edition, "second-pass", utc(2026, 11, 1, 6, 10), utc(2026, 11, 1, 6, 50))
    # Entirely in the first one.
    talk(edition, "first-pass", utc(2026, 11, 1, 5, 5), utc(2026, 11, 1, 5, 25))
    return edition


EXPECTED = {
    "one-hour": (utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 30)),
    "second-pass": (utc(2026, 11, 1, 6, 10), utc(2026, 11, 1, 6, 50)),
    "first-pass": (utc(2026, 11, 1, 5, 5), utc(2026, 11, 1, 5, 25)),
}


def test_repeated_hour_talks_keep_their_true_instants(
    client,
    repeated_hour,
    check_ics,  # noqa: F811
    icaljs_instants,
):
    content = client.get("/2026/program.ics").content

    # UTC times (in the repeated hour) are valid RFC 5545, though the feed prefers local ones.
    check_ics(content, allow_utc=True)
    assert icalendar_instants(content) == EXPECTED
    assert vobject_instants(content) == EXPECTED
    assert icaljs_instants(content) == EXPECTED


def test_times_in_the_repeated_hour_are_written_in_utc(client, repeated_hour):
    """RFC 5545 §3.3.5 reads a local 1:30 there as the first, ical.js as the second: only
    UTC reads alike everywhere. Other times stay local with their TZID."""
    text = client.get("/2026/program.ics").content.decode()

    assert "DTSTART:20261101T053000Z\r\nDTEND:20261101T063000Z\r\n" in text
    assert "DTSTART:20261101T061000Z\r\nDTEND:20261101T065000Z\r\n" in text
    assert "DTSTART:20261101T050500Z\r\nDTEND:20261101T052500Z\r\n" in text
    assert "\r\nX-WR-TIMEZONE:America/New_York\r\n" in text


def test_a_talk_with_one_end_in_the_repeated_hour_is_written_in_utc_at_both(client, repeated_hour):
    # 1:40 EST (the second pass) to 2:20 EST: Giggity read both ends in one form, and the
    # talk with DTSTART in UTC and DTEND with a TZID ended before it started.
    talk(repeated_hour, "across", utc(2026, 11, 1, 6, 40), utc(2026, 11, 1, 7, 20))

    text = client.get("/2026/program.ics").content.decode()

    assert "DTSTART:20261101T064000Z\r\nDTEND:20261101T072000Z\r\n" in text


def test_times_outside_the_repeated_hour_stay_local(client, repeated_hour):
    talk(repeated_hour, "after", utc(2026, 11, 1, 7), utc(2026, 11, 1, 8))  # 2:00-3:00 EST

    text = client.get("/2026/program.ics").content.decode()

    assert (
        "DTSTART;TZID=America/New_York:20261101T020000\r\n"
        "DTEND;TZID=America/New_York:20261101T030000\r\n"
    ) in text


def test_two_editions_read_one_after_the_other_by_one_parser(
    client,
    check_ics,  # noqa: F811
    icaljs_instants,
):
    first = new_york_edition("2026", 2026)
    talk(first, "june-2026", utc(2026, 6, 10, 13), utc(2026, 6, 10, 14))  # 9:00 EDT
    second = new_york_edition("2027", 2027)
    talk(second, "july-2027", utc(2027, 7, 14, 13), utc(2027, 7, 14, 14))  # 9:00 EDT
    talk(second, "december-2027", utc(2027, 12, 1, 14), utc(2027, 12, 1, 15))  # 9:00 EST
    talk(second, "fall-back-2027", utc(2027, 11, 7, 5, 30), utc(2027, 11, 7, 6, 30))
    files = [client.get(f"/{slug}/program.ics").content for slug in ("2026", "2027")]
    for content in files:
        check_ics(content, allow_utc=True)

    # vobject keeps 2026's VTIMEZONE and places 2027's talks with it.
    vobject_instants(files[0])
    read_later = vobject_instants(files[1])
    # An app doing the same with icalendar's reading of 2026's VTIMEZONE.
    (zone_2026,) = Calendar.from_ical(files[0]).walk("VTIMEZONE")
    kept = zone_2026.to_tz(lookup_tzid=False)

    def with_kept_zone(value):
        return value if value.tzinfo == UTC else value.replace(tzinfo=kept).astimezone(UTC)

    icalendar_later = {
        str(event["SUMMARY"]): (
            with_kept_zone(event.decoded("DTSTART").replace(tzinfo=None))
            if event["DTSTART"].params.get("TZID")
            else event.decoded("DTSTART").astimezone(UTC),
            with_kept_zone(event.decoded("DTEND").replace(tzinfo=None))
            if event["DTEND"].params.get("TZID")
            else event.decoded("DTEND").astimezone(UTC),
        )
        for event in Calendar.from_ical(files[1]).walk("VEVENT")
    }
    expected = {
        "july-2027": (utc(2027, 7, 14, 13), utc(2027, 7, 14, 14)),
        "december-2027": (utc(2027, 12, 1, 14), utc(2027, 12, 1, 15)),
        "fall-back-2027": (utc(2027, 11, 7, 5, 30), utc(2027, 11, 7, 6, 30)),
    }
    assert read_later == expected
    assert icalendar_later == expected
    assert icaljs_instants(*files) == expected


@pytest.mark.parametrize(
    "zone",
    [
        "America/New_York",
        "Europe/Berlin",
        "Europe/Dublin",  # winter is "daylight saving" time in tz data
        "Australia/Sydney",  # southern hemisphere
        "Asia/Jerusalem",  # Friday on or after 23 March
        "America/Santiago",  # Sunday on or after the 2nd
        "America/Sao_Paulo",  # DST abolished in 2019
        "Asia/Tokyo",  # no change since 1970
        "Etc/UTC",
    ],
)
def test_vtimezone_is_right_for_every_year(zone):
    """Our VTIMEZONE, read by icalendar and by dateutil (vobject's reader), gives the tz
    database's offset from 1970 to 2099: every week, and every half hour of the day of
    each change."""
    text = vtimezone(zone, zone).to_ical().decode()
    read_by_icalendar = Timezone.from_ical(text).to_tz(lookup_tzid=False)
    read_by_dateutil = dateutil_tz.tzical(io.StringIO(text)).get()
    truth = zoneinfo.ZoneInfo(zone)

    def offset(moment, zone):
        return moment.astimezone(zone).utcoffset()

    moments = []
    day = utc(1970, 1, 2)
    while day < utc(2099, 12, 1):
        if offset(day, truth) != offset(day + dt.timedelta(days=1), truth):
            moments += [day + dt.timedelta(minutes=30 * step) for step in range(2 * 24 + 1)]
        elif day.weekday() == day.day % 7:  # about once a week, at varying hours
            moments.append(day + dt.timedelta(hours=day.day % 24))
        day += dt.timedelta(days=1)
    wrong = [
        (moment, reader)
        for moment in moments
        for reader in (read_by_icalendar, read_by_dateutil)
        if offset(moment, reader) != offset(moment, truth)
    ]
    assert len(moments) > 4000
    assert wrong == []


def test_vtimezone_writes_todays_rule_as_yearly_recurrence():
    text = vtimezone("America/New_York", "America/New_York").to_ical().decode()

    assert (
        "BEGIN:DAYLIGHT\r\nDTSTART:20070311T020000\r\nRRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\n"
        "TZNAME:EDT\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nEND:DAYLIGHT\r\n"
    ) in text
    assert (
        "BEGIN:STANDARD\r\nDTSTART:20071104T020000\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\n"
        "TZNAME:EST\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nEND:STANDARD\r\n"
    ) in text
    assert "UNTIL" not in text
