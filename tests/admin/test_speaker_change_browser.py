"""An organiser approving a speaker's change in headless Chromium: from the speaker list's
count to the list of changes waiting, the change's diff, Approve, and the public speaker
page showing the new bio; then rejecting two at once from the list.

Needs /usr/bin/chromium and node_modules/axe-core, like tests/pages/test_browser.py.
"""

import pytest
from playwright.sync_api import expect

from program import speaker_changes, speaker_links
from program.models import Speaker, SpeakerChange, SpeakerLink
from tests.factories import ConferenceFactory, RoomFactory, SpeakerFactory, TalkFactory, local
from tests.pages import test_browser
from tests.pages.test_browser import AXE

browser = test_browser.browser
organiser_page = test_browser.organiser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def waiting_change(edition, room, name, slug, bio, hour):
    speaker = SpeakerFactory(name=name, slug=slug, bio="Before.")
    TalkFactory(
        conference=edition,
        room=room,
        speakers=[speaker],
        start=local("2026-05-18", hour),
        end=local("2026-05-18", hour, 25),
    )
    speaker_links.issue(speaker, edition)
    link = SpeakerLink.objects.select_related("speaker", "conference").get(speaker=speaker)
    speaker_changes.submit(link, values={"bio": bio})


def page_violations(page):
    """axe-core's violations in the page's own content (the diff, and the buttons under it),
    as (rule, [selectors]); Django's own breadcrumbs are not ours to change."""
    page.add_script_tag(path=str(AXE))
    scope = "{include: [['#content-main'], ['#decision']]}"
    results = page.evaluate(f"async () => await axe.run({scope})")
    return [
        (violation["id"], [node["target"] for node in violation["nodes"]])
        for violation in results["violations"]
    ]


@pytest.fixture
def changes():
    edition = ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)
    room = RoomFactory(conference=edition, name="Grand Ballroom 1")
    waiting_change(edition, room, "Yuhan Liu", "yuhan-liu", "Builds KV caches.", 9)
    waiting_change(edition, room, "Ion Stoica", "ion-stoica", "Spam.", 10)
    waiting_change(edition, room, "Ana Klimovic", "ana-klimovic", "Spam too.", 11)


def test_organiser_approves_one_change_and_rejects_two(organiser_page, live_server, changes):
    # axe-core is injected as a script: the admin's CSP would refuse it.
    page = organiser_page(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    page.goto(f"{live_server.url}/admin/program/speaker/")

    page.get_by_role("link", name="Speakers' changes: 3 waiting").click()
    expect(page.locator("h1")).to_have_text("Speakers' changes: 3 waiting")
    page.get_by_role("link", name="Yuhan Liu").click()
    expect(page.locator(".speaker-change-diff td.new")).to_have_text("Builds KV caches.")
    assert page_violations(page) == []
    page.get_by_role("button", name="Approve").click()

    expect(page.locator(".messagelist")).to_have_text("Approved 1 change. It is public now.")
    expect(page.locator("#decision")).to_contain_text("a decision is final")
    page.goto(f"{live_server.url}/2026/speakers/yuhan-liu/")
    expect(page.locator("main")).to_contain_text("Builds KV caches.")

    page.goto(f"{live_server.url}/admin/program/speakerchange/")
    expect(page.locator("h1")).to_have_text("Speakers' changes: 2 waiting")
    page.locator("#action-toggle").check()
    page.select_option("select[name=action]", "reject_selected")
    page.get_by_role("button", name="Go").click()

    expect(page.locator(".messagelist")).to_have_text("Rejected 2 changes.")
    expect(page.locator("h1")).to_have_text("Speakers' changes")
    assert sorted(SpeakerChange.objects.values_list("speaker__name", "status")) == [
        ("Ana Klimovic", "rejected"),
        ("Ion Stoica", "rejected"),
        ("Yuhan Liu", "approved"),
    ]
    assert Speaker.objects.get(slug="ion-stoica").bio == "Before."
