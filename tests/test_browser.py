"""A person using the public pages in headless Chromium (Debian's, driven by Playwright).

Needs /usr/bin/chromium and node_modules/axe-core (``make test`` installs it from npm):
skipped with the reason when they are absent, failed instead under CI=true.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from program.models import Talk
from tests.conftest import require
from tests.factories import TalkTypeFactory

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def browser():
    require(CHROMIUM.exists(), f"{CHROMIUM} is absent: apt-get install chromium")
    require(AXE.exists(), f"{AXE} is absent: run `npm ci` (make test does)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the test's own
    # database calls are still synchronous, so Django may allow them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()
    playwright.stop()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def seed():
    """The MLSys 2026 seed edition (its talk types first: transactional tests flush them)."""
    TalkTypeFactory(slug="keynote", name="Keynote")
    TalkTypeFactory(slug="invited-talk", name="Invited Talk")
    call_command("loaddata", "mlsys2026", verbosity=0)


def listed_slugs(page):
    return page.eval_on_selector_all(
        "[data-talk-slug]", "elements => elements.map(e => e.dataset.talkSlug)"
    )


@pytest.mark.parametrize(
    ("width", "javascript"),
    [(1280, True), (375, True), (1280, False)],
    ids=["laptop", "phone", "laptop-without-javascript"],
)
def test_person_filters_by_type_and_opens_a_talk(browser, live_server, seed, width, javascript):
    keynotes = list(
        Talk.objects.published().filter(type__slug="keynote").values_list("slug", flat=True)
    )
    context = browser.new_context(
        viewport={"width": width, "height": 800}, java_script_enabled=javascript
    )
    page = context.new_page()
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Refused" in message.text else None,
    )

    page.goto(f"{live_server.url}/2026/program/")
    assert len(listed_slugs(page)) == 9
    more_filters = page.locator("details.more-filters")
    # Wide screens with JavaScript unfold the filters; otherwise the person unfolds them.
    if more_filters.get_attribute("open") is None:
        assert not (width > 1000 and javascript)
        page.get_by_text("Type, day, room and speaker").click()
    page.get_by_role("checkbox", name="Keynote").check()
    page.get_by_role("button", name="Show talks").click()
    # Without JavaScript the empty fields stay in the address; they filter nothing.
    query = "type=keynote" if javascript else "q=&type=keynote&day=&room=&speaker="
    page.wait_for_url(f"**/2026/program/?{query}")

    assert listed_slugs(page) == keynotes
    assert page.locator("[data-talk-slug] .badge").all_inner_texts() == ["Keynote"] * len(keynotes)
    assert page.get_by_role("checkbox", name="Keynote").is_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    first = keynotes[0]
    page.locator(f'[data-talk-slug="{first}"]').get_by_role(
        "link", name="View full details"
    ).click()
    page.wait_for_url(f"**/2026/talks/{first}/")

    assert page.locator("h1").inner_text() == Talk.objects.get(slug=first).title
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.go_back()
    page.wait_for_url(f"**/2026/program/?{query}")
    assert listed_slugs(page) == keynotes
    assert page.get_by_role("checkbox", name="Keynote").is_checked()
    assert refused == []
    context.close()


def test_narrowest_phone_never_scrolls_sideways(browser, live_server, seed):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()

    widths = {}
    for path in [
        "/2026/program/",
        "/2026/program/?day=2026-13-45",
        "/2026/talks/lmcache-an-efficient-kv-cache-layer-for-enterprise-scale-llm-inference/",
        "/2026/speakers/",
        "/2026/speakers/yuhan-liu/",
        "/2026/no-such-page/",
    ]:
        page.goto(f"{live_server.url}{path}")
        widths[path] = page.evaluate("document.documentElement.scrollWidth")

    assert set(widths.values()) == {320}
    context.close()


def test_skip_links_are_the_first_stops_of_the_keyboard(browser, live_server, seed):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/2026/program/")

    stops = []
    for _ in range(2):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.textContent"))
    page.keyboard.press("Enter")

    assert stops == ["Skip to yearly menu bar", "Skip to main content"]
    assert page.evaluate("document.activeElement.id") == "main"
    context.close()


AXE_PAGES = [
    "/2026/program/",
    "/2026/talks/lmcache-an-efficient-kv-cache-layer-for-enterprise-scale-llm-inference/",
    "/2026/speakers/",
    "/2026/speakers/yuhan-liu/",
]


@pytest.mark.parametrize("path", AXE_PAGES)
@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_violations(browser, live_server, seed, path, width):
    # Injecting axe is an inline script: only this context bypasses the page's CSP for it.
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}{path}")
    page.add_script_tag(path=str(AXE))

    # Every rule axe runs by default, the best practices included.
    results = page.evaluate("async () => await axe.run(document)")

    assert results["testEngine"]["version"].startswith("4.")
    assert "best-practice" in {tag for rule in results["passes"] for tag in rule["tags"]}
    violations = [
        (violation["id"], [node["target"] for node in violation["nodes"]])
        for violation in results["violations"]
    ]
    assert violations == []
    context.close()
