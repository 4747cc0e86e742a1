"""Conference time: how times read on the site and how typed times become moments.

Every page, feed description and admin list writes a talk's time with these functions, so
a session past midnight, over several days or across a daylight-saving change reads the
same everywhere. The labels take datetimes already in the conference's timezone.

A wall-clock time typed in the conference's timezone is one moment, except around
daylight-saving changes: when the clocks go forward an hour is skipped (02:30 does not
exist), and when they go back one repeats (01:30 happens twice, an hour apart).
``conference_time`` refuses the first and, like RFC 5545 §3.3.5, reads the second as its
first occurrence unless told otherwise.
"""

import datetime as dt


class SkippedTime(ValueError):
    """A wall-clock time the clocks skip; the message says so in words."""


def offset_label(moment):
    """'UTC-04:00' for an aware moment."""
    minutes = int(moment.utcoffset() / dt.timedelta(minutes=1))
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# The end of a day, after its last minute: how the schedule editor and the move form write a
# talk that ends at midnight.
END_OF_DAY = "24:00"


def time_on(day, clock_time, tz):
    """The aware moment of ``clock_time`` (a ``datetime.time``, or END_OF_DAY: the next
    midnight) on the date ``day`` in the zone ``tz``, as conference_time() reads it (raises
    SkippedTime)."""
    if clock_time == END_OF_DAY:
        naive = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
    else:
        naive = dt.datetime.combine(day, clock_time)
    return conference_time(naive, tz)


def conference_time(naive, tz, *, second=False):
    """The aware moment of the wall-clock time ``naive`` in the zone ``tz``.

    In a repeated hour, the first occurrence, or the second with ``second``.
    Raises SkippedTime for a time the clocks skip.
    """
    first, later = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() < later.utcoffset():  # the clocks go forward over it
        gap = later.utcoffset() - first.utcoffset()
        raise SkippedTime(
            f"{clock(naive)} {naive:%p} on {day_heading(naive)}, {naive.year} does not exist in "
            f"{tz}: the clocks go forward {duration_words(gap)} then. Choose a time before or "
            "after the change."
        )
    return later if second else first


def repeated_times(naive, tz):
    """The two moments of a wall-clock time that happens twice, or None."""
    first, later = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() > later.utcoffset():
        return first, later
    return None


def elapsed(start, end):
    """The time that really passes from ``start`` to ``end``.

    Python compares and subtracts two datetimes of the same zone by their wall clocks,
    so 01:30 EDT and 01:30 EST (one hour apart) would be equal; in UTC they are not.
    """
    return end.astimezone(dt.UTC) - start.astimezone(dt.UTC)


def duration_words(delta):
    """'an hour', '30 minutes', '2 hours'."""
    minutes = int(delta / dt.timedelta(minutes=1))
    if minutes == 60:
        return "an hour"
    if minutes % 60 == 0:
        return f"{minutes // 60} hours"
    return f"{minutes} minutes"


def clock(moment):
    """'9:00' for 09:00 and 21:00 (the AM/PM marker is added by the caller)."""
    return f"{moment.hour % 12 or 12}:{moment:%M}"


def short_day(day):
    """'Tue, Jun 2'."""
    return f"{day:%a, %b} {day.day}"


def time_range(start, end):
    """A talk's time under its day's heading.

    - '9:00–9:25 AM PDT', or '11:30 AM–12:30 PM PDT' when the range crosses noon;
    - '1:30 AM EDT – 1:30 AM EST' when the clocks change in between (both offsets shown:
      the same clock time may then be an hour apart);
    - 'Tue, Jun 2, 10:00 PM – Wed, Jun 3, 1:00 AM CEST' when it ends on a later day
      (past midnight, or several days long), so no label hides the second day.
    """
    start_zone, end_zone = f"{start:%Z}", f"{end:%Z}"
    start_label = f"{clock(start)} {start:%p}"
    if start_zone != end_zone:
        start_label = f"{start_label} {start_zone}"
    end_label = f"{clock(end)} {end:%p} {end_zone}"
    if start.date() != end.date():
        return f"{short_day(start)}, {start_label} – {short_day(end)}, {end_label}"
    if start_zone != end_zone:
        return f"{start_label} – {end_label}"
    if f"{start:%p}" == f"{end:%p}":
        return f"{clock(start)}–{end_label}"
    return f"{start_label}–{end_label}"


def day_heading(day):
    """'Monday, May 18'."""
    return f"{day:%A, %B} {day.day}"


def day_and_time(start, end, *, day=day_heading):
    """(day, time) labels of a talk: ('Monday, May 18', '9:00–9:25 AM PDT'), or ('', the
    range) when the range names its days already ('Tue, Jun 2, 10:00 PM – Wed, Jun 3,
    1:00 AM CEST'). ``day`` writes the day (day_heading, or short_day: 'Mon, May 18')."""
    if start.date() != end.date():
        return "", time_range(start, end)
    return day(start), time_range(start, end)


def when_label(start, end, *, day=day_heading):
    """A talk's day and time in one label: 'Monday, May 18, 9:00–9:25 AM PDT' (see
    day_and_time)."""
    day_label, time_label = day_and_time(start, end, day=day)
    return f"{day_label}, {time_label}" if day_label else time_label


def moment_label(moment):
    """'Monday, May 18, 9:00 AM PDT' for a time in the conference's timezone."""
    return f"{day_heading(moment)}, {clock(moment)} {moment:%p %Z}"


def local_iso(moment, timezone):
    """RFC 3339 with ``timezone``'s UTC offset: ``2026-05-18T09:50:00-07:00``.

    Before standard time a zone's offset is local mean time, with seconds (-07:52:58 in Los
    Angeles until 1883), which RFC 3339 cannot write: the same moment is then written with
    the offset rounded to the minute.
    """
    local = moment.astimezone(timezone)
    offset = local.utcoffset()
    if offset % dt.timedelta(minutes=1):
        minutes = round(offset.total_seconds() / 60)
        local = moment.astimezone(dt.timezone(dt.timedelta(minutes=minutes)))
    return local.isoformat()


def html_datetime(moment, timezone=None):
    """A moment as HTML's ``<time datetime>`` takes it: ``2026-05-18T09:50:00-07:00``, in
    ``timezone`` (else the one it carries), to the second. HTML allows at most three digits
    of a second's fractions, and stored moments carry six (the changes page had one error
    per change in the Nu HTML checker)."""
    return local_iso(moment.replace(microsecond=0), timezone or moment.tzinfo)


def talk_when(talk, tz):
    """'Monday, May 18, 9:00–9:25 AM PDT': a talk's day and time in the timezone ``tz``."""
    return when_label(talk.start.astimezone(tz), talk.end.astimezone(tz))
