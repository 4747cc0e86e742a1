"""A person with a phone or a laptop: stars talks, reads their agenda, shares it, sees their
own time beside the venue's, and watches now and next, in headless Chromium (static/js/site.js).

Needs /usr/bin/chromium and node_modules/axe-core, like tests/pages/test_browser.py.
"""

import datetime as dt

import pytest

from program.agenda import encode_talks
from program.machinery import clock
from program.models import Talk
from program.synthetic.edition import generate_edition
from tests.factories import ConferenceFactory, RoomFactory, TalkFactory, TalkTypeFactory, local
from tests.pages.test_browser import AXE, browser  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def edition():
    """Monday in Bellevue: two overlapping talks in two rooms, one after them; Tuesday one."""
    conference = ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)
    ballroom = RoomFactory(conference=conference, name="Grand Ballroom 1", position=0)
    hall = RoomFactory(conference=conference, name="Hall B", position=1)
    keynote = TalkTypeFactory(slug="keynote", name="Keynote")
    invited = TalkTypeFactory(slug="invited-talk", name="Invited Talk")

    def talk(slug, title, room, type_, day, hour, minute, minutes):
        start = local(day, hour, minute)
        TalkFactory(
            conference=conference,
            slug=slug,
            title=title,
            room=room,
            type=type_,
            start=start,
            end=start + dt.timedelta(minutes=minutes),
        )

    talk("opening", "Opening keynote", ballroom, keynote, "2026-05-18", 9, 0, 60)
    talk("serving", "Serving models cheaply", hall, invited, "2026-05-18", 9, 30, 60)
    talk("kv-cache", "LMCache", ballroom, invited, "2026-05-18", 10, 30, 30)
    talk("closing", "Closing keynote", ballroom, keynote, "2026-05-19", 9, 0, 60)
    return conference


def listed_slugs(page):
    return page.eval_on_selector_all(
        "[data-talk-slug]", "elements => elements.map(e => e.dataset.talkSlug)"
    )


def refusals(page):
    """Messages of the browser refusing something under the CSP (inline script or style)."""
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Refused" in message.text else None,
    )
    page.on("pageerror", lambda error: refused.append(str(error)))
    return refused


def star(page, slug):
    page.locator(f'[data-talk-slug="{slug}"] button[data-star]').click()


def code(*slugs):
    """The agenda code of these talks (program/agenda.py), as the script must write it."""
    return encode_talks(Talk.objects.filter(slug__in=slugs).values_list("pk", flat=True))


@pytest.mark.parametrize("width", [1280, 375], ids=["laptop", "phone"])
def test_person_stars_talks_and_reads_their_agenda(browser, live_server, edition, width):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    errors = refusals(page)
    page.goto(f"{live_server.url}/2026/program/")

    for slug in ("kv-cache", "opening", "serving"):
        star(page, slug)

    pressed = page.locator("button[data-star][aria-pressed='true']")
    assert pressed.evaluate_all("buttons => buttons.map(b => b.dataset.star)") == [
        "opening",
        "serving",
        "kv-cache",
    ]
    # The program marks the starred talks that overlap, too.
    assert page.locator('[data-talk-slug="opening"] .overlap-mark').all_inner_texts() == [
        "Overlaps “Serving models cheaply”"
    ]
    assert page.locator("[data-agenda-link]").inner_text() == "My agenda (3)"

    page.locator("[data-agenda-link]").click()
    page.wait_for_url(f"**/2026/agenda/?talks={code('kv-cache', 'opening', 'serving')}")

    assert listed_slugs(page) == ["opening", "serving", "kv-cache"]
    assert page.locator('[data-talk-slug="serving"] .overlap-mark').all_inner_texts() == [
        "Overlaps “Opening keynote”"
    ]
    assert page.locator('[data-talk-slug="kv-cache"] .overlap-mark').count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert errors == []
    context.close()


def test_agenda_page_goes_to_the_stars_of_this_browser(browser, live_server, edition):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/2026/talks/closing/")
    page.get_by_role("button", name="Star “Closing keynote” for my agenda").click()

    page.goto(f"{live_server.url}/2026/agenda/")

    page.wait_for_url(f"**/2026/agenda/?talks={code('closing')}")
    assert listed_slugs(page) == ["closing"]
    assert page.locator("h2.day-heading").all_inner_texts() == ["Tuesday, May 19"]
    context.close()


def test_unstarring_on_my_agenda_takes_the_talk_off(browser, live_server, edition):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/2026/program/")
    star(page, "opening")
    star(page, "serving")
    page.goto(f"{live_server.url}/2026/agenda/?talks={code('opening', 'serving')}")

    star(page, "serving")

    page.wait_for_url(f"**/2026/agenda/?talks={code('opening')}")
    assert listed_slugs(page) == ["opening"]
    assert page.locator(".overlap-mark").count() == 0
    context.close()


def test_share_link_opens_the_same_agenda_in_a_fresh_browser(browser, live_server, edition):  # noqa: F811
    mine = browser.new_context()
    page = mine.new_page()
    page.goto(f"{live_server.url}/2026/program/")
    star(page, "closing")
    star(page, "opening")
    page.locator("[data-agenda-link]").click()
    page.wait_for_url(f"**/2026/agenda/?talks={code('closing', 'opening')}")
    share_url = page.locator("#share-url").input_value()
    assert not page.locator("[data-agenda-import]").is_visible()  # already mine
    mine.close()

    # Another device: nothing stored, no login.
    other = browser.new_context(viewport={"width": 375, "height": 800})
    page = other.new_page()
    page.goto(share_url)

    assert listed_slugs(page) == ["opening", "closing"]
    assert page.locator("button[data-star][aria-pressed='true']").count() == 0
    page.get_by_role("button", name="Add these talks to my agenda").click()
    page.wait_for_url(f"**/2026/agenda/?talks={code('closing', 'opening')}")
    assert page.locator("button[data-star][aria-pressed='true']").count() == 2
    assert page.locator("[data-agenda-link]").inner_text() == "My agenda (2)"
    other.close()


def test_share_link_without_javascript_lists_the_talks(browser, live_server, edition):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()

    page.goto(f"{live_server.url}/2026/agenda/?talk=serving&talk=opening")

    assert listed_slugs(page) == ["opening", "serving"]
    assert page.locator(".overlap-mark").all_inner_texts() == [
        "Overlaps “Serving models cheaply”",
        "Overlaps “Opening keynote”",
    ]
    # No dead buttons: stars need the script.
    assert (
        page.locator("button[data-star]").evaluate_all(
            "buttons => buttons.filter(b => b.offsetParent !== null).length"
        )
        == 0
    )
    page.get_by_text("Subscribe to this agenda").click()  # unfolds without JavaScript too
    assert page.get_by_role("link", name="Subscribe in my calendar app").get_attribute("href") == (
        f"webcal://{live_server.url.split('://')[1]}/2026/program.ics?"
        f"talks={code('opening', 'serving')}"
    )
    context.close()


@pytest.mark.parametrize(
    ("zone", "locale", "beside", "late"),
    [
        # Written as the server writes the venue's time, whatever the browser's language.
        ("Europe/Berlin", "de-DE", " · 6:00–7:00 PM CEST (your time)",
         " · Tue, May 19, 1:00–2:25 AM CEST (your time)"),
        ("Asia/Tokyo", "en-GB", " · Tue, May 19, 1:00–2:00 AM GMT+9 (your time)",
         " · Tue, May 19, 8:00–9:25 AM GMT+9 (your time)"),
        ("UTC", "en-US", " · 4:00–5:00 PM UTC (your time)",
         " · Mon, May 18, 11:00 PM – Tue, May 19, 12:25 AM UTC (your time)"),
        ("America/Vancouver", "en-US", None, None),  # the venue's own clock: nothing beside
    ],
)  # fmt: skip
def test_viewer_time_is_shown_beside_the_venue_time(
    browser,  # noqa: F811
    live_server,
    edition,
    zone,
    locale,
    beside,
    late,
):
    TalkFactory(
        conference=edition,
        slug="late",
        title="Late demos",
        room=edition.rooms.get(name="Hall B"),
        start=local("2026-05-18", 16),
        end=local("2026-05-18", 17, 25),
    )
    context = browser.new_context(timezone_id=zone, locale=locale)
    page = context.new_page()

    def viewer_time(time):
        return time.evaluate(
            "t => t.nextElementSibling && t.nextElementSibling.classList.contains('viewer-time')"
            " ? t.nextElementSibling.textContent : null"
        )

    for path in (
        "/2026/program/",
        "/2026/talks/opening/",
        "/2026/agenda/?talk=opening",
        "/2026/timetable/?day=2026-05-18",
    ):
        page.goto(f"{live_server.url}{path}")
        time = page.locator("time[data-viewer-time]").first
        assert time.inner_text() == "9:00–10:00 AM PDT"
        assert viewer_time(time) == beside, path
    page.goto(f"{live_server.url}/2026/talks/late/")
    time = page.locator("time[data-viewer-time]").first
    assert time.inner_text() == "4:00–5:25 PM PDT"
    assert viewer_time(time) == late
    context.close()


def test_now_and_next_with_a_fixed_clock_refreshes_every_minute(
    browser,  # noqa: F811
    live_server,
    edition,
    monkeypatch,
):
    moment = {"now": local("2026-05-18", 9, 59) + dt.timedelta(seconds=30)}
    monkeypatch.setattr(clock, "now", lambda: moment["now"].astimezone(dt.UTC))
    context = browser.new_context(timezone_id="Europe/Berlin", locale="en-GB")
    page = context.new_page()
    errors = refusals(page)
    page.clock.install(time=moment["now"])

    page.goto(f"{live_server.url}/2026/now/")

    def board():
        return page.eval_on_selector_all(
            "section.now-room",
            """sections => sections.map(s => [
                s.querySelector('h2').textContent,
                [...s.querySelectorAll('.now-talks > li')].map(e => e.dataset.talkSlug),
                [...s.querySelectorAll('.next-talks > li')].map(e => e.dataset.talkSlug),
            ])""",
        )

    assert board() == [
        ["Grand Ballroom 1", ["opening"], ["kv-cache"]],
        ["Hall B", ["serving"], []],
    ]
    assert page.locator(".now-clock").text_content() == (
        "At the venue it is Monday, May 18, 9:59 AM PDT · Monday, May 18, 6:59 PM CEST (your time)."
    )

    moment["now"] = local("2026-05-18", 10, 30) + dt.timedelta(seconds=5)
    page.clock.run_for(60_000)
    page.locator(".now-clock time", has_text="10:30 AM").wait_for()

    # Serving ended at 10:30 and Hall B has nothing more.
    assert board() == [["Grand Ballroom 1", ["kv-cache"], ["closing"]]]
    # The refreshed board gets the viewer's time too.
    assert page.locator(".now-clock .viewer-time").text_content() == (
        " · Monday, May 18, 7:30 PM CEST (your time)"
    )
    assert errors == []
    context.close()


NEW_PAGES = [
    "/2026/now/",
    "/2026/agenda/?talk=opening&talk=serving",
    "/2026/agenda/",
    "/2026/changes/",
]


@pytest.mark.parametrize("path", NEW_PAGES)
@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_violations_on_the_new_pages(browser, live_server, edition, path, width):  # noqa: F811
    # Injecting axe is an inline script: only this context bypasses the page's CSP for it.
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/2026/program/")
    star(page, "opening")  # a shown, pressed star is checked too
    page.goto(f"{live_server.url}{path}")
    page.add_script_tag(path=str(AXE))

    results = page.evaluate("async () => await axe.run(document)")

    violations = [
        (violation["id"], [node["target"] for node in violation["nodes"]])
        for violation in results["violations"]
    ]
    assert violations == []
    context.close()


@pytest.mark.parametrize("path", NEW_PAGES)
def test_new_pages_never_scroll_sideways_on_the_narrowest_phone(
    browser,  # noqa: F811
    live_server,
    edition,
    path,
):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()

    page.goto(f"{live_server.url}{path}")

    assert page.evaluate("document.documentElement.scrollWidth") == 320
    context.close()


def test_star_reads_starred_once_pressed(browser, live_server, edition):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/2026/talks/closing/")
    button = page.locator("button[data-star]")
    # The name as read out: the stylesheet's star, the word, the talk.
    name = "☆ Star “Closing keynote” for my agenda"
    assert page.get_by_role("button", name=name, exact=True).count() == 1
    assert (button.locator(".star-label").inner_text(), button.get_attribute("aria-pressed")) == (
        "Star",
        "false",
    )

    button.click()

    name = "★ Starred “Closing keynote” for my agenda"
    assert page.get_by_role("button", name=name, exact=True).get_attribute("aria-pressed") == "true"
    assert button.locator(".star-label").inner_text() == "Starred"
    # Shown so on every page: the program's row too.
    page.goto(f"{live_server.url}/2026/program/")
    row_star = page.locator('[data-talk-slug="closing"] button[data-star]')
    assert (
        row_star.locator(".star-label").inner_text(),
        row_star.get_attribute("aria-pressed"),
    ) == (
        "Starred",
        "true",
    )

    row_star.click()

    assert (
        row_star.locator(".star-label").inner_text(),
        row_star.get_attribute("aria-pressed"),
    ) == (
        "Star",
        "false",
    )
    context.close()


def test_row_has_one_tab_stop_per_link_and_the_star(browser, live_server, edition):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/2026/program/")
    page.locator('[data-talk-slug="opening"] .talk-title a').focus()

    stops = []
    for _ in range(4):
        page.keyboard.press("Tab")
        stops.append(
            page.evaluate(
                """() => {
                    const element = document.activeElement;
                    const row = element.closest('[data-talk-slug]');
                    return [row && row.dataset.talkSlug, element.tagName,
                            element.className, element.getAttribute('href')];
                }"""
            )
        )

    speaker = Talk.objects.get(slug="opening").speakers.get()
    # Title (focused first), its one speaker, the star, then the next talk's title.
    assert stops == [
        ["opening", "A", "", f"/2026/speakers/{speaker.slug}/"],
        ["opening", "BUTTON", "star-toggle", None],
        ["serving", "A", "row-link", "/2026/talks/serving/"],
        [
            "serving",
            "A",
            "",
            f"/2026/speakers/{Talk.objects.get(slug='serving').speakers.get().slug}/",
        ],
    ]
    context.close()


def test_agenda_of_stars_kept_by_slug_becomes_an_agenda_code(browser, live_server, edition):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/2026/changes/")
    # Stars as the script kept them before agenda codes: slugs.
    page.evaluate("localStorage.setItem('agenda:2026', JSON.stringify(['serving', 'opening']))")

    page.goto(f"{live_server.url}/2026/agenda/")

    page.wait_for_url(f"**/2026/agenda/?talks={code('opening', 'serving')}")
    assert listed_slugs(page) == ["opening", "serving"]
    ids = sorted(Talk.objects.filter(slug__in=["opening", "serving"]).values_list("pk", flat=True))
    assert sorted(page.evaluate("JSON.parse(localStorage.getItem('agenda:2026'))")) == ids
    assert not page.locator("[data-agenda-import]").is_visible()  # mine
    context.close()


def test_many_starred_talks_open_the_agenda_by_code(browser, live_server, edition):  # noqa: F811
    generate_edition(slug="2030", talks=300, rooms=6, days=3, seed=3)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors = refusals(page)
    page.goto(f"{live_server.url}/2030/program/")
    slugs = listed_slugs(page)
    assert len(slugs) == 300
    chosen = slugs[::2]  # 150 talks: their slugs alone passed the request line's limit

    for slug in chosen:
        star(page, slug)
    assert page.locator("[data-agenda-link]").inner_text() == "My agenda (150)"
    page.locator("[data-agenda-link]").click()

    page.wait_for_url(f"**/2030/agenda/?talks={code(*chosen)}")
    assert listed_slugs(page) == chosen
    path = page.evaluate("location.pathname + location.search")
    assert len(f"GET {path} HTTP/1.1") < 4094 // 4
    subscribe = page.locator("#subscribe-address").input_value()
    assert subscribe == f"{live_server.url}/2030/program.ics?talks={code(*chosen)}"
    assert page.request.get(subscribe).text().count("BEGIN:VEVENT") == 150
    assert errors == []
    context.close()
