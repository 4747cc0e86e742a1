"""One day of an edition as a timetable: rooms as columns, time down the side.

``lay_out`` is a pure function of slot times and rooms (a timetable is data before it is
markup): it gives each talk its grid column and row and how many of each it
spans, and the empty cells between talks. The page (templates/jinja2/program/_timetable.html)
writes that grid as an HTML table, row by row, so the table's reading order, and the
keyboard's, is time order.

- **Rows** are ``step`` minutes each, the largest step that every start and end falls on
  (5 minutes for most programs, never more than 60), from the first start to the last end.
- **Columns**: each room has one column, or more when talks overlap in it (a clash the
  organisers have not solved yet): the overlapping talks sit side by side, never hidden,
  and a talk overlapping nothing widens to its room's full width.
- **Everywhere**: a slot marked ``everywhere`` (a break, or a session listed in every room)
  spans every room when no other talk runs at its time; slots marked so with the same start
  and end become one block. If anything else runs at that time, each stays in its own room.
"""

import datetime as dt
import functools
import math
import zoneinfo
from collections import defaultdict
from typing import NamedTuple

from django.http import QueryDict
from django.template import engines

from program import times
from program.filters import TalkFilter
from program.machinery import clock
from program.pages.base import FilteredView
from program.pages.listing import ProgramDay, edition_days, program_entries

# Empty cells are cut where a half hour starts, so the grid shows those lines.
MARK_MINUTES = 30


class Slot(NamedTuple):
    start: int  # minutes after the day's midnight, local wall-clock time
    end: int  # after start; past 1440 for a talk that ends after midnight
    room: int  # index of the room in display order
    everywhere: bool = False


class Block(NamedTuple):
    """Where a slot (or several merged "everywhere" slots) sits in the grid."""

    slots: tuple  # indices into the slots given to lay_out; the first one is shown
    row: int  # first row, from 0
    rows: int  # rows spanned (rowspan)
    column: int  # first grid column, from 0 (a room's columns are consecutive)
    columns: int  # grid columns spanned (colspan)


class Gap(NamedTuple):
    """Empty grid cells: one column, ``rows`` rows from ``row``."""

    row: int
    rows: int
    column: int
    columns: int = 1


class Layout(NamedTuple):
    start: int  # minute of the first row
    step: int  # minutes per row
    row_count: int
    room_columns: tuple  # grid columns of each room, in room order (at least 1)
    blocks: list  # Block, in the order of their first slot
    gaps: list  # Gap


def overlaps(first, second):
    """Slots share time; touching ends (one ends as the next starts) do not."""
    return first.start < second.end and second.start < first.end


def lay_out(slots, room_count):
    """The grid of ``slots`` (a sequence of Slot) over ``room_count`` rooms.

    Returns a Layout whose blocks and gaps cover every cell of the grid exactly once.
    """
    slots = list(slots)
    if not slots:
        return Layout(0, MARK_MINUTES, 0, (1,) * room_count, [], [])
    wide = _everywhere_groups(slots)
    widened = {index for group in wide for index in group}

    # Lanes: within each room, each slot takes the first lane free at its start.
    lanes = [[] for _ in range(room_count)]  # per room, per lane: slot indices
    lane_of = {}
    by_start = sorted(
        (index for index in range(len(slots)) if index not in widened),
        key=lambda index: (slots[index].start, slots[index].end, index),
    )
    for index in by_start:
        room_lanes = lanes[slots[index].room]
        for number, lane in enumerate(room_lanes):
            if slots[lane[-1]].end <= slots[index].start:
                lane.append(index)
                lane_of[index] = number
                break
        else:
            room_lanes.append([index])
            lane_of[index] = len(room_lanes) - 1
    room_columns = tuple(max(1, len(room_lanes)) for room_lanes in lanes)
    first_column = [sum(room_columns[:room]) for room in range(room_count)]
    column_count = sum(room_columns)

    boundaries = [minute for slot in slots for minute in (slot.start, slot.end)]
    start, end = min(boundaries), max(boundaries)
    step = functools.reduce(math.gcd, [minute - start for minute in boundaries], 60)
    step = math.gcd(step, start % 60)  # rows fall on whole hours too

    def row_of(minute):
        return (minute - start) // step

    blocks = []
    for index in by_start:
        slot = slots[index]
        room_lanes = lanes[slot.room]
        lane = lane_of[index]
        # Widen into the lanes to the right while nothing there overlaps this slot.
        span = 1
        for other_lane in room_lanes[lane + 1 :]:
            if any(overlaps(slot, slots[other]) for other in other_lane):
                break
            span += 1
        blocks.append(
            Block(
                (index,),
                row_of(slot.start),
                row_of(slot.end) - row_of(slot.start),
                first_column[slot.room] + lane,
                span,
            )
        )
    for group in wide:
        slot = slots[group[0]]
        rows = row_of(slot.end) - row_of(slot.start)
        blocks.append(Block(tuple(group), row_of(slot.start), rows, 0, column_count))
    blocks.sort(key=lambda block: block.slots[0])

    row_count = row_of(end)
    marks = {row_of(minute) for minute in range(start, end, step) if minute % MARK_MINUTES == 0}
    gaps = _gaps(blocks, column_count, row_count, marks)
    return Layout(start, step, row_count, room_columns, blocks, gaps)


def _everywhere_groups(slots):
    """Groups of "everywhere" slots (same start and end) that nothing else overlaps."""
    groups = defaultdict(list)
    for index, slot in enumerate(slots):
        if slot.everywhere:
            groups[slot.start, slot.end].append(index)
    wide = []
    for (start, end), members in groups.items():
        span = Slot(start, end, -1)
        others = (
            slot
            for index, slot in enumerate(slots)
            if index not in members and overlaps(slot, span)
        )
        if next(others, None) is None:
            wide.append(members)
    return wide


def _gaps(blocks, column_count, row_count, marks):
    """The empty cells of each column, cut at the rows in ``marks``."""
    taken = [[] for _ in range(column_count)]  # per column: (first row, end row) of blocks
    for block in blocks:
        for column in range(block.column, block.column + block.columns):
            taken[column].append((block.row, block.row + block.rows))
    gaps = []
    for column, spans in enumerate(taken):
        row = 0
        for first, end in [*sorted(spans), (row_count, row_count)]:
            while row < first:
                cut = next((mark for mark in range(row + 1, first) if mark in marks), first)
                gaps.append(Gap(row, cut - row, column))
                row = cut
            row = max(row, end)
    return gaps


def table_rows(layout):
    """The cells that begin in each row, left to right: what each <tr> holds."""
    rows = [[] for _ in range(layout.row_count)]
    for cell in [*layout.blocks, *layout.gaps]:
        rows[cell.row].append(cell)
    for cells in rows:
        cells.sort(key=lambda cell: cell.column)
    return rows


# The page's data: the day's talks as entries, placed by lay_out.


class TimetableEntry(NamedTuple):
    """A talk of the program (``talk``, a listing.ProgramEntry) placed on a day's grid."""

    talk: tuple
    room: int  # index in the timetable's rooms
    start_minute: int  # local wall-clock minutes after the day's midnight
    end_minute: int


class TimetableRoom(NamedTuple):
    slug: str
    name: str
    columns: int = 1


class TimetableRow(NamedTuple):
    header_id: str  # "t-545": minutes after midnight, unique even past midnight
    time: str  # "09:05"
    label: str  # "9:05 AM"
    marked: bool  # on the hour or half hour: the label is shown
    starts_at: str  # ISO 8601 with the UTC offset, for the current-time line
    cells: list  # TimetableCell or Gap


class TimetableCell(NamedTuple):
    entry: tuple  # the talk shown: a listing.ProgramEntry
    rows: int
    columns: int
    room_label: str  # where it is: its room, or the rooms a merged block stands for
    wide: bool  # across several rooms
    headers: str  # the ids of the <th> naming its rooms and start time


@functools.lru_cache(maxsize=16384)
def wall_minutes(start, end, timezone, day):
    """Start and end of a talk in minutes after midnight of ``day``: its start in local
    wall-clock time in the IANA zone ``timezone``, its end that plus how long it lasts (past
    1440 for what ends after midnight). On the night the clocks change, the wall clock would
    make a talk in the repeated hour last nothing (1:30 EDT to 1:30 EST), so a block is as
    long as the talk lasts."""
    local = start.astimezone(zoneinfo.ZoneInfo(timezone))
    first = (local.date() - day).days * 1440 + local.hour * 60 + local.minute
    return first, first + max(1, int((end - start).total_seconds() // 60))


def timetable_entries(program_entries, timezone, day, rooms):
    """The day's ``program_entries`` (listing.ProgramEntry) placed in ``rooms`` (slugs, in
    display order); talks in other rooms are left out."""
    room_index = {slug: index for index, slug in enumerate(rooms)}
    return [
        TimetableEntry(
            talk, room_index[talk.room_slug], *wall_minutes(talk.start, talk.end, timezone, day)
        )
        for talk in program_entries
        if talk.room_slug in room_index
    ]


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


def timetable_grid(entries, rooms, day, timezone):
    """The rooms (with their column counts) and the table rows of a day's ``entries``.

    ``rooms`` are (slug, name) in display order; ``day`` a date, ``timezone`` an IANA name.
    """
    flags = everywhere(entries, len(rooms))
    slots = [
        Slot(entry.start_minute, entry.end_minute, entry.room, flag)
        for entry, flag in zip(entries, flags, strict=True)
    ]
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
        minute = layout.start + number * layout.step
        moment = midnight + dt.timedelta(minutes=minute)  # wall-clock, as the rows are
        rows.append(
            TimetableRow(
                header_id=f"t-{minute}",
                time=f"{moment:%H:%M}",
                label=f"{times.clock(moment)} {moment:%p}",
                marked=number == 0 or minute % MARK_MINUTES == 0,
                starts_at=moment.isoformat(),
                cells=[
                    _cell(cell, entries, rooms, room_of_column, f"t-{minute}")
                    if isinstance(cell, Block)
                    else cell
                    for cell in cells
                ],
            )
        )
    return header_rooms, rows, layout


def _cell(block, entries, rooms, room_of_column, time_header):
    shown = [entries[index] for index in block.slots]
    columns = range(block.column, block.column + block.columns)
    covered = sorted({room_of_column[column] for column in columns})
    if len(shown) == 1 and len(covered) == 1:
        room_label = rooms[shown[0].room][1]
    elif len({entry.room for entry in shown}) == len(rooms) > 1:
        room_label = "All rooms"
    else:
        room_label = ", ".join(rooms[entry.room][1] for entry in shown)
    headers = " ".join([*(f"room-{rooms[room][0]}" for room in covered), time_header])
    return TimetableCell(
        shown[0].talk, block.rows, block.columns, room_label, len(covered) > 1, headers
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
                entries, rooms, day, self.conference.timezone
            )
            other_filters = params.copy()
            other_filters.pop("day")
            context.update(
                day_url=f"{request.path}?{self.day_query(QueryDict(), day)}",
                day=ProgramDay(day, entries),
                day_links=[
                    (ProgramDay(other, []), self.day_query(other_filters, other))
                    for other in edition_days(self.conference)
                ],
                rooms=header_rooms,
                rows=rows,
                layout=layout,
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
