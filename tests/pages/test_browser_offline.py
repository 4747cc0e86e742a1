"""An attendee in a hall whose Wi-Fi fails: one visit online, then the program, a talk, a
speaker, every timetable day and their agenda with no network, each saying it is a copy and
from when; the network back, fresh pages again. In headless Chromium, whose service workers
run on http://127.0.0.1 (templates/offline/sw.js).

Needs /usr/bin/chromium and node_modules/axe-core, like tests/pages/test_browser.py.
"""

import contextlib
import datetime as dt
import json
import time
import zoneinfo

import pytest
from django.db import connection
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from program.models import Speaker
from program.photos import prepare_photo, set_photo
from tests.pages.test_browser import (  # noqa: F401
    AXE,
    LMCACHE,
    axe_violations,
    browser,
    portrait_photo,
    seed,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The worker fills its copy several pages at a time. On SQLite the live server's threads
    # share the test's one in-memory connection, and those concurrent requests can hang it;
    # on PostgreSQL each thread has its own connection (.ci/run's second leg runs these).
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="the worker's concurrent fill needs a connection per live-server thread "
        "(PostgreSQL); SQLite's in-memory test database shares one",
    ),
]

TIMETABLE_DAYS = ["2026-05-18", "2026-05-19", "2026-05-20", "2026-05-21", "2026-05-22"]
ZONE = "Europe/Berlin"


@pytest.fixture
def photo(seed, media_urls):  # noqa: F811
    """Yuhan Liu's drawn photo, served as `make serve` serves it."""
    set_photo(speaker=Speaker.objects.get(slug="yuhan-liu"), photo=prepare_photo(portrait_photo()))


def worker_of(context):
    deadline = time.monotonic() + 10
    while not context.service_workers:
        assert time.monotonic() < deadline, "no service worker started"
        time.sleep(0.05)
    return context.service_workers[0]


def wait_for(worker, expression, seconds=20):
    deadline = time.monotonic() + seconds
    while not worker.evaluate(expression):
        assert time.monotonic() < deadline, f"never true in the worker: {expression}"
        time.sleep(0.1)


def filled(context):
    """The worker, once its first fill is done (and the agenda it was told of kept)."""
    worker = worker_of(context)
    wait_for(worker, "self.offlineState.filledAt !== null && !filling")
    return worker


def kept_agendas(worker):
    return worker.evaluate(
        "caches.open('offline-agenda:2026').then(c => c.keys())"
        ".then(keys => keys.map(k => new URL(k.url).pathname + new URL(k.url).search))"
    )


def notice(page):
    return page.locator("#offline-notice")


def expect_copy(page, heading):
    """The page is the worker's copy: its heading, and the notice with the copy's time in the
    viewer's timezone, as the viewer's language writes a time (en-GB: 24 hours, "0:48")."""
    expect(page.locator("h1")).to_have_text(heading)
    expect(notice(page)).to_be_visible()
    taken = dt.datetime.fromisoformat(
        notice(page).locator("time").get_attribute("datetime").replace("Z", "+00:00")
    ).astimezone(zoneinfo.ZoneInfo(ZONE))
    expect(notice(page)).to_have_text(f"Offline copy from {taken.hour}:{taken.minute:02}")


def test_after_one_visit_the_edition_opens_offline_saying_it_is_a_copy(browser, live_server, photo):  # noqa: F811
    # A phone screen (3 device pixels per CSS pixel): the speaker page asks for the 640 photo.
    # bypass_csp only for injecting axe (the next test registers the worker under the CSP).
    context = browser.new_context(
        service_workers="allow",
        locale="en-GB",
        timezone_id=ZONE,
        device_scale_factor=3,
        bypass_csp=True,
    )
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/2026/program/")
    # A fresh page: the notice is there, hidden.
    expect(notice(page)).to_be_hidden()
    page.locator(f'[data-talk-slug="{LMCACHE}"] button[data-star]').click()
    worker = filled(context)
    wait_for(worker, "caches.open('offline-agenda:2026').then(c => c.keys()).then(k => k.length)")
    (agenda_url,) = kept_agendas(worker)
    assert agenda_url.startswith("/2026/agenda/?talks=")
    # The agenda was fetched in the background; its link on the page is the same.
    assert page.locator("[data-agenda-link]").get_attribute("href") == agenda_url

    context.set_offline(True)

    page.goto(f"{base}/2026/program/")
    expect_copy(page, "Program")
    assert page.locator(f'[data-talk-slug="{LMCACHE}"]').count() == 1
    page.goto(f"{base}/2026/talks/{LMCACHE}/")
    expect_copy(page, "LMCache: An Efficient KV Cache Layer for Enterprise-Scale LLM Inference")
    assert axe_violations(page) == []
    # The photo, at the size kept (its smallest), though the page asks for a larger one too.
    photo = page.locator("img.speaker-photo").first
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")
    page.goto(f"{base}/2026/speakers/yuhan-liu/")
    expect_copy(page, "Yuhan Liu")
    # The large photo asks for a larger size than kept: the kept one answers for it.
    large = page.locator("main img.speaker-photo")
    assert large.evaluate("img => img.complete && img.naturalWidth > 0")
    assert not large.evaluate("img => img.currentSrc").endswith("-160.jpg")
    for day in TIMETABLE_DAYS:
        page.goto(f"{base}/2026/timetable/?day={day}")
        expect(notice(page)).to_be_visible()
        assert page.locator("[data-talk-slug]").count() >= 1
    # The agenda of this browser's stars, by the header's link.
    page.locator("[data-agenda-link]").click()
    page.wait_for_url(f"**{agenda_url}")
    expect_copy(page, "My agenda")
    assert page.eval_on_selector_all(
        "[data-talk-slug]", "talks => talks.map(t => t.dataset.talkSlug)"
    ) == [LMCACHE]
    # The entry addresses lead to the edition's copy too (the installed app opens /current/).
    page.goto(f"{base}/current/")
    page.wait_for_url(f"{base}/2026/program/")
    expect_copy(page, "Program")
    # The page works as it does online: the styles of the copy apply.
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
        != "rgba(0, 0, 0, 0)"
    )

    # A page not kept (a filter) says so; a star changed offline is not a wrong agenda.
    page.goto(f"{base}/2026/program/?type=keynote")
    expect(page.locator("h1")).to_have_text("Not kept offline")
    expect(page.locator("#offline-agenda-changed")).to_be_hidden()
    page.goto(f"{base}/2026/talks/when-ai-starts-writing-systems-code/")
    page.locator("button[data-star]").click()
    page.locator("[data-agenda-link]").click()
    expect(page.locator("h1")).to_have_text("Not kept offline")
    expect(page.locator("#offline-agenda-changed")).to_be_visible()
    assert axe_violations(page) == []
    assert kept_agendas(worker) == [agenda_url]

    context.set_offline(False)
    page.goto(f"{base}/2026/talks/{LMCACHE}/")
    # Fresh again: the notice stays hidden.
    expect(page.locator("h1")).to_have_text(
        "LMCache: An Efficient KV Cache Layer for Enterprise-Scale LLM Inference"
    )
    expect(notice(page)).to_be_hidden()
    page.goto(f"{base}/2026/program/")
    expect(notice(page)).to_be_hidden()
    # Back online, the changed stars' agenda is fetched and kept in place of the old one.
    wait_for(
        worker,
        f"caches.open('offline-agenda:2026').then(c => c.keys())"
        f".then(k => k.length === 1 && !k[0].url.endsWith({json.dumps(agenda_url)}))",
    )
    context.close()


def test_worker_leaves_the_admin_and_the_api_to_the_network(browser, live_server, seed):  # noqa: F811
    context = browser.new_context(service_workers="allow")
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/2026/program/")
    filled(context)
    page.goto(f"{base}/api/v1/talks/?conference=2026")
    page.goto(f"{base}/admin/login/")
    assert page.evaluate("navigator.serviceWorker.controller !== null")

    context.set_offline(True)

    # Neither was kept nor is answered by the worker: offline, they fail as without it.
    for path in ("/admin/login/", "/2026/schedule.xml"):
        # Chromium's error page, or the navigation cut short by it.
        with pytest.raises(Exception, match=r"ERR_INTERNET_DISCONNECTED|chrome-error://"):
            page.goto(f"{base}{path}")
    # The API's answers are public for a while (max-age): the browser's own HTTP cache may
    # answer one offline (or not: Chromium's choice), as it would without a worker; the
    # worker never does.
    answers = []
    with contextlib.suppress(PlaywrightError):  # offline, with no copy in the HTTP cache
        answers.append(page.goto(f"{base}/api/v1/talks/?conference=2026"))
    assert [answer for answer in answers if answer.from_service_worker] == []
    kept = "caches.keys().then(names => Promise.all(names.map(n => caches.open(n)"
    kept += ".then(c => c.keys())))).then(lists => lists.flat().map(r => new URL(r.url).pathname))"
    paths = worker_of(context).evaluate(kept)
    assert paths
    assert not [path for path in paths if path.startswith(("/api/", "/admin/"))]
    context.close()


def test_first_fill_transfers_under_its_bound(browser, live_server, seed):  # noqa: F811
    """The bytes the worker's first fill received (bodies as sent: compressed), measured
    from the worker's own resource timing."""
    context = browser.new_context(service_workers="allow")
    page = context.new_page()
    page.goto(f"{live_server.url}/2026/program/")
    worker = filled(context)

    entries = worker.evaluate(
        "performance.getEntriesByType('resource').map(e => ({url: e.name,"
        " encoded: e.encodedBodySize, decoded: e.decodedBodySize}))"
    )
    urls = json.loads(page.evaluate("fetch('/2026/offline.json').then(r => r.text())"))["urls"]
    fetched = {entry["url"].removeprefix(live_server.url) for entry in entries}
    assert set(urls) <= fetched
    encoded = sum(entry["encoded"] for entry in entries)
    decoded = sum(entry["decoded"] for entry in entries)
    # 9 talks, 9 speakers: 40 URLs, asked for with compression; 137 kB measured (335 kB
    # decoded), of which the static files are most (the test server sends them plain;
    # whitenoise sends their brotli copies in production).
    assert encoded < 150_000
    assert encoded < decoded / 2
    context.close()


def test_pages_seen_online_with_a_query_are_not_kept(browser, live_server, seed):  # noqa: F811
    """Each ?utm_source=... of a page would be one more copy that no fill deletes until the
    list changes: a link shared a thousand ways would fill the visitor's storage."""
    context = browser.new_context(service_workers="allow")
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/2026/program/")
    worker = filled(context)
    kept = "caches.open('offline-pages:2026').then(c => c.keys()).then(k => k.map(r => r.url))"
    before = sorted(worker.evaluate(kept))
    for source in ("a", "b", "c"):
        page.goto(f"{base}/2026/program/?utm_source={source}")
        page.goto(f"{base}/2026/talks/{LMCACHE}/?utm_source={source}")
    page.goto(f"{base}/2026/program/?type=keynote")
    page.goto(f"{base}/2026/program/")  # a listed page seen online again: its copy replaced
    time.sleep(0.5)  # the worker's puts, in waitUntil, after each answer

    after = sorted(worker.evaluate(kept))
    assert after == before
    assert not [url for url in after if "utm_source" in url or "type=" in url]
    assert f"{base}/2026/timetable/?day=2026-05-18" in after  # the fill's own queries stay
    context.close()
