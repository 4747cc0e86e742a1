"""The timetable: its grid as a pure function of slot times, and the page that shows it."""

import datetime as dt
import itertools
import re

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html

from program.models import Talk, Track
from program.pages.grid import Block, Gap, Slot, lay_out, table_rows
from program.pages.timetable import default_day, wall_minutes
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkTypeFactory,
    TrackFactory,
    local,
)

# ---------------------------------------------------------------------------- the grid


def hour(hours, minutes=0):
    """Minutes after midnight: ``hour(9, 30)`` is 9:30."""
    return hours * 60 + minutes


def placed(layout):
    """(first slot, row, rows, column, columns) of each block."""
    return [(b.slots[0], b.row, b.rows, b.column, b.columns) for b in layout.blocks]


def test_each_talk_sits_in_its_room_and_spans_its_length():
    slots = [
        Slot(hour(9), hour(10), room=0),
        Slot(hour(10), hour(10, 25), room=0),
        Slot(hour(9, 30), hour(10, 30), room=1),
        Slot(hour(10), hour(10, 15), room=2),
    ]

    layout = lay_out(slots, room_count=3)

    # Rows of 5 minutes, the largest step every start and end falls on, from 9:00 to 10:30.
    assert (layout.start, layout.step, layout.row_count) == (hour(9), 5, 18)
    assert layout.room_columns == (1, 1, 1)
    assert placed(layout) == [
        (0, 0, 12, 0, 1),
        (1, 12, 5, 0, 1),
        (2, 6, 12, 1, 1),
        (3, 12, 3, 2, 1),
    ]


def test_clashing_talks_both_show_side_by_side_in_their_room():
    slots = [
        Slot(hour(10), hour(10, 30), room=0),
        Slot(hour(10, 15), hour(10, 45), room=0),  # clashes with the first
        Slot(hour(11), hour(11, 30), room=0),  # after both: the room's full width
        Slot(hour(10), hour(11), room=1),
    ]

    layout = lay_out(slots, room_count=2)

    assert layout.room_columns == (2, 1)
    assert placed(layout) == [
        (0, 0, 2, 0, 1),
        (1, 1, 2, 1, 1),
        (2, 4, 2, 0, 2),
        (3, 0, 4, 2, 1),
    ]
    assert layout.step == 15


def test_a_break_with_nothing_else_at_its_time_spans_every_room():
    slots = [
        Slot(hour(9), hour(10), room=0),
        Slot(hour(9), hour(10), room=1),
        Slot(hour(10), hour(10, 30), room=2, everywhere=True),
        Slot(hour(10, 30), hour(11), room=1),
    ]

    layout = lay_out(slots, room_count=3)

    assert placed(layout) == [
        (0, 0, 2, 0, 1),
        (1, 0, 2, 1, 1),
        (2, 2, 1, 0, 3),
        (3, 3, 1, 1, 1),
    ]


def test_a_break_while_a_talk_runs_elsewhere_stays_in_its_room():
    slots = [
        Slot(hour(10), hour(10, 30), room=0, everywhere=True),
        Slot(hour(10, 15), hour(11), room=1),
    ]

    layout = lay_out(slots, room_count=2)

    assert placed(layout) == [(0, 0, 2, 0, 1), (1, 1, 3, 1, 1)]


def test_the_same_session_in_every_room_is_one_block():
    slots = [Slot(hour(12), hour(13), room=room, everywhere=True) for room in range(3)]

    layout = lay_out(slots, room_count=3)

    assert layout.blocks == [Block(slots=(0, 1, 2), row=0, rows=1, column=0, columns=3)]
    assert (layout.step, layout.row_count) == (60, 1)


@pytest.mark.parametrize(
    ("times", "start", "step"),
    [
        ([(hour(9), hour(9, 25)), (hour(9, 30), hour(10))], hour(9), 5),
        ([(hour(9), hour(9, 15)), (hour(9, 30), hour(10, 45))], hour(9), 15),
        ([(hour(9, 7), hour(9, 30))], hour(9, 7), 1),  # rows stay on whole hours too
        ([(hour(8, 10), hour(8, 50))], hour(8, 10), 10),
        ([(hour(23, 30), hour(24))], hour(23, 30), 30),  # up to midnight
    ],
)
def test_rows_are_the_largest_step_every_start_and_end_falls_on(times, start, step):
    layout = lay_out([Slot(first, last, room=0) for first, last in times], room_count=1)

    assert (layout.start, layout.step) == (start, step)


def test_empty_cells_fill_the_rest_cut_at_each_half_hour():
    layout = lay_out([Slot(hour(9), hour(9, 15), room=0)], room_count=2)

    assert layout.gaps == [Gap(row=0, rows=1, column=1)]
    wide = lay_out(
        [Slot(hour(9), hour(9, 15), room=0), Slot(hour(9), hour(10, 15), room=1)], room_count=2
    )
    assert wide.gaps == [Gap(row=1, rows=1, column=0), Gap(row=2, rows=2, column=0),
                         Gap(row=4, rows=1, column=0)]  # fmt: skip


def test_table_rows_hold_the_cells_that_begin_in_them_left_to_right():
    slots = [Slot(hour(9, 30), hour(10), room=0), Slot(hour(9), hour(10), room=1)]

    rows = table_rows(lay_out(slots, room_count=2))

    assert rows == [
        [Gap(row=0, rows=1, column=0), Block((1,), 0, 2, 1, 1)],
        [Block((0,), 1, 1, 0, 1)],
    ]


@st.composite
def day_of_slots(draw):
    rooms = draw(st.integers(1, 4))
    slots = []
    for _ in range(draw(st.integers(1, 12))):
        start = draw(st.integers(hour(8), hour(17))) // 5 * 5
        length = draw(st.sampled_from([5, 10, 15, 20, 25, 30, 45, 60, 90]))
        slots.append(
            Slot(start, start + length, draw(st.integers(0, rooms - 1)), draw(st.booleans()))
        )
    return slots, rooms


@settings(max_examples=200, derandomize=True, deadline=None)
@given(day_of_slots())
def test_every_talk_shows_once_and_every_cell_is_covered_exactly_once(day):
    slots, rooms = day

    layout = lay_out(slots, rooms)

    shown = sorted(index for block in layout.blocks for index in block.slots)
    assert shown == list(range(len(slots)))
    covered = {}
    for cell in [*layout.blocks, *layout.gaps]:
        for row in range(cell.row, cell.row + cell.rows):
            for column in range(cell.column, cell.column + cell.columns):
                assert (row, column) not in covered
                covered[row, column] = cell
    assert len(covered) == layout.row_count * sum(layout.room_columns)
    for block in layout.blocks:
        slot = slots[block.slots[0]]
        assert layout.row_minutes[block.row] == slot.start
        assert layout.row_minutes[block.row + block.rows] == slot.end
    # Rows are one step each, but for a stretch of over an hour with no talk anywhere.
    lengths = [last - first for first, last in itertools.pairwise(layout.row_minutes)]
    for row, length in enumerate(lengths):
        if row in layout.idle_rows:
            assert length > 60
            assert not any(first < layout.row_minutes[row + 1] and layout.row_minutes[row] < last
                           for first, last, *_ in slots)  # fmt: skip
        else:
            assert length == layout.step


def test_a_talk_in_the_hour_that_repeats_lasts_its_real_length():
    new_york = "America/New_York"
    # 1:30 EDT to 1:30 EST on 1 November 2026: one hour, though the wall clock reads 1:30.
    start = dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC)
    end = dt.datetime(2026, 11, 1, 6, 30, tzinfo=dt.UTC)
    evening = dt.datetime(2026, 11, 1, 2, 0, tzinfo=dt.UTC)  # 22:00 the day before

    assert wall_minutes(start, end, new_york, dt.date(2026, 11, 1)) == (
        hour(1, 30),
        hour(2, 30),
        False,
        False,
    )
    # From the evening before past midnight: 22:00 to midnight on its first day, then from
    # midnight to 1:30 EDT on the next.
    assert wall_minutes(evening, start, new_york, dt.date(2026, 10, 31)) == (
        hour(22),
        hour(24),
        False,
        True,
    )
    assert wall_minutes(evening, start, new_york, dt.date(2026, 11, 1)) == (
        0,
        hour(1, 30),
        True,
        False,
    )


def test_a_talk_over_several_days_is_clipped_to_each_day():
    bellevue = "America/Los_Angeles"
    start, end = local("2026-05-18", 10), local("2026-05-20", 12)

    assert [wall_minutes(start, end, bellevue, dt.date(2026, 5, day)) for day in (18, 19, 20)] == [
        (hour(10), hour(24), False, True),
        (0, hour(24), True, True),
        (0, hour(12), True, False),
    ]


def test_a_stretch_of_over_an_hour_with_no_talk_anywhere_is_one_row():
    slots = [
        Slot(hour(9), hour(10), room=0),
        Slot(hour(10, 30), hour(11), room=1),  # half an hour after: rows as usual
        Slot(hour(22), hour(23), room=0),  # the party, eleven hours later
    ]

    layout = lay_out(slots, room_count=2)

    assert layout.step == 30
    assert layout.row_minutes == (
        hour(9), hour(9, 30), hour(10), hour(10, 30), hour(11), hour(22), hour(22, 30), hour(23),
    )  # fmt: skip
    assert layout.idle_rows == {4}
    assert placed(layout) == [(0, 0, 2, 0, 1), (1, 3, 1, 1, 1), (2, 5, 2, 0, 1)]
    assert sorted(layout.gaps) == [
        Gap(row=0, rows=1, column=1),
        Gap(row=1, rows=1, column=1),
        Gap(row=2, rows=1, column=0),
        Gap(row=2, rows=1, column=1),
        Gap(row=3, rows=1, column=0),
        Gap(row=4, rows=1, column=0, columns=2),
        Gap(row=5, rows=1, column=1),
        Gap(row=6, rows=1, column=1),
    ]
    # An hour exactly is not over an hour: drawn as usual.
    assert lay_out([Slot(hour(9), hour(10), 0), Slot(hour(11), hour(12), 0)], 1).idle_rows == set()


@pytest.mark.parametrize(
    ("now", "day"),
    [
        ("2026-05-10T12:00:00+00:00", dt.date(2026, 5, 18)),  # before: the first day
        ("2026-05-20T08:00:00-07:00", dt.date(2026, 5, 20)),  # during: today
        # 01:30 on the 21st in UTC is still the evening of the 20th in Bellevue.
        ("2026-05-21T01:30:00+00:00", dt.date(2026, 5, 20)),
        ("2026-05-22T23:59:00-07:00", dt.date(2026, 5, 22)),
        ("2026-06-01T12:00:00+00:00", dt.date(2026, 5, 18)),  # after: the first day
    ],
)
def test_default_day_is_today_while_the_edition_runs_else_its_first(now, day):
    edition = ConferenceFactory.build(timezone="America/Los_Angeles")

    assert default_day(edition, dt.datetime.fromisoformat(now)) == day


# ---------------------------------------------------------------------------- the page

TIMETABLE = "/2026/timetable/"
MONDAY = TIMETABLE + "?day=2026-05-18"


@pytest.fixture
def edition(db):
    """Three rooms; on Monday a clash, a break for everyone and a lunch listed in each room."""
    conference = ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)
    rooms = [
        RoomFactory(conference=conference, name=name, position=position)
        for position, name in enumerate(["Grand Ballroom 1", "Hall B", "Annex"])
    ]
    ballroom, hall, annex = rooms
    kinds = {
        slug: TalkTypeFactory(slug=slug, name=slug.replace("-", " ").title())
        for slug in ["keynote", "invited-talk", "oral", "poster", "break", "social"]
    }
    serving = TrackFactory(conference=conference, name="LLM Serving", colour="#b45309")
    systems = TrackFactory(conference=conference, name="Systems", colour="#fde68a")
    yuhan = SpeakerFactory(name="Yuhan Liu")

    def talk(slug, kind, room, start, end, **fields):
        return TalkFactory(
            conference=conference,
            slug=slug,
            title=fields.pop("title", slug.replace("-", " ").capitalize()),
            type=kinds[kind],
            room=room,
            start=local("2026-05-18", *start),
            end=local("2026-05-18", *end),
            speakers=fields.pop("speakers", [yuhan]),
            **fields,
        )

    talk("opening-keynote", "keynote", ballroom, (9,), (10,))
    talk("kv-cache", "invited-talk", ballroom, (10,), (10, 30), track=serving)
    talk("engines", "invited-talk", hall, (10,), (10, 45), track=serving)
    talk("clash-a", "oral", annex, (10,), (10, 20), track=systems)
    talk("clash-b", "oral", annex, (10, 10), (10, 30), track=systems)
    talk("coffee-break", "break", annex, (10, 45), (11,), speakers=[])
    talk("posters", "poster", hall, (11,), (12,), status=Talk.Status.CANCELLED)
    talk("secret-draft", "oral", annex, (11,), (11, 30), status=Talk.Status.DRAFT)
    for room in rooms:
        talk(f"lunch-{room.slug}", "social", room, (12,), (13,), title="Lunch", speakers=[])
    TalkFactory(
        conference=conference,
        slug="closing-keynote",
        type=kinds["keynote"],
        room=ballroom,
        start=local("2026-05-19", 9),
        end=local("2026-05-19", 10),
        speakers=[yuhan],
    )
    return conference


def page(response):
    return html.fromstring(response.content)


def texts(tree, xpath):
    return [" ".join(element.text_content().split()) for element in tree.xpath(xpath)]


def grid(response):
    """Each talk cell of the table as (slug, first row, rows, first column, columns), found
    by the HTML table model (rowspan and colspan), columns counted after the time column."""
    table = page(response).xpath("//table[contains(@class, 'timetable')]")[0]
    taken = set()
    cells = []
    for row_number, row in enumerate(table.xpath("./tbody/tr")):
        column = 0
        for cell in row.xpath("./th | ./td"):
            while (row_number, column) in taken:
                column += 1
            rows, columns = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
            for taken_row in range(row_number, row_number + rows):
                for taken_column in range(column, column + columns):
                    taken.add((taken_row, taken_column))
            if cell.get("data-talk-slug"):
                cells.append((cell.get("data-talk-slug"), row_number, rows, column - 1, columns))
            column += columns
    return cells


def test_timetable_places_each_talk_by_room_and_time(client, edition):
    response = client.get(MONDAY)

    assert response.status_code == 200
    tree = page(response)
    assert texts(tree, "//table/thead//th") == ["Time", "Grand Ballroom 1", "Hall B", "Annex"]
    assert tree.xpath("//table/thead//th/@colspan") == ["2"]  # Annex: two talks clash there
    # Rows of five minutes from 9:00; rows, columns and spans as the table lays them out.
    assert grid(response) == [
        ("opening-keynote", 0, 12, 0, 1),
        ("kv-cache", 12, 6, 0, 1),
        ("engines", 12, 9, 1, 1),
        ("clash-a", 12, 4, 2, 1),
        ("clash-b", 14, 4, 3, 1),
        ("coffee-break", 21, 3, 0, 4),
        ("posters", 24, 12, 1, 1),
        ("lunch-grand-ballroom-1", 36, 12, 0, 4),
    ]
    assert len(tree.xpath("//table/tbody/tr")) == 48
    assert texts(tree, "//table/tbody/tr/th")[:3] == ["9:00 AM", "9:05 AM", "9:10 AM"]
    assert tree.xpath("//table/tbody/tr/th[not(@class='minor')]//text()")[:3] == [
        "9:00 AM",
        "9:30 AM",
        "10:00 AM",
    ]


def test_each_talk_cell_says_when_where_what_and_who(client, edition):
    tree = page(client.get(MONDAY))

    (cell,) = tree.xpath("//td[@data-talk-slug='engines']")
    assert texts(cell, ".//p[@class='slot-time']") == ["10:00–10:45 AM PDT, Hall B"]
    assert texts(cell, ".//p[@class='slot-title']/a") == ["Engines"]
    assert cell.xpath(".//p[@class='slot-title']/a/@href") == ["/2026/talks/engines/"]
    assert texts(cell, ".//p[@class='slot-speakers']") == ["Yuhan Liu"]
    assert texts(cell, ".//span[contains(@class, 'badge')]") == ["Invited Talk"]
    assert texts(cell, ".//span[@class='track']") == ["Track: LLM Serving"]
    # Screen readers pair each cell with its room and start time.
    assert cell.get("headers") == "room-hall-b t-600"
    assert tree.xpath("//th[@id='room-hall-b']/text()") == ["Hall B"]
    assert texts(tree, "//th[@id='t-600']") == ["10:00 AM"]


def test_clashing_talks_are_both_shown_side_by_side(client, edition):
    tree = page(client.get(MONDAY))

    assert [
        (cell.get("data-talk-slug"), cell.get("headers"))
        for cell in tree.xpath("//td[@data-talk-slug='clash-a' or @data-talk-slug='clash-b']")
    ] == [("clash-a", "room-annex t-600"), ("clash-b", "room-annex t-610")]


def test_a_break_and_a_session_in_every_room_span_the_rooms(client, edition):
    tree = page(client.get(MONDAY))

    (coffee,) = tree.xpath("//td[@data-talk-slug='coffee-break']")
    (lunch,) = tree.xpath("//td[@data-talk-slug='lunch-grand-ballroom-1']")
    assert texts(coffee, ".//p[@class='slot-time']") == ["10:45–11:00 AM PDT, Annex"]
    assert coffee.get("headers") == "room-grand-ballroom-1 room-hall-b room-annex t-645"
    assert texts(lunch, ".//p[@class='slot-time']") == ["12:00–1:00 PM PDT, All rooms"]
    assert "lunch-hall-b" not in response_slugs(tree)


def response_slugs(tree):
    return tree.xpath("//*[@data-talk-slug]/@data-talk-slug")


def test_cancelled_talks_say_so_and_drafts_never_show(client, edition):
    tree = page(client.get(MONDAY))

    (posters,) = tree.xpath("//td[@data-talk-slug='posters']")
    assert "is-cancelled" in posters.get("class")
    assert texts(posters, ".//strong[@class='cancelled-label']") == ["Cancelled"]
    assert "secret-draft" not in response_slugs(tree)


@pytest.mark.parametrize(
    ("now", "heading", "tab"),
    [
        (dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC), "Monday, May 18: 10 talks", "Mon, May 18"),
        (dt.datetime(2026, 5, 19, 17, tzinfo=dt.UTC), "Tuesday, May 19: 1 talk", "Tue, May 19"),
        (dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC), "Monday, May 18: 10 talks", "Mon, May 18"),
    ],
    ids=["before", "during", "after"],
)
def test_without_a_day_the_timetable_opens_today_while_the_edition_runs(
    client, edition, monkeypatch, now, heading, tab
):
    monkeypatch.setattr(timezone, "now", lambda: now)

    tree = page(client.get(TIMETABLE))

    assert texts(tree, "//h2[@class='result-count']") == [heading]
    assert texts(tree, "//nav[@class='day-jump']//a[@aria-current='page']") == [tab]


def test_day_links_keep_the_filters(client, edition):
    tree = page(client.get(TIMETABLE + "?type=keynote&day=2026-05-19"))

    assert tree.xpath("//nav[@class='day-jump']//a/@href") == [
        f"/2026/timetable/?type=keynote&day=2026-05-{day}" for day in range(18, 23)
    ]
    assert texts(tree, "//nav[@class='day-jump']//a[@aria-current='page']") == ["Tue, May 19"]
    assert response_slugs(tree) == ["closing-keynote"]


def test_links_between_program_and_timetable_keep_the_filters(client, edition):
    query = "track=llm-serving&type=invited-talk"  # as versioned responses normalise it

    timetable = page(client.get(f"{TIMETABLE}?{query}"))
    program = page(client.get(f"/2026/program/?{query}"))

    assert timetable.xpath("//a[text()='View as a list']/@href") == [f"/2026/program/?{query}"]
    assert program.xpath("//a[text()='View as a timetable']/@href") == [f"{TIMETABLE}?{query}"]


@pytest.mark.parametrize(
    ("query", "slugs"),
    [
        ("type=keynote", ["opening-keynote"]),
        ("track=llm-serving", ["kv-cache", "engines"]),
        ("track=llm-serving&track=systems", ["kv-cache", "engines", "clash-a", "clash-b"]),
        ("room=annex", ["clash-a", "clash-b", "coffee-break", "lunch-annex"]),
        ("q=clash&type=oral", ["clash-a", "clash-b"]),
        ("talk=engines&talk=posters", ["engines", "posters"]),
    ],
)
def test_filters_keep_exactly_the_matching_talks_of_the_day(client, edition, query, slugs):
    response = client.get(f"{MONDAY}&{query}")

    assert response.status_code == 200
    assert response_slugs(page(response)) == slugs


def test_room_filter_shows_that_room_alone(client, edition):
    tree = page(client.get(MONDAY + "&room=hall-b"))

    assert texts(tree, "//table/thead//th") == ["Time", "Hall B"]


def test_no_match_says_so_and_offers_to_clear_the_filters(client, edition):
    tree = page(client.get(MONDAY + "&q=nothing+matches"))

    assert texts(tree, "//div[@class='empty-state']/*") == [
        "No Events Found",
        "Try adjusting your search terms",
        "Clear all filters",
    ]
    assert tree.xpath("//div[@class='empty-state']//a/@href") == [MONDAY]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("day=2026-13-45", "Day: 2026-13-45 is not a valid date."),
        ("track=nowhere", "Track: nowhere is not a known track."),
        ("type=lightning", "Type: lightning is not a known talk type."),
    ],
)
def test_invalid_filter_answers_400_naming_it(client, edition, query, message):
    response = client.get(f"{TIMETABLE}?{query}")

    assert response.status_code == 400
    assert texts(page(response), "//div[@class='error-summary']//li") == [message]


def test_filter_form_keeps_the_day_and_offers_tracks(client, edition):
    tree = page(client.get(MONDAY + "&track=systems"))

    assert tree.xpath("//form[@role='search']/@action") == [TIMETABLE + "#results"]
    assert tree.xpath("//form[@role='search']//input[@name='day']/@value") == ["2026-05-18"]
    assert tree.xpath("//select[@name='day']") == []
    assert tree.xpath("//input[@name='track']/@value") == ["llm-serving", "systems"]
    assert tree.xpath("//input[@name='track'][@checked]/@value") == ["systems"]
    assert tree.xpath("//details[@class='more-filters']/summary/text()") == [
        "Type, track, room and speaker (1 chosen)"
    ]


def test_track_labels_get_their_colours_from_the_edition_stylesheet(client, edition):
    tree = page(client.get(MONDAY))
    stylesheet = client.get("/2026/tracks.css")

    assert "/2026/tracks.css" in tree.xpath("//link[@rel='stylesheet']/@href")
    assert stylesheet["Content-Type"] == "text/css"
    assert re.findall(r"^\[.*$", stylesheet.content.decode(), re.MULTILINE) == [
        '[data-track="llm-serving"] { --track-colour: #b45309; --track-ink: #ffffff; }',
        '[data-track="systems"] { --track-colour: #fde68a; --track-ink: #000000; }',
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("talk_count", [1, 3])
def test_timetable_query_count_does_not_grow_with_talks(
    client, django_assert_num_queries, talk_count
):
    conference = ConferenceFactory(slug="2026")
    track = TrackFactory(conference=conference)
    for number in range(talk_count):
        TalkFactory(
            conference=conference,
            start=local("2026-05-18", 9 + number),
            end=local("2026-05-18", 9 + number, 30),
            room=RoomFactory(conference=conference, name=f"Room {number}"),
            track=track,
            speakers=[SpeakerFactory(), SpeakerFactory()],
        )

    # The data version, editions (menu and this one), talks, their speakers, then the form's
    # types, speakers, tracks and rooms (the rooms are the table's columns too), and the
    # first and last times of the edition's talks (the day links), and its sessions with
    # their chairs (the bands).
    with django_assert_num_queries(10):
        response = client.get(MONDAY)
    # A track filter checks its slugs: one more.
    with django_assert_num_queries(11):
        filtered = client.get(MONDAY + f"&track={track.slug}")
    # Unchanged: the data version alone, then the shared cache.
    with django_assert_num_queries(1):
        not_modified = client.get(MONDAY, HTTP_IF_NONE_MATCH=response["ETag"])
    with django_assert_num_queries(1):
        cached = client.get(MONDAY)

    assert len(response_slugs(page(response))) == talk_count
    assert len(response_slugs(page(filtered))) == talk_count
    assert not_modified.status_code == 304
    assert cached.content == response.content


def test_timetable_without_a_day_follows_the_clock_past_its_cached_copy(
    client, edition, monkeypatch
):
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 5, 19, 6, tzinfo=dt.UTC))
    monday = client.get(TIMETABLE)  # 23:00 on Monday in Bellevue
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 5, 19, 8, tzinfo=dt.UTC))

    tuesday = client.get(TIMETABLE, HTTP_IF_NONE_MATCH=monday["ETag"])

    assert tuesday.status_code == 200
    assert tuesday["ETag"] != monday["ETag"]
    assert texts(page(monday), "//h2[@class='result-count']") == ["Monday, May 18: 10 talks"]
    assert texts(page(tuesday), "//h2[@class='result-count']") == ["Tuesday, May 19: 1 talk"]


def test_timetable_shows_a_renamed_track_at_once(client, edition):
    before = client.get(MONDAY)
    Track.objects.filter(slug="systems").update(name="Systems Research")

    after = client.get(MONDAY, HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert texts(page(after), "//td[@data-talk-slug='clash-a']//span[@class='track']") == [
        "Track: Systems Research"
    ]


@pytest.fixture
def hackathon_edition(db):
    """A one-day edition (Monday, May 18) whose hackathon goes on until Tuesday noon, and
    a party on Monday evening."""
    conference = ConferenceFactory(
        slug="2026", end_date=dt.date(2026, 5, 18), timezone="America/Los_Angeles"
    )
    hall, annex = (
        RoomFactory(conference=conference, name=name, position=position)
        for position, name in enumerate(["Hall B", "Annex"])
    )
    kinds = {slug: TalkTypeFactory(slug=slug, name=slug.title()) for slug in ("oral", "social")}

    def talk(slug, kind, room, start, end):
        TalkFactory(
            conference=conference, slug=slug, type=kinds[kind], room=room, start=start, end=end
        )

    talk("hackathon", "social", hall, local("2026-05-18", 9), local("2026-05-19", 11))
    talk("opening", "oral", annex, local("2026-05-18", 9), local("2026-05-18", 10))
    talk("party", "social", annex, local("2026-05-18", 22), local("2026-05-18", 23))
    talk("demos", "oral", annex, local("2026-05-19", 10), local("2026-05-19", 11))
    return conference


def row_labels(tree):
    return texts(tree, "//table/tbody/tr/th")


def test_a_talk_of_two_days_shows_on_each_day_clipped_to_it(client, hackathon_edition):
    monday_response = client.get(MONDAY)
    tuesday_response = client.get(TIMETABLE + "?day=2026-05-19")
    monday, tuesday = page(monday_response), page(tuesday_response)

    # Monday: from 9:00 to midnight in hourly rows, no label past midnight, none twice.
    assert row_labels(monday) == [
        f"{hour % 12 or 12}:00 {'AM' if hour < 12 else 'PM'}" for hour in range(9, 24)
    ]
    assert grid(monday_response) == [("hackathon", 0, 15, 0, 1), ("opening", 0, 1, 1, 1),
                            ("party", 13, 1, 1, 1)]  # fmt: skip
    (cell,) = monday.xpath("//td[@data-talk-slug='hackathon']")
    assert texts(cell, ".//p[@class='slot-time']") == [
        "Mon, May 18, 9:00 AM – Tue, May 19, 11:00 AM PDT, Hall B"
    ]
    assert texts(cell, ".//p[@class='slot-continues']") == ["Continues until Tue, May 19"]
    # Tuesday: the hall is busy from midnight until the hackathon ends.
    assert row_labels(tuesday) == ["12:00 AM", "1:00 AM", "2:00 AM", "3:00 AM", "4:00 AM",
                                   "5:00 AM", "6:00 AM", "7:00 AM", "8:00 AM", "9:00 AM",
                                   "10:00 AM"]  # fmt: skip
    assert grid(tuesday_response) == [("hackathon", 0, 11, 0, 1), ("demos", 10, 1, 1, 1)]
    (cell,) = tuesday.xpath("//td[@data-talk-slug='hackathon']")
    assert texts(cell, ".//p[@class='slot-continues']") == ["Continued from Mon, May 18"]
    assert texts(tuesday, "//h2[@id='results']") == ["Tuesday, May 19: 2 talks"]
    # The one-day edition's day links include the day the hackathon goes on into.
    assert texts(tuesday, "//nav[@class='day-jump']//a") == ["Mon, May 18", "Tue, May 19"]


def test_a_stretch_of_hours_with_no_talk_is_one_row_that_says_so(client, hackathon_edition):
    response = client.get(MONDAY + "&room=annex")
    tree = page(response)

    assert row_labels(tree) == ["9:00 AM", "10:00 AM", "10:00 PM"]
    assert tree.xpath("//table/tbody/tr/@class") == ["idle"]
    assert texts(tree, "//table/tbody/tr[@class='idle']/td") == ["No talks until 10:00 PM"]
    assert tree.xpath("//table/tbody/tr[@class='idle']/td/@colspan") == []  # one room
    assert tree.xpath("//table/tbody/tr/@data-starts-at") == [
        "2026-05-18T09:00:00-07:00",
        "2026-05-18T10:00:00-07:00",
        "2026-05-18T22:00:00-07:00",
    ]
    assert tree.xpath("//table/@data-ends-at") == ["2026-05-18T23:00:00-07:00"]
    assert grid(response) == [("opening", 0, 1, 0, 1), ("party", 2, 1, 0, 1)]
    # The row after the stretch shows its time, though not on a half hour.
    Talk.objects.filter(slug="party").update(
        start=local("2026-05-18", 21, 45), end=local("2026-05-18", 22, 45)
    )
    later = page(client.get(MONDAY + "&room=annex"))
    assert later.xpath("//table/tbody/tr/th[not(@class='minor')]//text()") == [
        "9:00 AM", "9:30 AM", "10:00 AM", "9:45 PM", "10:00 PM", "10:30 PM",
    ]  # fmt: skip


def test_the_program_lists_a_talk_of_two_days_once_and_in_each_of_its_days(
    client, hackathon_edition
):
    tree = page(client.get("/2026/program/"))
    tuesday = page(client.get("/2026/program/?day=2026-05-19"))

    days = tree.xpath("//section[@class='day']")
    assert [(day.findtext("h2"), day.xpath(".//li/@data-talk-slug")) for day in days] == [
        ("Monday, May 18", ["hackathon", "opening", "party"]),
        ("Tuesday, May 19", ["demos"]),
    ]
    assert [
        (day.findtext("h2"), day.xpath(".//li/@data-talk-slug"))
        for day in tuesday.xpath("//section[@class='day']")
    ] == [("Tuesday, May 19", ["hackathon", "demos"])]
    assert texts(tree, "//select[@name='day']/option")[-2:] == ["Monday, May 18", "Tuesday, May 19"]
