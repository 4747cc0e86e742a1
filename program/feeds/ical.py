"""iCalendar (RFC 5545) for calendar apps: one VEVENT per talk, in the conference's timezone.

The output depends only on the data, never on the moment it is made, so an unchanged program
gives an unchanged file (and ConditionalGetMiddleware a matching ETag and a 304). That is why
DTSTAMP is the talk's last change and not "now": without METHOD, RFC 5545 3.8.7.2 makes
DTSTAMP the time the event was last revised.
"""

import datetime as dt

from icalendar import Calendar, Event, vDuration

from program.feeds.ids import talk_guid
from program.feeds.links import PageLinks
from program.feeds.vtimezone import vtimezone
from program.outputs import calendar_text
from program.times import repeated_times

PRODID = "-//conference-program//Program feed//EN"
# How often subscribed calendars should look for changes.
REFRESH_INTERVAL = dt.timedelta(hours=1)


def calendar_tzid(conference):
    """The TZID of the conference's times.

    icalendar writes a TZID named "UTC" as a UTC ("Z") time, so an edition held in UTC uses
    the equivalent IANA name Etc/UTC: every time in the feed keeps a TZID and a VTIMEZONE.
    """
    return "Etc/UTC" if conference.timezone == "UTC" else conference.timezone


def calendar_time(moment, conference):
    """(value, parameters) of DTSTART or DTEND for an aware ``moment``.

    Wall-clock time with the conference's TZID, as the program shows it, except in the
    hour that repeats when the clocks go back: RFC 5545 §3.3.5 reads a local time there
    as its first occurrence, but readers differ (ical.js takes the second), so a moment
    whose local time happens twice is written in UTC, which every reader reads alike.
    """
    local = moment.astimezone(conference.tzinfo)
    if repeated_times(local.replace(tzinfo=None), conference.tzinfo):
        return moment.astimezone(dt.UTC), {}
    return local.replace(tzinfo=None), {"TZID": calendar_tzid(conference)}


def describe(talk):
    """Speakers with their affiliations, then the abstract."""
    lines = ["This talk is cancelled."] if talk.is_cancelled else []
    for speaker in talk.ordered_speakers:
        lines.append(
            f"{speaker.name} ({speaker.affiliation})" if speaker.affiliation else speaker.name
        )
    if talk.abstract:
        lines += ["", talk.abstract]
    return "\n".join(lines)


def talk_event(talk, links):
    """The VEVENT of one talk; ``talk`` comes from ``Talk.objects.for_program()``."""
    conference = talk.conference
    changed = talk.updated_at.astimezone(dt.UTC)
    event = Event()
    event.add("uid", str(talk_guid(talk)))
    event.add("sequence", talk.sequence)
    event.add("dtstamp", changed)
    event.add("last-modified", changed)
    ends = {"dtstart": talk.start, "dtend": talk.end}
    times = {name: calendar_time(moment, conference) for name, moment in ends.items()}
    if any(not parameters for _value, parameters in times.values()):
        # One end in UTC makes both UTC: Giggity reads both ends in the form of one, and a
        # talk starting in the repeated hour then ended before it started.
        times = {name: (moment.astimezone(dt.UTC), {}) for name, moment in ends.items()}
    for name, (value, parameters) in times.items():
        event.add(name, value, parameters=parameters)
    # Some clients ignore STATUS, so a cancelled talk says so in its title too.
    # Text from the data goes through calendar_text, whatever icalendar would do with it.
    title = f"Cancelled: {talk.title}" if talk.is_cancelled else talk.title
    place = (talk.room.name, conference.venue, conference.city)
    texts = {
        "summary": title,
        "description": describe(talk),
        "location": ", ".join(part for part in place if part),
    }
    for name, text in texts.items():
        # An empty property (DESCRIPTION: of a talk without speakers or abstract) is an
        # error per event to libical (GNOME, Evolution): it is left out.
        if cleaned := calendar_text(text):
            event.add(name, cleaned)
    categories = [talk.type] if talk.track is None else [talk.type, talk.track]
    event.add("categories", [calendar_text(category.name) for category in categories])
    event.add("url", links.talk(talk))
    event.add("status", "CANCELLED" if talk.is_cancelled else "CONFIRMED")
    return event


def fold(line, limit=75):
    """A content line folded into lines of at most ``limit`` octets (RFC 5545 3.1).

    icalendar folds character by character, which is most of the time a large program
    takes; this cuts the encoded line instead, never inside a UTF-8 character and never
    right after a backslash (some clients mis-read an escape split by a fold).
    """
    data = line.encode()
    parts = []
    size = limit
    while len(data) > size:
        cut = size
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte
            cut -= 1
        if data[cut - 1] == ord("\\"):
            cut -= 1
        parts.append(data[:cut])
        data = data[cut:]
        size = limit - 1  # continuation lines start with a space
    parts.append(data)
    return b"\r\n ".join(parts)


def build_calendar(conference, talks, *, name, absolute_uri):
    """The calendar file (bytes) of ``talks``, all of ``conference``; may hold no talk."""
    talks = list(talks)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # NAME (RFC 7986) and its older name X-WR-CALNAME, which icalendar would not escape.
    calendar.add("name", calendar_text(name))
    calendar.add("x-wr-calname", calendar_text(name))
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))  # its older, Microsoft name
    # The zone of the times, for clients that read it rather than the VTIMEZONE.
    calendar.add("x-wr-timezone", calendar_tzid(conference))
    # Always present, so even a calendar without talks holds a component (RFC 5545 3.6).
    calendar.add_component(vtimezone(calendar_tzid(conference), conference.timezone))
    links = PageLinks(conference, absolute_uri)
    for talk in talks:
        calendar.add_component(talk_event(talk, links))
    return b"".join(fold(line) + b"\r\n" for line in calendar.content_lines() if line)
