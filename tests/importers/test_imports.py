"""``import_schedule``: frab XML/JSON and CSV/XLSX into editions, all or nothing."""

import datetime as dt
import io
import json
import subprocess
import sys
import zoneinfo
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from program.models import (
    Conference,
    Resource,
    Room,
    Speaker,
    Talk,
    TalkSpeaker,
    TalkType,
    Track,
)
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkTypeFactory,
    TrackFactory,
    local,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
HEADER = "title,type,date,start,end,room,speakers,abstract\n"


def database_snapshot():
    """Every row of every program table, every column: equal snapshots, untouched database."""
    return {
        model.__name__: list(
            model.objects.order_by("pk").values_list(
                *(field.attname for field in model._meta.concrete_fields)
            )
        )
        for model in (Conference, Room, Speaker, TalkType, Track, Talk, TalkSpeaker, Resource)
    }


def run_import(path, *args):
    out = io.StringIO()
    call_command("import_schedule", str(path), *args, stdout=out)
    return out.getvalue()


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def talk_rows(conference):
    """(slug, local start, minutes, room, type, speakers, status) of an edition's talks."""
    return [
        (
            talk.slug,
            talk.local_start.isoformat(),
            talk.duration_minutes,
            talk.room.name,
            talk.type.slug,
            [speaker.name for speaker in talk.ordered_speakers],
            talk.status,
        )
        for talk in Talk.objects.filter(conference=conference).for_program().order_by("pk")
    ]


@pytest.fixture
def edition():
    """MLSys 2026 in Bellevue, with the types spreadsheets name."""
    TalkTypeFactory(slug="keynote", name="Keynote")
    TalkTypeFactory(slug="invited-talk", name="Invited Talk")
    return ConferenceFactory(slug="2026", name="MLSys 2026", timezone="America/Los_Angeles")


# frab JSON: a real pretalx export


# Gray Room: the type "Talk", 30 minutes each; Tan Room: workshops, 90 minutes each.
PRETALX_GRAY_ROOM = [
    ("focused-5thgeneration-hardware", "12-14T08:00", ["Brian Robinson"]),
    ("quality-focused-6thgeneration-website", "12-14T08:30", ["Jordan Parks"]),
    ("secured-mobile-concept", "12-14T09:00", ["Kimberly Griffin"]),
    ("focused-contextually-based-help-desk", "12-14T10:30", ["Jenna Alexander"]),
    ("triple-buffered-methodical-superstructure", "12-14T11:00", ["Curtis Andrews"]),
    ("polarized-object-oriented-toolset", "12-14T11:30", ["Holly Noble"]),
    ("stand-alone-asymmetric-toolset", "12-14T13:00", ["Mariah Estrada"]),
    ("enhanced-maximized-middleware", "12-14T13:30", ["Curtis Andrews"]),
    ("networked-modular-help-desk", "12-14T14:00", ["Maria Williams", "Mariah Estrada"]),
    ("user-centric-non-volatile-moderator", "12-15T08:00", ["Thomas Morgan"]),
    ("down-sized-directional-algorithm", "12-15T08:30", ["Taylor Hensley"]),
    ("operative-analyzing-approach", "12-15T09:00", ["Kimberly Griffin"]),
    ("reverse-engineered-asymmetric-complexity", "12-15T10:30", ["Jesse Drake"]),
    ("multi-channeled-encompassing-algorithm", "12-15T11:00", ["Adrian Pennington"]),
    ("multi-channeled-eco-centric-product", "12-15T11:30", ["Jerry Rios"]),
    ("ameliorated-4thgeneration-firmware", "12-15T13:00", ["Catherine Harris", "Thomas Morgan"]),
    ("ameliorated-asymmetric-function", "12-15T13:30", ["Lisa Floyd"]),
    ("expanded-client-server-moderator", "12-15T14:00", ["Jeffrey Morgan"]),
    ("enhanced-dynamic-interface", "12-16T08:00", ["Jonathan Conway"]),
    (
        "re-engineered-bandwidth-monitored-focus-group",
        "12-16T08:30",
        ["Stephanie Hudson", "Mariah Estrada", "Kathy Wallace"],
    ),
    ("seamless-systematic-interface", "12-16T09:00", ["Brooke Sanders DDS"]),
    ("exclusive-systematic-artificial-intelligence", "12-16T10:30", ["Jonathan Conway"]),
    ("ergonomic-multi-state-installation", "12-16T11:00", ["Audrey Campbell", "Jerry Rios"]),
    ("visionary-context-sensitive-throughput", "12-16T11:30", ["Randy Crawford"]),
    ("distributed-empowering-service-desk", "12-16T13:00", ["Stephanie Hudson"]),
    ("up-sized-intangible-pricing-structure", "12-16T13:30", ["Teresa Terrell"]),
    ("seamless-real-time-installation", "12-16T14:00", ["Curtis Andrews"]),
]
PRETALX_TAN_ROOM = [
    ("managed-stable-function", "12-14T08:00", ["Jeremy Beck"]),
    ("secured-grid-enabled-policy", "12-14T10:30", ["Amy Sanchez", "Teresa Terrell"]),
    ("monitored-24hour-customer-loyalty", "12-14T13:00", ["Audrey Campbell"]),
    ("advanced-24hour-hub", "12-15T08:00", ["Curtis Andrews"]),
    ("cross-group-dedicated-success", "12-15T10:30", ["Curtis Andrews"]),
    ("synergized-uniform-toolset", "12-15T13:00", ["Carl Barber"]),
    ("inverse-motivating-array", "12-16T08:00", ["Teresa Terrell", "Stephanie Hudson"]),
    ("decentralized-solution-oriented-secured-line", "12-16T10:30", ["Kathy Moore"]),
    ("proactive-leadingedge-graphical-user-interface", "12-16T13:00", ["Randy Crawford"]),
]


@pytest.fixture
def pretalx_json(shared_dir):
    TalkTypeFactory(slug="workshop", name="Workshop")
    return shared_dir / "formats" / "frab" / "examples" / "pretalx-democon.json"


def test_import_pretalx_json_creates_the_edition_and_its_program(pretalx_json):
    output = run_import(pretalx_json)

    conference = Conference.objects.get(slug="democon")
    assert (
        conference.name,
        conference.start_date,
        conference.end_date,
        conference.timezone,
        conference.is_published,
        conference.is_current,
    ) == ("DemoCon", dt.date(2020, 12, 14), dt.date(2020, 12, 16), "UTC", True, False)
    assert list(conference.rooms.values_list("slug", "name", "position")) == [
        ("gray-room", "Gray Room", 0),
        ("tan-room", "Tan Room", 1),
    ]
    # The file says 09:00+01:00 in a UTC edition: the same instant, 08:00 UTC.
    assert sorted(talk_rows(conference), key=lambda row: (row[3], row[1])) == [
        (slug, f"2020-{start}:00+00:00", 30, "Gray Room", "talk", speakers, "published")
        for slug, start, speakers in PRETALX_GRAY_ROOM
    ] + [
        (slug, f"2020-{start}:00+00:00", 90, "Tan Room", "workshop", speakers, "published")
        for slug, start, speakers in PRETALX_TAN_ROOM
    ]
    first = Talk.objects.get(conference=conference, slug="focused-5thgeneration-hardware")
    assert first.start == dt.datetime.fromisoformat("2020-12-14T09:00:00+01:00")
    assert (first.title, first.abstract) == (
        "Focused 5thgeneration hardware",
        "Brand back-end models!",
    )
    assert list(TalkType.objects.filter(slug="talk").values_list("name", flat=True)) == ["Talk"]
    assert list(Speaker.objects.order_by("name").values_list("name", flat=True)) == sorted(
        {name for _, _, speakers in PRETALX_GRAY_ROOM + PRETALX_TAN_ROOM for name in speakers}
    )
    assert Speaker.objects.get(name="Kathy Wallace").bio == (
        "Perform piece weight artist maybe fear under. Girl start evidence product quite age. "
        "Where chair season entire sound direction. Computer lose four month.\n\n"
        "Watch determine thousand detail building policy begin former. Leg market house "
        "election at instead. Throughout focus lose hospital parent wide less."
    )
    assert output.splitlines()[:3] == [
        "Imported:",
        "Edition democon “DemoCon”: created "
        "(2020-12-14 to 2020-12-16, UTC, published, not current).",
        "Talks: 36 created, 0 updated, 0 unchanged.",
    ]
    # pretalx lists no track colours: created tracks take ours, in turn.
    assert list(conference.tracks.values_list("slug", "name", "colour")) == [
        ("horizontal", "Horizontal", "#b45309"),
        ("phased", "Phased", "#1d4ed8"),
    ]
    assert Talk.objects.get(slug="focused-5thgeneration-hardware").track.name == "Phased"
    assert [
        Talk.objects.filter(conference=conference, track__slug=slug).count()
        for slug in ("phased", "horizontal")
    ] == [15, 21]
    assert output.splitlines()[-7:] == [
        "Talk types created:",
        "  Talk",
        "Tracks created:",
        "  Phased",
        "  Horizontal",
        "Warnings:",
        "  “Inverse motivating array”: Speaker clash: Stephanie Hudson also speaks in "
        "“Re-engineered bandwidth-monitored focus group” in Gray Room at "
        "Wednesday, December 16, 8:30 AM UTC.",
    ]


def test_import_same_file_twice_changes_nothing_the_second_time(pretalx_json):
    run_import(pretalx_json)
    before = database_snapshot()

    output = run_import(pretalx_json)

    assert database_snapshot() == before  # no save: sequence and updated_at unchanged
    assert output.splitlines()[:3] == [
        "Imported:",
        "Edition democon “DemoCon”.",
        "Talks: 0 created, 0 updated, 36 unchanged.",
    ]


def test_import_reuses_speakers_known_by_name(pretalx_json):
    curtis = SpeakerFactory(name="Curtis Andrews", slug="curtis-andrews", bio="Our own words.")
    SpeakerFactory(name="Holly Noble-Smith", slug="holly-noble")  # takes the slug

    run_import(pretalx_json)

    assert list(Speaker.objects.filter(name="Curtis Andrews").values_list("pk", "bio")) == [
        (curtis.pk, "Our own words.")  # reused, and a file's biography never overwrites
    ]
    assert sorted(Talk.objects.filter(speakers=curtis).values_list("slug", flat=True)) == [
        "advanced-24hour-hub",
        "cross-group-dedicated-success",
        "enhanced-maximized-middleware",
        "seamless-real-time-installation",
        "triple-buffered-methodical-superstructure",
    ]
    assert Speaker.objects.get(name="Holly Noble").slug == "holly-noble-2"


def test_import_frab_into_edition_named_by_conference_option(pretalx_json):
    run_import(pretalx_json, "--conference", "democon-2020")

    assert list(Conference.objects.values_list("slug", flat=True)) == ["democon-2020"]
    assert Talk.objects.filter(conference__slug="democon-2020").count() == 36


def test_import_schedule2_json_event_after_midnight(shared_dir):
    path = shared_dir / "formats" / "frab" / "examples" / "hub-schedule2.json"

    run_import(path)

    conference = Conference.objects.get(slug="38c3")
    assert (conference.timezone, conference.start_date, conference.end_date) == (
        "Europe/Berlin",
        dt.date(2024, 12, 27),
        dt.date(2024, 12, 30),
    )
    # 00:15 on the 28th still belongs to the first conference day, whose end is 06:00.
    assert talk_rows(conference) == [
        ("38c3-opening-ceremony", "2024-12-27T10:30:00+01:00", 30, "Saal 1", "other",
         ["Gabriela Bogk", "Aline Blankertz"], "published"),
        ("a-competitive-time-trial-ai-for-need-for-speed", "2024-12-28T00:15:00+01:00", 40,
         "Saal ZIGZAG", "talk", ["Sebastian Schwarz"], "published"),
    ]  # fmt: skip
    # schedule2 events name their track by slug; the conference lists names and colours.
    assert list(conference.tracks.values_list("slug", "name", "colour")) == [
        ("ccc", "CCC", "#f2f006"),
        ("hardware-making", "Hardware & Making", "#685b9d"),
    ]
    assert list(conference.talks.order_by("start").values_list("track__name", flat=True)) == [
        "CCC",
        "Hardware & Making",
    ]


# frab XML, as pentabarf/FOSDEM and frab write it


NIGHT_XML = """<?xml version="1.0" encoding="UTF-8"?>
<schedule>
  <generator name="pentabarf" version="0.4"/>
  <version>Night shift</version>
  <conference>
    <acronym>nightconf</acronym>
    <title>Night Conf</title>
    <start>2026-02-01</start>
    <days>2</days>
    <day_change>06:00</day_change>
    <time_zone_name>Europe/Brussels</time_zone_name>
    <not_in_the_schema>ignored</not_in_the_schema>
  </conference>
  <day index="1" date="2026-02-01"
       start="2026-02-01T06:00:00+01:00" end="2026-02-02T06:00:00+01:00">
    <room name="Main Hall" guid="not-a-uuid">
      <event id="101" guid="event-101">
        <date>2026-02-01T22:30:00+01:00</date>
        <start>22:30</start>
        <duration>01:00</duration>
        <room>Main Hall</room>
        <slug>nightconf-101-late-keynote</slug>
        <title>Late keynote</title>
        <subtitle/>
        <track>Main</track>
        <type>Keynote</type>
        <language>en</language>
        <abstract>Opening the night.</abstract>
        <description/>
        <persons><person id="1">Ada Lovelace</person></persons>
        <links><link href="https://example.org/">Home</link></links>
        <video_download_url>https://example.org/v.mp4</video_download_url>
      </event>
      <event id="102">
        <date>2026-02-02T01:00:00+01:00</date>
        <start>01:00</start>
        <duration>0:45:00</duration>
        <room>Main Hall</room>
        <title>After midnight</title>
        <type>Lightning talk</type>
        <persons><person id="2">Grace Hopper</person><person id="1">Ada Lovelace</person></persons>
      </event>
    </room>
    <room name="Room B">
      <event id="103" guid="8079583e-8321-506c-95af-fd2903a5f075">
        <start>02:00</start>
        <duration>00:30</duration>
        <title>No date given</title>
        <type>keynote</type>
        <description>Only a description.</description>
        <persons><person>Grace Hopper</person></persons>
      </event>
    </room>
  </day>
</schedule>
"""


def test_import_frab_xml_as_real_exports_write_it(tmp_path):
    TalkTypeFactory(slug="keynote", name="Keynote")

    run_import(write(tmp_path, "schedule.xml", NIGHT_XML))

    conference = Conference.objects.get(slug="nightconf")
    assert (conference.name, conference.start_date, conference.end_date, conference.timezone) == (
        "Night Conf",
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 2),
        "Europe/Brussels",
    )
    # Event 103 has no <date>: 02:00 is before the day's 06:00 start, so it is the next day.
    assert talk_rows(conference) == [
        ("late-keynote", "2026-02-01T22:30:00+01:00", 60, "Main Hall", "keynote",
         ["Ada Lovelace"], "published"),
        ("after-midnight", "2026-02-02T01:00:00+01:00", 45, "Main Hall", "lightning-talk",
         ["Grace Hopper", "Ada Lovelace"], "published"),
        ("no-date-given", "2026-02-02T02:00:00+01:00", 30, "Room B", "keynote",
         ["Grace Hopper"], "published"),
    ]  # fmt: skip
    assert list(Talk.objects.order_by("pk").values_list("abstract", flat=True)) == [
        "Opening the night.",
        "",
        "Only a description.",
    ]
    assert TalkType.objects.get(slug="lightning-talk").name == "Lightning talk"
    # Tracks are free text in frab, like types: "Main" is created, with a colour of ours.
    assert list(conference.tracks.values_list("slug", "name", "colour")) == [
        ("main", "Main", "#1d4ed8")
    ]
    assert list(Talk.objects.order_by("pk").values_list("track__name", flat=True)) == [
        "Main",
        None,
        None,
    ]


def test_import_frab_xml_takes_venue_city_and_every_listed_room(tmp_path):
    # pentabarf and FOSDEM write <venue> and <city>; a room may hold no talk on a day.
    xml = NIGHT_XML.replace(
        "<title>Night Conf</title>",
        "<title>Night Conf</title><venue>ULB (Université Libre de Bruxelles)</venue>"
        "<city>Brussels</city>",
    ).replace("  </day>\n", '    <room name="Poster Hall"/>\n  </day>\n')

    output = run_import(write(tmp_path, "schedule.xml", xml))

    conference = Conference.objects.get(slug="nightconf")
    assert (conference.venue, conference.city) == (
        "ULB (Université Libre de Bruxelles)",
        "Brussels",
    )
    assert list(conference.rooms.values_list("name", "position")) == [
        ("Main Hall", 0),
        ("Room B", 1),
        ("Poster Hall", 2),
    ]
    assert "Rooms created:\n  Main Hall\n  Room B\n  Poster Hall\n" in output


def test_import_frab_json_takes_rooms_venue_and_city_from_the_conference(tmp_path):
    document = {
        "schedule": {
            "version": "1",
            "conference": {
                "acronym": "jsonconf",
                "title": "JSON Conf",
                "start": "2026-03-02",
                "end": "2026-03-02",
                "time_zone_name": "Europe/Brussels",
                "meta": {"venue": "Flagey", "city": "Ixelles"},
                "rooms": [{"name": "Studio 1"}, {"name": "Studio 4"}],
                "days": [
                    {
                        "index": 1,
                        "date": "2026-03-02",
                        "rooms": {
                            "Studio 4": [
                                {
                                    "id": 1,
                                    "date": "2026-03-02T10:00:00+01:00",
                                    "start": "10:00",
                                    "duration": "00:30",
                                    "title": "Only talk",
                                    "type": "Talk",
                                    "persons": [{"public_name": "Ada Lovelace"}],
                                }
                            ]
                        },
                    }
                ],
            },
        }
    }

    run_import(write(tmp_path, "schedule.json", json.dumps(document)))

    conference = Conference.objects.get(slug="jsonconf")
    assert (conference.venue, conference.city) == ("Flagey", "Ixelles")
    assert list(conference.rooms.values_list("name", "position")) == [
        ("Studio 1", 0),
        ("Studio 4", 1),
    ]


def test_import_names_a_new_edition_as_told(tmp_path):
    ConferenceFactory(slug="night-2025", name="Night Conf")  # the file's title, taken

    run_import(write(tmp_path, "schedule.xml", NIGHT_XML), "--name", "Night Conf 2026")

    assert Conference.objects.get(slug="nightconf").name == "Night Conf 2026"


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        (
            [],
            "conference, title: another edition is already called “Night Conf”: give the new "
            "edition a name of its own (--name, or “New edition name” in the admin)",
        ),
        (
            ["--name", "Earlier Conf"],
            "conference, name: another edition is already called “Earlier Conf”: give the new "
            "edition a name of its own (--name, or “New edition name” in the admin)",
        ),
        (
            ["--conference", "earlier", "--name", "Renamed"],
            "conference, name: the edition “earlier” exists: rename it in the admin, not by "
            "an import",
        ),
    ],
)
def test_import_refuses_a_name_another_edition_has(tmp_path, arguments, problem):
    ConferenceFactory(slug="earlier", name="Night Conf", timezone="Europe/Brussels")
    ConferenceFactory(slug="other", name="Earlier Conf")
    before = database_snapshot()

    with pytest.raises(CommandError) as refused:
        run_import(write(tmp_path, "schedule.xml", NIGHT_XML), *arguments)

    assert str(refused.value).splitlines()[1:] == [f"  {problem}"]
    assert database_snapshot() == before


def test_spreadsheet_import_takes_no_edition_name(tmp_path, edition):
    path = write(tmp_path, "program.csv", HEADER)

    with pytest.raises(CommandError) as refused:
        run_import(path, "--conference", "2026", "--name", "MLSys 2026 bis")

    assert str(refused.value).splitlines()[1:] == [
        "  program.csv: a name is for a new edition, which only a frab file makes"
    ]


# Spreadsheets


def test_import_csv_into_an_existing_edition(tmp_path, edition):
    RoomFactory(conference=edition, name="Grand Ballroom 1", slug="grand-ballroom-1", position=3)
    path = write(
        tmp_path,
        "program.csv",
        HEADER
        + "LMCache,invited-talk,2026-05-18,09:50,10:15,grand-ballroom-1,Yuhan Liu; Junchen Jiang,"
        '"KV cache._x000D_ _x000D_ In this talk_x000D_ we show"\n'
        "Opening,KEYNOTE,2026-05-18,09:00,09:45,Grand Ballroom 2,Ion Stoica,\n",
    )

    output = run_import(path, "--conference", "2026")

    assert talk_rows(edition) == [
        ("lmcache", "2026-05-18T09:50:00-07:00", 25, "Grand Ballroom 1", "invited-talk",
         ["Yuhan Liu", "Junchen Jiang"], "published"),
        ("opening", "2026-05-18T09:00:00-07:00", 45, "Grand Ballroom 2", "keynote",
         ["Ion Stoica"], "published"),
    ]  # fmt: skip
    assert Talk.objects.get(slug="lmcache").abstract == "KV cache.\n\nIn this talk we show"
    assert Talk.objects.get(slug="opening").start == dt.datetime(2026, 5, 18, 16, 0, tzinfo=UTC)
    assert list(edition.rooms.values_list("slug", "position")) == [
        ("grand-ballroom-1", 3),
        ("grand-ballroom-2", 4),
    ]
    assert output == (
        "Imported:\n"
        "Edition 2026 “MLSys 2026”.\n"
        "Talks: 2 created, 0 updated, 0 unchanged.\n"
        "Created talks:\n"
        "  LMCache (Monday, May 18, 9:50 AM PDT, Grand Ballroom 1)\n"
        "  Opening (Monday, May 18, 9:00 AM PDT, Grand Ballroom 2)\n"
        "Rooms created:\n"
        "  Grand Ballroom 2\n"
        "Speakers created:\n"
        "  Yuhan Liu\n"
        "  Junchen Jiang\n"
        "  Ion Stoica\n"
    )


def test_import_csv_slug_and_status_columns(tmp_path, edition):
    path = write(
        tmp_path,
        "program.csv",
        "Title,Type,Date,Start,End,Room,Speakers,Abstract,Slug,Status,Notes\n"
        "Opening,Keynote,2026-05-18,09:00,09:45,Hall,Ion Stoica,,welcome,Draft,call Ion\n"
        "Closing,Keynote,2026-05-22,17:00,17:30,Hall,,,,,\n",
    )

    output = run_import(path, "--conference", "2026")

    assert talk_rows(edition) == [
        ("welcome", "2026-05-18T09:00:00-07:00", 45, "Hall", "keynote", ["Ion Stoica"], "draft"),
        ("closing", "2026-05-22T17:00:00-07:00", 30, "Hall", "keynote", [], "published"),
    ]
    assert output.splitlines()[-2:] == ["Warnings:", "  Row 1: columns not imported: “notes”."]


@pytest.fixture
def tracks(edition):
    """The edition's tracks, and another edition's track (unknown to this one)."""
    TrackFactory(conference=ConferenceFactory(slug="2025"), name="Archive")
    return {
        "serving": TrackFactory(conference=edition, name="LLM Serving", slug="llm-serving"),
        "systems": TrackFactory(conference=edition, name="Systems", slug="systems"),
    }


TRACK_HEADER = "title,type,date,start,end,room,speakers,abstract,track\n"


def test_import_csv_track_column_names_tracks_by_slug_or_name(tmp_path, edition, tracks):
    path = write(
        tmp_path,
        "program.csv",
        TRACK_HEADER + "Batching,Keynote,2026-05-18,09:00,09:30,Hall,Ion Stoica,,llm-serving\n"
        "Caching,Keynote,2026-05-18,10:00,10:30,Hall,Ion Stoica,,llm serving\n"
        "Kernels,Keynote,2026-05-18,11:00,11:30,Hall,Ion Stoica,,SYSTEMS\n"
        "Lunch,Keynote,2026-05-18,12:00,12:30,Hall,,,\n",
    )

    run_import(path, "--conference", "2026")

    def titles(**lookup):
        return list(Talk.objects.filter(**lookup).order_by("start").values_list("title", flat=True))

    assert titles(track=tracks["serving"]) == ["Batching", "Caching"]
    assert titles(track=tracks["systems"]) == ["Kernels"]
    assert titles(track__isnull=True) == ["Lunch"]
    assert Track.objects.filter(conference=edition).count() == 2  # none invented


def test_import_csv_without_track_column_keeps_tracks_and_an_empty_cell_removes_one(
    tmp_path, edition, tracks
):
    TalkFactory(
        conference=edition,
        title="Batching",
        slug="batching",
        type=TalkType.objects.get(slug="keynote"),
        room=RoomFactory(conference=edition, name="Hall"),
        start=local("2026-05-18", 9),
        end=local("2026-05-18", 9, 30),
        speakers=[SpeakerFactory(name="Ion Stoica")],
        abstract="",
        track=tracks["serving"],
    )
    row = "Batching,Keynote,2026-05-18,09:00,09:30,Hall,Ion Stoica,"

    kept = run_import(write(tmp_path, "a.csv", HEADER + row + "\n"), "--conference", "2026")
    assert Talk.objects.get().track == tracks["serving"]
    removed = run_import(
        write(tmp_path, "b.csv", TRACK_HEADER + row + ",\n"), "--conference", "2026"
    )

    assert Talk.objects.get().track is None
    assert "Talks: 0 created, 0 updated, 1 unchanged." in kept
    assert "  Batching (Monday, May 18, 9:00 AM PDT, Hall) (changed: track)" in removed


def test_import_csv_with_an_unknown_track_changes_nothing(tmp_path, edition, tracks):
    path = write(
        tmp_path,
        "program.csv",
        TRACK_HEADER + "Batching,Keynote,2026-05-18,09:00,09:30,Hall,Ion Stoica,,Sytems\n"
        "Caching,Keynote,2026-05-18,10:00,10:30,Hall,Ion Stoica,,archive\n",
    )
    before = database_snapshot()

    with pytest.raises(CommandError) as raised:
        run_import(path, "--conference", "2026")

    assert database_snapshot() == before
    assert str(raised.value).splitlines()[1:] == [
        "  Row 2, track: “Sytems” is not a track of this edition (tracks match by slug or name; "
        "organisers add new ones in the admin)",
        "  Row 3, track: “archive” is not a track of this edition (tracks match by slug or name; "
        "organisers add new ones in the admin)",
    ]


def test_import_xlsx_with_speakers_sheet(tmp_path, edition):
    known = SpeakerFactory(name="Yuhan Liu", affiliation="", bio="Kept when the sheet is empty.")
    workbook = openpyxl.Workbook()
    talks = workbook.active
    talks.title = "Talks"
    talks.append(["title", "type", "date", "start", "end", "room", "speakers", "abstract"])
    talks.append(
        ["LMCache", "Invited Talk", dt.date(2026, 5, 18), dt.time(9, 50), dt.time(10, 15),
         "Grand Ballroom 1", "Yuhan Liu", "First._x000D__x000D_Second_x000D_ line."]
    )  # fmt: skip
    talks.append(["Opening", "keynote", "2026-05-19", "9:00", "09:45", 101, "Ion Stoica", None])
    talks.append([None] * 8)  # trailing empty rows are common in workbooks
    speakers = workbook.create_sheet("Speakers")
    speakers.append(["name", "affiliation", "bio"])
    speakers.append(["Yuhan Liu", "University of Chicago", None])
    speakers.append(["Ion Stoica", "UC Berkeley", "Works on_x000D_ systems."])
    path = tmp_path / "program.xlsx"
    workbook.save(path)

    output = run_import(path, "--conference", "2026")

    assert talk_rows(edition) == [
        ("lmcache", "2026-05-18T09:50:00-07:00", 25, "Grand Ballroom 1", "invited-talk",
         ["Yuhan Liu"], "published"),
        ("opening", "2026-05-19T09:00:00-07:00", 45, "101", "keynote", ["Ion Stoica"],
         "published"),
    ]  # fmt: skip
    assert Talk.objects.get(slug="lmcache").abstract == "First.\n\nSecond line."
    known.refresh_from_db()
    assert (known.affiliation, known.bio) == (
        "University of Chicago",
        "Kept when the sheet is empty.",
    )
    assert list(Speaker.objects.filter(name="Ion Stoica").values_list("affiliation", "bio")) == [
        ("UC Berkeley", "Works on systems.")
    ]
    assert "Speakers updated:\n  Yuhan Liu (affiliation)\n" in output


def test_import_csv_updates_only_what_changed(tmp_path, edition):
    rows = (
        "Opening,Keynote,2026-05-18,09:00,09:45,Hall,Ion Stoica,Welcome.\n"
        "LMCache,Invited Talk,2026-05-18,09:50,10:15,Hall,Yuhan Liu,KV caches.\n"
    )
    run_import(write(tmp_path, "v1.csv", HEADER + rows), "--conference", "2026")
    opening_before = Talk.objects.values_list("sequence", "updated_at").get(slug="opening")
    moved = rows.replace("09:50,10:15,Hall,Yuhan Liu", "11:00,11:25,Annex,Yuhan Liu; Ion Stoica")

    output = run_import(write(tmp_path, "v2.csv", HEADER + moved), "--conference", "2026")

    assert Talk.objects.values_list("sequence", "updated_at").get(slug="opening") == opening_before
    lmcache = Talk.objects.get(slug="lmcache")  # found by its slug although its start moved
    assert (lmcache.sequence, lmcache.room.name, lmcache.local_start.isoformat()) == (
        1,
        "Annex",
        "2026-05-18T11:00:00-07:00",
    )
    assert [speaker.name for speaker in lmcache.ordered_speakers] == ["Yuhan Liu", "Ion Stoica"]
    assert output.splitlines()[2:7] == [
        "Talks: 0 created, 1 updated, 1 unchanged.",
        "Updated talks:",
        "  LMCache (Monday, May 18, 11:00 AM PDT, Annex) (changed: start, end, room, speakers)",
        "Unchanged talks:",
        "  Opening (Monday, May 18, 9:00 AM PDT, Hall)",
    ]


def test_import_matches_repeated_titles_on_title_and_start(tmp_path, edition):
    rows = (
        "Lunch,Keynote,2026-05-18,12:00,13:00,Hall,,\n"
        "Lunch,Keynote,2026-05-19,12:00,13:00,Hall,,\n"
        "Lunch,Keynote,2026-05-19,12:00,13:00,Annex,,\n"
    )
    path = write(tmp_path, "lunch.csv", HEADER + rows)
    run_import(path, "--conference", "2026")
    before = database_snapshot()

    output = run_import(path, "--conference", "2026")

    assert database_snapshot() == before
    assert list(Talk.objects.order_by("pk").values_list("slug", "room__name")) == [
        ("lunch", "Hall"),
        ("lunch-2", "Hall"),
        ("lunch-3", "Annex"),
    ]
    assert "Talks: 0 created, 0 updated, 3 unchanged." in output


def test_dry_run_changes_nothing_and_prints_the_summary(tmp_path, edition):
    room = RoomFactory(conference=edition, name="Hall", slug="hall")
    ion = SpeakerFactory(name="Ion Stoica")
    TalkFactory(
        conference=edition, title="Opening", type=TalkTypeFactory(slug="keynote"), room=room,
        start=local("2026-05-18", 9), end=local("2026-05-18", 9, 45), abstract="Welcome.",
        speakers=[ion],
    )  # fmt: skip
    TalkFactory(
        conference=edition, title="Closing", type=TalkTypeFactory(slug="keynote"), room=room,
        start=local("2026-05-22", 17), end=local("2026-05-22", 17, 30), abstract="Bye.",
        speakers=[ion],
    )  # fmt: skip
    path = write(
        tmp_path,
        "program.csv",
        HEADER + "Opening,Keynote,2026-05-18,09:00,09:45,Hall,Ion Stoica,Welcome.\n"
        "Closing,Keynote,2026-05-22,17:00,17:30,Hall,Ion Stoica,See you in 2027.\n"
        "LMCache,Invited Talk,2026-05-18,09:30,10:15,Hall,Yuhan Liu,KV caches.\n",
    )
    before = database_snapshot()

    output = run_import(path, "--conference", "2026", "--dry-run")

    assert database_snapshot() == before
    assert output == (
        "Dry run: nothing was changed. A real import would do this:\n"
        "Edition 2026 “MLSys 2026”.\n"
        "Talks: 1 created, 1 updated, 1 unchanged.\n"
        "Created talks:\n"
        "  LMCache (Monday, May 18, 9:30 AM PDT, Hall)\n"
        "Updated talks:\n"
        "  Closing (Friday, May 22, 5:00 PM PDT, Hall) (changed: abstract)\n"
        "Unchanged talks:\n"
        "  Opening (Monday, May 18, 9:00 AM PDT, Hall)\n"
        "Speakers created:\n"
        "  Yuhan Liu\n"
        "Warnings:\n"
        "  “Opening”: Room clash: “LMCache” is also in Hall at Monday, May 18, 9:30 AM PDT.\n"
    )


def test_import_reports_clashes_and_still_imports(tmp_path, edition):
    path = write(
        tmp_path,
        "program.csv",
        HEADER + "Opening,Keynote,2026-05-18,09:00,09:45,Hall,Ion Stoica,\n"
        "Panel,Keynote,2026-05-18,09:30,10:00,Annex,Ion Stoica; Yuhan Liu,\n",
    )

    output = run_import(path, "--conference", "2026")

    assert Talk.objects.count() == 2
    assert output.splitlines()[-2:] == [
        "Warnings:",
        "  “Opening”: Speaker clash: Ion Stoica also speaks in “Panel” in Annex at "
        "Monday, May 18, 9:30 AM PDT.",
    ]


def test_import_warns_only_of_clashes_its_own_talks_take_part_in(tmp_path, edition):
    hall = RoomFactory(conference=edition, name="Hall")
    # Two talks already clash in the Annex: not news to this file.
    annex = RoomFactory(conference=edition, name="Annex")
    for title in ("Old talk", "Older talk"):
        TalkFactory(conference=edition, room=annex, title=title, start=local("2026-05-18", 14))
    TalkFactory(conference=edition, room=hall, title="Existing", start=local("2026-05-18", 8, 45))
    path = write(
        tmp_path,
        "program.csv",
        HEADER + "Opening,Keynote,2026-05-18,09:00,09:45,Hall,Ion Stoica,\n"
        "Late,Keynote,2026-05-18,16:00,16:30,Hall,Yuhan Liu,\n",
    )

    output = run_import(path, "--conference", "2026")

    # The file's talk named first, though the other one starts earlier.
    assert output.splitlines()[-2:] == [
        "Warnings:",
        "  “Opening”: Room clash: “Existing” is also in Hall at Monday, May 18, 8:45 AM PDT.",
    ]


# Broken files: nothing changes, every problem is named


@pytest.mark.parametrize(
    ("name", "content", "problems"),
    [
        pytest.param(
            "schedule.xml",
            NIGHT_XML[: NIGHT_XML.index("<title>After midnight")],
            ["schedule.xml: not well-formed XML: no element found: line 39, column 8"],
            id="truncated-xml",
        ),
        pytest.param(
            "program.csv",
            "title,type,date,start,room,speakers\n"
            "Opening,Keynote,2026-05-18,09:00,Hall,Ion Stoica\n",
            [
                "Row 1, end: the header row has no column “end”",
                "Row 1, abstract: the header row has no column “abstract”",
            ],
            id="missing-columns",
        ),
        pytest.param(
            "program.csv",
            HEADER.replace("abstract", "abstract,end_date")
            + "Opening,Keynote,2026-05-18,09:00,09:45,Hall,Ion Stoica,,\n"
            "Late,Keynote,2026-05-18,10:30,10:00,Hall,Ion Stoica,,2026-05-18\n",
            ["Row 3, end: 2026-05-18 10:00 is not after the start, 2026-05-18 10:30"],
            id="end-before-start",
        ),
        pytest.param(
            "program.csv",
            HEADER + "Opening,Keynot,2026-05-18,09:00,09:45,Hall,Ion Stoica,\n",
            [
                "Row 2, type: “Keynot” is not a talk type here (types match by slug or name; "
                "organisers add new ones in the admin)"
            ],
            id="unknown-type",
        ),
        pytest.param(
            "program.csv",
            HEADER + "Opening,Keynote,18/05/2026,9am,09:45,Hall,Ion Stoica,\n"
            ",Keynote,2026-05-18,10:00,10:30,,Ion Stoica,\n",
            [
                "Row 2, date: “18/05/2026” is not a date written YYYY-MM-DD",
                "Row 2, start: “9am” is not a time written HH:MM",
                "Row 3, title: empty",
                "Row 3, room: empty",
            ],
            id="every-problem-of-every-row",
        ),
        pytest.param(
            "schedule.json",
            '{"schedule": {"version": "1", "conference": {"acronym": "tiny", "title": "Tiny",'
            ' "start": "2026-02-01", "time_zone_name": "Mars/Olympus", "days": [{"index": 1,'
            ' "date": "2026-02-01", "rooms": {"Hall": [{"id": 7, "title": "Talk",'
            ' "type": "Talk", "date": "soon", "duration": "half an hour"}]}}]}}}',
            [
                "conference, time_zone_name: “Mars/Olympus” is not an IANA timezone name such "
                "as Europe/Berlin",
                "Event 7 “Talk”, date: “soon” is not a date and time such as "
                "2026-05-18T09:00:00-07:00",
                "Event 7 “Talk”, duration: “half an hour” is not a duration such as 00:30 or "
                "0:30:00",
            ],
            id="json-event-problems",
        ),
        pytest.param(
            "program.xlsx",
            "title,type\n",
            ["program.xlsx: the name says an Excel workbook, but the file holds CSV text"],
            id="wrong-content",
        ),
        pytest.param(
            "program.ods",
            "anything",
            [
                "program.ods: unknown format “.ods”: import a frab schedule (.xml or .json), "
                "a .csv or a .xlsx file"
            ],
            id="unknown-format",
        ),
    ],
)
def test_broken_file_changes_nothing_and_names_the_problem(
    tmp_path, edition, name, content, problems
):
    TalkFactory(conference=edition, title="Opening", type=TalkTypeFactory(slug="keynote"))
    before = database_snapshot()

    with pytest.raises(CommandError) as raised:
        run_import(write(tmp_path, name, content), "--conference", "2026")

    assert database_snapshot() == before
    count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
    assert str(raised.value) == "\n".join(
        [f"Nothing was imported: {count}.", *(f"  {problem}" for problem in problems)]
    )


def test_one_bad_row_among_good_ones_changes_nothing(tmp_path, edition):
    good = "".join(
        f"Talk {n},Keynote,2026-05-18,{9 + n:02d}:00,{9 + n:02d}:30,Hall,Speaker {n},\n"
        for n in range(5)
    )
    path = write(
        tmp_path, "program.csv", HEADER + good + "Bad,Keynote,2026-05-18,15:00,14:75,Hall,X,\n"
    )
    before = database_snapshot()

    with pytest.raises(CommandError) as raised:
        run_import(path, "--conference", "2026")

    assert database_snapshot() == before
    assert str(raised.value).splitlines()[1:] == [
        "  Row 7, end: “14:75” is not a time written HH:MM"
    ]


def test_spreadsheet_needs_an_existing_edition(tmp_path, edition):
    path = write(tmp_path, "program.csv", HEADER)

    with pytest.raises(CommandError) as missing:
        run_import(path)
    with pytest.raises(CommandError) as unknown:
        run_import(path, "--conference", "2031")

    assert str(missing.value).splitlines()[1:] == [
        "  program.csv: a spreadsheet goes into an existing edition: give its slug"
    ]
    assert str(unknown.value).splitlines()[1:] == ["  program.csv: there is no edition “2031”"]


def test_duplicate_rows_are_refused(tmp_path, edition):
    row = "Opening,Keynote,2026-05-18,09:00,09:45,Hall,Ion Stoica,\n"
    path = write(tmp_path, "program.csv", HEADER + row + row)

    with pytest.raises(CommandError) as raised:
        run_import(path, "--conference", "2026")

    assert str(raised.value).splitlines()[1:] == [
        "  Row 3, title: the same title, start and room as Row 2"
    ]


def test_command_exits_non_zero_with_the_problem():
    manage = Path(__file__).resolve().parent.parent.parent / "manage.py"

    completed = subprocess.run(
        [sys.executable, str(manage), "import_schedule", "program.pdf"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 1
    assert completed.stderr == (
        "CommandError: Nothing was imported: 1 problem.\n"
        "  program.pdf: unknown format “.pdf”: import a frab schedule (.xml or .json), "
        "a .csv or a .xlsx file\n"
    )


def test_xlsx_without_a_talks_sheet_is_refused(tmp_path, edition):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Program"
    path = tmp_path / "program.xlsx"
    workbook.save(path)

    with pytest.raises(CommandError) as raised:
        run_import(path, "--conference", "2026")

    assert str(raised.value).splitlines()[1:] == [
        "  program.xlsx: the workbook has no sheet “Talks” (its sheets: “Program”)"
    ]


def test_xlsx_speakers_sheet_problems_are_named(tmp_path, edition):
    workbook = openpyxl.Workbook()
    talks = workbook.active
    talks.title = "Talks"
    talks.append(["title", "type", "date", "start", "end", "room", "speakers", "abstract"])
    talks.append(["Opening", "Keynote", 46160, "09:00", "09:45", "Hall", "Ion Stoica", None])
    speakers = workbook.create_sheet("Speakers")
    speakers.append(["name", "bio"])
    speakers.append(["Ion Stoica", "Berkeley."])
    speakers.append([None, "Nobody."])
    speakers.append(["Ion Stoica", "Again."])
    path = tmp_path / "program.xlsx"
    workbook.save(path)
    before = database_snapshot()

    with pytest.raises(CommandError) as raised:
        run_import(path, "--conference", "2026")

    assert database_snapshot() == before
    assert str(raised.value).splitlines()[1:] == [
        "  Row 2, date: “46160” is not a date written YYYY-MM-DD",
        "  Speakers sheet, Row 3, name: empty",
        "  Speakers sheet, Row 4, name: “Ion Stoica” is also in row 2",
    ]


def test_slug_column_renames_a_talk_found_by_title_and_start(tmp_path, edition):
    row = "Opening,Keynote,2026-05-18,09:00,09:45,Hall,Ion Stoica,\n"
    run_import(write(tmp_path, "v1.csv", HEADER + row), "--conference", "2026")

    output = run_import(
        write(
            tmp_path, "v2.csv", HEADER.replace("\n", ",slug\n") + row.replace("\n", ",welcome\n")
        ),
        "--conference",
        "2026",
    )

    assert list(Talk.objects.values_list("slug", "sequence")) == [("welcome", 1)]
    assert "  Opening (Monday, May 18, 9:00 AM PDT, Hall) (changed: slug)" in output.splitlines()


def test_xml_that_is_not_a_schedule_is_refused(tmp_path):
    path = write(tmp_path, "feed.xml", "<rss><channel/></rss>")

    with pytest.raises(CommandError) as raised:
        run_import(path)

    assert str(raised.value).splitlines()[1:] == [
        "  feed.xml: not a frab schedule: the root element is <rss>"
    ]


def test_frab_json_edition_end_from_its_day_count(tmp_path):
    path = write(
        tmp_path,
        "schedule.json",
        '{"schedule": {"version": "1", "conference": {"acronym": "tiny", "title": "Tiny",'
        ' "start": "2026-02-01", "daysCount": 3, "time_zone_name": "Europe/Brussels",'
        ' "days": [{"index": 1, "date": "2026-02-01", "rooms": {"Hall": [{"id": 7,'
        ' "title": "Welcome", "type": "Talk", "date": "2026-02-01T10:00:00+01:00",'
        ' "duration": "00:20", "persons": [{"name": "Ada Lovelace"}]}]}}]}}}',
    )

    run_import(path)

    conference = Conference.objects.get(slug="tiny")
    assert (conference.start_date, conference.end_date) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 3),
    )
    assert talk_rows(conference) == [
        ("welcome", "2026-02-01T10:00:00+01:00", 20, "Hall", "talk", ["Ada Lovelace"], "published")
    ]


def test_a_frab_file_may_not_make_an_edition_at_the_sites_own_address(tmp_path):
    before = database_snapshot()

    with pytest.raises(CommandError) as refused:
        run_import(write(tmp_path, "schedule.xml", NIGHT_XML), "--conference", "current")

    assert str(refused.value).splitlines()[1:] == [
        "  conference, acronym: “current” is an address the site uses itself (/current/), so "
        "the edition's pages could not be reached: choose another slug, such as current-2026."
    ]
    assert database_snapshot() == before
