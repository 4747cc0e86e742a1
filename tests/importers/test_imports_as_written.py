"""Imports of files as other systems and spreadsheet programs really write them: names in
any Unicode form, sessions past midnight, clock changes, frab without types, CSV in any
encoding and delimiter Excel uses."""

import datetime as dt
import unicodedata
import zoneinfo

import pytest
from django.core.management import CommandError

from program.models import Conference, Speaker, Talk, TalkType
from tests.factories import ConferenceFactory, SpeakerFactory, TalkTypeFactory
from tests.importers.test_imports import (
    HEADER,
    NIGHT_XML,
    database_snapshot,
    run_import,
    talk_rows,
    write,
)

pytestmark = pytest.mark.django_db

NFC_PEREZ = unicodedata.normalize("NFC", "Guillermo Pérez")
NFD_PEREZ = unicodedata.normalize("NFD", "Guillermo Pérez")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture
def edition():
    TalkTypeFactory(slug="keynote", name="Keynote")
    TalkTypeFactory(slug="social", name="Social")
    return ConferenceFactory(slug="2026", name="MLSys 2026", timezone="America/Los_Angeles")


def import_rows(tmp_path, rows, *args, header=HEADER, name="program.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes((header + "".join(rows)).encode(encoding))
    return run_import(path, "--conference", "2026", *args)


# One person, one speaker.


def test_one_speaker_whatever_the_unicode_form_case_or_spacing(tmp_path, edition):
    assert NFC_PEREZ != NFD_PEREZ
    output = import_rows(
        tmp_path,
        [
            f"Composed,Keynote,2026-05-18,09:00,09:30,Hall,{NFC_PEREZ},\n",
            f"Decomposed,Keynote,2026-05-18,10:00,10:30,Hall,{NFD_PEREZ},\n",
            "Shouted,Keynote,2026-05-18,11:00,11:30,Hall,GUILLERMO   PÉREZ,\n",
        ],
    )

    (speaker,) = Speaker.objects.all()
    assert speaker.name == NFC_PEREZ
    assert sorted(speaker.talks.values_list("title", flat=True)) == [
        "Composed",
        "Decomposed",
        "Shouted",
    ]
    assert "Speakers created:\n  Guillermo Pérez\n" in output


def test_known_speaker_is_found_in_another_form(tmp_path, edition):
    known = SpeakerFactory(name=NFC_PEREZ, slug="guillermo-perez")

    output = import_rows(
        tmp_path, [f"Talk,Keynote,2026-05-18,09:00,09:30,Hall,{NFD_PEREZ.lower()},\n"]
    )

    assert list(Speaker.objects.all()) == [known]
    assert [speaker.pk for speaker in Talk.objects.get().ordered_speakers] == [known.pk]
    assert "Speakers created" not in output


def test_a_person_named_twice_in_a_talk_is_listed_once_and_the_import_says_so(tmp_path, edition):
    output = import_rows(
        tmp_path,
        [f"Panel,Keynote,2026-05-18,09:00,09:30,Hall,{NFC_PEREZ}; Ada Lovelace; {NFD_PEREZ},\n"],
    )

    assert [speaker.name for speaker in Talk.objects.get().ordered_speakers] == [
        NFC_PEREZ,
        "Ada Lovelace",
    ]
    assert "  Row 2, speakers: “Guillermo Pérez” is “Guillermo Pérez” again; listed once.\n" in (
        output
    )


def test_imported_text_is_stored_nfc_and_trimmed(tmp_path, edition):
    title, room = (
        unicodedata.normalize("NFD", "Café théorique"),
        unicodedata.normalize("NFD", "Salle Éole"),
    )
    import_rows(
        tmp_path,
        [f'"  {title} ",Keynote,2026-05-18,09:00,09:30,{room},Ada,"  Résumé\r\n\r\nSuite  "\n'],
    )

    talk = Talk.objects.select_related("room").get()
    assert (talk.title, talk.room.name, talk.abstract) == (
        "Café théorique",
        "Salle Éole",
        "Résumé\n\nSuite",
    )
    assert all(unicodedata.is_normalized("NFC", text) for text in (talk.title, talk.room.name))


# Sessions past midnight and over several days.

END_DATE_HEADER = HEADER.replace("abstract", "abstract,end_date")


def test_end_date_column_and_ends_on_the_next_day(tmp_path, edition):
    output = import_rows(
        tmp_path,
        [
            "Hackathon,Keynote,2026-05-18,10:00,12:00,Hall,Ada,,2026-05-19\n",
            "Party,Social,2026-05-18,22:00,01:00,Hall,Ada,,\n",
            "Day and night,Social,2026-05-19,09:00,09:00,Hall,Ada,,\n",
        ],
        "--dry-run",
        header=END_DATE_HEADER,
    )

    assert (
        "  Row 3: ends at 01:00 on the next day, 2026-05-19 (the end is not after the "
        "start and there is no end_date).\n"
    ) in output
    assert "  Row 4: ends at 09:00 on the next day, 2026-05-20" in output
    assert Talk.objects.count() == 0  # a dry run

    import_rows(
        tmp_path,
        [
            "Hackathon,Keynote,2026-05-18,10:00,12:00,Hall,Ada,,2026-05-19\n",
            "Party,Social,2026-05-18,22:00,01:00,Hall,Ada,,\n",
        ],
        header=END_DATE_HEADER,
    )
    assert [row[1:3] for row in talk_rows(edition)] == [
        ("2026-05-18T10:00:00-07:00", 26 * 60),
        ("2026-05-18T22:00:00-07:00", 3 * 60),
    ]


def test_a_session_longer_than_frab_can_write_is_refused(tmp_path, edition):
    with pytest.raises(CommandError) as raised:
        import_rows(
            tmp_path,
            ["Exhibition,Social,2026-05-18,09:00,17:00,Hall,Ada,,2026-05-22\n"],
            header=END_DATE_HEADER,
        )

    assert str(raised.value).splitlines()[1] == (
        "  Row 2, end: A session lasts at most 99 hours 59 minutes, the longest that schedule "
        "apps (frab format) can read; enter a longer one as one session per day."
    )


# Clock changes.


@pytest.fixture
def new_york(edition):
    edition.timezone = "America/New_York"
    edition.save()
    return edition


def test_a_skipped_time_is_refused_naming_the_row(tmp_path, new_york):
    before = database_snapshot()

    with pytest.raises(CommandError) as raised:
        import_rows(tmp_path, ["Too early,Keynote,2026-03-08,02:30,03:30,Hall,Ada,\n"])

    assert database_snapshot() == before
    assert str(raised.value).splitlines()[1:] == [
        "  Row 2, start: 2:30 AM on Sunday, March 8, 2026 does not exist in America/New_York: "
        "the clocks go forward an hour then. Choose a time before or after the change."
    ]


def test_a_repeated_time_is_read_as_the_first_and_the_import_says_so(tmp_path, new_york):
    output = import_rows(tmp_path, ["Night owls,Keynote,2026-11-01,01:30,01:50,Hall,Ada,\n"])

    talk = Talk.objects.get()
    assert talk.start == dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC)  # 1:30 EDT
    assert (
        "  Row 2, start: Sunday, November 1, 1:30 AM EDT happens twice (the clocks go "
        "back); read as the first.\n"
    ) in output


# frab files as generators write them.

WAFER_XML = """<?xml version="1.0" encoding="UTF-8"?>
<schedule>
  <generator name="wafer" version="0.16"/>
  <version></version>
  <conference>
    <title>PyCon Lite</title>
    <acronym>pyconlite</acronym>
    <start>2026-10-01</start>
    <end>2026-10-01</end>
    <days>1</days>
    <timeslot_duration>00:15</timeslot_duration>
    <time_zone_name>Africa/Johannesburg</time_zone_name>
  </conference>
  <day date="2026-10-01" start="2026-10-01T08:00:00+02:00" end="2026-10-01T18:00:00+02:00"
       index="1">
    <room>
      <event id="1" guid="not-a-uuid">
        <date>2026-10-01T09:00:00+02:00</date>
        <start>09:00</start>
        <duration>1:30</duration>
        <room>Main</room>
        <title>Opening keynote</title>
        <abstract/>
        <description>Described, not abstracted.</description>
        <type>Keynote</type>
        <persons><person id="4">Ada Lovelace</person></persons>
      </event>
      <event id="2">
        <date>2026-10-01T11:00:00+02:00</date>
        <start>11:00</start>
        <duration>00:45:00</duration>
        <room>Main</room>
        <title>A talk without a type</title>
        <description/>
        <persons><person id="5">Grace Hopper</person></persons>
      </event>
      <event id="3">
        <date>2026-10-01T12:00:00+02:00</date>
        <start>12:00</start>
        <duration>01:00</duration>
        <room>Main</room>
        <title>Lunch</title>
        <type/>
      </event>
    </room>
  </day>
</schedule>
"""


def test_frab_xml_without_types_persons_abstract_or_room_attributes_imports(tmp_path):
    TalkTypeFactory(slug="keynote", name="Keynote")

    output = run_import(write(tmp_path, "schedule.xml", WAFER_XML))

    conference = Conference.objects.get(slug="pyconlite")
    assert talk_rows(conference) == [
        ("opening-keynote", "2026-10-01T09:00:00+02:00", 90, "Main", "keynote",
         ["Ada Lovelace"], "published"),
        ("a-talk-without-a-type", "2026-10-01T11:00:00+02:00", 45, "Main", "talk",
         ["Grace Hopper"], "published"),
        ("lunch", "2026-10-01T12:00:00+02:00", 60, "Main", "talk", [], "published"),
    ]  # fmt: skip
    assert Talk.objects.get(slug="opening-keynote").abstract == "Described, not abstracted."
    assert TalkType.objects.get(slug="talk").name == "Talk"
    assert "Talk types created:\n  Talk\n" in output


# CSV as Excel writes it.

ROW = "Café talk;Keynote;2026-05-18;09:00;09:30;Salle Éole;Guillermo Pérez;L’été, à Köln\n"


@pytest.mark.parametrize(
    ("encoding", "delimiter", "warning"),
    [
        ("utf-8", ",", None),
        ("utf-8-sig", ";", None),  # Excel's "CSV UTF-8", in a locale with decimal commas
        ("cp1252", ";", "program.csv: read as Windows-1252 text."),  # Excel's plain "CSV"
        ("cp1252", ",", "program.csv: read as Windows-1252 text."),
        ("utf-16", "\t", "program.csv: read as UTF-16 text."),  # Excel's "Unicode Text"
    ],
)
def test_csv_in_any_encoding_and_delimiter_excel_writes(
    tmp_path, edition, encoding, delimiter, warning
):
    header = HEADER.replace(",", delimiter)
    row = (
        ROW.replace(";", delimiter)
        if delimiter != ","
        else ROW.replace("L’été, à Köln", '"L’été, à Köln"').replace(";", ",")
    )

    output = import_rows(tmp_path, [row], header=header, encoding=encoding)

    talk = Talk.objects.select_related("room").get()
    assert (talk.title, talk.room.name, talk.abstract) == (
        "Café talk",
        "Salle Éole",
        "L’été, à Köln",
    )
    assert [speaker.name for speaker in talk.ordered_speakers] == ["Guillermo Pérez"]
    assert (f"  {warning}\n" in output) if warning else ("read as" not in output)


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),  # an old .xls renamed
        b"title,type\x00\x01\x02,date\n",
    ],
)
def test_a_file_that_is_not_text_is_refused_saying_so(tmp_path, edition, content):
    path = tmp_path / "program.csv"
    path.write_bytes(content)

    with pytest.raises(CommandError) as raised:
        run_import(path, "--conference", "2026")

    assert str(raised.value).splitlines()[1:] == [
        "  program.csv: not a text file, so not a CSV file: save the sheet as “CSV UTF-8” or .xlsx"
    ]


def test_frab_duration_is_elapsed_time_across_a_clock_change(tmp_path):
    """An event read in conference time (no offset) lasts its duration in real time."""
    schedule = """<schedule><version>1</version>
      <conference><acronym>night</acronym><title>Night</title>
        <time_zone_name>America/New_York</time_zone_name></conference>
      <day index="1" date="2026-10-31" start="2026-10-31T08:00:00-04:00"
           end="2026-11-01T04:00:00-05:00">
        <room name="Hall"><event id="1" guid="x">
          <start>01:30</start><duration>01:00</duration><title>Night owls</title>
          <type>Social</type>
        </event></room>
      </day></schedule>"""

    run_import(write(tmp_path, "schedule.xml", schedule))

    talk = Talk.objects.get()
    assert (talk.start, talk.end) == (  # 1:30 EDT, the first, to 1:30 EST
        dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 11, 1, 6, 30, tzinfo=dt.UTC),
    )


def test_a_new_editions_name_is_stored_nfc_and_trimmed(tmp_path):
    typed = unicodedata.normalize("NFD", "  Nuit   de l'été ")

    run_import(write(tmp_path, "schedule.xml", NIGHT_XML), "--name", typed)

    assert Conference.objects.get(slug="nightconf").name == "Nuit de l'\u00e9t\u00e9"
