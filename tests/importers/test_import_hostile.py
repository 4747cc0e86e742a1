"""Hostile and huge import files: each is one listed problem naming its place, nothing is
imported, never a traceback or a 500, through the command and the admin's import page."""

import io
import json
import re
import threading
import zipfile

import openpyxl
import pytest
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError
from django.db import DatabaseError, connection
from django.utils import timezone

from program.importers import ImportFailed, import_schedule, writer
from program.models import TOO_LONG, Talk
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    TalkFactory,
    TalkTypeFactory,
    local,
)
from tests.importers.test_imports import HEADER, database_snapshot, run_import

pytestmark = pytest.mark.django_db

ROW = "Opening,Keynote,2026-05-18,09:00,09:45,Hall,Ion Stoica,Welcome.\n"
NOT_STORABLE = "which no text here may hold"


@pytest.fixture
def edition():
    TalkTypeFactory(slug="keynote", name="Keynote")
    return ConferenceFactory(slug="2026", name="MLSys 2026", timezone="America/Los_Angeles")


def frab_json(conference=None, **event):
    """A frab JSON schedule of one event, with ``conference`` and ``event`` keys replaced."""
    event = {
        "id": 7,
        "title": "Opening",
        "date": "2026-05-18T09:00:00-07:00",
        "duration": "00:45",
        "persons": ["Ion Stoica"],
        **event,
    }
    document = {
        "acronym": "hostile",
        "title": "Hostile 2026",
        "time_zone_name": "America/Los_Angeles",
        "start": "2026-05-18",
        "days": [{"date": "2026-05-18", "rooms": {"Hall": [event]}}],
        **(conference or {}),
    }
    return json.dumps({"schedule": {"conference": document}}).encode()


def workbook(rows=(ROW,)):
    """An XLSX workbook whose sheet Talks holds HEADER and ``rows`` (CSV lines)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Talks"
    for line in [HEADER, *rows]:
        sheet.append(line.rstrip("\n").split(","))
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def rezipped(data, change):
    """The workbook with its parts (name -> bytes) as ``change`` returns them."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in change(parts).items():
            archive.writestr(name, content)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def with_sheet(data, change):
    return rezipped(data, lambda parts: {**parts, SHEET: change(parts[SHEET].decode()).encode()})


def corrupt_sheet(data):
    """The sheet's compressed bytes damaged in the middle: it no longer inflates."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    damaged = bytes(byte ^ 0x5A for byte in data[middle : middle + 16])
    return data[:middle] + damaged + data[middle + 16 :]


def with_shared_strings(data, strings_xml):
    """A first cell that reads shared string 7, and the shared strings part ``strings_xml``."""
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"

    def change(parts):
        override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{content_type}"/>'
        types = parts["[Content_Types].xml"].decode().replace("</Types>", f"{override}</Types>")
        sheet = re.sub(
            r'<c r="A2" t="inlineStr">.*?</c>',
            '<c r="A2" t="s"><v>7</v></c>',
            parts[SHEET].decode(),
        )
        return {
            **parts,
            "[Content_Types].xml": types.encode(),
            SHEET: sheet.encode(),
            "xl/sharedStrings.xml": strings_xml.encode(),
        }

    return rezipped(data, change)


SST = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1">'


def huge_shared_string(length=40_000_000):
    """Shared strings 0 to 6 short, 7 (the one with_shared_strings reads) ``length`` x's."""
    short = "<si><t>a</t></si>" * 7
    return f"{SST}{short}<si><t>{'x' * length}</t></si></sst>"


def csv_file(*rows):
    return (HEADER + "".join(rows)).encode()


# (file name, content, the one problem). Contents are built when the test runs.
CASES = {
    "nul-json": (
        "schedule.json",
        lambda: frab_json(title="Open\x00ing"),
        f"Event 7 “Open\ufffding”, title: holds the control character U+0000, {NOT_STORABLE}",
    ),
    "lone-surrogate-json": (
        "schedule.json",
        lambda: frab_json(persons=["Ion \\ud800Stoica"]).replace(b"\\\\ud800", b"\\ud800"),
        f"Event 7 “Opening”, speakers: holds a lone surrogate U+D800, {NOT_STORABLE}",
    ),
    "nul-in-room-name-json": (
        "schedule.json",
        lambda: frab_json(room="Hall\x00"),
        f"Event 7 “Opening”, room: holds the control character U+0000, {NOT_STORABLE}",
    ),
    "deeply-nested-json": (
        "schedule.json",
        lambda: b'{"schedule": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "schedule.json: not a schedule: nested too deeply",
    ),
    "year-1-json": (
        "schedule.json",
        lambda: frab_json(date="0001-01-01T09:00:00"),
        "Event 7 “Opening”, date: “0001-01-01T09:00:00” is outside the years 1900 to 2999",
    ),
    "year-9999-json": (
        "schedule.json",
        lambda: frab_json(date="9999-12-31T23:00:00+00:00", duration="02:00"),
        "Event 7 “Opening”, date: “9999-12-31T23:00:00+00:00” is outside the years 1900 to 2999",
    ),
    "edition-in-year-1-json": (
        "schedule.json",
        lambda: frab_json({"start": "0001-01-01", "days": []}),
        "conference, start: “0001-01-01” is outside the years 1900 to 2999",
    ),
    "absurd-day-count-json": (
        "schedule.json",
        lambda: frab_json({"daysCount": 10**30, "start": "2026-05-18"}),
        f"conference, daysCount: {10**30} days; an edition lasts 366 at most",
    ),
    "absurd-duration-json": (
        "schedule.json",
        lambda: frab_json(duration="999:59"),
        f"Event 7 “Opening”, duration: {TOO_LONG}",
    ),
    "absurd-end-json": (
        "schedule.json",
        lambda: frab_json(end="2999-12-31T09:00:00-07:00"),
        f"Event 7 “Opening”, duration: {TOO_LONG}",
    ),
    "nul-xml": (
        "schedule.xml",
        lambda: b"<schedule><conference><title>a&#0;</title></conference></schedule>",
        "schedule.xml: not well-formed XML: reference to invalid character number: line 1, "
        "column 30",
    ),
    "utf-7-xml": (
        "schedule.xml",
        lambda: b'<?xml version="1.0" encoding="utf-7"?><schedule/>',
        "schedule.xml: the XML declares an encoding it cannot be read in: save it as UTF-8",
    ),
    "unknown-encoding-xml": (
        "schedule.xml",
        lambda: b'<?xml version="1.0" encoding="x-no-such-code"?><schedule/>',
        "schedule.xml: the XML declares an encoding it cannot be read in: save it as UTF-8",
    ),
    "5000-digit-number-json": (
        "schedule.json",
        lambda: frab_json(id=7).replace(b'"id": 7', b'"id": ' + b"7" * 5000),
        "schedule.json: not a schedule: a number has more than 4,300 digits",
    ),
    "5000-digit-day-count-json": (
        "schedule.json",
        lambda: frab_json({"daysCount": "9" * 5000, "start": "2026-05-18"}),
        f"conference, daysCount: {'9' * 59}… days; an edition lasts 366 at most",
    ),
    "5000-character-zone-json": (
        "schedule.json",
        lambda: frab_json({"acronym": "2026", "time_zone_name": "Europe/" + "x" * 4993}),
        f"conference, time_zone_name: “Europe/{'x' * 52}…” is not an IANA timezone name such "
        "as Europe/Berlin",
    ),
    "5000-character-title-json": (
        "schedule.json",
        lambda: frab_json(id="e" * 5000, title="T" * 5000),
        f"Event {'e' * 59}… “{'T' * 59}…”, title: 5000 characters; at most 300 fit",
    ),
    "5000-character-date-csv": (
        "program.csv",
        lambda: csv_file(ROW.replace("2026-05-18", "2" * 5000)),
        f"Row 2, date: “{'2' * 59}…” is not a date written YYYY-MM-DD",
    ),
    "cell-over-the-csv-limit": (
        "program.csv",
        lambda: csv_file(ROW, f'Long,Keynote,2026-05-18,10:00,11:00,Hall,,"{"x" * 200_000}"\n'),
        "Row 3: not readable as CSV (field larger than field limit (131072))",
    ),
    "nul-csv": (
        "program.csv",
        lambda: csv_file(ROW.replace("Hall", "Ha\x00ll")),
        f"Row 2, room: holds the control character U+0000, {NOT_STORABLE}",
    ),
    "year-1-csv": (
        "program.csv",
        lambda: csv_file(ROW.replace("2026-05-18", "0001-01-01")),
        "Row 2, date: “0001-01-01” is outside the years 1900 to 2999",
    ),
    "year-9999-csv": (
        "program.csv",
        lambda: csv_file(ROW.replace("2026-05-18,09:00,09:45", "9999-12-31,23:00,01:00")),
        "Row 2, date: “9999-12-31” is outside the years 1900 to 2999",
    ),
    "absurd-end-date-csv": (
        "program.csv",
        lambda: (
            csv_file(ROW.replace("2026-05-18", "2026-05-18").replace("Welcome.", "x"))
            .replace(b"abstract\n", b"abstract,end_date\n")
            .replace(b",x\n", b",x,2999-12-31\n")
        ),
        f"Row 2, end: {TOO_LONG}",
    ),
    "nul-xlsx": (
        "program.xlsx",
        # XML cannot carry a NUL, even as a character reference.
        lambda: with_sheet(workbook(), lambda xml: xml.replace(">Hall<", ">Ha&#0;ll<")),
        None,
    ),
    "corrupt-zip-member-xlsx": (
        "program.xlsx",
        lambda: corrupt_sheet(workbook()),
        None,  # the reason is zlib's or zipfile's; checked below
    ),
    "missing-sheet-xml-xlsx": (
        "program.xlsx",
        lambda: rezipped(workbook(), lambda parts: {k: v for k, v in parts.items() if k != SHEET}),
        "program.xlsx: the workbook has no sheet “Talks” (its sheets: none)",
    ),
    "malformed-shared-strings-xlsx": (
        "program.xlsx",
        lambda: with_shared_strings(workbook(), SST + "<si><t>Opening"),
        None,
    ),
    "missing-shared-string-xlsx": (
        "program.xlsx",
        lambda: with_shared_strings(workbook(), SST + "<si><t>Opening</t></si></sst>"),
        "program.xlsx: not a readable .xlsx workbook (IndexError: list index out of range)",
    ),
    "three-million-rows-xlsx": (
        "program.xlsx",
        lambda: with_sheet(
            workbook(),
            lambda xml: xml.replace('<dimension ref="A1:H2"/>', "").replace(
                "</sheetData>",
                '<row r="3000000"><c r="A3000000" t="inlineStr"><is><t>x</t>'
                "</is></c></row></sheetData>",
            ),
        ),
        "program.xlsx: more than 30,000 rows (empty ones count): nothing was read further; "
        "split the file",
    ),
    # 40 MB of text in a 44 KB workbook: never held whole, its start quoted.
    "huge-shared-string-xlsx": (
        "program.xlsx",
        lambda: with_shared_strings(workbook(), huge_shared_string()),
        f"Row 2, title: 40,000,000 characters; a cell holds at most 131,072 (“{'x' * 59}…”)",
    ),
    "huge-inline-string-xlsx": (
        "program.xlsx",
        lambda: with_sheet(
            workbook(), lambda xml: xml.replace(">Welcome.<", f">{'_x000D_' * 5_000_000}<")
        ),
        "program.xlsx, sheet “Talks”, cell H2: 35,000,000 characters; a cell holds at most "
        f"131,072 (“{('_x000D_' * 9)[:59]}…”)",
    ),
    "long-root-element-xml": (
        "schedule.xml",
        lambda: f"<{'s' * 1_000_000}/>".encode(),
        f"schedule.xml: not a frab schedule: the root element is <{'s' * 59}…>",
    ),
    "zip-bomb-xlsx": (
        "program.xlsx",
        lambda: rezipped(
            workbook(), lambda parts: {**parts, "xl/media/zeros.bin": bytes(60 << 20)}
        ),
        None,
    ),
}
# Problems whose wording comes from a library: their start.
PREFIXES = {
    "corrupt-zip-member-xlsx": "program.xlsx: not a readable .xlsx workbook (",
    "malformed-shared-strings-xlsx": "program.xlsx: not a readable .xlsx workbook (ParseError: ",
    "zip-bomb-xlsx": "program.xlsx: the workbook unpacks to ",
    "nul-xlsx": "program.xlsx: not a readable .xlsx workbook (ParseError: ",
}


def check_problems(problems, case):
    _, _, expected = CASES[case]
    if expected is None:
        (only,) = problems
        assert only.startswith(PREFIXES[case])
    else:
        assert problems == [expected]


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_file_is_one_problem_through_the_command(tmp_path, edition, case):
    name, content, _ = CASES[case]
    path = tmp_path / name
    path.write_bytes(content())
    before = database_snapshot()

    with pytest.raises(CommandError) as raised:
        run_import(path, *(["--conference", "2026"] if name.startswith("program") else []))

    lines = str(raised.value).splitlines()
    assert lines[0] == "Nothing was imported: 1 problem."
    check_problems([line.strip() for line in lines[1:]], case)
    assert database_snapshot() == before


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_file_is_one_problem_in_the_admin(admin_client, edition, case):
    name, content, _ = CASES[case]
    data = content()
    before = database_snapshot()

    response = admin_client.post(
        "/admin/program/talk/import/",
        {
            "file": SimpleUploadedFile(name, data),
            "conference": "2026" if name.startswith("program") else "",
        },
    )

    assert response.status_code == 200
    check_problems(response.context["problems"], case)
    assert database_snapshot() == before


class UnreadBody(io.BytesIO):
    """A request body that fails the test when anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_too_large_upload_is_refused_before_its_body_is_read(admin_client, edition):
    before = database_snapshot()
    fifty_megabytes = 50 * 1024 * 1024

    response = admin_client.generic(
        "POST",
        "/admin/program/talk/import/",
        data=b"--x--",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(fifty_megabytes),
        **{"wsgi.input": UnreadBody()},
    )

    assert response.status_code == 413
    assert response.content.decode() == (
        "The upload is 50.0\xa0MB; the limit is 2.1\xa0MB. Nothing was read or changed: "
        "go back and choose a smaller file.\n"
    )
    assert database_snapshot() == before


def test_upload_within_the_limit_is_read(admin_client, edition):
    response = admin_client.post(
        "/admin/program/talk/import/",
        {"file": SimpleUploadedFile("program.csv", csv_file(ROW)), "conference": "2026"},
    )

    assert response.status_code == 200
    assert response.context["result"].created == ["Opening (Monday, May 18, 9:00 AM PDT, Hall)"]


@pytest.mark.django_db(transaction=True)
def test_another_connection_writes_while_a_preview_checks_the_file(monkeypatch):
    """On SQLite a transaction that has read keeps every other writer out until it ends (a
    database-wide lock on a file; the test database in memory locks table by table, so the
    open transaction is checked too): the import checks the file outside any transaction,
    and an admin login (a session written) goes through meanwhile."""
    TalkTypeFactory(slug="keynote", name="Keynote")
    ConferenceFactory(slug="2026", name="MLSys 2026", timezone="America/Los_Angeles")
    outcomes = []

    def log_in_elsewhere():
        try:
            Session.objects.create(
                session_key="a" * 32, session_data="{}", expire_date=timezone.now()
            )
            outcomes.append("written")
        except DatabaseError as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    match_talks = writer.ScheduleImport._match_talks

    def match_talks_while_someone_logs_in(self, records):
        matches = match_talks(self, records)  # the edition's talks have been read
        outcomes.append(f"in a transaction: {connection.in_atomic_block}")
        other = threading.Thread(target=log_in_elsewhere)
        other.start()
        other.join()
        return matches

    monkeypatch.setattr(writer.ScheduleImport, "_match_talks", match_talks_while_someone_logs_in)

    result = import_schedule(
        path_or_file=ContentFile(csv_file(ROW), name="program.csv"),
        conference_slug="2026",
        dry_run=True,
    )

    assert outcomes == ["in a transaction: False", "written"]
    assert result.counts_line() == "Talks: 1 created, 0 updated, 0 unchanged."
    assert Session.objects.count() == 1


def test_a_talk_deleted_while_the_file_is_checked_is_not_brought_back(edition, monkeypatch):
    talk = TalkFactory(
        conference=edition,
        room=RoomFactory(conference=edition, name="Hall"),
        title="Opening",
        abstract="Old.",
        start=local("2026-05-18", 9),
        end=local("2026-05-18", 9, 45),
    )
    match_talks = writer.ScheduleImport._match_talks

    def match_talks_then_delete(self, records):
        matches = match_talks(self, records)
        Talk.objects.filter(pk=talk.pk).delete()  # an organiser, meanwhile
        return matches

    monkeypatch.setattr(writer.ScheduleImport, "_match_talks", match_talks_then_delete)

    with pytest.raises(ImportFailed) as raised:
        import_schedule(
            path_or_file=ContentFile(csv_file(ROW), name="program.csv"), conference_slug="2026"
        )

    assert raised.value.problems == [
        "The database refused the import (Forced update did not affect any rows.): the program "
        "may have changed while the file was checked. Nothing was imported: import it again."
    ]
    assert Talk.objects.count() == 0
