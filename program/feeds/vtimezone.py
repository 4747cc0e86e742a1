"""VTIMEZONE components (RFC 5545 §3.6.5) that are right for every year.

Some calendar apps keep one definition per TZID for every calendar they read, so the
VTIMEZONE of the 2026 edition's file also places the 2027 edition's talks: a definition
that only covers the years of one edition puts the next one an hour off. So each zone is
written whole, as the tz database has it since 1970: the rule in force today as yearly
recurrence rules without an end (RRULE, e.g. "second Sunday of March at 2:00"), and the
changes before it as dated onsets (RDATE). icalendar's Timezone.from_tzinfo writes dated
onsets for a range of years only, hence this module.

The changes are found by reading the zone (zoneinfo) day by day up to SEARCH_END and
locating each change to the second; then, for each kind of change that recurs every year
up to SEARCH_END, the longest recent run of years that one yearly rule describes becomes
an RRULE.
"""

import calendar
import datetime as dt
import functools
import zoneinfo
from typing import NamedTuple

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

SEARCH_START = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
SEARCH_END = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class Observance(NamedTuple):
    offset: dt.timedelta
    is_dst: bool
    name: str


class Change(NamedTuple):
    """A change of observance: its onset is local time in the offset before it (RFC 5545)."""

    onset: dt.datetime  # naive, wall-clock time before the change
    before: Observance
    after: Observance


def observance(moment, tz):
    local = moment.astimezone(tz)
    return Observance(local.utcoffset(), bool(local.dst()), local.tzname() or "")


def changes(tz):
    """Every change of observance from SEARCH_START to SEARCH_END, in order."""
    found = []
    moment, current = SEARCH_START, observance(SEARCH_START, tz)
    step = dt.timedelta(days=1)
    while moment < SEARCH_END:
        following = observance(moment + step, tz)
        if following != current:
            # Bisect to the first second of the new observance.
            low, high = int(moment.timestamp()), int((moment + step).timestamp())
            while high - low > 1:
                middle = (low + high) // 2
                if observance(dt.datetime.fromtimestamp(middle, dt.UTC), tz) == current:
                    low = middle
                else:
                    high = middle
            change = dt.datetime.fromtimestamp(high, dt.UTC)
            onset = (change + current.offset).replace(tzinfo=None)
            found.append(Change(onset, current, observance(change, tz)))
            current = observance(change, tz)
        moment += step
    return found


def same_weekday_and_time(onset, model):
    return (onset.month, onset.weekday(), onset.time()) == (
        model.month,
        model.weekday(),
        model.time(),
    )


def nth_weekday(onset):
    return (onset.day - 1) // 7 + 1


def is_last_weekday(onset):
    return onset.day + 7 > calendar.monthrange(onset.year, onset.month)[1]


def yearly_rule(onsets):
    """(RRULE, number of years) of the longest run of ``onsets`` (one a year, latest first)
    that one yearly rule gives: the nth weekday of the month ("2SU"), the last ("-1SU"),
    or the weekday on or after a day of the month (tz data's "Fri>=23")."""
    model = onsets[0]
    weekday = WEEKDAYS[model.weekday()]
    candidates = []
    for byday, same_day in (
        (f"{nth_weekday(model)}{weekday}", lambda o: nth_weekday(o) == nth_weekday(model)),
        (f"-1{weekday}", is_last_weekday),
    ):
        count = 0
        while count < len(onsets) and same_weekday_and_time(onsets[count], model):
            if not same_day(onsets[count]):
                break
            count += 1
        candidates.append((count, {"BYDAY": byday}))
    count, days = 0, []
    while count < len(onsets) and same_weekday_and_time(onsets[count], model):
        if max([*days, onsets[count].day]) - min([*days, onsets[count].day]) > 6:
            break
        days.append(onsets[count].day)
        count += 1
    first_day = min(days)
    candidates.append(
        (count, {"BYDAY": weekday, "BYMONTHDAY": list(range(first_day, first_day + 7))})
    )
    # The longest run; on a tie the simplest rule (earliest in the list).
    count, rule = max(candidates, key=lambda candidate: candidate[0])
    return {"FREQ": "YEARLY", "BYMONTH": model.month, **rule}, count


def recurring_runs(found):
    """{(before, after): (rule, first change of the run)} for each kind of change that
    happens every year up to SEARCH_END, following one yearly rule."""
    last_year = SEARCH_END.year - 1
    by_kind = {}
    for change in found:
        by_kind.setdefault((change.before, change.after), []).append(change)
    runs = {}
    for kind, kind_changes in by_kind.items():
        by_year = {change.onset.year: change for change in kind_changes}
        if len(by_year) != len(kind_changes) or last_year not in by_year:
            continue  # not once a year up to the end
        yearly = []  # the changes of consecutive years, latest first
        year = last_year
        while year in by_year:
            yearly.append(by_year[year])
            year -= 1
        rule, count = yearly_rule([change.onset for change in yearly])
        runs[kind] = (rule, yearly[count - 1])
    return runs


def component(before, after):
    # Readers expect DAYLIGHT onsets to move the clocks forward and STANDARD ones back
    # (dateutil and icalendar place the onset by it), whatever tz data calls daylight
    # time: Europe/Dublin's winter time is its "daylight" time there.
    forward = after.offset > before.offset or (after.offset == before.offset and after.is_dst)
    component = TimezoneDaylight() if forward else TimezoneStandard()
    component.add("tzname", after.name)
    component.add("tzoffsetfrom", before.offset)
    component.add("tzoffsetto", after.offset)
    return component


@functools.lru_cache(maxsize=64)
def vtimezone(tzid, zone_name):
    """The VTIMEZONE of the IANA zone ``zone_name`` under the TZID ``tzid``.

    Kept per process (a few hundred milliseconds to compute); callers only serialise it.
    """
    tz = zoneinfo.ZoneInfo(zone_name)
    found = changes(tz)
    runs = recurring_runs(found)
    result = Timezone()
    result.add("tzid", tzid)
    first = observance(SEARCH_START, tz)
    # The observance in force in 1970 has no onset of its own; it is written as if entered
    # from the one that follows it, so readers take the right part of it for daylight
    # time (Ireland kept summer time all year until 1971).
    start = component(found[0].after if found else first, first)
    start.add("dtstart", (SEARCH_START + first.offset).replace(tzinfo=None))
    result.add_component(start)
    dated = {}  # kind -> onsets before its yearly rule took over
    for change in found:
        kind = (change.before, change.after)
        if kind in runs and change.onset >= runs[kind][1].onset:
            continue
        dated.setdefault(kind, []).append(change.onset)
    for (before, after), onsets in dated.items():
        part = component(before, after)
        part.add("dtstart", onsets[0])
        if onsets[1:]:
            part.add("rdate", onsets[1:])
        result.add_component(part)
    for (before, after), (rule, first_change) in runs.items():
        part = component(before, after)
        part.add("dtstart", first_change.onset)
        part.add("rrule", rule)
        result.add_component(part)
    return result
