"""The frab/C3VOC schedule (schedule.xml, schedule.json) that conference apps read.

Both files come from one structure built by ``build_schedule``: the JSON is that structure,
the XML renders it. Only talks that take place are listed (``Talk.objects.scheduled()``):
the format has no "cancelled" state, and apps show a talk that disappeared as cancelled.
Field shapes follow ../shared/formats/frab/schedule.xml.xsd and schema.json.
"""

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

from django.conf import settings

from program.feeds.ids import room_guid, speaker_guid, talk_guid
from program.feeds.links import PageLinks
from program.machinery.collation import reading_key
from program.outputs import uri, xml_text

GENERATOR = "conference-program"
# A schedule day runs from 04:00 to 04:00 (as in frab and pretalx): a talk after midnight
# belongs to the evening before.
DAY_CHANGE = dt.time(4, 0)
# The grid apps draw; our times are whole minutes, usually on five-minute steps.
TIMESLOT_DURATION = "00:05"
# A track's slug must fit both the XSD (a letter first, no "_") and schema.json.
TRACK_SLUG_PATTERN = re.compile(r"[a-z][a-z0-9-]*[a-z0-9]")


def acronym(conference):
    """The edition's slug in the acronym alphabet: lowercase, '_' for '-', 4 characters at least."""
    return conference.slug.lower().replace("-", "_").ljust(4, "_")


def event_slug(conference, talk):
    """'<acronym>-<id>-<talk slug>' like pretalx: unique through the id, and matching both
    the XSD's voc-slug-new and schema.json's slug pattern (ends with a letter or digit)."""
    tail = talk.slug.lower().strip("-_") or "talk"
    if len(tail) < 2:
        tail = f"talk-{tail}"
    return f"{acronym(conference)}-{talk.pk}-{tail}"


def hhmm(delta):
    """'01:30' for 90 minutes, '26:00' for 26 hours: hours and minutes, as the XSD's
    "duration" wants (at most 99:59, Talk's MAX_DURATION), never "H:MM:SS", which readers
    take for days or hours."""
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def schedule_day(talk):
    """The date of the schedule day a talk belongs to (see DAY_CHANGE)."""
    start = talk.local_start
    return start.date() if start.time() >= DAY_CHANGE else start.date() - dt.timedelta(days=1)


def schedule_version(conference, rooms, talks):
    """The last release's name in an edition that holds changes (one query more); else one
    that changes whenever the schedule does, so apps notice: the latest change, and the
    number of talks (a deleted or cancelled talk leaves no newer timestamp behind)."""
    if conference.holds_changes:
        last = conference.releases.order_by("-number").values_list("name", flat=True).first()
        if last is not None:
            return last
    stamps = [conference.updated_at] + [room.updated_at for room in rooms]
    for talk in talks:
        stamps.append(talk.updated_at)
        stamps += [speaker.updated_at for speaker in talk.ordered_speakers]
    latest = max(stamps).astimezone(dt.UTC)
    # Microseconds: two edits within one second must still give two versions.
    return f"{latest:%Y-%m-%dT%H:%M:%S.%fZ} ({len(talks)} talks)"


def person(speaker):
    # "public_name" and "id", without "name": schema.json's Person is oneOf a frab person
    # (public_name, id) or a pretalx person (name), and must match exactly one. Nothing the
    # XML's <person> has no place for (a biography, a photo): see event().
    return {"id": speaker.pk, "guid": str(speaker_guid(speaker)), "public_name": speaker.name}


# Our kinds of resources in schema.json's closed list of link types (Reference.type), which
# has no poster, code or video: a video is "media", poster and code are "related".
LINK_TYPES = {
    "slides": "slides",
    "video": "media",
    "paper": "paper",
    "poster": "related",
    "code": "related",
    "other": "related",
}


def link(resource):
    """A resource as a frab link; apps show the title, so an untitled one is named by its
    kind ("Slides"), which the importer reads back as that kind without a title."""
    return {
        "type": LINK_TYPES[resource.kind],
        "url": uri(resource.url),
        "title": resource.title or resource.get_kind_display(),
    }


def stream_links(room):
    """The room's live stream as a frab link, for apps that offer it beside the talk: [] or
    one ``{"type": "web", "url", "title": "Live stream"}`` ("web": a page to open, not
    "media", which readers take for the talk's recording)."""
    if not room.stream_url:
        return []
    return [{"type": "web", "url": uri(room.stream_url), "title": "Live stream"}]


def event(conference, talk, links):
    """An event with every key frab's and pretalx's exporters always write, empty where we
    have nothing: strict readers fail on a missing key (a schedule CLI on "description").

    At every level, schedule.json holds only what schedule.xml's XSD also has, under the
    frab JSON's names (``recording_license`` for <recording><license>...): converters copy
    JSON keys into the XML, which then fails the XSD on any other (schema.json also allows
    "end", conference "rooms" and "meta", pretalx's "avatar"...)."""
    start = talk.local_start
    return {
        "id": talk.pk,
        "guid": str(talk_guid(talk)),
        "logo": "",
        "date": start.isoformat(),
        "start": f"{start:%H:%M}",
        "duration": hhmm(talk.end - talk.start),
        "room": talk.room.name,
        "slug": event_slug(conference, talk),
        "url": links.talk(talk),
        "title": talk.title,
        "subtitle": "",
        "track": talk.track.name if talk.track is not None else None,
        "type": talk.type.name,
        "language": settings.LANGUAGE_CODE.split("-")[0],
        "abstract": talk.abstract,
        "description": "",
        "recording_license": "",
        "do_not_record": False,
        "persons": [person(speaker) for speaker in talk.ordered_speakers],
        "links": [link(resource) for resource in talk.resources.all()] + stream_links(talk.room),
        "attachments": [],
    }


def room_entry(conference, room):
    """A room as each day of the XML lists it (<room name guid>)."""
    return {"name": room.name, "guid": str(room_guid(conference, room))}


def track_entries(talks):
    """The tracks of the listed talks, by name, with their colours (schema.json "tracks")."""
    tracks = {talk.track.pk: talk.track for talk in talks if talk.track is not None}
    entries = []
    for track in sorted(tracks.values(), key=lambda track: (reading_key(track.name), track.pk)):
        entry = {"name": track.name, "color": track.colour}
        if TRACK_SLUG_PATTERN.fullmatch(track.slug):
            entry["slug"] = track.slug
        entries.append(entry)
    return entries


def days(conference, rooms, talks, links):
    """Every day of the edition (and of any talk outside its dates), each with every room."""
    entries = {room.pk: room_entry(conference, room) for room in rooms}
    talks_by_day = {}
    for talk in talks:
        talks_by_day.setdefault(schedule_day(talk), []).append(talk)
    first = min([conference.start_date, *talks_by_day])
    last = max([conference.end_date, *talks_by_day])
    result = []
    for index in range((last - first).days + 1):
        date = first + dt.timedelta(days=index)
        by_room = {pk: (entry, []) for pk, entry in entries.items()}
        for talk in talks_by_day.get(date, []):
            # A room of another edition cannot be saved through the admin; list it anyway.
            entry = entries.setdefault(talk.room_id, room_entry(conference, talk.room))
            by_room.setdefault(talk.room_id, (entry, []))[1].append(talk)
        start = dt.datetime.combine(date, DAY_CHANGE, tzinfo=conference.tzinfo)
        end = dt.datetime.combine(date + dt.timedelta(days=1), DAY_CHANGE, tzinfo=conference.tzinfo)
        result.append(
            {
                "index": index + 1,
                "date": date.isoformat(),
                "day_start": start.isoformat(),
                "day_end": end.isoformat(),
                "rooms": [
                    (room, [event(conference, talk, links) for talk in room_talks])
                    for room, room_talks in by_room.values()
                ],
            }
        )
    return result


def build_schedule(conference, rooms, talks, *, absolute_uri):
    """The schedule in a neutral form: like schedule.json, but each day's rooms are a list of
    (room entry, events), so that two rooms of the same name stay apart in the XML."""
    rooms, talks = list(rooms), list(talks)
    schedule_days = days(conference, rooms, talks, PageLinks(conference, absolute_uri))
    return {
        "version": schedule_version(conference, rooms, talks),
        "base_url": absolute_uri("/"),
        "conference": {
            "acronym": acronym(conference),
            "title": conference.name,
            "start": schedule_days[0]["date"],
            "end": schedule_days[-1]["date"],
            "daysCount": len(schedule_days),
            "timeslot_duration": TIMESLOT_DURATION,
            "time_zone_name": conference.timezone,
            "url": absolute_uri(conference.get_absolute_url()),
            "tracks": track_entries(talks),
            "days": schedule_days,
        },
    }


def rooms_by_name(day):
    """A JSON day's rooms: events by room name (two rooms of one name share a list)."""
    rooms = {}
    for room, events in day["rooms"]:
        rooms.setdefault(room["name"], []).extend(events)
    return rooms


def to_json(schedule):
    json_days = [{**day, "rooms": rooms_by_name(day)} for day in schedule["conference"]["days"]]
    document = {
        "generator": {"name": GENERATOR},
        "schedule": {**schedule, "conference": {**schedule["conference"], "days": json_days}},
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def add(parent, tag, text=None, **attributes):
    """A child element; its text and attributes are stripped of what XML 1.0 cannot carry."""
    element = ET.SubElement(
        parent, tag, {key: xml_text(value) for key, value in attributes.items()}
    )
    if text is not None:
        element.text = xml_text(text)
    return element


def add_event(room_element, item):
    """<event> with the elements frab's exporter always writes, empty where we have none."""
    element = add(room_element, "event", id=item["id"], guid=item["guid"])
    for tag in ("date", "start", "duration", "room", "slug", "url", "title", "subtitle"):
        add(element, tag, item[tag])
    add(element, "track", item["track"] or "")
    for tag in ("logo", "type", "language", "abstract", "description"):
        add(element, tag, item[tag])
    recording = add(element, "recording")
    add(recording, "license", item["recording_license"])
    add(recording, "optout", "true" if item["do_not_record"] else "false")
    persons = add(element, "persons")
    for speaker in item["persons"]:
        add(persons, "person", speaker["public_name"], id=speaker["id"], guid=speaker["guid"])
    links = add(element, "links")
    for item_link in item["links"]:
        add(links, "link", item_link["title"], href=item_link["url"], type=item_link["type"])
    add(element, "attachments")


def to_xml(schedule, *, url):
    """schedule.xml; ``url`` is where the file itself is published."""
    conference = schedule["conference"]
    root = ET.Element("schedule")
    add(root, "generator", name=GENERATOR)
    add(root, "url", url)
    add(root, "version", schedule["version"])
    head = add(root, "conference")
    for tag in ("title", "acronym", "start", "end"):
        add(head, tag, conference[tag])
    add(head, "days", conference["daysCount"])
    add(head, "timeslot_duration", conference["timeslot_duration"])
    add(head, "base_url", schedule["base_url"])
    add(head, "url", conference["url"])
    add(head, "time_zone_name", conference["time_zone_name"])
    for track in conference["tracks"]:
        add(head, "track", **track)
    for day in conference["days"]:
        day_element = add(
            root,
            "day",
            index=day["index"],
            date=day["date"],
            start=day["day_start"],
            end=day["day_end"],
        )
        for room, events in day["rooms"]:
            room_element = add(day_element, "room", name=room["name"], guid=room["guid"])
            for item in events:
                add_event(room_element, item)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
