"""The static copy of an edition (manage.py export_site) as a reader opens it: from the disk
(file://) and from a static host under a sub-path, in headless Chromium, axe-checked."""

import socket
import subprocess
import sys
import time

import pytest
from django.core.management import call_command

from tests.pages.test_archive import earlier_edition
from tests.pages.test_browser import (
    LMCACHE,
    add_materials,
    axe_violations,
    browser,  # noqa: F401
    seed,  # noqa: F401
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE = "https://program.mlsys.org/"
PAGES = [
    "index.html",
    "program/index.html",
    "timetable/2026-05-19/index.html",
    f"talks/{LMCACHE}/index.html",
    "speakers/yuhan-liu/index.html",
    "speakers/index.html",
]


@pytest.fixture
def copy(seed, tmp_path):  # noqa: F811
    """The seed edition, with materials and a photo, exported to <tmp>/sub/path/."""
    add_materials()
    directory = tmp_path / "site" / "sub" / "path"
    call_command("export_site", "2026", str(directory), verbosity=0)
    return directory


def styled(page):
    """What shows the copy's stylesheet applied: the body's font and the header's colour,
    which a browser's defaults leave as Times and transparent."""
    return page.evaluate(
        """() => ({
            font: getComputedStyle(document.body).fontFamily,
            header: getComputedStyle(document.querySelector('.site-header')).backgroundColor,
            margin: getComputedStyle(document.body).margin,
            sheets: [...document.styleSheets].map(s => s.href.split('/').pop()),
        })"""
    )


def watch(page):
    """Requests that failed or answered an error, as the page loads (a load the browser
    gives up because the test moves to another page, ERR_ABORTED, is not a failure)."""
    failures = []
    page.on(
        "requestfailed",
        lambda request: (
            None
            if request.failure == "net::ERR_ABORTED"
            else failures.append((request.url, request.failure))
        ),
    )
    page.on(
        "response",
        lambda response: (
            failures.append((response.url, response.status)) if response.status >= 400 else None
        ),
    )
    return failures


def assert_styled(page):
    page.wait_for_load_state("load")  # a click's navigation may not have loaded its CSS yet
    style = styled(page)
    assert "Times" not in style["font"]
    assert style["header"] not in ("rgba(0, 0, 0, 0)", "transparent")
    assert style["margin"] == "0px"
    assert "site.css" in style["sheets"]


@pytest.mark.parametrize("name", PAGES)
def test_copy_opens_from_disk_styled_without_failed_loads(browser, copy, name):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    failures = watch(page)

    page.goto((copy / name).as_uri())
    page.wait_for_load_state("load")

    assert_styled(page)
    assert failures == []
    context.close()


def test_photo_and_links_work_from_disk(browser, copy):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto((copy / f"talks/{LMCACHE}/index.html").as_uri())
    photo = page.locator(".speaker-cards img.speaker-photo")
    photo.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('.speaker-cards img').complete")
    assert page.evaluate("() => document.querySelector('.speaker-cards img').naturalWidth") > 0

    page.get_by_role("link", name="Yuhan Liu").first.click()
    assert page.url == (copy / "speakers/yuhan-liu/index.html").as_uri()
    page.get_by_role("link", name="Timetable").click()
    assert page.url == (copy / "timetable/index.html").as_uri()
    page.get_by_role("link", name="Tue, May 19").click()
    assert page.url == (copy / "timetable/2026-05-19/index.html").as_uri()
    assert_styled(page)
    context.close()


@pytest.mark.parametrize("name", PAGES[1:5])
@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_violations_in_the_copy(browser, copy, name, width):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto((copy / name).as_uri())

    assert axe_violations(page) == []
    context.close()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def static_host(copy):
    """python -m http.server serving the folder above the copy: the copy is at /sub/path/."""
    port = free_port()
    root = copy.parent.parent
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=5)


def test_copy_served_under_a_sub_path(browser, static_host):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    failures = watch(page)

    page.goto(f"{static_host}/sub/path/index.html")
    assert_styled(page)
    page.locator(f'[data-talk-slug="{LMCACHE}"] a.row-link').click()
    assert page.url == f"{static_host}/sub/path/talks/{LMCACHE}/index.html"
    assert_styled(page)
    page.get_by_role("link", name="Back to the program").click()
    assert page.url == f"{static_host}/sub/path/program/index.html"
    # A static host serves a folder's index.html for the folder, as the docs' hosts do.
    page.goto(f"{static_host}/sub/path/speakers/")
    assert page.get_by_role("heading", name="Speakers", level=1).is_visible()
    assert_styled(page)
    assert failures == []
    context.close()


@pytest.fixture
def live_copy(seed, tmp_path):  # noqa: F811
    """The seed edition exported with --site-url, beside a 2025 edition on the live site."""
    add_materials()
    earlier_edition()
    directory = tmp_path / "live-copy"
    call_command("export_site", "2026", str(directory), "--site-url", LIVE, verbosity=0)
    return directory


@pytest.mark.parametrize("name", ["program/index.html", f"talks/{LMCACHE}/index.html"])
def test_copy_linking_the_live_site_is_axe_clean_and_opens_itself(browser, live_copy, name):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    failures = watch(page)
    page.goto((live_copy / name).as_uri())
    assert_styled(page)
    # Nothing loads from the live site: only links lead there.
    assert failures == []

    # (axe then fetches the stylesheets itself, which file:// refuses it.)
    assert axe_violations(page) == []
    menu = page.get_by_role("navigation", name="Yearly menu")
    assert menu.get_by_role("link", name="MLSys 2025").get_attribute("href") == (
        f"{LIVE}2025/program/"
    )
    menu.get_by_role("link", name="MLSys 2026").click()
    assert page.url == (live_copy / "index.html").as_uri()
    assert_styled(page)
    context.close()
