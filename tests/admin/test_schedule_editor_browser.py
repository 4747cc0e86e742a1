"""An organiser moving talks on the schedule editor in headless Chromium
(static/js/schedule-editor.js): dragging, resizing, swapping, the keyboard, undo, clashes, and
axe on the page.

Needs /usr/bin/chromium and node_modules/axe-core, like tests/pages/test_browser.py.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from program.models import Talk
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkTypeFactory,
    TrackFactory,
    local,
)
from tests.pages import test_browser
from tests.pages.test_browser import axe_violations

# The browser and a page logged in to the admin, as the public pages' browser tests have them.
browser = test_browser.browser
organiser_page = test_browser.organiser_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

ROW_PX = 12  # one 5-minute row (static/js/schedule-editor.js)
FIRST_MINUTE = 8 * 60  # the grid starts at 08:00


@pytest.fixture
def edition():
    """Monday: a keynote in the ballroom 9:00-10:00, a draft in Hall B 9:30-10:00 by another
    speaker, and a talk waiting unscheduled (45 minutes)."""
    conference = ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)
    ballroom = RoomFactory(conference=conference, name="Grand Ballroom 1", position=0)
    hall = RoomFactory(conference=conference, name="Hall B", position=1)
    keynote = TalkTypeFactory(slug="keynote", name="Keynote")
    serving = TrackFactory(conference=conference, name="LLM Serving", slug="llm-serving")
    ada = SpeakerFactory(name="Ada Byron", slug="ada-byron")
    TalkFactory(
        conference=conference,
        title="Opening keynote",
        type=keynote,
        track=serving,
        room=ballroom,
        start=local("2026-05-18", 9),
        end=local("2026-05-18", 10),
        speakers=[ada],
    )
    TalkFactory(
        conference=conference,
        title="Caching at scale",
        type=keynote,
        room=hall,
        start=local("2026-05-18", 9, 30),
        end=local("2026-05-18", 10),
        status=Talk.Status.DRAFT,
        speakers=[SpeakerFactory(name="Grace Hopper", slug="grace-hopper")],
    )
    TalkFactory(
        conference=conference,
        title="Sparse attention",
        type=keynote,
        start=None,
        end=None,
        room=None,
        status=Talk.Status.DRAFT,
        duration=dt.timedelta(minutes=45),
        speakers=[ada],
    )
    return conference


def talk(title):
    return Talk.objects.select_related("room").get(title=title)


def block(page, title):
    return page.locator(f'.editor-block[data-title="{title}"]')


def open_editor(organiser_page, live_server, edition, **options):
    page = organiser_page(viewport={"width": 1280, "height": 900}, **options)
    page.goto(f"{live_server.url}/admin/program/conference/{edition.pk}/schedule/?day=2026-05-18")
    expect(page.locator(".schedule-editor.editor-live")).to_be_visible()
    return page


def room_y(page, room, minute):
    """The page point of ``minute`` (after midnight) in the column of ``room``: x, y, with
    the grid scrolled to show it."""
    scroll = (minute - FIRST_MINUTE) / 5 * ROW_PX - 150
    page.locator(".editor-grid").evaluate(f"grid => {{ grid.scrollTop = {max(0, scroll)}; }}")
    box = page.locator(f'.editor-room[data-room="{room.pk}"] .editor-slots').bounding_box()
    return box["x"] + 20, box["y"] + (minute - FIRST_MINUTE) / 5 * ROW_PX


def drag(page, source, target, *, grab_dy=4):
    """Presses on ``source`` ``grab_dy`` pixels below its top, drags to ``target()`` (x, y,
    read once the drag has begun: it may scroll the grid) plus ``grab_dy``."""
    box = source.bounding_box()
    page.mouse.move(box["x"] + 12, box["y"] + grab_dy)
    page.mouse.down()
    page.mouse.move(box["x"] + 20, box["y"] + grab_dy + 10, steps=3)
    x, y = target()
    page.mouse.move(x, y + grab_dy, steps=8)
    page.mouse.up()


def saved(page):
    expect(page.locator(".editor-status")).to_contain_text("Saved")


def test_dragging_a_talk_to_another_room_and_time_moves_it(organiser_page, live_server, edition):
    page = open_editor(organiser_page, live_server, edition)
    hall = edition.rooms.get(name="Hall B")

    drag(page, block(page, "Opening keynote"), lambda: room_y(page, hall, 11 * 60))

    saved(page)
    moved = talk("Opening keynote")
    assert (moved.room, moved.start, moved.end) == (
        hall,
        local("2026-05-18", 11),
        local("2026-05-18", 12),
    )
    expect(block(page, "Opening keynote").locator(".block-time")).to_have_text("11:00–12:00")


def test_dragging_an_unscheduled_talk_onto_the_grid_places_it_with_its_length(
    organiser_page, live_server, edition
):
    page = open_editor(organiser_page, live_server, edition)
    ballroom = edition.rooms.get(name="Grand Ballroom 1")

    drag(page, block(page, "Sparse attention"), lambda: room_y(page, ballroom, 14 * 60), grab_dy=0)

    saved(page)
    placed = talk("Sparse attention")
    assert (placed.room, placed.start, placed.end) == (
        ballroom,
        local("2026-05-18", 14),
        local("2026-05-18", 14, 45),
    )
    expect(page.locator(".editor-waiting-list .editor-block")).to_have_count(0)


def test_dropping_a_talk_on_another_swaps_them(organiser_page, live_server, edition):
    page = open_editor(organiser_page, live_server, edition)
    target = block(page, "Caching at scale").bounding_box()

    drag(page, block(page, "Opening keynote"), lambda: (target["x"] + 30, target["y"] + 10))

    saved(page)
    keynote, caching = talk("Opening keynote"), talk("Caching at scale")
    assert (keynote.room.name, keynote.start, keynote.end) == (
        "Hall B",
        local("2026-05-18", 9, 30),
        local("2026-05-18", 10, 30),
    )
    assert (caching.room.name, caching.start, caching.end) == (
        "Grand Ballroom 1",
        local("2026-05-18", 9),
        local("2026-05-18", 9, 30),
    )


def test_dragging_the_lower_edge_changes_the_length(organiser_page, live_server, edition):
    page = open_editor(organiser_page, live_server, edition)
    handle = block(page, "Opening keynote").locator(".block-resize")
    box = handle.bounding_box()
    ballroom = edition.rooms.get(name="Grand Ballroom 1")

    page.mouse.move(box["x"] + 30, box["y"] + 3)
    page.mouse.down()
    page.mouse.move(box["x"] + 30, box["y"] + 12, steps=3)
    _, y = room_y(page, ballroom, 10 * 60 + 30)
    page.mouse.move(box["x"] + 30, y, steps=6)
    page.mouse.up()

    saved(page)
    assert talk("Opening keynote").end == local("2026-05-18", 10, 30)
    assert talk("Opening keynote").start == local("2026-05-18", 9)


def test_keyboard_alone_moves_a_talk_and_escape_cancels(organiser_page, live_server, edition):
    page = open_editor(organiser_page, live_server, edition)
    keynote = block(page, "Opening keynote")
    keynote.focus()

    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    for key in ["ArrowDown", "ArrowDown", "ArrowDown", "ArrowRight"]:
        page.keyboard.press(key)
    expect(page.locator(".editor-status")).to_contain_text("to 09:15–10:15 in Hall B")
    page.keyboard.press("Enter")

    saved(page)
    moved = talk("Opening keynote")
    assert (moved.room.name, moved.start) == ("Hall B", local("2026-05-18", 9, 15))
    expect(keynote).to_be_focused()


def test_undo_steps_back_through_the_moves(organiser_page, live_server, edition):
    page = open_editor(organiser_page, live_server, edition)
    keynote = block(page, "Opening keynote")
    keynote.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    saved(page)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    expect(page.locator(".editor-status")).to_contain_text("Saved: “Opening keynote” at 09:05")
    expect(page.locator(".editor-status")).to_contain_text("in Hall B")

    page.get_by_role("button", name="Undo the last move").click()
    expect(page.locator(".editor-status")).to_contain_text("Undone")
    assert (talk("Opening keynote").room.name, talk("Opening keynote").start) == (
        "Grand Ballroom 1",
        local("2026-05-18", 9, 5),
    )
    page.get_by_role("button", name="Undo the last move").click()
    expect(page.get_by_role("button", name="Undo the last move")).to_be_disabled()

    assert talk("Opening keynote").start == local("2026-05-18", 9)
    # Each undo is a move of its own in the talk's admin log: two moves, two undos.
    assert talk("Opening keynote").history.count() == 5


def test_a_clash_is_marked_on_both_talks_while_moving_and_after_saving(
    organiser_page, live_server, edition
):
    page = open_editor(organiser_page, live_server, edition)
    keynote, caching = block(page, "Opening keynote"), block(page, "Caching at scale")
    keynote.focus()

    page.keyboard.press("ArrowRight")  # Hall B, 9:00-10:00, over "Caching at scale"

    expect(keynote.locator(".block-clashes")).to_have_text("Room clash with “Caching at scale”.")
    expect(caching.locator(".block-clashes")).to_have_text("Room clash with “Opening keynote”.")
    page.keyboard.press("Enter")
    saved(page)
    expect(keynote).to_have_class("editor-block has-clash")
    expect(caching.locator(".block-clashes")).to_have_text("Room clash with “Opening keynote”.")
    assert talk("Opening keynote").room.name == "Hall B"


def test_a_published_talk_dropped_on_the_unscheduled_list_stays_with_a_plain_error(
    organiser_page, live_server, edition
):
    page = open_editor(organiser_page, live_server, edition)
    waiting = page.locator(".editor-waiting h2").bounding_box()

    drag(page, block(page, "Opening keynote"), lambda: (waiting["x"] + 20, waiting["y"] + 5))

    expect(page.locator(".editor-errors")).to_contain_text(
        "“Opening keynote”: Only a draft can wait without a slot"
    )
    expect(block(page, "Opening keynote").locator(".block-time")).to_have_text("09:00–10:00")
    assert talk("Opening keynote").start == local("2026-05-18", 9)


@pytest.mark.parametrize(
    "viewport",
    [
        {"width": 1280, "height": 800},
        {"width": 1024, "height": 768},
        {"width": 768, "height": 1024},
    ],
    ids=["laptop", "tablet-landscape", "tablet-portrait"],
)
def test_axe_finds_no_violations_in_the_editor(organiser_page, live_server, edition, viewport):
    page = organiser_page(viewport=viewport, bypass_csp=True, has_touch=viewport["width"] < 1280)
    page.goto(f"{live_server.url}/admin/program/conference/{edition.pk}/schedule/")
    expect(page.locator(".schedule-editor.editor-live")).to_be_visible()
    block(page, "Opening keynote").focus()
    page.keyboard.press("ArrowRight")  # a clash shown

    assert axe_violations(page) == []
    # Nothing but the grid scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_selected_talks_move_together_in_one_request(organiser_page, live_server, edition):
    page = open_editor(organiser_page, live_server, edition)
    block(page, "Opening keynote").click(modifiers=["Control"], position={"x": 12, "y": 30})
    caching = block(page, "Caching at scale")
    caching.focus()
    page.keyboard.press("Space")
    expect(page.locator(".editor-status")).to_have_text("2 talks selected.")

    with page.expect_request("**/schedule/place/") as request:
        for _ in range(6):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")

    saved(page)
    assert [p["talk"] for p in request.value.post_data_json["placements"]] == sorted(
        [talk("Opening keynote").pk, talk("Caching at scale").pk]
    )
    assert talk("Opening keynote").start == local("2026-05-18", 9, 30)
    assert talk("Caching at scale").start == local("2026-05-18", 10)


def test_a_finger_drags_a_talk_on_a_tablet(organiser_page, live_server, edition):
    page = organiser_page(viewport={"width": 1024, "height": 768}, has_touch=True)
    page.goto(f"{live_server.url}/admin/program/conference/{edition.pk}/schedule/?day=2026-05-18")
    expect(page.locator(".schedule-editor.editor-live")).to_be_visible()
    hall = edition.rooms.get(name="Hall B")
    source = block(page, "Opening keynote").bounding_box()
    touch = page.context.new_cdp_session(page)

    def finger(kind, x, y):
        points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
        touch.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    finger("touchStart", source["x"] + 12, source["y"] + 4)
    for step in range(1, 4):
        finger("touchMove", source["x"] + 12, source["y"] + 4 + 4 * step)
    x, y = room_y(page, hall, 12 * 60)
    for step in range(1, 6):
        finger("touchMove", x, source["y"] + (y - source["y"]) * step / 5 + 4)
    finger("touchEnd", x, y + 4)

    saved(page)
    moved = talk("Opening keynote")
    assert (moved.room, moved.start) == (hall, local("2026-05-18", 12))


def test_a_draft_dropped_on_the_unscheduled_list_waits_there_until_undone(
    organiser_page, live_server, edition
):
    page = open_editor(organiser_page, live_server, edition)
    waiting = page.locator(".editor-waiting h2").bounding_box()

    drag(page, block(page, "Caching at scale"), lambda: (waiting["x"] + 20, waiting["y"] + 5))

    saved(page)
    expect(page.locator(".editor-waiting-list .editor-block")).to_have_count(2)
    assert talk("Caching at scale").start is None
    page.keyboard.press("Control+z")
    expect(page.locator(".editor-status")).to_contain_text("Undone")
    expect(block(page, "Caching at scale").locator(".block-time")).to_have_text("09:30–10:00")
    caching = talk("Caching at scale")
    assert (caching.room.name, caching.start) == ("Hall B", local("2026-05-18", 9, 30))


def test_hiding_a_room_and_a_track_keeps_the_choice_in_the_address(
    organiser_page, live_server, edition
):
    page = open_editor(organiser_page, live_server, edition)
    hall = edition.rooms.get(name="Hall B")
    page.get_by_text("Show rooms and tracks").click()

    page.get_by_role("checkbox", name="Grand Ballroom 1").uncheck()
    page.get_by_role("checkbox", name="LLM Serving").uncheck()

    expect(page.locator(".editor-room", has_text="Grand Ballroom 1")).to_be_hidden()
    expect(block(page, "Opening keynote")).to_be_hidden()
    expect(block(page, "Caching at scale")).to_be_visible()
    assert page.url.endswith(f"?day=2026-05-18&pick=1&room={hall.pk}&track=-")
    page.get_by_role("link", name="Tuesday, May 19").click()
    ballroom = edition.rooms.get(name="Grand Ballroom 1")
    expect(page.locator(f'input[name=room][value="{ballroom.pk}"]')).not_to_be_checked()
    expect(page.locator(".editor-room", has_text="Grand Ballroom 1")).to_be_hidden()


def test_a_talk_past_midnight_keeps_its_length_when_moved_and_undone(
    organiser_page, live_server, edition
):
    late = TalkFactory(
        conference=edition,
        title="Night session",
        room=talk("Opening keynote").room,
        start=local("2026-05-18", 23, 30),
        end=local("2026-05-19", 0, 30),
    )
    page = open_editor(organiser_page, live_server, edition)
    night = block(page, "Night session")
    night.focus()

    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    saved(page)

    moved = talk("Night session")
    assert (moved.start, moved.end) == (local("2026-05-18", 23, 25), local("2026-05-19", 0, 25))
    # Drawn to the day's end, as the page draws it.
    assert (night.get_attribute("data-start"), night.get_attribute("data-end")) == ("1405", "1440")
    page.get_by_role("button", name="Undo the last move").click()
    expect(page.locator(".editor-status")).to_contain_text("Undone")
    back = talk("Night session")
    assert (back.start, back.end) == (late.start, late.end)


def test_without_javascript_the_dragging_help_is_left_out_and_move_to_remains(
    organiser_page, live_server, edition
):
    address = f"{live_server.url}/admin/program/conference/{edition.pk}/schedule/?day=2026-05-18"
    page = organiser_page(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page.goto(address)

    expect(page.locator(".editor-help")).to_be_hidden()
    expect(block(page, "Opening keynote").get_by_role("link", name="Move to…")).to_be_visible()
    live = open_editor(organiser_page, live_server, edition)
    expect(live.locator(".editor-help")).to_have_text(re.compile(r"^Drag a talk to another time"))


def test_dragging_to_the_foot_of_the_window_scrolls_the_grid_when_its_foot_is_below(
    organiser_page, live_server, edition
):
    page = organiser_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/admin/program/conference/{edition.pk}/schedule/?day=2026-05-18")
    expect(page.locator(".schedule-editor.editor-live")).to_be_visible()
    grid = page.locator(".editor-grid")
    assert grid.bounding_box()["y"] + grid.bounding_box()["height"] > 800  # the foot is below
    source = block(page, "Opening keynote").bounding_box()

    page.mouse.move(source["x"] + 12, source["y"] + 4)
    page.mouse.down()
    for step in range(12):
        page.mouse.move(source["x"] + 12, 790 - step % 2)

    assert grid.evaluate("grid => grid.scrollTop") > 0
    page.keyboard.press("Escape")
    expect(page.locator(".editor-status")).to_have_text("Move cancelled.")
    page.mouse.up()
    assert talk("Opening keynote").start == local("2026-05-18", 9)
