"""A speaker on a phone opens their private link, edits their bio, adds a slides link and
saves: the page says it waits for approval. Headless Chromium, axe-checked, 320 px wide."""

import pytest
from playwright.sync_api import expect

from program import speaker_links
from program.models import Conference, Speaker, SpeakerChange
from tests.pages.test_browser import (
    LMCACHE,
    axe_violations,
    browser,  # noqa: F401
    seed,  # noqa: F401
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def link(seed):  # noqa: F811
    """Yuhan Liu's link for the seed edition."""
    yuhan, edition = Speaker.objects.get(slug="yuhan-liu"), Conference.objects.get(slug="2026")
    return f"/2026/speaker/{speaker_links.issue(yuhan, edition)}/"


def test_speaker_edits_bio_and_adds_slides_on_a_phone(browser, live_server, link):  # noqa: F811
    # The speaker's own timezone differs from the venue's: site.js writes their time beside it.
    context = browser.new_context(
        viewport={"width": 320, "height": 640}, timezone_id="Europe/Berlin", bypass_csp=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}{link}")

    assert page.evaluate("document.documentElement.scrollWidth") == 320
    expect(page.locator(".viewer-time").first).to_have_text("· 6:50–7:15 PM CEST (your time)")
    assert axe_violations(page) == []

    page.get_by_label("Bio").fill("Yuhan Liu builds KV cache layers for LLM serving.")
    talk = page.locator("article.speaker-talk").filter(has_text="LMCache")
    new_row = talk.locator("fieldset.material-row").filter(has_text="Add a link")
    new_row.get_by_label("Kind").select_option("slides")
    new_row.get_by_label("Link").fill("https://slides.example.org/lmcache.pdf")
    page.get_by_role("button", name="Save").click()

    expect(page.locator("#saved-notice")).to_have_text(
        "Saved. Your changes wait for an organiser's approval (listed below)."
    )
    pending = page.locator("section.pending-change")
    expect(pending).to_contain_text("Yuhan Liu builds KV cache layers for LLM serving.")
    expect(pending).to_contain_text("Slides: https://slides.example.org/lmcache.pdf")
    change = SpeakerChange.objects.get()
    assert change.values == {"bio": "Yuhan Liu builds KV cache layers for LLM serving."}
    assert [item["url"] for item in next(iter(change.resources.values()))] == [
        "https://slides.example.org/lmcache.pdf"
    ]
    assert page.evaluate("document.documentElement.scrollWidth") == 320
    assert axe_violations(page) == []
    # A link of the page tells where it came from by the site's origin only: not the token.
    with page.expect_request(f"**/2026/talks/{LMCACHE}/") as opened:
        page.get_by_role("link", name="The talk's public page").click()
    assert opened.value.headers["referer"] == f"{live_server.url}/"
    # The public talk page is as it was until an organiser approves.
    assert page.locator(".materials").count() == 0
    context.close()
