"""The embedded program on another site, in headless Chromium: a host page served from
another origin (http.server on 127.0.0.1, while the live server answers on localhost) frames
``/2026/embed/...`` and includes ``/2026/embed.js``.

Pinned: the program renders in the frame and the frame grows to its content; axe finds
nothing inside it; links open a new tab, or the host page with ``?target=parent``; the
filters work in the frame without JavaScript; no cookie and no storage; a host whose origin
the edition does not list gets the frame refused by the browser.
"""

import http.server
import threading

import pytest

from program.models import Conference, Talk
from tests.pages.test_browser import (  # noqa: F401 (fixtures)
    AXE,
    browser,
    listed_slugs,
    seed,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

HOST_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>MLSys 2026: the program</title></head>
<body>
<main>
<h1>Our conference's own site</h1>
<iframe id="program" src="{frame}" title="MLSys 2026 program" width="100%" height="150"></iframe>
<script src="{script}" async></script>
</main>
</body>
</html>
"""


class HostSite:
    """Another site: a threaded http.server on 127.0.0.1, on a free port, answering each
    path in ``pages`` (path -> HTML)."""

    def __init__(self):
        self.pages = {}
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = site.pages.get(self.path.split("?")[0])
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def frame(self, live_server, embed="program/", path="/"):
        """A host page at ``path`` framing ``/2026/embed/<embed>``: its address."""
        self.pages[path] = HOST_PAGE.format(
            frame=f"{live_server.url}/2026/embed/{embed}", script=f"{live_server.url}/2026/embed.js"
        )
        return f"{self.origin}{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def host():
    site = HostSite()
    yield site
    site.close()


@pytest.fixture
def listed(seed, host):  # noqa: F811
    """The seed edition lets the host site frame it."""
    Conference.objects.filter(slug="2026").update(embed_origins=f"https://mlsys.org\n{host.origin}")
    return host


# Run first in every document, frames included: marks the window whose scripts read
# localStorage or sessionStorage (whether or not the browser then allows it).
STORAGE_SPY = """
for (const name of ["localStorage", "sessionStorage"]) {
  const own = Object.getOwnPropertyDescriptor(window, name)
    || Object.getOwnPropertyDescriptor(Window.prototype, name);
  Object.defineProperty(window, name, {
    configurable: true,
    get() { window.storageTouched = true; return own.get.call(window); },
  });
}
"""


def embedded(page):
    """The frame of the embed, once its document has loaded."""
    handle = page.wait_for_selector("#program")
    frame = handle.content_frame()
    frame.wait_for_load_state()
    return frame


def test_a_listed_host_shows_the_program_sized_to_its_content_and_axe_finds_nothing(
    browser,  # noqa: F811
    live_server,
    listed,
):
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, timezone_id="Europe/Berlin"
    )
    context.add_init_script(STORAGE_SPY)
    page = context.new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text))

    page.goto(listed.frame(live_server))
    frame = embedded(page)

    assert len(listed_slugs(frame)) == 9
    assert frame.locator("h1").inner_text() == "Program"
    assert frame.locator("header, footer, #yearly-menu").count() == 0
    # The viewer's time beside the venue's (static/js/site.js runs in the frame).
    frame.wait_for_selector(".viewer-time")
    # embed.js set the frame's height to the page's, well past the 150 px it started at.
    page.wait_for_function("document.getElementById('program').offsetHeight > 1000")
    content = frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")
    # The frame's viewport is the page's height: nothing scrolls inside the frame.
    assert page.evaluate("document.getElementById('program').clientHeight") == content
    assert frame.evaluate("window.innerHeight") == content
    # Keynotes alone make a shorter page: the frame follows it down.
    frame.get_by_role("checkbox", name="Keynote").check()
    frame.get_by_role("button", name="Show talks").click()
    frame.wait_for_url("**/2026/embed/program/?type=keynote#results")
    shorter = frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")
    assert shorter < content
    page.wait_for_function(f"document.getElementById('program').clientHeight === {shorter}")
    assert page.url == f"{listed.origin}/"
    # Nothing stored: no cookie for any site, and the frame's scripts never even touched
    # the browser's storage (the full page does: its stars).
    assert context.cookies() == []
    assert frame.evaluate("window.storageTouched") is None
    full = context.new_page()
    full.goto(f"{live_server.url}/2026/program/")
    full.wait_for_selector("button[data-star]:not([hidden])")
    assert full.evaluate("window.storageTouched") is True
    full.close()
    assert not [text for text in refused if "Refused" in text]

    # axe, inside the frame: evaluated through the devtools protocol, which the frame's CSP
    # does not govern (an injected <script> would be refused, as it should be).
    frame.evaluate(AXE.read_text())
    results = frame.evaluate("async () => await axe.run(document)")
    assert [
        (rule["id"], [node["target"] for node in rule["nodes"]]) for rule in results["violations"]
    ] == []
    context.close()


def test_links_open_a_new_tab_or_with_target_parent_the_host_page(browser, live_server, listed):  # noqa: F811
    first = (
        Talk.objects.published().filter(conference__slug="2026").order_by("public_start").first()
    )
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()

    page.goto(listed.frame(live_server))
    frame = embedded(page)
    with context.expect_page() as opened:
        frame.locator(f'[data-talk-slug="{first.slug}"] .talk-title a').click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url == f"{live_server.url}/2026/talks/{first.slug}/"
    assert tab.evaluate("window.opener") is None
    assert page.url == f"{listed.origin}/"
    tab.close()

    page.goto(listed.frame(live_server, "program/?target=parent", "/parent"))
    frame = embedded(page)
    frame.locator(f'[data-talk-slug="{first.slug}"] .talk-title a').click()
    page.wait_for_url(f"{live_server.url}/2026/talks/{first.slug}/")
    assert page.locator("h1").inner_text() == first.title
    assert len(context.pages) == 1
    context.close()


def test_the_filters_stay_in_the_frame_without_javascript(browser, live_server, listed):  # noqa: F811
    keynotes = list(
        Talk.objects.published()
        .filter(conference__slug="2026", type__slug="keynote")
        .order_by("public_start")
        .values_list("slug", flat=True)
    )
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()

    page.goto(listed.frame(live_server, "program/?target=parent"))
    frame = embedded(page)
    frame.get_by_text("Type, day, room and speaker").click()
    frame.get_by_role("checkbox", name="Keynote").check()
    frame.get_by_role("button", name="Show talks").click()
    frame.wait_for_url("**/2026/embed/program/?**type=keynote**")

    assert "target=parent" in frame.url
    assert page.url == f"{listed.origin}/"
    assert listed_slugs(frame) == keynotes
    # The link to the timetable stays in the frame and keeps both.
    frame.get_by_role("link", name="View as a timetable").click()
    frame.wait_for_url("**/2026/embed/timetable/?**")
    assert "target=parent" in frame.url
    assert "type=keynote" in frame.url
    assert frame.locator("head base").get_attribute("target") == "_parent"
    assert page.url == f"{listed.origin}/"
    context.close()


def test_an_unlisted_host_gets_the_frame_refused(browser, live_server, seed, host):  # noqa: F811
    # The edition lists only mlsys.org: this host's origin is not among them.
    Conference.objects.filter(slug="2026").update(embed_origins="https://mlsys.org")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    messages = []
    page.on("console", lambda message: messages.append(message.text))

    page.goto(host.frame(live_server))
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)

    assert page.frame_locator("#program").locator("[data-talk-slug]").count() == 0
    (refused,) = page.main_frame.child_frames
    assert refused.url.startswith("chrome-error://"), refused.url
    assert any("frame-ancestors 'self' https://mlsys.org" in text for text in messages), messages
    # Nor does the frame resize anything: the host's frame keeps its own height.
    assert page.evaluate("document.getElementById('program').clientHeight") == 150
    context.close()


def test_a_day_link_scrolls_the_host_page_to_that_day(browser, live_server, listed):  # noqa: F811
    # The frame is as tall as its page, so it cannot scroll itself: a link to a part of it
    # moves the host page, which only embed.js may do, on the frame's word.
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()

    page.goto(listed.frame(live_server))
    frame = embedded(page)
    page.wait_for_function("document.getElementById('program').offsetHeight > 1000")
    assert page.evaluate("window.scrollY") == 0
    frame.get_by_role("link", name="Tue, May 19").click()
    page.wait_for_function("window.scrollY > 0")
    # The day's heading is at the top of the host's viewport: the frame's top (host
    # coordinates) plus the heading's place in the frame (frame coordinates: it does not
    # scroll) is 0, to the pixel.
    heading = frame.locator("#day-2026-05-19")
    top = page.evaluate("document.getElementById('program').getBoundingClientRect().top")
    offset = heading.evaluate("h => h.getBoundingClientRect().top")
    assert abs(top + offset) <= 1
    # The same link again (no hashchange) after scrolling away brings it back.
    page.evaluate("window.scrollTo(0, 0)")
    frame.get_by_role("link", name="Tue, May 19").click()
    page.wait_for_function("window.scrollY > 0")
    top = page.evaluate("document.getElementById('program').getBoundingClientRect().top")
    assert abs(top + offset) <= 1
    context.close()
