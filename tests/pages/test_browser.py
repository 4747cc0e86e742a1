"""A person using the public pages in headless Chromium (Debian's, driven by Playwright).

Needs /usr/bin/chromium and node_modules/axe-core (``make test`` installs it from npm):
skipped with the reason when they are absent, failed instead under CI=true.
"""

import datetime as dt
import io
import os
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from program.models import Conference, Resource, Speaker, Talk, Track
from program.photos import prepare_photo, set_photo
from program.times import time_range
from tests.conftest import require
from tests.factories import ConferenceFactory, RoomFactory, TalkTypeFactory

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parent.parent.parent / "node_modules" / "axe-core" / "axe.min.js"
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


class WorkersAskedFor:
    """Chromium whose contexts and pages block service workers unless a test asks for them
    (``service_workers="allow"``: tests/pages/test_browser_offline.py).

    The offline worker fills its copy in the background after the first page, several pages
    at a time; on SQLite the live server's threads share the test's one in-memory connection,
    and those concurrent fills hung the tests that never look at the worker.
    """

    def __init__(self, chromium):
        self.chromium = chromium

    def new_context(self, **options):
        options.setdefault("service_workers", "block")
        return self.chromium.new_context(**options)

    def new_page(self, **options):
        options.setdefault("service_workers", "block")
        return self.chromium.new_page(**options)

    def __getattr__(self, name):
        return getattr(self.chromium, name)


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
    yield WorkersAskedFor(chromium)
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


LMCACHE = "lmcache-an-efficient-kv-cache-layer-for-enterprise-scale-llm-inference"


def portrait_photo():
    """A drawn head-and-shoulders figure (no real person's face), as an upload."""
    image = Image.new("RGB", (900, 1100), (214, 226, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse((250, 760, 650, 1300), fill=(29, 78, 216))
    draw.ellipse((300, 250, 600, 620), fill=(224, 172, 140))
    draw.ellipse((290, 210, 610, 420), fill=(60, 42, 33))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="portrait.jpg")


@pytest.fixture
def materials(seed, media_urls):
    """The seed edition with add_materials(), photos served as `make serve` serves them."""
    add_materials()


def add_materials():
    """Slides, a recording, a paper and code for the LMCache talk, and Yuhan Liu's photo
    (docs/screenshots.py shows them too)."""
    talk = Talk.objects.get(slug=LMCACHE)
    for position, (kind, url, title) in enumerate(
        [
            ("slides", "https://slides.example.org/lmcache.pdf", ""),
            ("video", "https://video.example.org/mlsys-2026/lmcache", "Recording"),
            ("paper", "https://papers.example.org/lmcache", "LMCache paper"),
            ("code", "https://code.example.org/lmcache/lmcache", ""),
        ]
    ):
        Resource.objects.create(talk=talk, kind=kind, url=url, title=title, position=position)
    set_photo(speaker=Speaker.objects.get(slug="yuhan-liu"), photo=prepare_photo(portrait_photo()))


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
    page.wait_for_url(f"**/2026/program/?{query}#results")

    assert listed_slugs(page) == keynotes
    assert page.locator("[data-talk-slug] .badge").all_inner_texts() == ["Keynote"] * len(keynotes)
    assert page.get_by_role("checkbox", name="Keynote").is_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    first = keynotes[0]
    # The row's one link to the talk is its title, which covers the row: a click on "View
    # full details" (or anywhere else on the row) lands on it.
    cue = page.locator(f'[data-talk-slug="{first}"] .details-link')
    cue.scroll_into_view_if_needed()
    box = cue.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(f"**/2026/talks/{first}/")

    assert page.locator("h1").inner_text() == Talk.objects.get(slug=first).title
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.go_back()
    page.wait_for_url(f"**/2026/program/?{query}#results")
    assert listed_slugs(page) == keynotes
    assert page.get_by_role("checkbox", name="Keynote").is_checked()
    assert refused == []
    context.close()


IN_VIEW = """selector => {
    const box = document.querySelector(selector).getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
}"""
TOP = "selector => document.querySelector(selector).getBoundingClientRect().top"


def wait_until_scrolled(page):
    """Wait for the scrolling to a fragment to end (it is smooth unless motion is reduced).

    Polled from here: with JavaScript turned off the page runs no callback of its own.
    """
    page.wait_for_timeout(300)
    last = None
    for _ in range(50):
        position = page.evaluate("window.scrollY")
        if position == last:
            return
        last = position
        page.wait_for_timeout(100)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "without-javascript"])
def test_phone_filtering_lands_on_the_results_and_their_count(
    browser, live_server, seed, javascript
):
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, java_script_enabled=javascript
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/2026/program/")
    page.get_by_text("Type, day, room and speaker").click()
    page.get_by_role("checkbox", name="Keynote").check()

    page.get_by_role("button", name="Show talks").click()
    page.wait_for_url("**#results")

    # The filter panel stays open above, out of the way: the count and the first talk show.
    wait_until_scrolled(page)
    assert 0 <= page.evaluate(TOP, "#results") < 50
    assert page.evaluate(IN_VIEW, "[data-talk-slug] h3")
    assert page.locator("details.more-filters").get_attribute("open") is not None
    keynotes = Talk.objects.filter(type__slug="keynote").count()
    assert page.locator("#results").inner_text() == f"Showing {keynotes} of 9 talks"
    if javascript:
        # Focus on the count: a screen reader reads it, and the next Tab goes on from there.
        assert page.evaluate("document.activeElement.id") == "results"
    context.close()


def test_phone_filter_errors_come_into_view_too(browser, live_server, seed):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/2026/program/")
    page.get_by_label("Search").fill("x" * 200)
    page.get_by_label("Search").evaluate("field => field.value += 'y'")  # past maxlength

    page.get_by_role("button", name="Show talks").click()
    page.wait_for_url("**#results")

    wait_until_scrolled(page)
    assert page.evaluate(IN_VIEW, ".error-summary")
    assert page.locator("#results").inner_text() == "These filters could not be applied"
    assert page.evaluate("document.activeElement.id") == "results"
    context.close()


def test_cancelled_talk_strikes_only_its_title(browser, live_server, seed):
    slug = "lmcache-an-efficient-kv-cache-layer-for-enterprise-scale-llm-inference"
    Talk.objects.filter(slug=slug).update(status=Talk.Status.CANCELLED)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/2026/program/")
    row = f'[data-talk-slug="{slug}"]'

    def struck(selector):
        return page.eval_on_selector(
            selector, "element => getComputedStyle(element).textDecorationLine"
        )

    assert struck(f"{row} .talk-title") == "line-through"
    assert page.locator(f"{row} .cancelled-label").inner_text() == "CANCELLED"
    assert struck(f"{row} .excerpt") == "none"
    assert struck(f"{row} .details-link") == "underline"
    assert struck(f"{row} time") == "none"

    page.locator(row).get_by_role("link").first.click()
    page.wait_for_url(f"**/2026/talks/{slug}/")
    assert page.get_by_role("link", name="Add to calendar").count() == 0
    assert page.locator(".notice:visible").inner_text().startswith("This talk has been cancelled.")
    context.close()


def test_subscribe_offers_webcal_and_copies_the_address(browser, live_server, seed):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto(f"{live_server.url}/2026/program/?type=keynote")
    address = f"{live_server.url}/2026/program.ics?type=keynote"

    page.get_by_text("Subscribe to this view").click()
    subscribe = page.get_by_role("link", name="Subscribe in my calendar app")
    assert subscribe.get_attribute("href") == address.replace("http://", "webcal://")
    assert page.get_by_label("Or add this address to your calendar").input_value() == address
    page.get_by_role("button", name="Copy").click()

    expect(page.locator("button[data-copy='subscribe-address']")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == address
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
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


@pytest.fixture
def organiser_page(browser, live_server, django_user_model):
    """A factory of pages logged in to the admin as an organiser (a staff superuser)."""
    django_user_model.objects.create_superuser("organiser", password="organiser-password")
    contexts = []

    def open_page(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "organiser")
        page.fill("#id_password", "organiser-password")
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_admin_talk_list_fits_a_laptop_screen_status_first(organiser_page, live_server, seed):
    call_command("generate_program", conference="2025", talks=40, rooms=3, verbosity=0)
    page = organiser_page(viewport={"width": 1280, "height": 800})

    page.goto(f"{live_server.url}/admin/program/talk/")

    columns = page.locator("#result_list thead th[class*=column-]").evaluate_all(
        "headers => headers.map(header => header.className.match(/column-(\\w+)/)[1])"
    )
    assert columns == [
        "title",
        "status",
        "edition",
        "when",
        "room",
        "type",
        "track",
        "speaker_names",
    ]
    results = page.locator(".results")
    assert results.evaluate("element => element.scrollWidth <= element.clientWidth")
    status = page.locator("#result_list thead th.column-status").bounding_box()
    assert status["x"] + status["width"] <= 1280
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_admin_times_carry_only_the_conference_timezone_note(organiser_page, live_server, seed):
    # An organiser travelling in Berlin, nine hours ahead of Bellevue.
    page = organiser_page(viewport={"width": 1280, "height": 900}, timezone_id="Europe/Berlin")

    page.goto(f"{live_server.url}/admin/program/talk/add/")
    page.wait_for_load_state("load")  # Django's date and time shortcuts start on load

    # Django's note is there, comparing the browser's clock with "server time": not shown.
    assert page.locator(".timezonewarning").count() == 2
    visible_help = [
        text for text in page.locator(".help:visible").all_inner_texts() if "time" in text
    ]
    assert visible_help == [
        "Conference time (America/Los_Angeles): the timezone of the edition chosen above.",
        "Conference time (America/Los_Angeles); after the start.",
    ]
    assert page.get_by_text("server time").filter(visible=True).count() == 0
    page.goto(f"{live_server.url}/admin/program/conference/add/")
    page.wait_for_load_state("load")
    assert page.get_by_text("server time").filter(visible=True).count() == 0


STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def refusals(page):
    """The browser's console messages refusing something under the page's policy."""
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Refused" in message.text else None,
    )
    return refused


def test_api_docs_work_under_the_sites_content_security_policy(browser, live_server, seed):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    refused = refusals(page)

    response = page.goto(f"{live_server.url}/api/docs/")

    assert response.headers["content-security-policy"] == STRICT_CSP
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert page.title() == "API documentation · Conference program"
    assert page.evaluate("document.documentElement.lang") == "en"
    assert "/api/v1/talks/" in page.locator(".opblock-summary-path").all_inner_texts()
    assert refused == []
    context.close()


def test_admin_works_under_the_sites_content_security_policy(organiser_page, live_server, seed):
    page = organiser_page(viewport={"width": 1280, "height": 900})
    refused = refusals(page)
    talk = Talk.objects.get(slug__startswith="lmcache-")

    for path in [
        "/admin/",
        "/admin/program/talk/",
        f"/admin/program/talk/{talk.pk}/change/",
        "/admin/program/talk/add/",
        "/admin/program/conference/add/",
        "/admin/program/speaker/add/",
        "/admin/program/track/add/",
        "/admin/program/talk/import/",
        f"/admin/program/talk/{talk.pk}/move/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        assert response.headers["content-security-policy"] == STRICT_CSP
    # The admin's scripts run: the slug follows the name as it is typed.
    page.goto(f"{live_server.url}/admin/program/track/add/")
    page.wait_for_load_state("load")
    page.locator("#id_name").press_sequentially("Systems Track")
    assert page.input_value("#id_slug") == "systems-track"
    assert refused == []


def test_add_talk_offers_the_rooms_of_the_edition_chosen_in_it(organiser_page, live_server, seed):
    older = ConferenceFactory(slug="2025", name="MLSys 2025", start_date=dt.date(2025, 5, 12))
    RoomFactory(conference=older, name="Old Hall")
    page = organiser_page(viewport={"width": 1280, "height": 900})
    refused = refusals(page)
    page.goto(f"{live_server.url}/admin/program/talk/add/")
    page.wait_for_load_state("load")
    rooms = "#id_room option:not([value=''])"
    assert "Old Hall" not in page.locator(rooms).all_inner_texts()

    page.select_option("#id_conference", label="MLSys 2025")
    page.wait_for_url(f"**/admin/program/talk/add/?conference={older.pk}")
    page.wait_for_load_state("load")

    assert page.locator(rooms).all_inner_texts() == ["Old Hall"]
    assert page.locator("#id_conference option:checked").inner_text() == "MLSys 2025"
    assert refused == []


def test_move_to_places_a_talk_from_its_page(organiser_page, live_server, seed):
    talk = Talk.objects.select_related("conference", "room").get(slug__startswith="lmcache-")
    room = RoomFactory(conference=talk.conference, name="Hall B")
    length = talk.end - talk.start
    page = organiser_page(viewport={"width": 1280, "height": 900})
    refused = refusals(page)
    page.goto(f"{live_server.url}/admin/program/talk/{talk.pk}/change/")

    page.get_by_role("link", name="Move to…").click()
    page.wait_for_url(f"**/admin/program/talk/{talk.pk}/move/")
    page.get_by_label("Day").select_option("2026-05-20")
    page.get_by_label("Start").fill("16:30")
    page.get_by_label("Room").select_option(str(room.pk))
    with page.expect_response(lambda answer: answer.request.method == "POST") as posted:
        page.get_by_role("button", name="Move").click()

    assert posted.value.status == 302
    assert posted.value.headers["location"] == (
        f"/admin/program/conference/{talk.conference_id}/schedule/?day=2026-05-20#talk-{talk.pk}"
    )
    talk.refresh_from_db()
    assert (talk.local_start.strftime("%Y-%m-%d %H:%M"), talk.room, talk.end - talk.start) == (
        "2026-05-20 16:30",
        room,
        length,
    )
    assert refused == []


@pytest.fixture
def timetable_edition(seed):
    """A generated day of three rooms with tracks, plus what real programs hold: a clash the
    organisers have not solved, a pale track colour, a break for everyone, a cancelled talk."""
    call_command(
        "generate_program", conference="2030", talks=45, rooms=3, days=1, seed=2, verbosity=0
    )
    conference = Conference.objects.get(slug="2030")
    talks = Talk.objects.filter(conference=conference).order_by("start", "room__position")
    first = talks.filter(room__position=1).first()
    pale = Track.objects.create(conference=conference, slug="posters", name="Posters",
                                colour="#fde68a")  # fmt: skip
    clash = Talk.objects.create(
        conference=conference,
        slug="unsolved-clash",
        title="An unsolved clash",
        type=first.type,
        room=first.room,
        track=pale,
        start=first.start,
        end=first.end + dt.timedelta(minutes=10),
        status=Talk.Status.PUBLISHED,
    )
    clash.speaker_links.create(speaker=first.ordered_speakers[0], position=0)
    last_end = max(talk.end for talk in talks)
    Talk.objects.create(
        conference=conference,
        slug="farewell-drinks",
        title="Farewell drinks",
        type=TalkTypeFactory(slug="break", name="Break"),
        room=first.room,
        start=last_end,
        end=last_end + dt.timedelta(minutes=30),
        status=Talk.Status.PUBLISHED,
    )
    Talk.objects.filter(pk=talks.filter(room__position=2)[3].pk).update(
        status=Talk.Status.CANCELLED
    )
    return conference


TIMETABLE_2030 = "/2030/timetable/?day=2030-05-20"
AXE_PAGES = [
    "/2026/program/",
    "/2026/talks/lmcache-an-efficient-kv-cache-layer-for-enterprise-scale-llm-inference/",
    "/2026/speakers/",
    "/2026/speakers/yuhan-liu/",
    "/2026/no-such-page/",
    "/2026/timetable/",
    TIMETABLE_2030,
    "/2030/program/",
]


def axe_violations(page):
    """axe-core's violations on the page as it is now: (rule, [element selectors])."""
    page.add_script_tag(path=str(AXE))
    # Every rule axe runs by default, the best practices included.
    results = page.evaluate("async () => await axe.run(document)")
    assert results["testEngine"]["version"].startswith("4.")
    assert "best-practice" in {tag for rule in results["passes"] for tag in rule["tags"]}
    return [
        (violation["id"], [node["target"] for node in violation["nodes"]])
        for violation in results["violations"]
    ]


@pytest.mark.parametrize("path", AXE_PAGES)
@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_violations(browser, live_server, materials, timetable_edition, path, width):
    # Injecting axe is an inline script: only this context bypasses the page's CSP for it.
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}{path}")

    assert axe_violations(page) == []
    context.close()


def test_axe_finds_no_violations_in_the_open_subscribe_panel(browser, live_server, seed):
    context = browser.new_context(viewport={"width": 375, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/2026/program/?type=keynote#results")
    page.get_by_text("Subscribe to this view").click()
    page.get_by_role("button", name="Copy").click()

    assert axe_violations(page) == []
    context.close()


@pytest.mark.parametrize(
    "path", [f"/2026/talks/{LMCACHE}/", "/2026/speakers/", "/2026/speakers/yuhan-liu/"]
)
def test_photos_load_and_placeholders_hold_initials(browser, live_server, materials, path):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}{path}")

    # Lazy images load once scrolled to; then none may be broken.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    images = page.eval_on_selector_all(
        "img.speaker-photo",
        "images => images.map(i => [i.alt, i.complete && i.naturalWidth > 0, i.currentSrc])",
    )
    initials = page.eval_on_selector_all(
        ".speaker-photo.is-placeholder",
        "spans => spans.map(s => getComputedStyle(s, '::before').content)",
    )

    assert [(alt, loaded) for alt, loaded, _ in images] == [("Yuhan Liu", True)]
    assert "/media/speakers/" in images[0][2]
    assert all(content.strip('"').isupper() for content in initials)


# ---------------------------------------------------------------------------- timetable


def timetable_cells(conference):
    """(slug, time label, room) of the day's public talks, as the cells should announce them."""
    talks = Talk.objects.published().filter(conference=conference).select_related("public_room")
    return {
        talk.slug: (time_range(talk.local_start, talk.local_end), talk.room.name) for talk in talks
    }


@pytest.mark.parametrize("width", [375, 320])
def test_phone_scrolls_rooms_inside_the_timetable_with_the_time_column_in_view(
    browser, live_server, timetable_edition, width
):
    context = browser.new_context(viewport={"width": width, "height": 700})
    page = context.new_page()
    page.goto(f"{live_server.url}{TIMETABLE_2030}")
    scroller = page.locator(".timetable-scroller")

    page_width = page.evaluate("document.documentElement.scrollWidth")
    sizes = scroller.evaluate("element => [element.scrollWidth, element.clientWidth]")
    scroller.evaluate("element => { element.scrollLeft = element.scrollWidth; }")
    time_header = page.locator("table.timetable tbody th").first.bounding_box()
    last_room = page.get_by_role("columnheader", name="Evergreen 1").bounding_box()
    frame = scroller.bounding_box()

    assert page_width == width  # the page itself never scrolls sideways
    assert sizes[0] > sizes[1]  # the rooms do, inside the timetable
    assert time_header["x"] == pytest.approx(frame["x"] + 1, abs=1)  # the time stays in view
    assert frame["x"] <= last_room["x"]
    assert last_room["x"] + last_room["width"] <= width
    context.close()


def test_screen_readers_hear_each_talk_with_its_time_and_room(
    browser, live_server, timetable_edition
):
    # In the venue's timezone: elsewhere the viewer's time follows the venue's (site.js).
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, timezone_id="America/Los_Angeles"
    )
    page = context.new_page()
    page.goto(f"{live_server.url}{TIMETABLE_2030}")
    expected = timetable_cells(timetable_edition)

    cells = page.locator("table.timetable td[data-talk-slug]")

    assert {cell.get_attribute("data-talk-slug") for cell in cells.all()} == set(expected)
    for slug, (when, room) in expected.items():
        # Each cell's accessible name starts with its time and room (the room is hidden text).
        expect(page.locator(f'td[data-talk-slug="{slug}"]')).to_have_accessible_name(
            re.compile(rf"^{re.escape(when)} ?, {re.escape(room)} ")
        )
    assert page.get_by_role("columnheader", name="Regency 1").count() == 1
    assert page.get_by_role("rowheader", name="9:00 AM").count() == 1
    context.close()


def test_keyboard_reaches_every_talk_in_time_order(browser, live_server, timetable_edition):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}{TIMETABLE_2030}")
    starts = dict(
        Talk.objects.published()
        .filter(conference=timetable_edition)
        .values_list("slug", "public_start")
    )

    page.locator(".timetable-scroller").focus()
    reached = []
    while True:
        page.keyboard.press("Tab")
        slug = page.evaluate(
            "document.activeElement.closest('[data-talk-slug]')?.dataset.talkSlug ?? null"
        )
        if slug is None:
            break
        if not reached or reached[-1] != slug:  # a talk's title, then its star
            reached.append(slug)

    assert sorted(reached) == sorted(starts)
    assert [starts[slug] for slug in reached] == sorted(starts[slug] for slug in reached)
    context.close()


def test_stars_of_the_agenda_show_on_the_timetable(browser, live_server, timetable_edition):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    first, second = (
        Talk.objects.published()
        .filter(conference=timetable_edition)
        .order_by("public_start", "public_room__position")
        .values_list("slug", flat=True)[:2]
    )
    page.goto(f"{live_server.url}/2030/program/")
    page.locator(f'[data-talk-slug="{first}"] button[data-star]').click()

    page.goto(f"{live_server.url}{TIMETABLE_2030}")
    stars = page.locator("table.timetable button[data-star]")
    pressed = page.locator("table.timetable button[data-star][aria-pressed='true']")

    # Starred on the program, starred on the timetable; every talk has its star there.
    assert stars.count() == page.locator("table.timetable td[data-talk-slug]").count()
    assert pressed.evaluate_all("buttons => buttons.map(b => b.dataset.star)") == [first]
    assert "is-starred" in page.locator(f'td[data-talk-slug="{first}"]').get_attribute("class")
    page.locator(f'td[data-talk-slug="{second}"] button[data-star]').click()
    page.locator(f'td[data-talk-slug="{first}"] button[data-star]').click()
    page.goto(f"{live_server.url}/2030/program/")
    assert page.locator("button[data-star][aria-pressed='true']").evaluate_all(
        "buttons => buttons.map(b => b.dataset.star)"
    ) == [second]
    context.close()


def test_a_line_marks_the_current_time_while_the_day_runs(browser, live_server, timetable_edition):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.clock.set_fixed_time(dt.datetime.fromisoformat("2030-05-20T10:12:00-07:00"))
    page.goto(f"{live_server.url}{TIMETABLE_2030}")
    line = page.locator(".now-line")

    row = page.locator("table.timetable tbody tr:has(th#t-610)").bounding_box()
    top = line.bounding_box()["y"]

    assert line.is_visible()
    assert line.get_attribute("aria-hidden") == "true"
    # 10:12 is two fifths into the row of 10:10.
    assert top == pytest.approx(row["y"] + 0.4 * row["height"], abs=2)
    page.goto(f"{live_server.url}/2026/timetable/")  # another day: no line
    assert page.locator(".now-line").is_hidden()
    context.close()


def test_the_line_crosses_a_stretch_with_no_talk_in_its_one_row(
    browser, live_server, timetable_edition
):
    farewell = Talk.objects.get(slug="farewell-drinks")
    party_start = farewell.end + dt.timedelta(hours=4)
    Talk.objects.create(
        conference=timetable_edition,
        slug="night-party",
        title="Night party",
        type=farewell.type,
        room=farewell.room,
        start=party_start,
        end=party_start + dt.timedelta(hours=1),
        status=Talk.Status.PUBLISHED,
    )
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    # A quarter of the way through the four empty hours.
    page.clock.set_fixed_time(farewell.end + dt.timedelta(hours=1))
    page.goto(f"{live_server.url}{TIMETABLE_2030}")

    idle = page.locator("table.timetable tbody tr.idle")
    until = party_start.astimezone(timetable_edition.tzinfo)
    assert idle.locator("td").inner_text() == f"No talks until {until:%-I:%M %p}"
    row = idle.bounding_box()
    assert row["height"] == pytest.approx(40, abs=2)  # one short row, not four hours of them
    assert page.locator(".now-line").bounding_box()["y"] == pytest.approx(
        row["y"] + 0.25 * row["height"], abs=2
    )
    context.close()


def test_timetable_prints_on_landscape_pages_without_the_filters(
    browser, live_server, timetable_edition
):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}{TIMETABLE_2030}")

    pdf = page.pdf(prefer_css_page_size=True)
    page.emulate_media(media="print")

    width, height = map(float, re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups())
    assert width > height  # A4 landscape: 842 by 595 points
    assert page.locator("form.filters").is_hidden()
    assert page.locator("table.timetable").is_visible()
    table = page.locator("table.timetable").bounding_box()
    assert table["width"] <= page.evaluate("document.documentElement.clientWidth")
    context.close()
