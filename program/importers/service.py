"""``import_schedule``: one file into one edition, all or nothing.

First every record is checked and matched against the database without writing and
outside any transaction; any problem stops the import before a single write. Then the
writes run in one transaction, saving only what differs (``Talk.save()`` grows the
talk's ``sequence``, which calendar clients watch). A dry run does exactly the same work
and rolls it back, so its preview is what a real import would do.
"""

import zoneinfo
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from program.importers import frab, spreadsheet
from program.importers.records import ImportFailed, problem, quoted, text_problems
from program.importers.writer import ScheduleImport
from program.models import (
    Conference,
    is_timezone_name,
)
from program.statistics import analyse_program_tables
from program.text import single_line

PARSERS = {
    ".xml": frab.parse_xml,
    ".json": frab.parse_json,
    ".csv": spreadsheet.parse_csv,
    ".xlsx": spreadsheet.parse_xlsx,
}


SPREADSHEETS = {".csv", ".xlsx"}


def import_schedule(
    *,
    path_or_file,
    conference_slug=None,
    conference_name=None,
    timezone=None,
    dry_run=False,
    accept=None,
):
    """Import a frab XML/JSON schedule, a CSV or an XLSX file; raises ImportFailed.

    ``path_or_file`` is a path or a file object with a ``name`` (e.g. an upload).
    Spreadsheets go into the existing edition ``conference_slug``; a frab file goes into
    the edition ``conference_slug`` (default: its acronym), created when missing and then
    named ``conference_name`` (default: the file's title), which no other edition may have.
    ``timezone`` (an IANA name) is the zone the file's wall-clock times are in, when the
    file and the edition do not say it, or say it differently (zone_chooser).
    ``accept``, a function of the ImportResult, runs in the write transaction of a real
    import, after the writes: whatever it raises undoes them and goes to the caller (the
    admin checks its user's permissions for the writes made and logs them). The caller opens
    no transaction around the import: the file is read and checked outside any.
    """
    name = Path(getattr(path_or_file, "name", path_or_file) or "upload").name
    if timezone and not is_timezone_name(timezone):
        message = f"{quoted(timezone)} is not an IANA timezone name such as Europe/Brussels"
        raise ImportFailed([problem(name, "timezone", message)]) from None
    data = _read(path_or_file, name)
    suffix = _detect_format(name, data)
    # Reading and checking run outside any transaction: on SQLite, a transaction that has
    # read keeps every other writer (an admin login too) waiting until it ends, and a large
    # file takes seconds to check. Only the writes run in the transaction, kept short.
    if suffix in SPREADSHEETS:
        if conference_name:
            message = "a name is for a new edition, which only a frab file makes"
            raise ImportFailed([problem(name, None, message)])
        conference = _existing_edition(conference_slug, name)
        tz = zoneinfo.ZoneInfo(timezone) if timezone else conference.tzinfo
        parsed = _parse(suffix, data, name, tz)
    else:
        parsed = _parse(suffix, data, name, zone_chooser(conference_slug, timezone))
        if parsed.edition is None:  # not a schedule at all
            raise ImportFailed(parsed.problems)
        conference = _frab_edition(parsed, conference_slug, single_line(conference_name or ""))
    work = ScheduleImport(conference, parsed, dry_run=dry_run)
    work.check()
    try:
        with transaction.atomic():
            result = work.write()
            if dry_run:
                transaction.set_rollback(True)
            elif accept is not None:
                accept(result)
    except DatabaseError as error:  # a talk matched meanwhile deleted, a slug taken...
        raise ImportFailed(
            [
                f"The database refused the import ({error}): the program may have changed "
                "while the file was checked. Nothing was imported: import it again."
            ]
        ) from error
    if not dry_run:
        analyse_program_tables()
    return result


def zone_chooser(conference_slug, given):
    """The zone a frab file's wall-clock times are read in, for frab._read_edition: a
    function of the file's ``time_zone_name`` ("" when it has none) and the slug its acronym
    gives, returning (IANA name, None) or (None, the problem).

    A file's wall-clock times are its edition's: ``given`` (``--timezone``, the admin's
    "Timezone") when there is one; else the file's own zone, unless the edition it goes
    into exists in another (then the file is refused, naming both); else the existing
    edition's; else nothing is guessed: the file is refused, asking for ``--timezone``.
    """

    def choose(file_zone, acronym_slug):
        slug = conference_slug or acronym_slug
        edition = Conference.objects.filter(slug=slug).first() if slug else None
        if given:
            return given, None
        if file_zone and edition is not None and edition.timezone != file_zone:
            return None, (
                f"the file's times are in {file_zone}, but the edition {quoted(slug)} is in "
                f"{edition.timezone}: say which the file means (--timezone, or “Timezone” "
                "in the admin)"
            )
        if file_zone:
            return file_zone, None
        if edition is not None:
            return edition.timezone, None
        return None, (
            "the file names no time zone and the new edition has none yet: give the zone of "
            "its times (--timezone, or “Timezone” in the admin), e.g. Europe/Brussels"
        )

    return choose


def _parse(suffix, data, name, *tz):
    """The parser's records, once no text in them holds what no stored text may hold
    (checked before any query uses them: PostgreSQL refuses a NUL even in a query)."""
    parsed = PARSERS[suffix](data, name, *tz)
    unstorable = text_problems(parsed)
    if unstorable:
        raise ImportFailed([*parsed.problems, *unstorable])
    return parsed


def _read(path_or_file, name):
    """The file's bytes, once its name has a format we read."""
    suffix = Path(name).suffix.casefold()
    if suffix not in PARSERS:
        raise ImportFailed(
            [
                problem(
                    name,
                    None,
                    f"unknown format {quoted(suffix or name)}: import a frab schedule "
                    "(.xml or .json), "
                    "a .csv or a .xlsx file",
                )
            ]
        )
    if not isinstance(path_or_file, (str, Path)):
        data = path_or_file.read()
        return data.encode() if isinstance(data, str) else data
    try:
        return Path(path_or_file).read_bytes()
    except OSError as error:
        raise ImportFailed([problem(name, None, error.strerror or str(error))]) from error


def _detect_format(name, data):
    """The file's extension, once its content agrees with it."""
    suffix = Path(name).suffix.casefold()
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if not head:
        raise ImportFailed([problem(name, None, "the file is empty")])
    if data[:4] == b"PK\x03\x04":
        found = ".xlsx"  # a zip archive, as Excel workbooks are
    elif head == b"<":
        found = ".xml"
    elif head in (b"{", b"["):
        found = ".json"
    else:
        found = ".csv"
    if found != suffix:
        raise ImportFailed(
            [
                problem(
                    name,
                    None,
                    f"the name says {_FORMAT_NAMES[suffix]}, but the file holds "
                    f"{_FORMAT_NAMES[found]}",
                )
            ]
        )
    return suffix


_FORMAT_NAMES = {
    ".xml": "XML (a frab schedule.xml)",
    ".json": "JSON (a frab schedule.json)",
    ".csv": "CSV text",
    ".xlsx": "an Excel workbook",
}


def _existing_edition(slug, name):
    if not slug:
        raise ImportFailed(
            [problem(name, None, "a spreadsheet goes into an existing edition: give its slug")]
        )
    conference = Conference.objects.filter(slug=slug).first()
    if conference is None:
        raise ImportFailed([problem(name, None, f"there is no edition {quoted(slug)}")])
    return conference


def _frab_edition(parsed, slug, name=None):
    """The edition the file goes into; unsaved (pk None) when it is to be created."""
    record = parsed.edition
    slug = slug or record.slug
    existing = Conference.objects.filter(slug=slug).first() if slug else None
    if existing is not None:
        if name and name != existing.name:
            parsed.problems.append(
                problem(
                    "conference",
                    "name",
                    f"the edition {quoted(slug)} exists: rename it in the admin, not by an import",
                )
            )
        return existing
    conference = Conference(
        slug=slug or "",
        name=name or record.name or slug or "",
        start_date=record.start_date,
        end_date=record.end_date,
        timezone=record.timezone,
        venue=record.venue,
        city=record.city,
        is_published=True,
        is_current=False,
    )
    if not slug:
        parsed.problems.append(
            problem("conference", "acronym", "missing: give the new edition's slug")
        )
    start_problem = problem("conference", "start", "")
    if record.start_date is None and not any(p.startswith(start_problem) for p in parsed.problems):
        parsed.problems.append(problem("conference", "start", "missing, and no day has a date"))
    # The file's names for the edition's fields, unless the organiser gave the name.
    file_fields = {"slug": "acronym", "name": "name" if name else "title"}
    # Editions are told apart by name (the yearly menu): an export imported as a copy needs one.
    name_taken = Conference.objects.filter(name=conference.name).exists()
    if name_taken:
        parsed.problems.append(
            problem(
                "conference",
                file_fields["name"],
                f"another edition is already called {quoted(conference.name)}: give the new "
                "edition a name of its own (--name, or “New edition name” in the admin)",
            )
        )
    try:
        # The parser already checked the timezone and the dates.
        conference.full_clean(exclude=["timezone", "start_date", "end_date"])
    except ValidationError as error:
        parsed.problems += [
            problem("conference", file_fields.get(field, field), message)
            for field, messages in error.message_dict.items()
            if not (field == "slug" and not slug) and not (field == "name" and name_taken)
            for message in messages
        ]
    return conference
