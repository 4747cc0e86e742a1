"""The schedule editor's day as data (program/admin/schedule_day.py), before any markup."""

import datetime as dt
import zoneinfo
from types import SimpleNamespace

import pytest

from program.admin.schedule_day import EditorBlock, chosen_day, day_minutes, day_span, hour_marks
from program.models import Conference

BELLEVUE = zoneinfo.ZoneInfo("America/Los_Angeles")
MONDAY = dt.date(2026, 5, 18)


def at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BELLEVUE)


def talk(start, end):
    return SimpleNamespace(start=start, end=end)


def block(first, last):
    return EditorBlock(None, first, last)


def test_day_minutes_are_local_minutes_after_midnight():
    assert day_minutes(talk(at(MONDAY, 9, 5), at(MONDAY, 9, 50)), MONDAY, BELLEVUE) == (545, 590)


def test_day_minutes_of_a_talk_over_midnight_stop_at_the_days_edges():
    party = talk(at(MONDAY, 22), at(MONDAY + dt.timedelta(days=1), 1))

    assert day_minutes(party, MONDAY, BELLEVUE) == (1320, 1440)
    assert day_minutes(party, MONDAY + dt.timedelta(days=1), BELLEVUE) == (0, 60)


def test_day_minutes_read_utc_moments_in_the_editions_zone():
    start = dt.datetime(2026, 5, 18, 16, 0, tzinfo=dt.UTC)  # 9:00 in Bellevue

    assert day_minutes(talk(start, start + dt.timedelta(minutes=30)), MONDAY, BELLEVUE) == (
        540,
        570,
    )


@pytest.mark.parametrize(
    ("blocks", "span"),
    [
        ([], (480, 1080)),
        ([block(540, 600)], (480, 1080)),
        ([block(445, 500), block(1090, 1145)], (420, 1200)),
        ([block(1320, 1440)], (480, 1440)),
    ],
    ids=["empty-day", "inside", "earlier-and-later", "to-midnight"],
)
def test_day_span_is_whole_hours_holding_every_talk_and_eight_to_six(blocks, span):
    assert day_span(blocks) == span


def test_hour_marks_label_each_hour_of_the_span():
    assert hour_marks(420, 600) == [(420, "07:00"), (480, "08:00"), (540, "09:00")]


def test_chosen_day_is_a_day_of_the_edition_or_none():
    edition = Conference(start_date=MONDAY, end_date=dt.date(2026, 5, 22))

    assert chosen_day(edition, "") == MONDAY
    assert chosen_day(edition, "2026-05-22") == dt.date(2026, 5, 22)
    assert chosen_day(edition, "2026-05-23") is None
    assert chosen_day(edition, "May 18") is None
