"""A file's wall-clock times are its edition's (docs/organisers/imports.md "Time zones"): the
file's zone when it names one, else the existing edition's, else the one the organiser gives
(--timezone, the admin's "Timezone"); never UTC by guess."""

import datetime as dt
import zoneinfo
from xml.etree import ElementTree

import pytest
from django.core.management.base import CommandError

from program.models import Conference, Talk
from tests.factories import ConferenceFactory
from tests.importers.test_imports import NIGHT_XML, database_snapshot, run_import, write

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")

# FOSDEM 2024's export, cut to two events: no time zone, no acronym, no <date> per event:
# a day's date and each event's clock time.
FOSDEM_XML = """<?xml version="1.0" encoding="UTF-8"?>
<schedule>
  <conference>
    <title>FOSDEM 2024</title>
    <venue>ULB (Université Libre de Bruxelles)</venue>
    <city>Brussels</city>
    <start>2024-02-03</start>
    <end>2024-02-04</end>
    <days>2</days>
    <day_change>09:00:00</day_change>
    <timeslot_duration>00:05:00</timeslot_duration>
  </conference>
  <day index="1" date="2024-02-03">
    <room name="J.1.106">
      <event id="10528">
        <start>10:30</start>
        <duration>01:00</duration>
        <room>J.1.106</room>
        <slug>opening</slug>
        <title>Opening talk</title>
        <track>Lightning talks</track>
        <type>devroom</type>
        <persons><person id="1">Ada Lovelace</person></persons>
      </event>
    </room>
  </day>
  <day index="2" date="2024-02-04">
    <room name="Janson">
      <event id="10600">
        <start>17:45</start>
        <duration>00:15</duration>
        <room>Janson</room>
        <slug>closing</slug>
        <title>Closing FOSDEM 2024</title>
        <track>Keynotes</track>
        <type>keynote</type>
        <persons><person id="2">Grace Hopper</person></persons>
      </event>
    </room>
  </day>
</schedule>
"""


def local_starts(slug):
    """Each talk's start in Brussels, by title."""
    return {
        talk.title: talk.start.astimezone(BRUSSELS).replace(tzinfo=None)
        for talk in Talk.objects.filter(conference__slug=slug)
    }


def test_a_file_without_a_zone_is_read_in_the_existing_editions(tmp_path):
    ConferenceFactory(slug="fosdem-2024", name="FOSDEM 2024", timezone="Europe/Brussels")

    output = run_import(write(tmp_path, "fosdem.xml", FOSDEM_XML), "--conference", "fosdem-2024")

    assert local_starts("fosdem-2024") == {
        "Opening talk": dt.datetime(2024, 2, 3, 10, 30),
        "Closing FOSDEM 2024": dt.datetime(2024, 2, 4, 17, 45),
    }
    opening = Talk.objects.get(title="Opening talk")
    assert opening.start == dt.datetime(2024, 2, 3, 9, 30, tzinfo=dt.UTC)
    assert "UTC" not in output


def test_a_file_without_a_zone_for_a_new_edition_is_refused_asking_for_one(tmp_path):
    before = database_snapshot()

    with pytest.raises(CommandError) as refused:
        run_import(write(tmp_path, "fosdem.xml", FOSDEM_XML), "--conference", "fosdem-2024")

    assert str(refused.value).splitlines()[1:] == [
        "  conference, time_zone_name: the file names no time zone and the new edition has "
        "none yet: give the zone of its times (--timezone, or “Timezone” in the admin), e.g. "
        "Europe/Brussels"
    ]
    assert database_snapshot() == before


def test_the_zone_given_makes_the_new_editions(tmp_path):
    path = write(tmp_path, "fosdem.xml", FOSDEM_XML)

    run_import(path, "--conference", "fosdem-2024", "--timezone", "Europe/Brussels")

    assert Conference.objects.get(slug="fosdem-2024").timezone == "Europe/Brussels"
    closing = Talk.objects.get(title="Closing FOSDEM 2024")
    assert closing.start == dt.datetime(2024, 2, 4, 16, 45, tzinfo=dt.UTC)


def test_a_file_naming_another_zone_than_the_editions_is_refused_naming_both(tmp_path):
    ConferenceFactory(slug="nightconf", name="Night Conf", timezone="America/Los_Angeles")
    before = database_snapshot()

    with pytest.raises(CommandError) as refused:
        run_import(write(tmp_path, "night.xml", NIGHT_XML))

    assert str(refused.value).splitlines()[1:] == [
        "  conference, time_zone_name: the file's times are in Europe/Brussels, but the edition "
        "“nightconf” is in America/Los_Angeles: say which the file means (--timezone, or "
        "“Timezone” in the admin)"
    ]
    assert database_snapshot() == before


def test_the_zone_given_says_which_of_two_zones_the_file_means(tmp_path):
    edition = ConferenceFactory(slug="nightconf", name="Night Conf", timezone="America/Los_Angeles")

    run_import(write(tmp_path, "night.xml", NIGHT_XML), "--timezone", "Europe/Brussels")

    keynote = Talk.objects.get(conference=edition, title="Late keynote")
    assert keynote.start == dt.datetime(2026, 2, 1, 21, 30, tzinfo=dt.UTC)
    edition.refresh_from_db()
    assert edition.timezone == "America/Los_Angeles"  # the edition keeps its own


def test_an_unknown_zone_given_is_refused(tmp_path):
    with pytest.raises(CommandError) as refused:
        run_import(write(tmp_path, "fosdem.xml", FOSDEM_XML), "--timezone", "Europe/Bruxelles")

    assert str(refused.value).splitlines()[1:] == [
        "  fosdem.xml, timezone: “Europe/Bruxelles” is not an IANA timezone name such as "
        "Europe/Brussels"
    ]


def test_the_admin_imports_a_file_without_a_zone_in_the_zone_given(admin_client, tmp_path):
    upload = write(tmp_path, "fosdem.xml", FOSDEM_XML)
    with upload.open("rb") as file:
        preview = admin_client.post(
            "/admin/program/talk/import/",
            {"file": file, "new_conference": "fosdem-2024", "timezone": "Europe/Brussels"},
        )
    assert preview.status_code == 200
    token = preview.context["token"]

    admin_client.post("/admin/program/talk/import/", {"confirm": "1", "token": token})

    assert local_starts("fosdem-2024") == {
        "Opening talk": dt.datetime(2024, 2, 3, 10, 30),
        "Closing FOSDEM 2024": dt.datetime(2024, 2, 4, 17, 45),
    }


def test_fosdem_2024_imports_every_event_at_its_own_wall_clock_time(shared_dir):
    """The real export: 674 events, each at the clock time the file gives on its day, in
    Brussels."""
    path = shared_dir / "formats" / "frab" / "examples" / "real" / "fosdem-2024.schedule.xml"
    ConferenceFactory(slug="fosdem-2024", name="FOSDEM 2024", timezone="Europe/Brussels")
    expected = {
        event.get("id"): f"{day.get('date')} {event.findtext('start')}"
        for day in ElementTree.parse(path).getroot().iter("day")
        for event in day.iter("event")
    }

    run_import(path, "--conference", "fosdem-2024")

    talks = Talk.objects.filter(conference__slug="fosdem-2024")
    assert len(expected) == 674
    assert talks.count() == 674
    assert sorted(
        talk.start.astimezone(BRUSSELS).strftime("%Y-%m-%d %H:%M") for talk in talks
    ) == sorted(expected.values())
