"""When a frab event starts and ends, read from its ``date``, ``start`` and ``duration`` as
real exports write them (program/importers/frab.py reads the rest).
"""

from datetime import UTC, date, datetime, time, timedelta

from program.importers.records import (
    OUTSIDE_YEARS,
    YEARS,
    parse_duration,
    problem,
    quoted,
)
from program.models import MAX_DURATION, TOO_LONG
from program.times import SkippedTime, conference_time, elapsed


def is_unscheduled(get):
    """Whether the event gives no time at all (no date, start nor end): pretalx and frab
    write a talk not yet scheduled so. A start without a date is read from its day."""
    return not any(get(key).strip() for key in ("date", "start", "end"))


def planned_duration(problems, where, get):
    """An unscheduled event's duration, the length it takes once placed; None when the
    event gives none."""
    text = get("duration").strip()
    if not text:
        return None
    duration = parse_duration(text)
    if duration is None:
        message = f"{quoted(text)} is not a duration such as 00:30 or 0:30:00"
    elif duration <= timedelta(0):
        message = f"{quoted(text)}: the event must last some time"
    elif duration > MAX_DURATION:
        message = TOO_LONG
    else:
        return duration
    problems.append(problem(where, "duration", message))
    return None


def event_start(problems, where, tz, get, day):
    text = get("date").strip()
    clock = get("start").strip()
    if not text and "T" in clock:  # schedule2: "start" is the full date and time
        text, clock = clock, ""
    if text:
        return event_moment(problems, where, "date", text, tz)

    day_date, day_start = read_date(day[0]), read_any_datetime(day[1] or "", tz)
    clock_time = read_clock(clock)
    if day_date is None or clock_time is None:
        problems.append(problem(where, "date", "missing, and no day date and start to use"))
        return None
    if day_start is not None and datetime.combine(day_date, clock_time, tzinfo=tz) < day_start:
        day_date += timedelta(days=1)  # after midnight, still in the previous conference day
    try:
        return conference_time(datetime.combine(day_date, clock_time), tz)
    except SkippedTime as error:
        problems.append(problem(where, "start", str(error)))
        return None


def event_moment(problems, where, field_name, text, tz):
    """A date and time from the file; without an offset, conference time (see read_datetime)."""
    try:
        moment = read_datetime(text, tz)
    except SkippedTime as error:
        problems.append(problem(where, field_name, str(error)))
        return None
    except OutsideYears:
        problems.append(problem(where, field_name, f"{quoted(text)} {OUTSIDE_YEARS}"))
        return None
    if moment is None:
        problems.append(
            problem(where, field_name, f"{quoted(text)} is not a date and time such as {_EXAMPLE}")
        )
    return moment


def event_end(problems, where, tz, get, start):
    end_text = get("end").strip()
    if end_text:
        end = event_moment(problems, where, "end", end_text, tz)
        if end is None:
            return None
    else:
        text = get("duration").strip()
        duration = parse_duration(text)
        if duration is None:
            problems.append(
                problem(
                    where, "duration", f"{quoted(text)} is not a duration such as 00:30 or 0:30:00"
                )
            )
            return None
        if start is None:
            return None
        end = start.astimezone(UTC) + duration  # elapsed time, whatever the clocks do
    if start is not None and elapsed(start, end) <= timedelta(0):
        problems.append(problem(where, "duration", "the event must end after it starts"))
    elif start is not None and elapsed(start, end) > MAX_DURATION:
        problems.append(problem(where, "duration", TOO_LONG))
    return end


_EXAMPLE = "2026-05-18T09:00:00-07:00"


class OutsideYears(ValueError):
    """A date outside the years an import accepts (records.YEARS)."""


def read_datetime(text, tz):
    """An ISO 8601 date and time; without an offset it is conference time (the first of a
    repeated hour). None when unreadable; raises SkippedTime for a time clocks skip and
    OutsideYears for one outside records.YEARS."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.year not in YEARS:
        raise OutsideYears()
    return moment if moment.tzinfo else conference_time(moment, tz)


def read_any_datetime(text, tz):
    """A day's or the conference's bound: only its date matters, so a skipped time is read
    as the moment after the change. None when unreadable or outside records.YEARS."""
    try:
        return read_datetime(text, tz)
    except SkippedTime:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=tz, fold=1)
    except OutsideYears:
        return None


def read_date(text):
    """A day's date; None when unreadable or outside records.YEARS."""
    try:
        day = date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None
    return day if day.year in YEARS else None


def conference_date(schedule, field_name, value, tz):
    """The conference's start or end date; one outside records.YEARS is a problem."""
    text = json_text(value).strip()
    if "T" in text:
        moment = read_any_datetime(text, tz)
        day = moment.astimezone(tz).date() if moment else None
    else:
        day = read_date(text)
    if day is None and is_number(text[:4]) and int(text[:4]) not in YEARS:
        message = f"{quoted(text)} {OUTSIDE_YEARS}"
        schedule.problems.append(problem("conference", field_name, message))
    return day


def read_clock(text):
    try:
        return time.fromisoformat(text)
    except ValueError:
        return None


def json_text(value):
    if value is None:
        return ""
    if isinstance(value, dict):  # schedule2: rooms, tracks and types may be objects
        return json_text(value.get("name"))
    return str(value)


def is_number(text):
    """Whether ``text`` is a whole number int() reads: ASCII digits only ("²" passes
    str.isdigit, yet int() refuses it)."""
    return text.isascii() and text.isdigit()
