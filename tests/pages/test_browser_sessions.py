"""Sessions and poster boards as a person sees them, in headless Chromium: the band beside a
session's talks on the timetable (on a laptop and a phone), the program's heading, the talk
page's session and chairs; axe finds nothing on any of them.

Needs /usr/bin/chromium and axe-core, like tests/pages/test_browser.py.
"""

import pytest
from playwright.sync_api import expect

from tests.factories import RoomFactory, TalkFactory, local
from tests.pages.test_browser import axe_violations, browser  # noqa: F401
from tests.pages.test_sessions import edition, make_session  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

TIMETABLE = "/2026/timetable/?day=2026-05-18"


@pytest.fixture
def posters(edition):  # noqa: F811
    """edition() and a poster session in Hall, 9:00 to 10:30: three posters on boards."""
    conference = edition[0]
    hall = RoomFactory(conference=conference, name="Hall", slug="hall", position=2)
    start, end = local("2026-05-18", 9), local("2026-05-18", 10, 30)
    for title, board in [("Sparse attention", "7"), ("Quantised KV", "3"), ("Paged LoRA", "12")]:
        TalkFactory(
            conference=conference, room=hall, title=title, start=start, end=end, board=board
        )
    make_session(conference, hall, start, end, "Posters A", kind="posters")
    return edition


def box(page, selector):
    return page.locator(selector).bounding_box()


@pytest.mark.parametrize("width", [1280, 375])
def test_band_spans_exactly_its_talks_rows_in_its_rooms_column(
    browser,  # noqa: F811
    live_server,
    posters,
    width,
):
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}{TIMETABLE}")
    session = posters[4]

    band = box(page, f"td[data-session-id='{session.pk}']")
    room = page.get_by_role("columnheader", name="Ballroom").bounding_box()
    first, last = (
        box(page, "td[data-talk-slug='kv-cache']"),
        box(page, "td[data-talk-slug='speculation']"),
    )
    before = box(page, "td[data-talk-slug='opening']")
    beside = box(page, "td[data-talk-slug='beside']")

    # From its first talk's top to its last talk's bottom, in Ballroom's column, to the left
    # of its talks (which stay in full view), not in Room B's column.
    assert band["y"] == pytest.approx(first["y"], abs=1)
    assert band["y"] + band["height"] == pytest.approx(last["y"] + last["height"], abs=1)
    assert room["x"] - 1 <= band["x"]
    assert band["x"] + band["width"] <= first["x"] + 1
    assert first["x"] + first["width"] <= room["x"] + room["width"] + 1
    assert beside["x"] >= room["x"] + room["width"] - 1
    # The talk before the session is as wide as the room.
    assert before["width"] == pytest.approx(room["width"], abs=2)
    # Its label is read as a heading, with its kind and chairs in words.
    expect(page.get_by_role("heading", name="Session 3: Systems for LLMs")).to_be_visible()
    band_text = page.locator(f"td[data-session-id='{session.pk}']")
    expect(band_text).to_contain_text("Talk session")
    expect(band_text).to_contain_text("Chairs: Ana Chair, Bo Chair")
    # The posters of the poster session share one cell, by board, each readable.
    cell = page.locator("td.is-posters")
    expect(cell.locator("li.poster .slot-title")).to_have_text(
        ["Board 3 Quantised KV", "Board 7 Sparse attention", "Board 12 Paged LoRA"]
    )
    assert cell.bounding_box()["width"] >= 150
    # Each poster is starred on its own: the cell is none of them.
    assert cell.get_attribute("data-talk-slug") is None
    cell.get_by_role("button", name="Star “Quantised KV” for my agenda").click()
    expect(cell.locator("li.is-starred .slot-title")).to_have_text(["Board 3 Quantised KV"])
    expect(cell.locator(".overlap-mark")).to_have_count(0)
    assert axe_violations(page) == []
    context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_program_and_talk_page_show_the_session_and_board(
    browser,  # noqa: F811
    live_server,
    posters,
    width,
):
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/2026/program/")

    heading = page.get_by_role("heading", name="Session 3: Systems for LLMs", level=3)
    expect(heading).to_be_visible()
    group = page.locator("li.session-group", has=heading)
    expect(group.get_by_role("heading", level=4)).to_have_text(
        ["KV cache", "Batching", "Speculation"]
    )
    expect(page.locator("li[data-talk-slug='paged-lora'] .board")).to_have_text("Board 12")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Paged LoRA").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Paged LoRA")
    facts = page.locator("dl.facts")
    expect(facts.locator("div", has_text="Board")).to_have_text("Board12")
    expect(facts.locator("div", has_text="Session")).to_contain_text("Posters A")
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/2026/talks/batching/")
    page.get_by_role("link", name="Ana Chair").click()
    expect(page).to_have_url(f"{live_server.url}/2026/speakers/ana-chair/")
    context.close()
