"""Speakers' e-mail addresses from imports: a Speakers sheet's optional ``email`` column and a
frab JSON person's ``email``. An address the file does not give never clears one an
organiser typed; an invalid one is a clear row error and nothing is imported."""

import io

import openpyxl
import pytest
from django.core.management.base import CommandError

from program.models import Speaker
from tests.factories import SpeakerFactory
from tests.importers.test_import_hostile import frab_json
from tests.importers.test_imports import database_snapshot, edition, run_import  # noqa: F401

pytestmark = pytest.mark.django_db


def speakers_workbook(tmp_path, rows, header=("name", "affiliation", "email")):
    """program.xlsx: one talk by Yuhan Liu and Ion Stoica, and a Speakers sheet of ``rows``."""
    book = openpyxl.Workbook()
    talks = book.active
    talks.title = "Talks"
    talks.append(["title", "type", "date", "start", "end", "room", "speakers", "abstract"])
    talks.append(
        ["LMCache", "Keynote", "2026-05-18", "9:00", "9:45", "Hall", "Yuhan Liu; Ion Stoica", None]
    )
    sheet = book.create_sheet("Speakers")
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    path = tmp_path / "program.xlsx"
    book.save(path)
    return path


def emails():
    return dict(Speaker.objects.values_list("name", "email"))


def test_speakers_sheet_gives_new_and_known_speakers_their_address(tmp_path, edition):  # noqa: F811
    SpeakerFactory(name="Yuhan Liu", email="old@uchicago.edu")
    path = speakers_workbook(
        tmp_path,
        [
            ("Yuhan Liu", "UChicago", "yuhan@tensormesh.ai"),
            ("Ion Stoica", "UC Berkeley", "istoica@berkeley.edu"),
        ],
    )

    output = run_import(path, "--conference", "2026")

    assert emails() == {"Yuhan Liu": "yuhan@tensormesh.ai", "Ion Stoica": "istoica@berkeley.edu"}
    assert "Speakers updated:\n  Yuhan Liu (affiliation, email)\n" in output
    # The output names what changed, never the address.
    assert "@" not in output


def test_an_empty_cell_or_no_column_keeps_the_address_an_organiser_typed(
    tmp_path,
    edition,  # noqa: F811
):
    SpeakerFactory(name="Yuhan Liu", affiliation="UChicago", email="yuhan@uchicago.edu")
    SpeakerFactory(name="Ion Stoica", affiliation="UC Berkeley", email="ion@berkeley.edu")
    run_import(
        speakers_workbook(tmp_path, [("Yuhan Liu", "UChicago", None)]), "--conference", "2026"
    )
    run_import(
        speakers_workbook(tmp_path, [("Ion Stoica", "Anyscale")], header=("name", "affiliation")),
        "--conference",
        "2026",
    )

    assert emails() == {"Yuhan Liu": "yuhan@uchicago.edu", "Ion Stoica": "ion@berkeley.edu"}
    assert Speaker.objects.get(name="Ion Stoica").affiliation == "Anyscale"


def test_an_invalid_address_is_a_row_error_and_nothing_is_imported(tmp_path, edition):  # noqa: F811
    SpeakerFactory(name="Yuhan Liu", email="yuhan@uchicago.edu")
    path = speakers_workbook(
        tmp_path,
        [("Yuhan Liu", "UChicago", "yuhan at uchicago"), ("Ion Stoica", "", "ion@")],
    )
    before = database_snapshot()

    with pytest.raises(CommandError) as raised:
        run_import(path, "--conference", "2026")

    assert database_snapshot() == before
    assert str(raised.value).splitlines()[1:] == [
        "  Speakers sheet, Row 2, email: “yuhan at uchicago” is not an e-mail address",
        "  Speakers sheet, Row 3, email: “ion@” is not an e-mail address",
    ]


def frab_file(tmp_path, persons):
    path = tmp_path / "schedule.json"
    path.write_bytes(frab_json(persons=persons))
    return path


def test_frab_person_email_fills_new_speakers_and_known_ones_without(tmp_path):
    SpeakerFactory(name="Yuhan Liu", email="")
    SpeakerFactory(name="Ion Stoica", email="typed@berkeley.edu")
    path = frab_file(
        tmp_path,
        [
            {"name": "Yuhan Liu", "email": "yuhan@tensormesh.ai"},
            {"name": "Ion Stoica", "email": "ion@anyscale.com"},
            {"name": "Ana Klimovic", "email": "aklimovic@ethz.ch"},
            {"name": "Matei Zaharia"},
        ],
    )

    run_import(path)

    assert emails() == {
        "Yuhan Liu": "yuhan@tensormesh.ai",
        # frab's address fills in, never replaces what an organiser typed.
        "Ion Stoica": "typed@berkeley.edu",
        "Ana Klimovic": "aklimovic@ethz.ch",
        "Matei Zaharia": "",
    }


def test_frab_person_with_an_invalid_email_is_an_event_error(tmp_path):
    path = frab_file(tmp_path, [{"name": "Yuhan Liu", "email": "not-an-address"}])
    before = database_snapshot()

    with pytest.raises(CommandError) as raised:
        run_import(path)

    assert database_snapshot() == before
    assert str(raised.value).splitlines()[1:] == [
        "  Event 7 “Opening”, persons: “not-an-address” is not an e-mail address"
    ]


def test_frab_xml_persons_carry_no_address(tmp_path, shared_dir):
    """Real frab XML exports (31c3, FOSDEM 2024) carry no person's address: none is made up."""
    path = shared_dir / "formats" / "frab" / "examples" / "real" / "31c3-frab.schedule.xml"
    text = path.read_text(encoding="utf-8")
    assert "<email" not in text
    assert "@" not in "".join(line for line in io.StringIO(text) if "<person " in line)

    run_import(path, "--timezone", "Europe/Berlin")

    assert Speaker.objects.count() > 100
    assert not Speaker.objects.exclude(email="").exists()
