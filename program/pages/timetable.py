"""One day of an edition as a timetable: rooms as columns, time down the side.

Its grid is computed by ``lay_out`` (program/pages/grid.py) from the day's talks, each
clipped to the day (``wall_minutes``), and written as an HTML table by
templates/jinja2/program/_timetable.html.
"""

import datetime as dt
import functools
import zoneinfo
from collections import defaultdict
from typing import NamedTuple

from django.template import engines

from program import times
from program.filters import TalkFilter
from program.machinery import clock
from program.pages.base import FilteredView
from program.pages.grid import MARK_MINUTES, Block, Slot, lay_out, table_rows
from program.pages.listing import ProgramDay, program_entries
from program.pages.sessions import session_lines, session_of

MINUTES_A_DAY = 1440


class TimetableEntry(NamedTuple):
    """A talk of the program (``talk``, a listing.ProgramEntry) placed on a day's grid: the
    part of it on that day."""

    talk: tuple
    room: int  # index in the timetable's rooms
    start_minute: int  # local wall-clock minutes after the day's midnight
    end_minute: int  # at most 1440: the day's end
    continued_from: str = ""  # 'Mon, May 18' when it began on an earlier day
    continues_until: str = ""  # 'Wed, May 20' when it goes on past the day's end


class TimetableRoom(NamedTuple):
    slug: str
    name: str
    columns: int = 1


class TimetableRow(NamedTuple):
    header_id: str  # "t-545": minutes after midnight
    time: str  # "09:05"
    label: str  # "9:05 AM"
    marked: bool  # the label is shown: on the hour or half hour, or by an idle row
    starts_at: str  # ISO 8601 with the UTC offset, for the current-time line
    cells: list  # TimetableCell or Gap
    idle: str = ""  # 'No talks until 10:00 PM' for a row standing for an empty stretch


class TimetableCell(NamedTuple):
    entry: tuple  # the talk shown: a listing.ProgramEntry
    rows: int
    columns: int
    room_label: str  # where it is: its room, or the rooms a merged block stands for
    wide: bool  # across several rooms
    headers: str  # the ids of the <th> naming its rooms and start time
    continued_from: str = ""  # see TimetableEntry
    continues_until: str = ""
    session: str = ""  # the title of the session it is part of
    posters: tuple = ()  # the other posters sharing its cell (a poster session's), by board


class SessionBand(NamedTuple):
    """A session's band: a column of its room beside its talks, its start to its end."""

    session: tuple  # sessions.SessionLine
    rows: int
    columns: int
    headers: str


@functools.lru_cache(maxsize=16384)
def wall_minutes(start, end, timezone, day):
    """The part of a talk on ``day`` in the IANA zone ``timezone``, as (first minute, last
    minute, began earlier, goes on later): minutes after the day's midnight, its start (or
    midnight, when it began on an earlier day) in local wall-clock time, its end that plus
    how long that part lasts, at most 1440 (the day's end: the grid never runs into the
    next day). On the night the clocks change, the wall clock would make a talk in the
    repeated hour last nothing (1:30 EDT to 1:30 EST), so a block is as long as the talk
    lasts."""
    tz = zoneinfo.ZoneInfo(timezone)
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    next_midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    earlier, later = start < midnight, end > next_midnight
    first_moment, last_moment = max(start, midnight), min(end, next_midnight)
    local = first_moment.astimezone(tz)
    first = local.hour * 60 + local.minute
    lasts = max(1, int(times.elapsed(first_moment, last_moment).total_seconds() // 60))
    last = MINUTES_A_DAY if later else min(first + lasts, MINUTES_A_DAY)
    return first, last, earlier, later


def timetable_entries(program_entries, timezone, day, rooms):
    """The day's ``program_entries`` (listing.ProgramEntry) placed in ``rooms`` (slugs, in
    display order), each clipped to the day; talks in other rooms are left out."""
    room_index = {slug: index for index, slug in enumerate(rooms)}
    tz = zoneinfo.ZoneInfo(timezone)
    placed = []
    for talk in program_entries:
        if talk.room_slug not in room_index:
            continue
        first, last, earlier, later = wall_minutes(talk.start, talk.end, timezone, day)
        last_day = (talk.end.astimezone(tz) - dt.timedelta(microseconds=1)).date()
        placed.append(
            TimetableEntry(
                talk,
                room_index[talk.room_slug],
                first,
                last,
                times.short_day(talk.day) if earlier else "",
                times.short_day(last_day) if later else "",
            )
        )
    return placed


def everywhere(entries, room_count):
    """Which entries want to span every room: breaks, and a session (same title, type and
    time) listed once in each room, as frab files list breaks."""

    def session(entry):
        return entry.talk.title, entry.talk.type_slug, entry.start_minute, entry.end_minute

    rooms = defaultdict(set)
    for entry in entries:
        rooms[session(entry)].add(entry.room)
    return [
        entry.talk.type_slug == "break"
        or (room_count > 1 and len(rooms[session(entry)]) == room_count)
        for entry in entries
    ]


def timetable_grid(entries, rooms, day, timezone, sessions=()):
    """The rooms (with their column counts) and the table rows of a day's ``entries``.

    ``rooms`` are (slug, name) in display order; ``day`` a date, ``timezone`` an IANA name;
    ``sessions`` the edition's (sessions.SessionLine): each holding a talk shown is a band
    beside its talks, and the posters of a poster session that share a slot share a cell.
    """
    shown, bands = session_units(entries, sessions, day, timezone)
    flags = everywhere([unit[0][0] for unit in shown], len(rooms))
    slots = [
        Slot(posters[0].start_minute, posters[0].end_minute, posters[0].room, flag)
        for (posters, _session), flag in zip(shown, flags, strict=True)
    ]
    slots += [Slot(start, end, room, band=True) for _session, room, start, end in bands]
    layout = lay_out(slots, len(rooms))
    header_rooms = [
        TimetableRoom(slug, name, columns)
        for (slug, name), columns in zip(rooms, layout.room_columns, strict=True)
    ]
    room_of_column = [
        room for room, columns in enumerate(layout.room_columns) for _ in range(columns)
    ]
    tz = zoneinfo.ZoneInfo(timezone)
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    rows = []
    for number, cells in enumerate(table_rows(layout)):
        minute = layout.row_minutes[number]
        moment = midnight + dt.timedelta(minutes=minute)  # wall-clock, as the rows are
        idle = ""
        if number in layout.idle_rows:
            until = midnight + dt.timedelta(minutes=layout.row_minutes[number + 1])
            idle = f"No talks until {times.clock(until)} {until:%p}"
        rows.append(
            TimetableRow(
                header_id=f"t-{minute}",
                time=f"{moment:%H:%M}",
                label=f"{times.clock(moment)} {moment:%p}",
                # The first row, each half hour, and the rows on either side of a jump.
                marked=number == 0
                or minute % MARK_MINUTES == 0
                or bool(idle)
                or number - 1 in layout.idle_rows,
                starts_at=moment.isoformat(),
                cells=[
                    _cell(cell, shown, bands, rooms, room_of_column, f"t-{minute}")
                    if isinstance(cell, Block)
                    else cell
                    for cell in cells
                ],
                idle=idle,
            )
        )
    return header_rooms, rows, layout


def moment_of(day, timezone, minute):
    """ISO 8601 (with the offset) of ``minute`` wall-clock minutes after ``day``'s midnight."""
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=zoneinfo.ZoneInfo(timezone))
    return (midnight + dt.timedelta(minutes=minute)).isoformat()


def session_units(entries, sessions, day, timezone):
    """What the grid places: ``shown``, a (entries, session) pair per cell of talks (one
    entry, or the posters of a poster session sharing a slot, by board), session None
    outside sessions; and ``bands``, a (session, room, first minute, last minute) per session
    holding one of ``entries``."""
    rooms = defaultdict(list)
    for session in sessions:
        rooms[session.room_slug].append(session)
    shown, posters, bands = [], {}, {}
    for entry in entries:
        session = session_of(entry.talk, rooms[entry.talk.room_slug])
        if session is None:
            shown.append(([entry], None))
            continue
        if session.id not in bands:
            first, last, *_ = wall_minutes(session.start, session.end, timezone, day)
            bands[session.id] = (session, entry.room, first, last)
        if session.kind != "posters":
            shown.append(([entry], session))
        elif (key := (session.id, entry.start_minute, entry.end_minute)) in posters:
            posters[key].append(entry)
        else:
            posters[key] = [entry]
            shown.append((posters[key], session))
    for group in posters.values():
        group.sort(key=lambda entry: board_order(entry.talk.board))
    return shown, list(bands.values())


def board_order(board):
    """Boards in the order a visitor walks them: "2" before "10", then by text."""
    return (0, int(board), "") if board.isdigit() else (1, 0, board)


def _cell(block, units, bands, rooms, room_of_column, time_header):
    columns = range(block.column, block.column + block.columns)
    covered = sorted({room_of_column[column] for column in columns})
    if block.slots[0] >= len(units):
        session = bands[block.slots[0] - len(units)][0]
        headers = " ".join([*(f"room-{rooms[room][0]}" for room in covered), time_header])
        return SessionBand(session, block.rows, block.columns, headers)
    shown = [units[index][0][0] for index in block.slots]
    session = units[block.slots[0]][1]
    posters = tuple(entry.talk for entry in units[block.slots[0]][0][1:])
    if len(shown) == 1 and len(covered) == 1:
        room_label = rooms[shown[0].room][1]
    elif len({entry.room for entry in shown}) == len(rooms) > 1:
        room_label = "All rooms"
    else:
        room_label = ", ".join(rooms[entry.room][1] for entry in shown)
    headers = " ".join([*(f"room-{rooms[room][0]}" for room in covered), time_header])
    return TimetableCell(
        shown[0].talk,
        block.rows,
        block.columns,
        room_label,
        len(covered) > 1,
        headers,
        shown[0].continued_from,
        shown[0].continues_until,
        session.title if session else "",
        posters,
    )


def default_day(conference, now):
    """The day the timetable opens on: today in the edition's timezone while it runs,
    else its first day. ``now`` is an aware datetime."""
    today = now.astimezone(conference.tzinfo).date()
    if conference.start_date <= today <= conference.end_date:
        return today
    return conference.start_date


@functools.cache
def timetable_macros():
    return engines["jinja2"].env.get_template("program/_timetable.html").module


@functools.lru_cache(maxsize=8192)
def timetable_cell_html(cell):
    """A talk's cell (autoescaped Markup). A pure function of the cell, a tuple of plain
    values, so it is kept for the next request: a changed talk is a different cell."""
    return timetable_macros().slot_cell(cell)


def timetable_rows_html(rows):
    """The <tr> elements of the table body (autoescaped Markup)."""
    return timetable_macros().rows(rows, timetable_cell_html)


def opening_day(request, conference):
    """The day a timetable without ``day`` opens on (it depends on the clock), else None."""
    return None if request.GET.get("day") else default_day(conference, clock.now())


# Every timezone's offset is a whole number of quarter hours, so an edition's day changes
# at a quarter hour of UTC.
QUARTER_HOUR = 15 * 60


def opening_period(request):
    """How long a timetable stays the same as time passes (machinery/responses.py ``period``):
    without ``day`` it opens on today while the edition runs, which may change at any
    quarter hour of UTC (the edition's midnight); with ``day``, for good (None)."""
    return None if request.GET.get("day") else QUARTER_HOUR


class TimetableView(FilteredView):
    """One day, rooms side by side: /<edition>/timetable/?day=YYYY-MM-DD
    (docs/attendees/timetable.md)."""

    template_name = "program/timetable.html"
    section = "timetable"
    staff_preview = True
    narrowing = tuple(name for name in FilteredView.narrowing if name != "day")
    folded = tuple(name for name in FilteredView.folded if name != "days")

    def get(self, request, *args, **kwargs):
        params = request.GET.copy()
        if not params.get("day"):
            params["day"] = opening_day(request, self.conference).isoformat()
        filterset = TalkFilter(
            params, self.public_talks(), conference=self.conference, request=request
        )
        valid = filterset.is_valid()
        context = self.filter_context(params, filterset)
        if valid:
            day = filterset.form.cleaned_data["day"]
            rooms = [(choice.value, choice.label) for choice in context["choices"]["rooms"]]
            if chosen_room := filterset.form.cleaned_data.get("room"):
                rooms = [room for room in rooms if room[0] == chosen_room]
            entries = timetable_entries(
                program_entries(filterset.qs, self.conference),
                self.conference.timezone,
                day,
                [slug for slug, _name in rooms],
            )
            header_rooms, rows, layout = timetable_grid(
                entries, rooms, day, self.conference.timezone, session_lines(self.conference)
            )
            other_filters = params.copy()
            other_filters.pop("day")
            context.update(
                day_url=f"{request.path}?{self.day_query(self.kept_params(), day)}",
                day=ProgramDay(day, entries),
                day_links=[
                    (ProgramDay(other, []), self.day_query(other_filters, other))
                    for other in (
                        dt.date.fromisoformat(choice.value) for choice in context["choices"]["days"]
                    )
                ],
                rooms=header_rooms,
                rows=rows,
                layout=layout,
                ends_at=moment_of(day, self.conference.timezone, layout.row_minutes[-1])
                if rows
                else "",
                talk_count=len(entries),
            )
        return self.render_to_response(
            self.get_context_data(**context), status=200 if valid else 400
        )

    @staticmethod
    def day_query(params, day):
        params = params.copy()
        params["day"] = day.isoformat()
        return params.urlencode()
