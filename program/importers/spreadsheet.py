"""Reading the organisers' spreadsheets: CSV, or the ``Talks`` sheet of an XLSX workbook.

Rows are numbered as the organiser sees them in their spreadsheet program: the header is
row 1. Cells are cleaned of spreadsheet artefacts (``_x000D_``, stray carriage returns).
"""

import io
import re
import zipfile
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug

from program.importers import csv_files, xlsx_parts
from program.importers.records import (
    AFFILIATION_MAX,
    OUTSIDE_YEARS,
    RESOURCE_KINDS,
    ROOM_NAME_MAX,
    SLUG_MAX,
    SPEAKER_NAME_MAX,
    TITLE_MAX,
    TRACK_NAME_MAX,
    YEARS,
    ParsedSchedule,
    SpeakerRecord,
    TalkRecord,
    check_length,
    checked_email,
    problem,
    quoted,
    resource_record,
)
from program.models import MAX_DURATION, TOO_LONG, Resource, Talk
from program.text import clean_spreadsheet_text, entered_text, name_key, single_line
from program.times import (
    SkippedTime,
    conference_time,
    elapsed,
    moment_label,
    repeated_times,
)

TALK_COLUMNS = ("title", "type", "date", "start", "end", "room", "speakers", "abstract")
OPTIONAL_TALK_COLUMNS = ("slug", "status", "end_date", "resources", "track")
# A row with none of them filled is a talk waiting unscheduled; with some, an error.
TIME_COLUMNS = ("date", "start", "end", "end_date")
# Bounds on the work a file may ask for (docs/organisers/imports.md): rows read, header included
# (empty ones too), columns read in an XLSX sheet, and an XLSX file's size unpacked.
MAX_ROWS = 30_000
MAX_COLUMNS = 50
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
SPEAKER_COLUMNS = ("name",)
OPTIONAL_SPEAKER_COLUMNS = ("affiliation", "bio", "email")


def parse_csv(data, name, tz):
    schedule = ParsedSchedule()
    try:
        text, encoding = csv_files.decode(data)
    except csv_files.NotText:
        schedule.problems.append(
            problem(
                name,
                None,
                "not a text file, so not a CSV file: save the sheet as “CSV UTF-8” or .xlsx",
            )
        )
        return schedule
    if encoding != "UTF-8":
        schedule.warnings.append(f"{name}: read as {encoding} text.")
    try:
        rows = csv_files.read_rows(text, MAX_ROWS)
    except csv_files.UnreadableRow as error:
        number, reason = error.args
        schedule.problems.append(problem(f"Row {number}", None, f"not readable as CSV ({reason})"))
        return schedule
    if _within_limit(schedule, name, rows):
        _read_talks(schedule, rows, tz, sheet="")
    return schedule


def _within_limit(schedule, name, rows, sheet=""):
    """Whether ``rows`` (read up to one more than MAX_ROWS) are few enough to import."""
    if len(rows) <= MAX_ROWS:
        return True
    schedule.problems.append(
        problem(
            name,
            None,
            f"{sheet}more than {MAX_ROWS:,} rows (empty ones count): nothing was read "
            "further; split the file",
        )
    )
    return False


def parse_xlsx(data, name, tz):
    schedule = ParsedSchedule()
    try:
        unpacked = sum(item.file_size for item in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        schedule.problems.append(problem(name, None, f"not a readable .xlsx workbook ({error})"))
        return schedule
    if unpacked > MAX_UNPACKED_BYTES:
        schedule.problems.append(
            problem(
                name,
                None,
                f"the workbook unpacks to {unpacked:,} bytes; the limit is {MAX_UNPACKED_BYTES:,}",
            )
        )
        return schedule
    try:
        sheets = _read_sheets(data)
    except xlsx_parts.TooLongCell as error:
        title, cell, start, length = error.args
        where = f"{name}, sheet {quoted(title)}, " + (f"cell {cell}" if cell else "outside cells")
        schedule.problems.append(problem(where, None, _too_long(start, length)))
        return schedule
    # openpyxl lets out whatever its readers meet in a broken part (a zip member that does
    # not inflate, missing or malformed XML, a shared string that is not there): each is
    # this one problem, whatever its kind.
    except Exception as error:
        reason = f"{type(error).__name__}: {error}"[:300]
        schedule.problems.append(problem(name, None, f"not a readable .xlsx workbook ({reason})"))
        return schedule
    talks = sheets.get("talks")
    if talks is None:
        # openpyxl leaves out a sheet whose part is missing: "none" may mean that.
        found = ", ".join(f"{quoted(title)}" for title, _ in sheets.values()) or "none"
        schedule.problems.append(
            problem(name, None, f"the workbook has no sheet “Talks” (its sheets: {found})")
        )
    elif _within_limit(schedule, name, talks[1]):
        _read_talks(schedule, talks[1], tz, sheet="")
        speakers = sheets.get("speakers")
        if speakers is not None and _within_limit(
            schedule, name, speakers[1], sheet="the sheet “Speakers” has "
        ):
            _read_speakers(schedule, speakers[1])
    return schedule


def _read_sheets(data):
    """Sheet name folded -> (title, rows) of the sheets Talks and Speakers, and the title of
    every other; at most MAX_ROWS + 1 rows of MAX_COLUMNS cells each. TooLongCell for a
    sheet read with a cell over MAX_CELL_CHARACTERS, found before the sheet is parsed.

    Rows are read as the sheet holds them: its declared dimension (which may claim millions
    of rows) is not trusted."""
    workbook, check = xlsx_parts.load_workbook(io.BytesIO(data))
    try:
        sheets = {}
        for sheet in workbook.worksheets:
            key = sheet.title.strip().casefold()
            rows = []
            if key in ("talks", "speakers"):
                check(sheet.title)
                sheet.reset_dimensions()
                for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
                    rows.append(row)
                    if len(rows) > MAX_ROWS:
                        break
            sheets.setdefault(key, (sheet.title, rows))
        return sheets
    finally:
        workbook.close()


def _header(schedule, rows, required, optional, *, sheet):
    """Column name -> index, or None when a required column is missing."""
    header = [_cell_text(cell).casefold() for cell in rows[0]] if rows else []
    columns = {}
    for index, column in enumerate(header):
        if column in columns and column in required + optional:
            schedule.problems.append(
                problem(f"{sheet}Row 1", column, "the header row has this column twice")
            )
        columns.setdefault(column, index)
    missing = [column for column in required if column not in columns]
    for column in missing:
        schedule.problems.append(
            problem(f"{sheet}Row 1", column, f"the header row has no column {quoted(column)}")
        )
    ignored = [column for column in header if column and column not in required + optional]
    if ignored:
        listed = ", ".join(f"{quoted(column)}" for column in ignored)
        schedule.warnings.append(f"{sheet}Row 1: columns not imported: {listed}.")
    return None if missing else columns


def _records(problems, rows, columns, sheet=""):
    """(row number, {column: cell}) for every row with something in it, and no cell over
    MAX_CELL_CHARACTERS (each such cell is a problem, its row not read further)."""
    for number, row in enumerate(rows[1:], start=2):
        cells = {
            column: (row[index] if index < len(row) else None) for column, index in columns.items()
        }
        too_long = [
            problem(f"{sheet}Row {number}", column, _too_long(start, length))
            for column, (start, length) in _lengths(cells).items()
            if length > xlsx_parts.MAX_CELL_CHARACTERS
        ]
        problems += too_long
        if not too_long and any(_cell_text(value) for value in cells.values()):
            yield number, cells


def _lengths(cells):
    """Column -> (the cell's text or its start, its length in characters; 0 if not text)."""
    lengths = {}
    for column, value in cells.items():
        if isinstance(value, xlsx_parts.Oversized):
            lengths[column] = value.start, value.length
        else:
            lengths[column] = value, len(value) if isinstance(value, str) else 0
    return lengths


def _too_long(start, length):
    """A cell's text too long to read: its length and its start, shortened."""
    return (
        f"{length:,} characters; a cell holds at most {xlsx_parts.MAX_CELL_CHARACTERS:,} "
        f"({quoted(start)})"
    )


def _read_talks(schedule, rows, tz, *, sheet):
    columns = _header(schedule, rows, TALK_COLUMNS, OPTIONAL_TALK_COLUMNS, sheet=sheet)
    if columns is None:
        return
    problems = schedule.problems
    for number, cells in _records(problems, rows, columns):
        where = f"Row {number}"
        title = single_line(_cell_text(cells["title"]))
        talk_type = single_line(_cell_text(cells["type"]))
        room = single_line(_cell_text(cells["room"]))
        unscheduled = not any(_cell_text(cells.get(name)) for name in TIME_COLUMNS)
        for field_name, value in (("title", title), ("type", talk_type), ("room", room)):
            if not value and not (field_name == "room" and unscheduled):
                problems.append(problem(where, field_name, "empty"))
        if unscheduled and room:
            message = (
                f"{quoted(room)} without a date, start and end: give them, or leave the room "
                "empty to import the talk unscheduled"
            )
            problems.append(problem(where, "room", message))
        check_length(problems, where, "title", title, TITLE_MAX)
        check_length(problems, where, "room", room, ROOM_NAME_MAX)
        # Without the column, talks keep their tracks; an empty cell means no track.
        track = single_line(_cell_text(cells["track"])) if "track" in cells else None
        check_length(problems, where, "track", track, TRACK_NAME_MAX)

        start, end = (None, None) if unscheduled else _read_times(schedule, where, cells, tz)

        speakers = []
        for name in _cell_text(cells["speakers"]).split(";"):
            name = single_line(name)
            check_length(problems, where, "speakers", name, SPEAKER_NAME_MAX)
            if name:
                speakers.append(name)  # the importer merges one person named twice

        schedule.talks.append(
            TalkRecord(
                where=where,
                title=title or None,
                type=talk_type or None,
                start=start,
                end=end,
                room=room or None,
                speakers=speakers,
                abstract=_cell_text(cells["abstract"]),
                slug=_cell_slug(problems, where, cells.get("slug")),
                status=_cell_status(problems, where, cells.get("status")),
                track=track,
                resources=_cell_resources(problems, where, cells["resources"])
                if "resources" in columns
                else None,
                unscheduled=unscheduled,
            )
        )


def _read_times(schedule, where, cells, tz):
    """(start, end) of a row, aware; None where a cell is wrong (the problem is noted).

    The end is on ``end_date`` when given; without it, an end at or before the start is
    on the next day (a party from 22:00 to 01:00), which the import notes.
    """
    problems = schedule.problems
    missing = [name for name in ("date", "start", "end") if not _cell_text(cells[name])]
    if missing:
        message = (
            f"give a date, start and end, or none of them to leave the talk unscheduled "
            f"(missing: {', '.join(missing)})"
        )
        problems.append(problem(where, None, message))
        return None, None
    day = _cell_date(problems, where, "date", cells["date"])
    start_time = _cell_time(problems, where, "start", cells["start"])
    end_time = _cell_time(problems, where, "end", cells["end"])
    end_day = None
    if _cell_text(cells.get("end_date")):
        end_day = _cell_date(problems, where, "end_date", cells["end_date"])
        if end_day is None:
            return None, None
    if not (day and start_time and end_time):
        return None, None
    start = _local(schedule, where, "start", day, start_time, tz)
    if end_day is None and end_time <= start_time:
        end_day = day + timedelta(days=1)
        schedule.warnings.append(
            f"{where}: ends at {end_time:%H:%M} on the next day, {end_day} (the end is not "
            "after the start and there is no end_date)."
        )
    end = _local(schedule, where, "end", end_day or day, end_time, tz)
    if start is None or end is None:
        return None, None
    if elapsed(start, end) <= timedelta(0):
        problems.append(
            problem(
                where,
                "end",
                f"{end_day} {end_time:%H:%M} is not after the start, {day} {start_time:%H:%M}",
            )
        )
    elif elapsed(start, end) > MAX_DURATION:
        problems.append(problem(where, "end", TOO_LONG))
    return start, end


def _local(schedule, where, field_name, day, clock, tz):
    """The moment a cell's conference time names; a time clocks skip is a problem."""
    naive = datetime.combine(day, clock)
    try:
        moment = conference_time(naive, tz)
    except SkippedTime as error:
        schedule.problems.append(problem(where, field_name, str(error)))
        return None
    if repeated_times(naive, tz):
        schedule.warnings.append(
            f"{where}, {field_name}: {moment_label(moment)} happens twice (the clocks go "
            "back); read as the first."
        )
    return moment


def _read_speakers(schedule, rows):
    sheet = "Speakers sheet, "
    columns = _header(schedule, rows, SPEAKER_COLUMNS, OPTIONAL_SPEAKER_COLUMNS, sheet=sheet)
    if columns is None:
        return
    seen = {}
    for number, cells in _records(schedule.problems, rows, columns, sheet):
        where = f"{sheet}Row {number}"
        name = single_line(_cell_text(cells["name"]))
        affiliation = single_line(_cell_text(cells.get("affiliation")))
        if not name:
            schedule.problems.append(problem(where, "name", "empty"))
            continue
        if name_key(name) in seen:
            schedule.problems.append(
                problem(where, "name", f"{quoted(name)} is also in row {seen[name_key(name)]}")
            )
            continue
        seen[name_key(name)] = number
        check_length(schedule.problems, where, "name", name, SPEAKER_NAME_MAX)
        check_length(schedule.problems, where, "affiliation", affiliation, AFFILIATION_MAX)
        email = checked_email(schedule.problems, where, "email", _cell_text(cells.get("email")))
        schedule.speakers.append(
            SpeakerRecord(
                where=where,
                name=name,
                affiliation=affiliation,
                bio=_cell_text(cells.get("bio")),
                overwrite=True,
                email=email,
            )
        )


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, xlsx_parts.Oversized):
        return value.start  # a header; _records refuses the cell in any other row
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a cell, e.g. a room called 101
    return entered_text(clean_spreadsheet_text(str(value)))


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::00)?$")


def _cell_date(problems, where, field_name, value):
    day = _read_date(value)
    if day is None:
        text = _cell_text(value)
        message = f"{quoted(text)} is not a date written YYYY-MM-DD" if text else "empty"
    elif day.year not in YEARS:
        message = f"{quoted(day)} {OUTSIDE_YEARS}"
    else:
        return day
    problems.append(problem(where, field_name, message))
    return None


def _read_date(value):
    if isinstance(value, datetime):  # XLSX date cells
        return value.date()
    if isinstance(value, date):
        return value
    text = _cell_text(value)
    try:
        return date.fromisoformat(text) if _DATE.match(text) else None
    except ValueError:
        return None


def _cell_time(problems, where, field_name, value):
    if isinstance(value, datetime):  # XLSX time cells sometimes come back with a date
        return value.time()
    if isinstance(value, time):
        return value
    text = _cell_text(value)
    match = _TIME.match(text)
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return time(int(match[1]), int(match[2]))
    problems.append(
        problem(
            where, field_name, f"{quoted(text)} is not a time written HH:MM" if text else "empty"
        )
    )
    return None


def _cell_slug(problems, where, value):
    text = _cell_text(value)
    if not text:
        return None
    try:
        validate_slug(text)
    except ValidationError:
        message = f"{quoted(text)} may hold only letters, digits, - and _"
        problems.append(problem(where, "slug", message))
        return None
    check_length(problems, where, "slug", text, SLUG_MAX)
    return text


def _cell_status(problems, where, value):
    text = _cell_text(value)
    if not text:
        return None
    if text.casefold() not in Talk.Status.values:
        allowed = ", ".join(Talk.Status.values)
        problems.append(problem(where, "status", f"{quoted(text)} is not one of {allowed}"))
        return None
    return text.casefold()


def _cell_resources(problems, where, value):
    """'slides: https://...; video: https://...': kinds by value or name, in order."""
    records = []
    for item in _cell_text(value).split(";"):
        item = item.strip()
        if not item:
            continue
        kind_text, separator, url = item.partition(":")
        kind = RESOURCE_KINDS.get(kind_text.strip().casefold())
        if not separator or kind_text.strip().casefold() in ("http", "https"):
            problems.append(
                problem(
                    where,
                    "resources",
                    f"{quoted(item)} has no kind: write kind: URL, such as "
                    "slides: https://example.org/slides.pdf",
                )
            )
        elif kind is None:
            kinds = ", ".join(Resource.Kind.values)
            problems.append(
                problem(
                    where,
                    "resources",
                    f"{quoted(kind_text.strip())} is not a kind of resource ({kinds})",
                )
            )
        else:
            record = resource_record(problems, where, "resources", kind=kind, url=url)
            if record is not None:
                records.append(record)
    return records
