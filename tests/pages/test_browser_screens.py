"""A room's door screen on a 1920×1080 TV, and "Watch live" on a talk's page, in headless
Chromium with the site's clock fixed (program/machinery/clock.py).

Needs /usr/bin/chromium and node_modules/axe-core, like tests/pages/test_browser.py.
"""

import datetime as dt

import pytest

from program.machinery import clock
from tests.factories import ConferenceFactory, RoomFactory, SpeakerFactory, TalkFactory, local
from tests.pages.test_browser import AXE, axe_violations, browser, organiser_page  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

STREAM = "https://stream.example.org/grand-ballroom-1"
SCREEN = "/2026/rooms/grand-ballroom-1/screen/"
TV = {"width": 1920, "height": 1080}


@pytest.fixture
def edition():
    """A streamed ballroom: an hour's keynote at 9:00, a talk at 10:15 with a long title."""
    conference = ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)
    ballroom = RoomFactory(
        conference=conference,
        name="Grand Ballroom 1",
        stream_url=STREAM,
        screen_notice="Room full: overflow in Hall B",
    )
    TalkFactory(
        conference=conference,
        slug="opening-keynote",
        title="Opening keynote: systems for machine learning at scale",
        room=ballroom,
        start=local("2026-05-18", 9),
        end=local("2026-05-18", 10),
        speakers=[SpeakerFactory(name="Ion Stoica")],
    )
    TalkFactory(
        conference=conference,
        slug="kv-cache",
        title="LMCache: An Efficient KV Cache Layer for Enterprise-Scale LLM Inference",
        room=ballroom,
        start=local("2026-05-18", 10, 15),
        end=local("2026-05-18", 10, 40),
        speakers=[SpeakerFactory(name="Yuhan Liu"), SpeakerFactory(name="Junchen Jiang")],
    )
    return conference


@pytest.fixture
def set_clock(monkeypatch):
    """The site's clock, which the live server's thread reads too; returns a setter."""
    moment = {}
    monkeypatch.setattr(clock, "now", lambda: moment["now"].astimezone(dt.UTC))

    def set_to(day, hour, minute=0, second=0):
        moment["now"] = local(day, hour, minute) + dt.timedelta(seconds=second)

    return set_to


def test_door_screen_on_a_tv_is_large_accessible_and_reloads_itself(
    browser,  # noqa: F811
    live_server,
    edition,
    set_clock,
):
    set_clock("2026-05-18", 9, 48, second=58)
    # A TV browser without JavaScript: the page reloads by its meta refresh alone.
    context = browser.new_context(viewport=TV, java_script_enabled=False)
    page = context.new_page()

    page.goto(f"{live_server.url}{SCREEN}")

    assert page.locator("h1").inner_text() == "Grand Ballroom 1"
    assert page.locator(".screen-notice").inner_text() == "Room full: overflow in Hall B"
    assert page.locator(".screen-now .screen-title").inner_text() == (
        "Opening keynote: systems for machine learning at scale"
    )
    assert page.locator(".screen-next .screen-label").inner_text() == "NEXT in 27 min"
    sizes = page.eval_on_selector_all(
        "h1, .screen-title, .screen-notice",
        "elements => elements.map(e => parseFloat(getComputedStyle(e).fontSize))",
    )
    assert min(sizes) >= 48, sizes  # read across a room
    # Everything on one screen: nothing cut off to the side or below.
    assert page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    ) == [1920, 1080]

    # The minute turns on the server; the page reloads itself 3 seconds later (61 - 58).
    set_clock("2026-05-18", 9, 49, second=1)
    page.locator(".screen-next .screen-label", has_text="in 26 min").wait_for(timeout=10_000)
    context.close()


def test_door_screen_is_axe_clean_but_for_its_reload(
    browser,  # noqa: F811
    live_server,
    edition,
    set_clock,
):
    set_clock("2026-05-18", 9, 48)
    context = browser.new_context(viewport=TV, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}{SCREEN}")

    violations = axe_violations(page)

    # Exempt: meta-refresh guards people from a page that changes under them; a door screen
    # is signage that nobody operates, and reloading at each minute is what it is for.
    assert [rule for rule, _ in violations] == ["meta-refresh"]
    context.close()


@pytest.mark.parametrize(
    ("hour", "minute", "text"),
    [(8, 45, "Live stream starts in 15 min"), (9, 50, "Watch live")],
)
def test_talk_page_links_its_live_stream(
    browser,  # noqa: F811
    live_server,
    edition,
    set_clock,
    hour,
    minute,
    text,
):
    set_clock("2026-05-18", hour, minute)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    page = context.new_page()

    page.goto(f"{live_server.url}/2026/talks/opening-keynote/")

    link = page.get_by_role("link", name=text)
    assert link.get_attribute("href") == STREAM
    assert page.locator("iframe, embed, object, video").count() == 0  # linked, never embedded
    assert axe_violations(page) == []
    context.close()


def test_the_editions_rooms_inline_fits_a_laptop_screen(organiser_page, live_server):  # noqa: F811
    # Every column of the rooms inline filled in, the longest a field takes.
    conference = ConferenceFactory(slug="2026")
    RoomFactory(
        conference=conference,
        name="Grand Ballroom 1",
        stream_url="https://stream.example.org/" + "live/" * 30,
        screen_notice="Room full: overflow in Grand Ballroom 2, one floor down. " * 3,
    )
    page = organiser_page(viewport={"width": 1280, "height": 800})

    page.goto(f"{live_server.url}/admin/program/conference/{conference.pk}/change/")

    assert page.locator("#id_rooms-0-stream_url").is_visible()
    assert page.locator("#rooms-group td.field-door_screen a").inner_text() == "Door screen"
    # Nothing wider than the window: the page does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_a_two_line_notice_leaves_now_and_next_on_a_tv(browser, live_server, edition):  # noqa: F811
    # The keynote's title and LMCache's wrap to two lines each, the heading to two rows (a
    # moment chosen with ?at= is spelt out beside the room's name); with a notice of two
    # lines the next talk's time was below the TV's edge, where nobody can scroll.
    edition.rooms.update(screen_notice="Room full: overflow in Grand Ballroom 2, one floor down")
    context = browser.new_context(viewport=TV)
    page = context.new_page()

    page.goto(f"{live_server.url}{SCREEN}?at=2026-05-18T09:48:00-07:00")

    assert page.locator(".screen-next .screen-time").inner_text() == "10:15–10:40 AM PDT"
    lines = page.eval_on_selector_all(
        ".screen-notice, .screen-title",
        "elements => elements.map(e => Math.round(e.getBoundingClientRect().height"
        " / parseFloat(getComputedStyle(e).lineHeight)))",
    )
    assert lines == [2, 2, 2]
    assert (
        min(
            page.eval_on_selector_all(
                ".screen-notice, .screen-title",
                "elements => elements.map(e => parseFloat(getComputedStyle(e).fontSize))",
            )
        )
        >= 48
    )
    assert page.evaluate("document.documentElement.scrollHeight") == 1080
    context.close()


def test_a_rooms_page_shows_a_sentence_long_notice_whole(organiser_page, live_server):  # noqa: F811
    room = RoomFactory(
        conference=ConferenceFactory(slug="2026"),
        screen_notice="Room full: overflow in Grand Ballroom 2, one floor down",
    )
    page = organiser_page(viewport={"width": 1280, "height": 800})

    page.goto(f"{live_server.url}/admin/program/room/{room.pk}/change/")

    notice = page.locator("#id_screen_notice")
    assert notice.input_value() == "Room full: overflow in Grand Ballroom 2, one floor down"
    # The whole sentence in view, not cut off at the field's edge.
    assert notice.evaluate("field => field.scrollWidth <= field.clientWidth")
