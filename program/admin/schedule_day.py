"""One day of an edition as the schedule editor lays it out: data before markup.

Rooms are columns, time runs down the side in rows of ROW_MINUTES. The span is the hours the
day's talks need, at least DAY_START to DAY_END local time, whole hours. Each talk of the day
becomes an EditorBlock with its first and last minute on the day (a talk that began the day
before, or goes on past midnight, is cut at the day's edges, as the timetable cuts it).
"""

import datetime as dt
import math
from typing import NamedTuple

# The grid's rows: a talk moves and stretches by this many minutes.
ROW_MINUTES = 5
# The span always shown, in local minutes after midnight: 08:00 to 18:00.
DAY_START = 8 * 60
DAY_END = 18 * 60
MINUTES_A_DAY = 24 * 60


class EditorBlock(NamedTuple):
    talk: object  # a Talk with for_program()'s relations
    start_minute: int  # local wall-clock minutes after the day's midnight, at least 0
    end_minute: int  # at most 1440


class HourMark(NamedTuple):
    minute: int  # after midnight
    label: str  # "09:00"


def day_minutes(talk, day, tz):
    """(first, last) minute of ``talk`` on ``day`` in the zone ``tz``: 0 when it began the
    day before, 1440 when it goes on past midnight. Minutes are wall-clock minutes, so a block
    on the night the clocks change is as long as its times read."""
    start, end = talk.start.astimezone(tz), talk.end.astimezone(tz)
    first = 0 if start.date() < day else start.hour * 60 + start.minute
    last = MINUTES_A_DAY if end.date() > day else end.hour * 60 + end.minute
    return first, max(last, first + 1)


def day_blocks(talks, day, tz):
    """The EditorBlocks of ``talks`` (the talks that overlap ``day``), in their order."""
    return [EditorBlock(talk, *day_minutes(talk, day, tz)) for talk in talks]


def day_span(blocks):
    """(first, last) minute of the grid: whole hours holding every block and 08:00-18:00."""
    first = min([DAY_START, *(block.start_minute for block in blocks)])
    last = max([DAY_END, *(block.end_minute for block in blocks)])
    return first // 60 * 60, min(math.ceil(last / 60) * 60, MINUTES_A_DAY)


def hour_marks(first, last):
    """An HourMark for each hour from ``first`` up to (not including) ``last``."""
    return [HourMark(minute, f"{minute // 60:02d}:00") for minute in range(first, last, 60)]


def chosen_day(conference, value):
    """The day ``value`` (YYYY-MM-DD, or empty for the first) names, or None when it is no
    day of the edition."""
    days = conference.dates()
    if not value:
        return days[0]
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return day if day in days else None
