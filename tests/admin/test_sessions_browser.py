"""An organiser making a session in headless Chromium (its chairs through the speaker
autocomplete) and mailing its speakers from its page.

Needs /usr/bin/chromium and node_modules/axe-core, like tests/pages/test_browser.py.
"""

import datetime as dt

import pytest
from django.core import mail
from playwright.sync_api import expect

from program.models import Session
from tests.factories import ConferenceFactory, RoomFactory, SpeakerFactory, TalkFactory, local
from tests.pages import test_browser
from tests.pages.test_browser import axe_violations

browser = test_browser.browser
organiser_page = test_browser.organiser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def edition():
    """Two talks in the ballroom on Monday morning, one speaker without an address."""
    conference = ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)
    ballroom = RoomFactory(conference=conference, name="Grand Ballroom 1", position=0)
    RoomFactory(conference=conference, name="Hall B", position=1)
    liu = SpeakerFactory(name="Yuhan Liu", email="liu@example.org")
    solo = SpeakerFactory(name="Ana Solo", email="")
    SpeakerFactory(name="Zhihao Jia", email="jia@example.org")
    for minutes, speaker in ((0, liu), (30, solo)):
        start = local("2026-05-18", 9, minutes)
        TalkFactory(
            conference=conference,
            room=ballroom,
            title=f"Oral by {speaker.name}",
            start=start,
            end=start + dt.timedelta(minutes=25),
            speakers=[speaker],
        )
    return conference


def test_organiser_makes_a_session_and_mails_its_speakers(organiser_page, live_server, edition):
    # axe is injected as a script: the test browser bypasses the CSP for it alone.
    page = organiser_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page.goto(f"{live_server.url}/admin/program/session/add/")
    page.fill("#id_title", "Orals 1")
    page.select_option("#id_room", label="Grand Ballroom 1")
    page.fill("#id_start_0", "2026-05-18")
    page.fill("#id_start_1", "9:00")
    page.fill("#id_end_0", "2026-05-18")
    page.fill("#id_end_1", "10:00")
    page.locator(".field-chairs .select2-selection").click()
    page.keyboard.type("Jia")
    page.locator(".select2-results__option", has_text="Zhihao Jia").click()
    page.click("input[name=_continue]")

    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    session = Session.objects.get()
    assert [chair.name for chair in session.chairs.all()] == ["Zhihao Jia"]
    assert session.start == local("2026-05-18", 9)
    expect(page.locator("table.session-talks tbody td:first-child")).to_have_text(
        ["Oral by Yuhan Liu", "Oral by Ana Solo"]
    )

    page.get_by_role("link", name="Mail the session’s speakers").click()
    expect(page.locator("ul.mail-recipients li")).to_have_text(
        ["Yuhan Liu", "Ana Solo (no e-mail address: not sent to)"]
    )
    assert axe_violations(page) == []
    page.fill("#id_subject", "Orals 1: be there at 8:45")
    page.fill("#id_body", "Please meet your chair at 8:45 by the stage.")
    page.get_by_role("button", name="Send").click()

    expect(page.locator(".messagelist li")).to_have_text(
        [
            "Sent to 2: Yuhan Liu, Zhihao Jia.",
            "No e-mail address, not sent to 1: Ana Solo. Add their addresses on their speaker "
            "pages.",
        ]
    )
    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["liu@example.org"], "Orals 1: be there at 8:45"),
        (["jia@example.org"], "Orals 1: be there at 8:45"),
    ]


def test_choosing_another_edition_offers_its_rooms(organiser_page, live_server, edition):
    boston = ConferenceFactory(slug="2025", name="MLSys 2025", timezone="America/New_York")
    RoomFactory(conference=boston, name="Boston Hall")
    page = organiser_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/program/session/add/")
    expect(page.locator("#id_room option")).to_have_text(
        ["---------", "Grand Ballroom 1", "Hall B"]
    )

    page.select_option("#id_conference", label="MLSys 2025")

    page.wait_for_url(f"**/admin/program/session/add/?conference={boston.pk}")
    expect(page.locator("#id_room option")).to_have_text(["---------", "Boston Hall"])
    expect(page.locator(".field-start .help:not(.timezonewarning)")).to_have_text(
        "Conference time (America/New_York): the timezone of the edition chosen above."
    )
