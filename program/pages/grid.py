"""A day's timetable as a grid, before it is markup (a timetable is data first).

``lay_out`` is a pure function of slot times and rooms: it gives each talk its grid column
and row and how many of each it spans, and the empty cells between talks. The page
(program/pages/timetable.py, templates/jinja2/program/_timetable.html) writes that grid as
an HTML table, row by row, so the table's reading order, and the keyboard's, is time order.

- **Rows** are ``step`` minutes each, the largest step that every start and end falls on
  (5 minutes for most programs, never more than 60), from the first start to the last end,
  except that a stretch of more than IDLE_MINUTES with no talk in any room (the afternoon
  before an evening party) is one short row that says so.
- **Days**: slots are the part of each talk on the day shown (timetable_entries clips a
  talk of several days, or past midnight, at the day's edges), so rows never pass midnight
  and no time of day is written twice.
- **Columns**: each room has one column, or more when talks overlap in it (a clash the
  organisers have not solved yet): the overlapping talks sit side by side, never hidden,
  and a talk overlapping nothing widens to its room's full width.
- **Everywhere**: a slot marked ``everywhere`` (a break, or a session listed in every room)
  spans every room when no other talk runs at its time; slots marked so with the same start
  and end become one block. If anything else runs at that time, each stays in its own room.
- **Bands**: a slot marked ``band`` (a session, program/pages/sessions.py) is laid out as a
  talk is, but before the talks that start with it, so it takes the first lane free and its
  talks sit beside it: a column of its room, from its start to its end, never over a talk.
"""

import bisect
import functools
import math
from collections import defaultdict
from typing import NamedTuple

# Empty cells are cut where a half hour starts, so the grid shows those lines.
MARK_MINUTES = 30
# A longer stretch with no talk in any room is drawn as one row.
IDLE_MINUTES = 60


class Slot(NamedTuple):
    start: int  # minutes after the day's midnight, local wall-clock time
    end: int  # after start
    room: int  # index of the room in display order
    everywhere: bool = False
    band: bool = False  # a session's band: it takes its room's first free lane before its talks


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
    step: int  # minutes per row (an idle row stands for more)
    row_count: int
    room_columns: tuple  # grid columns of each room, in room order (at least 1)
    blocks: list  # Block, in the order of their first slot
    gaps: list  # Gap
    row_minutes: tuple = ()  # each row's first minute, then the last row's end
    idle_rows: frozenset = frozenset()  # rows standing for a stretch with no talk anywhere


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
        key=lambda index: (slots[index].start, not slots[index].band, slots[index].end, index),
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
    row_minutes, idle_rows, minute = [], set(), start
    for first, last in _idle_stretches(slots):
        row_minutes.extend(range(minute, first, step))
        idle_rows.add(len(row_minutes))
        row_minutes.append(first)
        minute = last
    row_minutes.extend(range(minute, end + 1, step))  # the last is the end
    idle_rows = frozenset(idle_rows)

    def row_of(minute):  # every start and end begins a row (or is the end)
        return bisect.bisect_left(row_minutes, minute)

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

    row_count = len(row_minutes) - 1
    marks = {row for row, minute in enumerate(row_minutes) if minute % MARK_MINUTES == 0}
    gaps = _gaps(blocks, column_count, row_count, marks | idle_rows | {r + 1 for r in idle_rows})
    # An idle row is one empty cell across the whole table, where the page says so.
    gaps = [gap for gap in gaps if gap.row not in idle_rows]
    gaps.extend(Gap(row, 1, 0, column_count) for row in sorted(idle_rows))
    return Layout(start, step, row_count, room_columns, blocks, gaps, tuple(row_minutes), idle_rows)


def _idle_stretches(slots):
    """(first, last) minutes of each stretch longer than IDLE_MINUTES between the first
    start and the last end where no slot runs, in time order."""
    stretches = []
    busy_until = None
    for slot in sorted(slots):
        if busy_until is not None and slot.start - busy_until > IDLE_MINUTES:
            stretches.append((busy_until, slot.start))
        busy_until = slot.end if busy_until is None else max(busy_until, slot.end)
    return stretches


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
