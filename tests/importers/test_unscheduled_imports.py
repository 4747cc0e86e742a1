"""Imports of talks without a time: unscheduled drafts, with their duration; a partial time
is an error naming the row; a public talk keeps its slot; a later file places them."""

import datetime as dt
import json

import openpyxl
import pytest
from django.core.management import CommandError

from program.models import Conference, Room, Talk
from tests.factories import ConferenceFactory, RoomFactory, TalkFactory, TalkTypeFactory, local
from tests.importers.test_imports import HEADER, database_snapshot, run_import, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    TalkTypeFactory(slug="keynote", name="Keynote")
    TalkTypeFactory(slug="invited-talk", name="Invited Talk")
    return ConferenceFactory(slug="2026", name="MLSys 2026", timezone="America/Los_Angeles")


def slots(conference):
    """(slug, status, start, end, room, duration) of an edition's talks, in creation order."""
    return list(
        Talk.objects.filter(conference=conference)
        .order_by("pk")
        .values_list("slug", "status", "start", "end", "room__name", "duration")
    )


UNSCHEDULED_XML = """<?xml version="1.0" encoding="utf-8"?>
<schedule>
  <conference>
    <acronym>waitconf</acronym>
    <title>Wait Conf</title>
    <start>2026-02-01</start>
    <days>1</days>
    <time_zone_name>Europe/Brussels</time_zone_name>
  </conference>
  <day index="1" date="2026-02-01">
    <room name="Main Hall">
      <event id="1">
        <date>2026-02-01T10:00:00+01:00</date>
        <start>10:00</start>
        <duration>00:30</duration>
        <title>Placed</title>
        <type>Talk</type>
        <persons><person>Ada Lovelace</person></persons>
      </event>
      <event id="2">
        <date></date>
        <start></start>
        <duration>00:45</duration>
        <title>Not yet placed</title>
        <type>Talk</type>
        <persons><person>Grace Hopper</person></persons>
      </event>
      <event id="3">
        <title>No duration either</title>
        <type>Talk</type>
      </event>
    </room>
  </day>
</schedule>
"""


def test_frab_xml_events_without_a_time_wait_unscheduled_with_their_duration(tmp_path):
    output = run_import(write(tmp_path, "schedule.xml", UNSCHEDULED_XML))

    conference = Conference.objects.get(slug="waitconf")
    assert slots(conference) == [
        ("placed", "published", dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC),
         dt.datetime(2026, 2, 1, 9, 30, tzinfo=dt.UTC), "Main Hall", None),
        ("not-yet-placed", "draft", None, None, None, dt.timedelta(minutes=45)),
        ("no-duration-either", "draft", None, None, None, None),
    ]  # fmt: skip
    assert [talk.duration_minutes for talk in Talk.objects.order_by("pk")] == [30, 45, 30]
    # Waiting talks are drafts: nothing public shows them.
    assert list(Talk.objects.published().values_list("slug", flat=True)) == ["placed"]
    assert output.splitlines()[:3] == [
        "Imported:",
        "Edition waitconf “Wait Conf”: created (2026-02-01 to 2026-02-01, Europe/Brussels, "
        "published, not current).",
        "Talks: 3 created, 0 updated, 0 unchanged; 2 talks wait unscheduled, as drafts until "
        "placed.",
    ]
    assert "Unscheduled talks (drafts until placed):\n" in output
    assert output.split("Unscheduled talks (drafts until placed):\n")[1].splitlines()[:2] == [
        "  Not yet placed (unscheduled)",
        "  No duration either (unscheduled)",
    ]


def test_importing_a_file_with_unscheduled_talks_twice_changes_nothing(tmp_path):
    path = write(tmp_path, "schedule.xml", UNSCHEDULED_XML)
    run_import(path)
    before = database_snapshot()

    output = run_import(path)

    assert database_snapshot() == before
    assert output.splitlines()[2] == (
        "Talks: 0 created, 0 updated, 3 unchanged; 2 talks wait unscheduled, as drafts until "
        "placed."
    )


def pretalx_json(events):
    """A pretalx-style schedule.json of one day and room holding ``events``."""
    day = {
        "index": 1,
        "date": "2026-02-01",
        "day_start": "2026-02-01T06:00:00+01:00",
        "rooms": {"Main Hall": events},
    }
    conference = {
        "acronym": "waitconf",
        "title": "Wait Conf",
        "start": "2026-02-01",
        "end": "2026-02-01",
        "time_zone_name": "Europe/Brussels",
        "days": [day],
    }
    return json.dumps({"schedule": {"version": "1", "conference": conference}})


def pretalx_event(code, title, **times):
    return {
        "guid": code,
        "code": code,
        "title": title,
        "type": "Talk",
        "persons": [{"public_name": "Ada Lovelace"}],
        **times,
    }


def test_a_pretalx_talk_without_a_slot_waits_unscheduled(tmp_path):
    events = [
        pretalx_event("AAA", "Slotted", date="2026-02-01T10:00:00+01:00", start="10:00",
                      duration="00:30"),
        pretalx_event("BBB", "Slotless", date=None, start=None, duration="01:30"),
    ]  # fmt: skip

    run_import(write(tmp_path, "schedule.json", pretalx_json(events)))

    assert slots(Conference.objects.get(slug="waitconf")) == [
        ("slotted", "published", dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC),
         dt.datetime(2026, 2, 1, 9, 30, tzinfo=dt.UTC), "Main Hall", None),
        ("slotless", "draft", None, None, None, dt.timedelta(hours=1, minutes=30)),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("times", "message"),
    [
        (
            {"date": None, "start": None, "duration": "00:00"},
            "Event BBB “Slotless”, duration: “00:00”: the event must last some time",
        ),
        (
            {"date": None, "start": None, "duration": "half an hour"},
            "Event BBB “Slotless”, duration: “half an hour” is not a duration such as 00:30 or "
            "0:30:00",
        ),
        (
            {"date": None, "start": None, "duration": "100:00"},
            "Event BBB “Slotless”, duration: A session lasts at most 99 hours 59 minutes, the "
            "longest that schedule apps (frab format) can read; enter a longer one as one "
            "session per day.",
        ),
    ],
)
def test_an_unscheduled_events_duration_must_be_one_a_talk_can_have(tmp_path, times, message):
    events = [pretalx_event("BBB", "Slotless", **times)]

    with pytest.raises(CommandError) as raised:
        run_import(write(tmp_path, "schedule.json", pretalx_json(events)))

    assert str(raised.value).splitlines() == ["Nothing was imported: 1 problem.", f"  {message}"]
    assert not Conference.objects.filter(slug="waitconf").exists()


def test_spreadsheet_rows_without_date_and_times_wait_unscheduled_as_drafts(tmp_path, edition):
    path = write(
        tmp_path,
        "program.csv",
        "title,type,date,start,end,room,speakers,abstract,status\n"
        "Opening,Keynote,2026-05-18,09:00,09:45,Hall,Ion Stoica,,\n"
        "LMCache,Invited Talk,,,,,Yuhan Liu,KV caches.,\n"
        "Closing,Keynote,,,,,Ion Stoica,,published\n",
    )

    output = run_import(path, "--conference", "2026")

    assert slots(edition) == [
        ("opening", "published", local("2026-05-18", 9), local("2026-05-18", 9, 45), "Hall",
         None),
        ("lmcache", "draft", None, None, None, None),
        ("closing", "draft", None, None, None, None),
    ]  # fmt: skip
    assert output == (
        "Imported:\n"
        "Edition 2026 “MLSys 2026”.\n"
        "Talks: 3 created, 0 updated, 0 unchanged; 2 talks wait unscheduled, as drafts until "
        "placed.\n"
        "Created talks:\n"
        "  Opening (Monday, May 18, 9:00 AM PDT, Hall)\n"
        "  LMCache (unscheduled)\n"
        "  Closing (unscheduled)\n"
        "Unscheduled talks (drafts until placed):\n"
        "  LMCache (unscheduled)\n"
        "  Closing (unscheduled)\n"
        "Rooms created:\n"
        "  Hall\n"
        "Speakers created:\n"
        "  Ion Stoica\n"
        "  Yuhan Liu\n"
        "Warnings:\n"
        "  Row 4: no date and time, so imported as a draft, not published: a talk is public "
        "once it has a slot.\n"
    )


def test_a_dry_run_lists_the_talks_that_would_wait_and_changes_nothing(tmp_path, edition):
    path = write(tmp_path, "program.csv", HEADER + "LMCache,Invited Talk,,,,,Yuhan Liu,\n")
    before = database_snapshot()

    output = run_import(path, "--conference", "2026", "--dry-run")

    assert database_snapshot() == before
    assert output.splitlines()[:5] == [
        "Dry run: nothing was changed. A real import would do this:",
        "Edition 2026 “MLSys 2026”.",
        "Talks: 1 created, 0 updated, 0 unchanged; 1 talk waits unscheduled, as drafts until "
        "placed.",
        "Created talks:",
        "  LMCache (unscheduled)",
    ]


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            "LMCache,Invited Talk,2026-05-18,,,Hall,Yuhan Liu,",
            "Row 2: give a date, start and end, or none of them to leave the talk unscheduled "
            "(missing: start, end)",
        ),
        (
            "LMCache,Invited Talk,,09:00,09:30,Hall,Yuhan Liu,",
            "Row 2: give a date, start and end, or none of them to leave the talk unscheduled "
            "(missing: date)",
        ),
        (
            "LMCache,Invited Talk,,,10:00,Hall,Yuhan Liu,",
            "Row 2: give a date, start and end, or none of them to leave the talk unscheduled "
            "(missing: date, start)",
        ),
        (
            "LMCache,Invited Talk,,,,Hall,Yuhan Liu,",
            "Row 2, room: “Hall” without a date, start and end: give them, or leave the room "
            "empty to import the talk unscheduled",
        ),
        (
            "LMCache,Invited Talk,2026-05-18,09:00,09:30,,Yuhan Liu,",
            "Row 2, room: empty",
        ),
    ],
    ids=["date-only", "no-date", "end-only", "room-without-time", "time-without-room"],
)
def test_a_row_with_part_of_a_slot_is_refused_naming_what_is_missing(
    tmp_path, edition, row, problem
):
    before = database_snapshot()

    with pytest.raises(CommandError) as raised:
        run_import(write(tmp_path, "program.csv", HEADER + row + "\n"), "--conference", "2026")

    assert database_snapshot() == before
    assert str(raised.value).splitlines() == ["Nothing was imported: 1 problem.", f"  {problem}"]


def test_a_later_file_places_an_unscheduled_talk_which_stays_a_draft(tmp_path, edition):
    run_import(
        write(tmp_path, "first.csv", HEADER + "LMCache,Invited Talk,,,,,Yuhan Liu,\n"),
        "--conference",
        "2026",
    )
    talk = Talk.objects.get(slug="lmcache")

    output = run_import(
        write(
            tmp_path,
            "second.csv",
            HEADER + "LMCache,Invited Talk,2026-05-18,09:00,09:30,Hall,Yuhan Liu,\n",
        ),
        "--conference",
        "2026",
    )

    assert slots(edition) == [
        ("lmcache", "draft", local("2026-05-18", 9), local("2026-05-18", 9, 30), "Hall", None)
    ]
    assert Talk.objects.get().pk == talk.pk
    assert output == (
        "Imported:\n"
        "Edition 2026 “MLSys 2026”.\n"
        "Talks: 0 created, 1 updated, 0 unchanged.\n"
        "Updated talks:\n"
        "  LMCache (Monday, May 18, 9:00 AM PDT, Hall) (changed: start, end, room)\n"
        "Rooms created:\n"
        "  Hall\n"
        "Warnings:\n"
        "  “LMCache (Monday, May 18, 9:00 AM PDT, Hall)”: placed, and still a draft as it was: "
        "publish it in the admin when it is ready.\n"
    )


def test_a_later_file_with_the_status_published_places_and_publishes(tmp_path, edition):
    TalkFactory(
        conference=edition, title="LMCache", start=None, end=None, room=None,
        status=Talk.Status.DRAFT, duration=dt.timedelta(minutes=25),
    )  # fmt: skip
    path = write(
        tmp_path,
        "program.csv",
        "title,type,date,start,end,room,speakers,abstract,status\n"
        "LMCache,Invited Talk,2026-05-18,09:00,09:25,Hall,Yuhan Liu,,published\n",
    )

    output = run_import(path, "--conference", "2026")

    assert slots(edition) == [
        ("lmcache", "published", local("2026-05-18", 9), local("2026-05-18", 9, 25), "Hall",
         dt.timedelta(minutes=25)),
    ]  # fmt: skip
    assert list(Talk.objects.published().values_list("slug", flat=True)) == ["lmcache"]
    assert "placed, and still a draft" not in output


def test_a_file_cannot_take_the_slot_of_a_public_talk_away(tmp_path, edition):
    room = RoomFactory(conference=edition, name="Hall", slug="hall")
    for title, status in (("Opening", "published"), ("Closing", "cancelled")):
        TalkFactory(
            conference=edition, title=title, room=room, status=status,
            start=local("2026-05-18", 9), end=local("2026-05-18", 9, 45),
        )  # fmt: skip
    path = write(
        tmp_path,
        "program.csv",
        HEADER + "Opening,Keynote,,,,,Ion Stoica,\nClosing,Keynote,,,,,Ion Stoica,\n",
    )
    before = database_snapshot()

    with pytest.raises(CommandError) as raised:
        run_import(path, "--conference", "2026")

    assert database_snapshot() == before
    assert str(raised.value).splitlines() == [
        "Nothing was imported: 2 problems.",
        "  Row 2: “Opening (Monday, May 18, 9:00 AM PDT, Hall)” is published and the file gives "
        "it no date and time; a public talk keeps its slot: give the talk its time in the file, "
        "or make it a draft in the admin before importing",
        "  Row 3: “Closing (Monday, May 18, 9:00 AM PDT, Hall)” is cancelled and the file gives "
        "it no date and time; a public talk keeps its slot: give the talk its time in the file, "
        "or make it a draft in the admin before importing",
    ]


def test_a_file_leaves_a_drafts_slot_empty_when_it_gives_none(tmp_path, edition):
    TalkFactory(
        conference=edition, title="LMCache", status=Talk.Status.DRAFT,
        start=local("2026-05-18", 9), end=local("2026-05-18", 9, 30),
    )  # fmt: skip

    output = run_import(
        write(tmp_path, "program.csv", HEADER + "LMCache,Invited Talk,,,,,Yuhan Liu,\n"),
        "--conference",
        "2026",
    )

    assert slots(edition) == [("lmcache", "draft", None, None, None, None)]
    assert output.splitlines()[2:5] == [
        "Talks: 0 created, 1 updated, 0 unchanged; 1 talk waits unscheduled, as drafts until "
        "placed.",
        "Updated talks:",
        "  LMCache (unscheduled) (changed: abstract, start, end, room, speakers)",
    ]
    # Its room stays, with no talk in it.
    assert Room.objects.filter(conference=edition).count() == 1


def test_unscheduled_rows_of_one_title_match_their_own_talks_on_a_second_import(tmp_path, edition):
    path = write(
        tmp_path,
        "program.csv",
        HEADER + "Poster,Keynote,,,,,Ada Lovelace,\nPoster,Keynote,,,,,Grace Hopper,\n",
    )
    run_import(path, "--conference", "2026")
    before = database_snapshot()

    output = run_import(path, "--conference", "2026")

    assert database_snapshot() == before
    assert [talk.slug for talk in Talk.objects.order_by("pk")] == ["poster", "poster-2"]
    assert output.splitlines()[2].startswith("Talks: 0 created, 0 updated, 2 unchanged;")


def test_an_import_into_an_edition_holding_changes_keeps_waiting_talks_unpublished(
    tmp_path, edition
):
    edition.holds_changes = True
    edition.save()

    run_import(
        write(tmp_path, "program.csv", HEADER + "LMCache,Invited Talk,,,,,Yuhan Liu,\n"),
        "--conference",
        "2026",
    )

    assert list(
        Talk.objects.values_list("status", "public_status", "public_start", "public_room")
    ) == [("draft", "draft", None, None)]


def test_the_real_frab_files_have_no_event_without_a_time(shared_dir):
    """FOSDEM writes no <date>, only a start in its day: every event is placed."""
    real = shared_dir / "formats/frab/examples/real"
    run_import(real / "31c3-frab.schedule.xml", "--timezone", "Europe/Berlin")
    run_import(
        real / "fosdem-2024.schedule.xml",
        "--conference",
        "fosdem-2024",
        "--timezone",
        "Europe/Brussels",
    )

    assert Talk.objects.count() == 138 + 674
    assert Talk.objects.unscheduled().count() == 0


def test_an_xlsx_row_with_empty_date_and_time_cells_waits_unscheduled(tmp_path, edition):
    workbook = openpyxl.Workbook()
    talks = workbook.active
    talks.title = "Talks"
    talks.append(["title", "type", "date", "start", "end", "room", "speakers", "abstract"])
    talks.append(["LMCache", "Invited Talk", dt.date(2026, 5, 18), dt.time(9, 50),
                  dt.time(10, 15), "Hall", "Yuhan Liu", None])  # fmt: skip
    talks.append(["Opening", "keynote", None, None, None, None, "Ion Stoica", None])
    talks.append(["Closing", "keynote", None, dt.time(17), None, None, "Ion Stoica", None])
    path = tmp_path / "program.xlsx"
    workbook.save(path)

    with pytest.raises(CommandError) as raised:
        run_import(path, "--conference", "2026")

    assert str(raised.value).splitlines()[1:] == [
        "  Row 4, room: empty",
        "  Row 4: give a date, start and end, or none of them to leave the talk unscheduled "
        "(missing: date, end)",
    ]
    talks.delete_rows(4)
    workbook.save(path)

    run_import(path, "--conference", "2026")

    assert slots(edition) == [
        ("lmcache", "published", local("2026-05-18", 9, 50), local("2026-05-18", 10, 15),
         "Hall", None),
        ("opening", "draft", None, None, None, None),
    ]  # fmt: skip
