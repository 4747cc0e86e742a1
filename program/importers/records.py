"""What every parser produces: talk, speaker and edition records, with where each came from.

The parsers only read files; matching against the database and writing happen in
``program.importers.service``, so CSV, XLSX and both frab formats share one set of rules.
"""

import re
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from program.models import HTTP_URL, Resource, Room, Speaker, Talk, TalkType, Track
from program.text import shortened, shown, single_line, unstorable_character


class ImportFailed(Exception):
    """The file cannot be imported; nothing was changed. ``problems`` lists every reason."""

    def __init__(self, problems):
        # Each problem once (a frab person is checked with each of their events), shown
        # without the characters a page or a terminal cannot show, and cut at MESSAGE_MAX
        # characters: values are quoted shortened, but a library's reason may hold one.
        self.problems = [shortened(shown(line), MESSAGE_MAX) for line in dict.fromkeys(problems)]
        super().__init__("\n".join(self.problems))

    def report(self):
        count = len(self.problems)
        heading = "1 problem" if count == 1 else f"{count} problems"
        lines = [f"Nothing was imported: {heading}."]
        lines += [f"  {problem}" for problem in self.problems]
        return "\n".join(lines)


# A problem's length, at most: a line of the list, whatever a file holds.
MESSAGE_MAX = 500


def quoted(value):
    """“value”, shortened: how a problem quotes what a file holds."""
    return f"“{shortened(value)}”"


def problem(where, field_name, message):
    """'Row 4, end: ...' or, without a field, 'schedule.xml: ...'."""
    if field_name:
        return f"{where}, {field_name}: {message}"
    return f"{where}: {message}"


@dataclass
class ResourceRecord:
    """A link to a talk's material; the URL is checked (http or https) but never fetched."""

    kind: str
    url: str
    title: str = ""


@dataclass
class TalkRecord:
    """One spreadsheet row or frab event; a field that could not be read is None."""

    where: str  # "Row 4" or "Event 25 “Title”": how problems name the record
    title: str | None
    type: str | None
    start: datetime | None  # timezone-aware; None with end and room: unscheduled (below)
    end: datetime | None
    room: str | None
    speakers: list[str]
    abstract: str = ""
    slug: str | None = None  # given explicitly (spreadsheet column); else derived from the title
    status: str | None = None  # None: new talks are published, existing ones keep theirs
    track: str | None = None  # a track's name or slug; "": no track; None: left as it is
    # None: the file says nothing about resources. An import adds and updates resources
    # (matched by URL), never removes one.
    resources: list[ResourceRecord] | None = None
    # The file gives no time at all (no date, start nor end): the talk waits unscheduled, a
    # draft, lasting ``duration`` (frab's duration; None: not given) once placed.
    unscheduled: bool = False
    duration: timedelta | None = None


@dataclass
class SpeakerRecord:
    """Details of a speaker; ``overwrite`` says whether they may change a known speaker."""

    where: str
    name: str
    affiliation: str = ""
    bio: str = ""
    overwrite: bool = False
    # Private (Speaker.email): "" when the file has none, which never clears a known one.
    email: str = ""


@dataclass
class TrackRecord:
    """A track a frab file describes (its conference's track list): colour and slug."""

    name: str
    slug: str = ""
    colour: str = ""


@dataclass
class EditionRecord:
    """The edition a frab file describes, created when no edition has its slug."""

    slug: str | None
    name: str
    start_date: date | None
    end_date: date | None
    timezone: str
    venue: str = ""  # pentabarf and FOSDEM write <venue> and <city>; frab and pretalx do not
    city: str = ""


@dataclass
class ParsedSchedule:
    talks: list[TalkRecord] = field(default_factory=list)
    speakers: list[SpeakerRecord] = field(default_factory=list)
    rooms: list[str] = field(default_factory=list)  # the rooms a frab file lists, talks or not
    # frab files: room name -> the live stream URL its talks' links give (importers/frab.py)
    room_streams: dict[str, str] = field(default_factory=dict)
    tracks: list[TrackRecord] = field(default_factory=list)  # frab files only
    edition: EditionRecord | None = None  # frab files only
    # frab types and tracks are free text; a spreadsheet's must exist.
    creates_types: bool = False
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def text_problems(parsed):
    """A problem for each field holding a character no stored text may hold (NUL, which
    PostgreSQL refuses, other control characters, lone surrogates), naming its place.

    Run on every parser's records before anything reads the database with them."""
    places = [(record.where, record) for record in [*parsed.talks, *parsed.speakers]]
    places += [("conference", parsed.edition)] if parsed.edition else []
    places += [("conference", track) for track in parsed.tracks]
    places += [("conference", SimpleRoom(name)) for name in parsed.rooms]
    problems = []
    for where, record in places:
        for attribute, text in _texts(record):
            found = unstorable_character(text)
            if found:
                name = FIELD_NAMES.get((type(record), attribute), attribute)
                if isinstance(record, SpeakerRecord) and not record.overwrite:
                    name = "speakers"  # a frab person, checked with their event
                problems.append(problem(where, name, f"holds {found}, which no text here may hold"))
    return problems


def _texts(record):
    """(attribute, text) for every text a record holds, its resources' URLs and titles too."""
    for item in fields(record):
        values = getattr(record, item.name)
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, ResourceRecord):
                yield item.name, value.url
                yield item.name, value.title
            elif isinstance(value, str) and item.name != "where":
                yield item.name, value


@dataclass
class SimpleRoom:
    """A room a frab file lists, as a record for ``text_problems``."""

    name: str


# The files' own names for fields whose record attribute is named otherwise.
FIELD_NAMES = {
    (TalkRecord, "resources"): "resources or links",
    (EditionRecord, "name"): "title",
    (TrackRecord, "name"): "track",
    (SimpleRoom, "name"): "room",
}


def max_length(model, field_name):
    return model._meta.get_field(field_name).max_length


TITLE_MAX = max_length(Talk, "title")
SLUG_MAX = max_length(Talk, "slug")
ROOM_NAME_MAX = max_length(Room, "name")
SPEAKER_NAME_MAX = max_length(Speaker, "name")
AFFILIATION_MAX = max_length(Speaker, "affiliation")
TYPE_NAME_MAX = max_length(TalkType, "name")
TRACK_NAME_MAX = max_length(Track, "name")
RESOURCE_URL_MAX = max_length(Resource, "url")
RESOURCE_TITLE_MAX = max_length(Resource, "title")
# "slides" or "Slides" -> "slides": a kind by its value or its name.
RESOURCE_KINDS = {
    name.casefold(): value for value, label in Resource.Kind.choices for name in (value, label)
}


EMAIL_MAX = Speaker._meta.get_field("email").max_length


def checked_email(problems, where, field_name, text):
    """``text`` (a cell, a frab person's ``email``) as an e-mail address, "" for none; one
    that is no address is a problem of the row, and gives ""."""
    text = single_line(text or "")
    if not text:
        return ""
    try:
        validate_email(text)
        if len(text) > EMAIL_MAX:
            raise ValidationError("too long")
    except ValidationError:
        problems.append(problem(where, field_name, f"{quoted(text)} is not an e-mail address"))
        return ""
    return text


def changed_details(detail, speaker):
    """The attributes of a known ``speaker`` that ``detail`` (a SpeakerRecord) changes: a
    Speakers sheet's affiliation and bio (``overwrite``) when given and different; an e-mail
    address when given and different, from any file only while the speaker has none, from a
    Speakers sheet always. A detail left empty never clears what an organiser typed."""
    changed = [
        attribute
        for attribute in ("affiliation", "bio")
        if detail.overwrite
        and getattr(detail, attribute)
        and getattr(detail, attribute) != getattr(speaker, attribute)
    ]
    if detail.email and detail.email != speaker.email and (detail.overwrite or not speaker.email):
        changed.append("email")
    return changed


def check_length(problems, where, field_name, value, limit):
    if value is not None and len(value) > limit:
        problems.append(problem(where, field_name, f"{len(value)} characters; at most {limit} fit"))


# Dates an import accepts: any real program's, and far enough from Python's years 1 and
# 9999 that no conversion (to UTC, to the next day) leaves the calendar.
YEARS = range(1900, 3000)
OUTSIDE_YEARS = "is outside the years 1900 to 2999"
# An edition's days, at most.
MAX_EDITION_DAYS = 366


_DURATION = re.compile(r"^(\d{1,3}):([0-5]\d)(?::([0-5]\d))?$")


def parse_duration(text):
    """'00:30', '1:30' or '0:30:00' (frab writes both); None when unreadable."""
    match = _DURATION.match(text.strip())
    if not match:
        return None
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


# A host name as people write a web address without its scheme: www.mr-beam.org/kit
BARE_HOST = re.compile(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}(:\d{1,5})?([/?#]\S*)?")


def resource_record(problems, where, field_name, *, kind, url, title="", notes=None):
    """A ResourceRecord once its URL is a web address and its parts fit; else None, with the
    problem added. Nothing is fetched from the URL.

    With ``notes`` (frab files: frab accepted ``www.mr-beam.org``), a URL without a scheme
    is completed with https:// when it is plainly a web address, else left out; each is
    said in ``notes`` (the import's warnings, shown by the dry run and the result). A URL
    with any other scheme than http or https is a problem, and so is any URL that is not a
    web address in a spreadsheet (``notes`` None), which its organisers can correct.
    """
    url, title = url.strip(), single_line(title)
    if notes is not None and url and not urlsplit(url).scheme:
        if BARE_HOST.fullmatch(url):
            notes.append(
                f"{where}, {field_name}: {quoted(url)} has no scheme: imported as https://{shortened(url)}"
            )
            url = f"https://{url}"
        else:
            notes.append(f"{where}, {field_name}: {quoted(url)} is not a web address: left out")
            return None
    try:
        HTTP_URL(url)
    except ValidationError:
        problems.append(
            problem(
                where,
                field_name,
                f"{quoted(url)} is not a web address starting with http:// or https://",
            )
        )
        return None
    before = len(problems)
    check_length(problems, where, field_name, url, RESOURCE_URL_MAX)
    check_length(problems, where, field_name, title, RESOURCE_TITLE_MAX)
    return ResourceRecord(kind, url, title) if len(problems) == before else None
