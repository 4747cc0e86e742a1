"""A session in the schedule editor, in headless Chromium: its strip beside its talks from its
start to its end, and an organiser moving it with the keyboard alone, its talks with it.

Needs /usr/bin/chromium and node_modules/axe-core, like tests/pages/test_browser.py.
"""

import pytest
from playwright.sync_api import expect

from program.models import Session, Talk
from tests.factories import ConferenceFactory, RoomFactory, SpeakerFactory, TalkFactory, local
from tests.pages import test_browser
from tests.pages.test_browser import axe_violations

browser = test_browser.browser
organiser_page = test_browser.organiser_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def edition():
    """Session 3 in Grand Ballroom 1 on Monday, 9:00 to 10:00, holding two talks; Hall B."""
    conference = ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)
    ballroom = RoomFactory(conference=conference, name="Grand Ballroom 1", position=0)
    RoomFactory(conference=conference, name="Hall B", position=1)
    for title, start, end in [("KV cache", (9, 0), (9, 30)), ("Batching", (9, 30), (10, 0))]:
        TalkFactory(
            conference=conference, room=ballroom, title=title,
            start=local("2026-05-18", *start), end=local("2026-05-18", *end),
        )  # fmt: skip
    session = Session.objects.create(
        conference=conference, room=ballroom, title="Session 3: Systems for LLMs",
        start=local("2026-05-18", 9), end=local("2026-05-18", 10),
    )  # fmt: skip
    session.chairs.set([SpeakerFactory(name="Ana Chair")])
    return conference


def boxes(page):
    """Bounding boxes of the session's strip, its two talks and the rooms' columns."""
    return {
        "strip": page.locator("li.editor-session").bounding_box(),
        "first": page.locator("li[data-title='KV cache']").bounding_box(),
        "last": page.locator("li[data-title='Batching']").bounding_box(),
        "ballroom": page.locator("section.editor-room").nth(0).bounding_box(),
        "hall": page.locator("section.editor-room").nth(1).bounding_box(),
    }


def test_session_strip_spans_its_talks_and_the_keyboard_moves_it(
    organiser_page, live_server, edition
):
    page = organiser_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page.goto(f"{live_server.url}/admin/program/conference/{edition.pk}/schedule/")

    box = boxes(page)
    strip, first, last = box["strip"], box["first"], box["last"]
    # From its first talk's top to its last talk's bottom, at the left of its room, its
    # talks beside it and not under it.
    assert strip["y"] == pytest.approx(first["y"], abs=1)
    assert strip["y"] + strip["height"] == pytest.approx(last["y"] + last["height"], abs=1)
    assert box["ballroom"]["x"] <= strip["x"]
    assert strip["x"] + strip["width"] <= first["x"] + 1
    assert first["x"] + first["width"] <= box["ballroom"]["x"] + box["ballroom"]["width"] + 1
    assert axe_violations(page) == []

    # The keyboard: to the session's move link, then the form, then back to the editor.
    link = page.get_by_role("link", name="Move session “Session 3: Systems for LLMs”")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".session-move-talks li")).to_have_text(["KV cache", "Batching"])
    page.get_by_label("Day").select_option("2026-05-19")
    page.get_by_label("Room").select_option(label="Hall B")
    page.get_by_label("Start").fill("14:00")
    page.get_by_label("Start").press("Enter")

    page.wait_for_url("**/schedule/?day=2026-05-19#session-*")
    expect(page.locator(".messagelist .success")).to_have_text(
        "“Session 3: Systems for LLMs” and its 2 talks moved to "
        "Tuesday, May 19, 2:00–3:00 PM PDT in Hall B."
    )
    box = boxes(page)
    strip, first = box["strip"], box["first"]
    assert box["hall"]["x"] <= strip["x"] < first["x"]
    assert strip["y"] == pytest.approx(first["y"], abs=1)
    assert sorted(
        (talk.title, f"{talk.local_start:%a %H:%M}", talk.room.name)
        for talk in Talk.objects.select_related("room")
    ) == [("Batching", "Tue 14:30", "Hall B"), ("KV cache", "Tue 14:00", "Hall B")]


def test_dragging_a_session_strip_moves_it_with_its_talks(organiser_page, live_server, edition):
    page = organiser_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/program/conference/{edition.pk}/schedule/")
    strip = page.locator("li.editor-session").bounding_box()
    hall = page.locator("section.editor-room").nth(1).locator(".editor-slots").bounding_box()

    # Grab the strip by its title (its right half; "Move session…" is the left), 10 px below
    # its top; drop it in Hall B with its top at 11:00 (36 rows of 12 px after 08:00).
    page.mouse.move(strip["x"] + strip["width"] - 6, strip["y"] + 10)
    page.mouse.down()
    page.mouse.move(hall["x"] + 30, hall["y"] + 36 * 12 + 10, steps=8)
    page.mouse.up()

    page.wait_for_url("**/schedule/?day=2026-05-18#session-*")
    expect(page.locator(".messagelist .success")).to_have_text(
        "“Session 3: Systems for LLMs” and its 2 talks moved to "
        "Monday, May 18, 11:00 AM–12:00 PM PDT in Hall B."
    )
    assert sorted(
        (talk.title, f"{talk.local_start:%H:%M}", talk.room.name)
        for talk in Talk.objects.select_related("room")
    ) == [("Batching", "11:30", "Hall B"), ("KV cache", "11:00", "Hall B")]
