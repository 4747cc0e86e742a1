"""Phones in headless Chromium: no public page is wider than a 320 px phone whatever the
length of a word in any field, and the yearly menu of six editions takes one line on a
375 px phone, the older editions behind a native <details> control.

Needs /usr/bin/chromium, like tests/pages/test_browser.py.
"""

import importlib

import pytest
from django.urls import clear_url_caches

import conference.urls
from tests.pages.long_words import at_the_keynote, long_word_edition, public_pages
from tests.pages.test_browser import browser  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

WIDTH = "document.documentElement.scrollWidth"


@pytest.fixture
def edition(settings, monkeypatch):
    """long_word_edition() at the keynote, its photos served as `make serve` serves them but
    with debug off (the 404 pages are the site's own)."""
    settings.DEBUG = True
    importlib.reload(conference.urls)
    settings.DEBUG = False
    clear_url_caches()
    at_the_keynote(monkeypatch)
    yield long_word_edition()
    importlib.reload(conference.urls)
    clear_url_caches()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "without-javascript"])
def test_no_page_is_wider_than_a_320_px_phone_whatever_the_words(
    browser,  # noqa: F811
    live_server,
    edition,
    javascript,
):
    context = browser.new_context(
        viewport={"width": 320, "height": 640}, java_script_enabled=javascript
    )
    page = context.new_page()

    widths = {}
    for name, path, status in public_pages():
        response = page.goto(f"{live_server.url}{path}")
        assert (path, response.status) == (path, status)
        widths[name] = page.evaluate(WIDTH)

    assert widths == {name: 320 for name, _, _ in public_pages()}
    context.close()


EDITIONS = [
    ("MLSys 2026 " + "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherung",
     "/2026/program/"),
    ("MLSys 2025", "/2025/program/"),
    ("MLSys 2024", "/2024/program/"),
    ("MLSys 2023", "/2023/program/"),
    ("MLSys 2022", "/2022/program/"),
    ("MLSys 2021", "/2021/program/"),
]  # fmt: skip


@pytest.mark.parametrize("path", ["/2026/program/", "/2023/program/", "/2026/no-such-page/"])
def test_yearly_menu_of_six_editions_takes_one_line_on_a_375_px_phone(
    browser,  # noqa: F811
    live_server,
    edition,
    path,
):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}{path}")
    menu = page.locator("#yearly-menu")
    links = menu.get_by_role("link")

    closed_height = menu.bounding_box()["height"]
    visible = [link.inner_text() for link in links.all() if link.is_visible()]
    menu.locator("summary").click()
    opened = [(link.inner_text(), link.get_attribute("href")) for link in links.all()]
    all_visible = all(link.is_visible() for link in links.all())

    assert closed_height <= 48
    assert visible == []
    assert opened == EDITIONS
    assert all_visible
    assert page.evaluate(WIDTH) == 375
    context.close()


def test_yearly_menu_is_a_bar_of_every_edition_on_a_laptop(browser, live_server, edition):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/2023/program/")
    menu = page.locator("#yearly-menu")

    shown = [
        (link.inner_text(), link.get_attribute("href"))
        for link in menu.get_by_role("link").all()
        if link.is_visible()
    ]

    assert shown == EDITIONS
    assert not menu.locator("summary").is_visible()
    assert menu.locator("a[aria-current]").all_inner_texts() == ["MLSys 2023"]
    context.close()
