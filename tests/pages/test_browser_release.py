"""An organiser releasing MLSys 2026's held changes in headless Chromium: from the edition's
admin page to its Release page, which works under the site's Content-Security-Policy and
passes axe, to the public program showing the release.

Needs /usr/bin/chromium and node_modules/axe-core, as tests/pages/test_browser.py.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db.models import F
from playwright.sync_api import expect

from program.models import Conference, Talk
from tests.pages.test_browser import (  # noqa: F401 (fixtures)
    LMCACHE,
    STRICT_CSP,
    axe_violations,
    browser,
    organiser_page,
    refusals,
    seed,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def held(seed):  # noqa: F811
    """The seed edition holding changes, LMCache moved a day later (held)."""
    edition = Conference.objects.get(slug="2026")
    edition.holds_changes = True
    edition.save()
    Talk.objects.filter(slug=LMCACHE).update(
        start=F("start") + dt.timedelta(days=1), end=F("end") + dt.timedelta(days=1)
    )
    return edition


def test_an_organiser_releases_a_held_move_from_the_editions_page(
    organiser_page,  # noqa: F811
    live_server,
    held,
):
    page = organiser_page(viewport={"width": 1280, "height": 900})
    refused = refusals(page)
    page.goto(f"{live_server.url}/admin/program/conference/{held.pk}/change/")
    expect(page.locator(".field-releases")).to_contain_text("1 change waits for release.")

    page.get_by_role("link", name="Release page").click()
    page.wait_for_url("**/release/")
    expect(page.locator("h1")).to_have_text("Release the changes of MLSys 2026")
    expect(page.locator(".release-changes li")).to_have_text(
        [
            "LMCache: An Efficient KV Cache Layer for Enterprise-Scale LLM Inference: from "
            "Monday, May 18, 9:50–10:15 AM PDT in Grand Ballroom 1 to Tuesday, May 19, "
            "9:50–10:15 AM PDT in Grand Ballroom 1"
        ]
    )
    page.fill("#id_name", "Final")
    page.get_by_role("button", name="Release").click()

    expect(page.locator(".messagelist .success")).to_have_text(
        "Release 2, “Final”, is public: 1 change."
    )
    assert refused == []
    public = page.context.new_page()
    public.goto(f"{live_server.url}/2026/talks/{LMCACHE}/")
    expect(public.locator("main")).to_contain_text("Tuesday, May 19")


def test_the_release_page_sends_the_sites_policy_and_passes_axe(
    browser,  # noqa: F811
    live_server,
    held,
):
    User.objects.create_superuser("checker", password="checker-password")
    # Injecting axe is an inline script: only this context bypasses the page's CSP for it.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "checker")
    page.fill("#id_password", "checker-password")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    response = page.goto(f"{live_server.url}/admin/program/conference/{held.pk}/release/")

    assert response.headers["content-security-policy"] == STRICT_CSP
    assert axe_violations(page) == []
    context.close()
