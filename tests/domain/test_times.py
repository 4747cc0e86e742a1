"""Time labels and conference time (program/times.py): past midnight, over days, across
daylight-saving changes."""

import datetime as dt
import zoneinfo

import pytest

from program.times import (
    SkippedTime,
    conference_time,
    local_iso,
    moment_label,
    repeated_times,
    time_range,
    when_label,
)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
BELLEVUE = zoneinfo.ZoneInfo("America/Los_Angeles")


def at(tz, *parts, fold=0):
    return dt.datetime(*parts, tzinfo=tz, fold=fold)


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (at(BELLEVUE, 2026, 5, 18, 9), at(BELLEVUE, 2026, 5, 18, 9, 25), "9:00–9:25 AM PDT"),
        (
            at(BELLEVUE, 2026, 5, 18, 11, 30),
            at(BELLEVUE, 2026, 5, 18, 12, 30),
            "11:30 AM–12:30 PM PDT",
        ),
        # A 26-hour session names both days.
        (
            at(BERLIN, 2026, 6, 2, 10),
            at(BERLIN, 2026, 6, 3, 12),
            "Tue, Jun 2, 10:00 AM – Wed, Jun 3, 12:00 PM CEST",
        ),
        # A party from 22:00 to 01:00 is one night, and its end is on the next day.
        (
            at(BERLIN, 2026, 6, 2, 22),
            at(BERLIN, 2026, 6, 3, 1),
            "Tue, Jun 2, 10:00 PM – Wed, Jun 3, 1:00 AM CEST",
        ),
        # The hour that repeats when the clocks go back: one hour, both offsets shown.
        (
            at(NEW_YORK, 2026, 11, 1, 1, 30),
            at(NEW_YORK, 2026, 11, 1, 1, 30, fold=1),
            "1:30 AM EDT – 1:30 AM EST",
        ),
        # A night over the change in spring.
        (
            at(NEW_YORK, 2026, 3, 7, 23),
            at(NEW_YORK, 2026, 3, 8, 4),
            "Sat, Mar 7, 11:00 PM EST – Sun, Mar 8, 4:00 AM EDT",
        ),
    ],
)
def test_time_range(start, end, label):
    assert time_range(start, end) == label


def test_when_label_adds_the_day_unless_the_range_names_its_days():
    assert when_label(at(BELLEVUE, 2026, 5, 18, 9), at(BELLEVUE, 2026, 5, 18, 10)) == (
        "Monday, May 18, 9:00–10:00 AM PDT"
    )
    assert when_label(at(BERLIN, 2026, 6, 2, 22), at(BERLIN, 2026, 6, 3, 1)) == (
        "Tue, Jun 2, 10:00 PM – Wed, Jun 3, 1:00 AM CEST"
    )
    assert (
        moment_label(at(NEW_YORK, 2026, 11, 1, 1, 30, fold=1)) == "Sunday, November 1, 1:30 AM EST"
    )


def test_conference_time_refuses_a_skipped_time_in_words():
    with pytest.raises(SkippedTime) as raised:
        conference_time(dt.datetime(2026, 3, 8, 2, 30), NEW_YORK)

    assert str(raised.value) == (
        "2:30 AM on Sunday, March 8, 2026 does not exist in America/New_York: the clocks go "
        "forward an hour then. Choose a time before or after the change."
    )


def test_conference_time_reads_a_repeated_time_as_the_first_unless_told():
    naive = dt.datetime(2026, 11, 1, 1, 30)

    first, second = conference_time(naive, NEW_YORK), conference_time(naive, NEW_YORK, second=True)

    assert first.astimezone(dt.UTC) == dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC)
    assert second.astimezone(dt.UTC) == dt.datetime(2026, 11, 1, 6, 30, tzinfo=dt.UTC)
    assert repeated_times(naive, NEW_YORK) == (first, second)
    assert repeated_times(dt.datetime(2026, 11, 1, 2, 30), NEW_YORK) is None


@pytest.mark.parametrize(
    ("moment", "written"),
    [
        (dt.datetime(2026, 5, 18, 16, 50, tzinfo=dt.UTC), "2026-05-18T09:50:00-07:00"),
        (
            dt.datetime(2026, 12, 1, 17, 0, 0, 500, tzinfo=dt.UTC),
            "2026-12-01T09:00:00.000500-08:00",
        ),
        # Local mean time (-07:52:58) has seconds, which RFC 3339 offsets cannot hold: the
        # same moment is written with the offset rounded to the minute.
        (dt.datetime(1816, 11, 25, 17, 34, 43, tzinfo=dt.UTC), "1816-11-25T09:41:43-07:53"),
    ],
)
def test_local_iso_writes_rfc_3339_with_the_zone_offset(moment, written):
    assert local_iso(moment, BELLEVUE) == written
    assert dt.datetime.fromisoformat(written) == moment
