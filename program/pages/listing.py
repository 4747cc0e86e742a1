"""The data of the long pages: the program (its talks grouped by day, its filter choices)
and the speakers list, as printable entries.

An edition may hold a few thousand talks and the whole program is one page, so this module
is written for speed (measured by bench/bench_pages.py): the talks are read as plain values
rather than model instances (building 2,000 talks with their rooms, types and speakers as
models costs several times the page's whole budget), every label is computed once here,
and the rows are written by Jinja2 macros (templates/jinja2/program/_rows.html) rather than a
Django template loop (Django's engine spends about 0.1 ms per talk row, the whole budget at
2,000 talks). Time labels and rows are pure functions of plain values, so they are kept
between requests.
"""

import datetime as dt
import functools
import itertools
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Exists, Max, Min, OuterRef
from django.template import engines
from markupsafe import Markup

from program.links import slug_url
from program.models import Resource, Speaker, Talk, TalkSpeaker, TalkType, Track
from program.photos import initials, photo_sizes, photo_url_function
from program.times import day_heading, html_datetime, short_day, time_range

EXCERPT_CHARACTERS = 240


def excerpt(text, characters=EXCERPT_CHARACTERS):
    """The first lines of an abstract: its first paragraph, cut after a whole word."""
    first_paragraph = text.strip().split("\n\n", 1)[0]
    if len(first_paragraph) <= characters:
        return first_paragraph
    return first_paragraph[: characters + 1].rsplit(None, 1)[0].rstrip(",;:.") + "…"


class SpeakerLine(NamedTuple):
    name: str
    affiliation: str
    url: str


class ProgramEntry(NamedTuple):
    """One talk of the program page, with every label ready to print.

    A tuple of plain values (speakers too), so it is hashable: ``talk_row_html`` keeps each
    row by its entry.
    """

    id: int  # the talk's (agenda codes and stars name talks by it)
    slug: str
    title: str
    url: str
    type_slug: str
    type_name: str
    track_slug: str | None
    track_name: str | None
    room: str
    room_slug: str
    start: dt.datetime  # as stored (the timetable places talks by them)
    end: dt.datetime
    day: dt.date
    time_label: str
    start_iso: str
    end_iso: str
    cancelled: bool
    excerpt: str
    speakers: tuple
    has_slides: bool = False
    has_video: bool = False
    board: str = ""  # a poster's board: "12"


@dataclass
class ProgramDay:
    date: dt.date
    entries: list

    @property
    def heading(self):
        return day_heading(self.date)

    @property
    def short_heading(self):
        """'Mon, May 18', for the row of links to each day."""
        return short_day(self.date)

    @property
    def anchor(self):
        return f"day-{self.date.isoformat()}"


@functools.lru_cache(maxsize=16384)
def slot_labels(start, end, timezone):
    """The local day, time label, ISO start and end of a time slot in the IANA zone ``timezone``.

    Formatting a time range costs about 15 µs and an edition reuses its slots (parallel
    rooms, every request), so the labels are kept: they depend on nothing else.
    """
    tz = zoneinfo.ZoneInfo(timezone)
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    return (
        local_start.date(),
        time_range(local_start, local_end),
        html_datetime(start, tz),
        html_datetime(end, tz),
    )


def program_entries(talks, conference):
    """The talks of ``talks`` (one edition's, in time order) as entries: two queries."""
    talk_url = slug_url("program:talk-detail", conference.slug)
    rows = list(
        talks.annotate(
            has_slides=has_resource(Resource.Kind.SLIDES),
            has_video=has_resource(Resource.Kind.VIDEO),
        ).values_list(
            "pk", "slug", "title", "abstract", "public_start", "public_end", "public_status",
            "type__slug", "type__name", "track__slug", "track__name", "public_room__name",
            "public_room__slug", "has_slides", "has_video", "board",
        )
    )  # fmt: skip
    speakers = speaker_lines([row[0] for row in rows], conference)
    entries = []
    for (
        pk, slug, title, abstract, start, end, status, type_slug, type_name, track_slug,
        track_name, room, room_slug, has_slides, has_video, board,
    ) in rows:  # fmt: skip
        day, time_label, start_iso, end_iso = slot_labels(start, end, conference.timezone)
        entries.append(
            ProgramEntry(
                id=pk,
                slug=slug,
                title=title,
                url=talk_url(slug),
                type_slug=type_slug,
                type_name=type_name,
                track_slug=track_slug,
                track_name=track_name,
                room=room,
                room_slug=room_slug,
                start=start,
                end=end,
                day=day,
                time_label=time_label,
                start_iso=start_iso,
                end_iso=end_iso,
                cancelled=status == Talk.Status.CANCELLED,
                excerpt=excerpt(abstract),
                speakers=speakers[pk],
                has_slides=has_slides,
                has_video=has_video,
                board=board,
            )
        )
    return entries


def speaker_lines(talk_ids, conference):
    """Talk id -> its speakers' lines (a tuple, in order), for the ids given: one query."""
    speaker_url = slug_url("program:speaker-detail", conference.slug)
    # By the talks' ids, as prefetch_related does: a subquery would run the search again.
    links = (
        TalkSpeaker.objects.filter(talk__in=talk_ids)
        .order_by("talk", "position")
        .values_list("talk", "speaker__slug", "speaker__name", "speaker__affiliation")
    )
    speakers = defaultdict(list)
    lines = {}  # One line per speaker, shared by their talks.
    for talk, slug, name, affiliation in links:
        if slug not in lines:
            lines[slug] = SpeakerLine(name, affiliation, speaker_url(slug))
        speakers[talk].append(lines[slug])
    return defaultdict(tuple, {talk: tuple(lines) for talk, lines in speakers.items()})


def has_resource(kind):
    """Whether the talk has a resource of ``kind``: in the talks' own query (the program page
    marks talks with slides or a recording without a query more)."""
    return Exists(Resource.objects.filter(talk=OuterRef("pk"), kind=kind))


def group_by_day(entries, only=None):
    """Entries (in time order) under their day in the conference's timezone; with ``only``
    (the day the list is filtered to, a date), all of them under that day.

    A talk at 23:30 local time belongs to that local day, whatever the UTC date says. One
    that goes on past midnight (a party, a hackathon of two days) is listed once, under the
    day it starts, with a time that names both days; a list of one day also holds the talks
    that go on into it from an earlier day (the day filter keeps every talk running on it).
    """
    if only is not None:
        return [ProgramDay(only, list(entries))] if entries else []
    return [
        ProgramDay(day, list(group))
        for day, group in itertools.groupby(entries, key=lambda entry: entry.day)
    ]


@functools.cache
def row_macros():
    """The Jinja2 macros that write the long lists' rows (templates/jinja2/program/_rows.html)."""
    return engines["jinja2"].env.get_template("program/_rows.html").module


@functools.lru_cache(maxsize=8192)
def talk_row_html(entry, level=3):
    """One talk of the program as an <li> (autoescaped Markup), its title a heading of
    ``level`` (4 under a session's heading).

    The row depends only on the entry (a tuple of plain values), so rows are kept for the
    next request: a changed talk is a different entry.
    """
    return row_macros().talk_row(entry, level=level)


def talk_rows_html(items):
    """The rows of ``items``: entries, and sessions' groups (sessions.SessionGroup) written
    as the session's heading over its talks' rows."""
    # The rows are Markup already: joined as plain strings, since Markup.join would pass each
    # through escape(), which copies it (2,000 copies of the rows of a large program).
    return Markup(
        "".join(
            talk_row_html(item)
            if isinstance(item, ProgramEntry)
            else row_macros().session_group(
                item.session, Markup("".join(talk_row_html(entry, 4) for entry in item.entries))
            )
            for item in items
        )
    )


class Choice(NamedTuple):
    value: str
    label: str
    selected: bool


def zone_label(conference):
    """'PDT, America/Los_Angeles': the zone the edition's times are shown in."""
    noon = dt.datetime.combine(conference.start_date, dt.time(12), tzinfo=conference.tzinfo)
    return f"{noon:%Z}, {conference.timezone}"


def edition_days(conference):
    """The edition's dates, and any day before or after them that a public talk runs on (a
    party past midnight of the last day, a hackathon into the next): one query."""
    bounds = (
        Talk.objects.published()
        .filter(conference=conference)
        .aggregate(first=Min("public_start"), last=Max("public_end"))
    )
    day, last_day = conference.start_date, conference.end_date
    if bounds["first"] is not None:
        tz = conference.tzinfo
        day = min(day, bounds["first"].astimezone(tz).date())
        # A talk that ends at midnight does not run on the next day.
        last_day = max(last_day, (bounds["last"].astimezone(tz) - MICROSECOND).date())
    days = []
    while day <= last_day:
        days.append(day)
        day += dt.timedelta(days=1)
    return days


MICROSECOND = dt.timedelta(microseconds=1)


def filter_choices(conference, params):
    """The options of the program's filter form, with what ``params`` (the query) selects.

    Types, rooms and tracks are those with public talks in the edition, speakers those
    speaking in it (a room known only from drafts is not listed), days the edition's dates:
    five queries.
    """
    public_talks = Talk.objects.listed_in(conference)
    chosen_types, chosen_tracks = set(params.getlist("type")), set(params.getlist("track"))
    chosen_day, chosen_room, chosen_speaker = (
        params.get(name) for name in ("day", "room", "speaker")
    )
    # A handful of types and tracks, each probed for a public talk through the talks' index
    # (EXISTS), rather than joined to all 2,000 talks and made distinct: 2 ms instead of 10
    # on a 2,000-talk edition. Speakers are too many to probe one by one (on SQLite).
    types = TalkType.objects.filter(Exists(public_talks.filter(type=OuterRef("pk"))))
    speakers = Speaker.objects.filter(talks__in=public_talks).distinct().values_list("slug", "name")
    tracks = Track.objects.filter(Exists(public_talks.filter(track=OuterRef("pk"))))
    types = types.values_list("slug", "name")
    tracks = tracks.order_by("name", "slug").values_list("slug", "name")
    return {
        "types": [Choice(slug, name, slug in chosen_types) for slug, name in types],
        "days": [
            Choice(day.isoformat(), day_heading(day), day.isoformat() == chosen_day)
            for day in edition_days(conference)
        ],
        "rooms": [
            Choice(room.slug, room.name, room.slug == chosen_room)
            for room in public_talks.rows_used(conference.rooms.all())
        ],
        "speakers": [Choice(slug, name, slug == chosen_speaker) for slug, name in speakers],
        "tracks": [Choice(slug, name, slug in chosen_tracks) for slug, name in tracks],
    }


def options_html(choices):
    """<option> elements of a select (the speakers' one may hold thousands)."""
    return _options_html(tuple(choices))


@functools.lru_cache(maxsize=64)
def _options_html(choices):
    # Escaping 1,700 speakers' names costs about 10 ms a request; the same options (the
    # edition's, with the same one selected) come back with every request.
    return row_macros().options(choices)


def speaker_items_html(entries):
    """The speakers list's <li> elements (SpeakerEntry), written by one Jinja2 macro."""
    macro = row_macros().speaker_item
    return Markup("".join(macro(entry) for entry in entries))  # Markup: see talk_rows_html


def speaker_photo_html(speaker, size, loading):
    """A Speaker's photo at its sizes, or their initials: the macro the lists use."""
    photo = photo_sizes(speaker.photo.name, speaker.photo_width, speaker.photo_height)
    return row_macros().speaker_photo(photo, initials(speaker.name), speaker.name, size, loading)


@dataclass
class SpeakerEntry:
    """A speaker of the speakers list, with their photo and their talks at the edition."""

    name: str
    affiliation: str
    url: str
    photo: object  # PhotoSizes, or None for the initials placeholder
    initials: str
    talks: list


@dataclass
class SpeakerTalk:
    title: str
    url: str
    cancelled: bool


def speaker_entries(conference):
    """The edition's speakers by name, each with their public talks there: one query."""
    talk_url = slug_url("program:talk-detail", conference.slug)
    speaker_url = slug_url("program:speaker-detail", conference.slug)
    links = (
        TalkSpeaker.objects.filter(talk__in=Talk.objects.listed_in(conference))
        .order_by("speaker__name", "speaker__slug", "talk__public_start", "talk__title")
        .values_list(
            "speaker__slug", "speaker__name", "speaker__affiliation", "speaker__photo",
            "speaker__photo_width", "speaker__photo_height", "talk__slug", "talk__title",
            "talk__public_status",
        )
    )  # fmt: skip
    photo_url = photo_url_function()
    entries = []
    for (slug, name, affiliation, photo, width, height), talks in itertools.groupby(
        links, key=lambda link: link[:6]
    ):
        entries.append(
            SpeakerEntry(
                name,
                affiliation,
                speaker_url(slug),
                photo_sizes(photo, width, height, photo_url),
                initials(name),
                [
                    SpeakerTalk(title, talk_url(talk), status == Talk.Status.CANCELLED)
                    for *_, talk, title, status in talks
                ],
            )
        )
    return entries
