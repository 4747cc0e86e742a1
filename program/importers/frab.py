"""Reading frab/C3VOC schedules: ``schedule.xml`` and ``schedule.json``.

Real exports (pretalx, frab, wafer, FOSDEM's pentabarf) differ from the schema: guids that
are not UUIDs or are missing, extra elements and keys, persons as strings or objects,
durations as ``HH:MM`` or ``H:MM:SS``. We read only what we need and ignore the rest.
An event's ``date`` carries the full start with its UTC offset, which is what we use:
after midnight it is already the next calendar day, while the event still sits in the
previous conference day. Without ``date``, the day's date and the ``start`` clock time are
combined, moving to the next day when the clock time is before the day's start. An event
with no date, start nor end is a talk not scheduled yet (importers/unscheduled.py).
"""

import json
import sys
import zoneinfo
from datetime import timedelta
from urllib.parse import urljoin

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.utils.text import slugify

from program.colours import COLOUR
from program.importers.frab_times import (
    conference_date,
    event_end,
    event_start,
    is_number,
    is_unscheduled,
    json_text,
    planned_duration,
    read_date,
)
from program.importers.records import (
    MAX_EDITION_DAYS,
    RESOURCE_KINDS,
    ROOM_NAME_MAX,
    SPEAKER_NAME_MAX,
    TITLE_MAX,
    TRACK_NAME_MAX,
    TYPE_NAME_MAX,
    EditionRecord,
    ParsedSchedule,
    SpeakerRecord,
    TalkRecord,
    TrackRecord,
    check_length,
    checked_email,
    problem,
    quoted,
    resource_record,
)
from program.models import Resource, is_timezone_name
from program.text import entered_text, shortened, single_line

# The title our export gives a room's live stream among a talk's links (feeds/frab.py).
STREAM_TITLE = "Live stream"

# Only to go on reading a file refused for its zone, so that every other problem is listed.
FALLBACK_TIMEZONE = "UTC"


MAX_DIGITS = sys.get_int_max_str_digits()

# An event without a type (wafer writes none for its talks) gets this one, created when new.
DEFAULT_TYPE = "Talk"


# frab link types (schema.json's list, and our own kinds as our XML writes them) -> our kinds.
# The generic ones (web, blog, related...) are "other", unless the title names a kind.
LINK_KINDS = {
    **RESOURCE_KINDS,
    "article": Resource.Kind.PAPER,
    "media": Resource.Kind.VIDEO,
    "recording": Resource.Kind.VIDEO,
}


def parse_xml(data, name, zone):
    schedule = ParsedSchedule(creates_types=True)
    try:
        root = ElementTree.fromstring(data)
    except DefusedXmlException:
        schedule.problems.append(
            problem(name, None, "the XML declares entities or a DTD, which are refused for safety")
        )
        return schedule
    except ElementTree.ParseError as error:
        schedule.problems.append(problem(name, None, f"not well-formed XML: {error}"))
        return schedule
    except (LookupError, ValueError):
        # expat reads one-byte encodings (and UTF-16 with its mark) only: UTF-7 is a
        # ValueError, a name Python does not know a LookupError.
        schedule.problems.append(
            problem(
                name, None, "the XML declares an encoding it cannot be read in: save it as UTF-8"
            )
        )
        return schedule
    if root.tag != "schedule":
        schedule.problems.append(
            problem(name, None, f"not a frab schedule: the root element is <{shortened(root.tag)}>")
        )
        return schedule

    conference = root.find("conference")
    fields = {} if conference is None else {child.tag: _text(child) for child in conference}
    tz = _read_edition(
        schedule, fields, day_dates=[d.get("date") for d in root.iter("day")], zone=zone
    )
    if conference is not None:
        schedule.tracks = _tracks(dict(track.attrib) for track in conference.iter("track"))

    number = 0
    for day in root.iter("day"):
        for room in day.iter("room"):
            _list_room(schedule, room.get("name", ""))
            for event in room.iter("event"):
                number += 1
                values = {child.tag: child for child in event}
                persons = values.get("persons")
                lists = [values[tag] for tag in ("links", "attachments") if tag in values]
                schedule.talks.append(
                    _event_record(
                        schedule,
                        tz,
                        number=number,
                        ident=event.get("id") or event.get("guid"),
                        get=lambda key, values=values: _text(values.get(key)),
                        persons=[
                            {"name": _text(person)}
                            for person in ([] if persons is None else persons.iter("person"))
                        ],
                        room=room.get("name", ""),
                        track=_text(values.get("track")),
                        day=(day.get("date"), day.get("start")),
                        links=[
                            {
                                "type": item.get("type"),
                                "url": item.get("href"),
                                "title": _text(item),
                            }
                            for element in lists
                            for item in element
                        ]
                        if lists
                        else None,
                        base_url=fields.get("base_url", ""),
                    )
                )
    return schedule


def parse_json(data, name, zone):
    schedule = ParsedSchedule(creates_types=True)
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        schedule.problems.append(problem(name, None, "not UTF-8 text"))
        return schedule
    except json.JSONDecodeError as error:
        schedule.problems.append(problem(name, None, f"not valid JSON: {error}"))
        return schedule
    except ValueError:  # only int() of a number over sys.get_int_max_str_digits() digits
        schedule.problems.append(
            problem(name, None, f"not a schedule: a number has more than {MAX_DIGITS:,} digits")
        )
        return schedule
    except RecursionError:
        schedule.problems.append(problem(name, None, "not a schedule: nested too deeply"))
        return schedule
    root = document.get("schedule") if isinstance(document, dict) else None
    conference = root.get("conference") if isinstance(root, dict) else None
    if not isinstance(conference, dict):
        schedule.problems.append(
            problem(name, None, "not a frab schedule: no “schedule” with a “conference”")
        )
        return schedule

    days = [day for day in conference.get("days") or [] if isinstance(day, dict)]
    tz = _read_edition(schedule, conference, day_dates=[day.get("date") for day in days], zone=zone)
    schedule.tracks = _tracks(
        track for track in conference.get("tracks") or [] if isinstance(track, dict)
    )
    # schedule2 (C3VOC's draft successor) lists biographies once, in schedule.persons.
    biographies = {
        person.get("guid"): person.get("biography")
        for person in root.get("persons") or []
        if isinstance(person, dict) and person.get("guid")
    }

    # Every room of the edition, with or without talks (schema.json's conference.rooms).
    for room in conference.get("rooms") or []:
        _list_room(schedule, json_text(room))
    events = []  # (event, room name of the enclosing list, (day date, day start))
    for day in days:
        rooms = day.get("rooms") or {}
        for room_name, room_events in rooms.items() if isinstance(rooms, dict) else ():
            _list_room(schedule, room_name)
            for event in room_events or []:
                day_info = (day.get("date"), day.get("day_start") or day.get("start"))
                events.append((event, room_name, day_info))
    # schedule2 keeps its events in one flat list, each with a full start and end.
    events += [(event, "", (None, None)) for event in root.get("events") or []]

    for number, (event, room_name, day_info) in enumerate(events, start=1):
        if not isinstance(event, dict):
            schedule.problems.append(problem(f"Event #{number}", None, "not an object"))
            continue
        persons = event.get("persons") or [
            person
            for person in event.get("participants") or []
            if not isinstance(person, dict) or person.get("role", "SPEAKER") == "SPEAKER"
        ]
        has_links = "links" in event or "attachments" in event
        schedule.talks.append(
            _event_record(
                schedule,
                tz,
                number=number,
                ident=event.get("id") or event.get("guid") or event.get("code"),
                get=lambda key, event=event: json_text(event.get(key)),
                persons=[_json_person(person, biographies) for person in persons],
                room=room_name,
                track=_json_track(event.get("track"), schedule.tracks),
                day=day_info,
                links=[
                    _json_link(item)
                    for key in ("links", "attachments")
                    for item in event.get(key) or []
                ]
                if has_links
                else None,
                base_url=json_text(root.get("base_url") or conference.get("base_url")),
            )
        )
    return schedule


def _list_room(schedule, name):
    """A room the file lists: created even when it holds no talk, so no room is lost."""
    name = single_line(name)
    if name and len(name) <= ROOM_NAME_MAX and name not in schedule.rooms:
        schedule.rooms.append(name)


def _read_edition(schedule, fields, *, day_dates, zone):
    """The edition's record from the <conference> element or object; returns the timezone
    the file's wall-clock times are read in.

    ``zone(file_zone, acronym)`` chooses it from the file's ``time_zone_name`` (or "") and
    the slug its acronym gives: (IANA name, None) or (None, problem message), see
    importers/service.py zone_chooser.
    """
    where = "conference"
    file_zone = json_text(fields.get("time_zone_name")).strip()
    if file_zone and not is_timezone_name(file_zone):
        schedule.problems.append(
            problem(
                where,
                "time_zone_name",
                f"{quoted(file_zone)} is not an IANA timezone name such as Europe/Berlin",
            )
        )
        file_zone = ""
    acronym = json_text(fields.get("acronym")).strip()
    timezone_name, message = zone(file_zone, slugify(acronym) or None)
    if message:
        schedule.problems.append(problem(where, "time_zone_name", message))
    # The times are still read, in UTC, to list every other problem of the file.
    tz = zoneinfo.ZoneInfo(timezone_name or FALLBACK_TIMEZONE)

    known_days = sorted(day for day in (read_date(value) for value in day_dates) if day)
    start_date = conference_date(schedule, "start", fields.get("start"), tz)
    end_date = conference_date(schedule, "end", fields.get("end"), tz)
    start_date = start_date or (known_days[0] if known_days else None)
    # XML: <days>3</days>; JSON: "daysCount": 3 (its "days" is the list of days).
    field_name = "daysCount" if "daysCount" in fields else "days"
    day_count = json_text(fields.get(field_name)).strip()
    # Compared by length first: int() refuses a string of more than 4,300 digits.
    if is_number(day_count) and (len(day_count) > 4 or int(day_count) > MAX_EDITION_DAYS):
        days = shortened(day_count)
        schedule.problems.append(
            problem(where, field_name, f"{days} days; an edition lasts {MAX_EDITION_DAYS} at most")
        )
    elif end_date is None and start_date and is_number(day_count) and int(day_count) > 0:
        end_date = start_date + timedelta(days=int(day_count) - 1)
    end_date = end_date or (known_days[-1] if known_days else start_date)
    if start_date and end_date and end_date < start_date:
        schedule.problems.append(
            problem(where, "end", f"{end_date} is before the start, {start_date}")
        )

    title = single_line(json_text(fields.get("title"))) or acronym
    # JSON may keep them in the free "meta" object, as our own export does.
    meta = fields.get("meta") if isinstance(fields.get("meta"), dict) else {}
    venue, city = (
        single_line(json_text(fields.get(key) or meta.get(key))) for key in ("venue", "city")
    )
    schedule.edition = EditionRecord(
        slug=slugify(acronym) or None,
        name=title,
        start_date=start_date,
        end_date=end_date,
        timezone=timezone_name or FALLBACK_TIMEZONE,
        venue=venue,
        city=city,
    )
    return tz


def _event_record(schedule, tz, *, number, ident, get, persons, room, track, day, links, base_url):
    title = single_line(get("title"))
    where = f"Event {shortened(ident)}" if ident else f"Event #{number}"
    where = f"{where} {quoted(title)}"
    problems = schedule.problems
    if not title:
        problems.append(problem(where, "title", "missing"))
    check_length(problems, where, "title", title, TITLE_MAX)

    event_type = single_line(get("type")) or DEFAULT_TYPE
    check_length(problems, where, "type", event_type, TYPE_NAME_MAX)

    # Without any time, the event waits unscheduled: its room is not its slot yet (the
    # room is still created when the file lists it).
    unscheduled = is_unscheduled(get)
    room_name = "" if unscheduled else single_line(get("room")) or single_line(room)
    if not room_name and not unscheduled:
        problems.append(problem(where, "room", "missing"))
    check_length(problems, where, "room", room_name, ROOM_NAME_MAX)

    track = single_line(track)
    check_length(problems, where, "track", track, TRACK_NAME_MAX)

    if unscheduled:
        start = end = None
        duration = planned_duration(problems, where, get)
    else:
        start = event_start(problems, where, tz, get, day)
        end = event_end(problems, where, tz, get, start)
        duration = None

    speakers = []
    for person in persons:
        name = single_line(person["name"])
        if not name:
            problems.append(problem(where, "persons", "a person without a name"))
            continue
        check_length(problems, where, "persons", name, SPEAKER_NAME_MAX)
        speakers.append(name)  # the importer merges one person named twice
        # Biographies fill in new speakers only: the organisers' own edits win.
        schedule.speakers.append(
            SpeakerRecord(
                where=where,
                name=name,
                bio=entered_text(person.get("biography") or ""),
                email=checked_email(problems, where, "persons", person.get("email")),
            )
        )

    return TalkRecord(
        where=where,
        title=title or None,
        type=event_type or None,
        start=start,
        end=end,
        room=room_name or None,
        speakers=speakers,
        abstract=entered_text(get("abstract") or get("description")),
        track=track,
        resources=None
        if links is None
        else _resources(
            problems,
            where,
            _without_stream(schedule, room_name, links, notes=schedule.warnings),
            base_url,
            notes=schedule.warnings,
        ),
        unscheduled=unscheduled,
        duration=duration,
    )


def _resources(problems, where, links, base_url, *, notes):
    """The event's links and attachments as resources. A relative URL is read against the
    file's base_url, as schema.json says; the URL is never fetched."""
    records = []
    for link in links:
        url = (link.get("url") or "").strip()
        if url and base_url:
            url = urljoin(base_url, url)
        kind, title = link_kind(link.get("type") or "", single_line(link.get("title") or ""))
        record = resource_record(
            problems, where, "links", kind=kind, url=url, title=title, notes=notes
        )
        if record is not None:
            records.append(record)
    return records


def is_stream_link(link):
    """Whether a frab link is a room's live stream as our export writes it (feeds/frab.py
    stream_links): type "web", title "Live stream"."""
    return (link.get("type") or "").strip().casefold() == "web" and single_line(
        link.get("title") or ""
    ).casefold() == STREAM_TITLE.casefold()


def _without_stream(schedule, room_name, links, *, notes):
    """``links`` but the room's live stream, which is the room's and not a resource of the
    talk: its URL goes to ``schedule.room_streams`` (the room's first one the file gives),
    so importing our own export again adds no resource (docs/organisers/imports.md)."""
    kept = []
    for link in links:
        said = []
        record = is_stream_link(link) and resource_record(
            [], "", "links", kind=Resource.Kind.OTHER, url=link.get("url") or "", notes=said
        )
        if not record:
            kept.append(link)  # read as any link, which says what is wrong with it
        elif room_name:
            notes += said
            schedule.room_streams.setdefault(room_name, record.url)
    return kept


def link_kind(link_type, title):
    """(kind, title) of a frab link: its type's kind, else the kind its title names ("Poster",
    as our export titles untitled resources), else "other". A title that only names the kind
    is dropped, so an exported resource comes back as it was."""
    named = RESOURCE_KINDS.get(title.casefold())
    kind = LINK_KINDS.get(link_type.strip().casefold()) or named or Resource.Kind.OTHER
    return kind, "" if named == kind else title


def _tracks(entries):
    """The conference's track list (name, slug, colour), as pretalx, C3VOC's schedule2 and
    we write it.

    Only the colour and slug of tracks that events name are used; anything unreadable is
    left out (a created track then gets a colour of our own).
    """
    tracks = []
    for entry in entries:
        name = single_line(json_text(entry.get("name")))
        if not name:
            continue
        colours = entry.get("colors")  # schedule2: {"light": "#F9B000", "dark": ...}
        colour = entry.get("color") or (colours.get("light") if isinstance(colours, dict) else "")
        colour = json_text(colour).strip().lower()
        tracks.append(
            TrackRecord(
                name=name,
                slug=slugify(json_text(entry.get("slug"))),
                colour=colour if COLOUR.fullmatch(colour) else "",
            )
        )
    return tracks


def _text(element):
    return "" if element is None else "".join(element.itertext())


def _json_track(value, tracks):
    """An event's track: a name, or (schedule2) an object with a name or only a slug."""
    if isinstance(value, dict) and not value.get("name"):
        slug = slugify(json_text(value.get("slug")))
        return next((track.name for track in tracks if slug and track.slug == slug), "")
    return json_text(value)


def _json_person(person, biographies):
    if isinstance(person, dict):
        name = person.get("public_name") or person.get("name") or person.get("full_public_name")
        biography = person.get("biography") or biographies.get(person.get("guid"))
        # Public exports carry no address; an organiser's export may ("email").
        email = json_text(person.get("email"))
        return {"name": json_text(name), "biography": json_text(biography), "email": email}
    return {"name": json_text(person)}


def _json_link(item):
    """A link object ({"url", "title", "type"}), or a bare URL as some exporters write."""
    if isinstance(item, dict):
        return {key: json_text(item.get(key)) for key in ("type", "url", "title")}
    return {"url": json_text(item)}
