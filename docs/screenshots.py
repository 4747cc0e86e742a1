"""Take the documentation's screenshots of the phone filter, the admin talk list, the admin's
move page, a talk page with its materials, a speaker page with a photo, the schedule editor,
an edition's Release page, the program embedded in a sample conference site, an edition's
static copy, a page opened offline and a room's door screen, beside the pages that show them.

    .venv/bin/python docs/screenshots.py    # docs/attendees/img/phone-filter.png,
                                            # docs/organisers/img/admin-talks.png,
                                            # docs/organisers/img/admin-move.png,
                                            # docs/attendees/img/talk-resources.png,
                                            # docs/attendees/img/speaker-photo.png,
                                            # docs/organisers/img/schedule-editor-laptop.png,
                                            # docs/organisers/img/schedule-editor-tablet.png,
                                            # docs/organisers/img/release-page.png,
                                            # docs/organisers/img/embed-host-page.png,
                                            # docs/operators/img/archive-program.png,
                                            # docs/attendees/img/offline-notice.png,
                                            # docs/organisers/img/room-screen.png,
                                            # docs/organisers/img/admin-session.png,
                                            # docs/organisers/img/speaker-link-phone.png,
                                            # docs/attendees/img/timetable-session.png
    .venv/bin/python docs/screenshots.py --suffix before

Builds a throwaway SQLite database (the MLSys 2026 seed edition and a synthetic 2025 one,
so the admin lists two editions whose room names repeat; the LMCache talk gets materials and
Yuhan Liu a drawn photo, as in tests/pages/test_browser.py; after the other pictures, MLSys
2026 holds changes and three wait for release), serves it with runserver on a free port, and
drives Debian's /usr/bin/chromium with Playwright, as tests/pages/test_browser.py does.
"""

import argparse
import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Each picture goes into the img/ folder of the docs part that shows it.
ATTENDEES = ROOT / "docs" / "attendees" / "img"
ORGANISERS = ROOT / "docs" / "organisers" / "img"
OPERATORS = ROOT / "docs" / "operators" / "img"
CHROMIUM = "/usr/bin/chromium"
ADMIN = ("organiser", "screenshots-only-password")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *arguments):
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, check=True)


def prepare(env):
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "loaddata", "mlsys2026", "--verbosity", "0")
    manage(env, "generate_program", "--conference", "2025", "--talks", "120", "--rooms", "3")
    create_admin = (
        "from django.contrib.auth.models import User; "
        f"User.objects.create_superuser({ADMIN[0]!r}, password={ADMIN[1]!r})"
    )
    manage(env, "shell", "--verbosity", "0", "-c", create_admin)
    add_materials = "from tests.pages.test_browser import add_materials; add_materials()"
    manage(env, "shell", "--verbosity", "0", "-c", add_materials)


# Once MLSys 2026 holds changes (release 1, switched on in the admin), three wait: a move, a
# longer talk, a cancellation.
HOLD_CHANGES = """
import datetime as dt
from program.models import Talk
talks = Talk.objects.filter(conference__slug="2026")
lmcache = talks.get(slug__startswith="lmcache")
lmcache.start += dt.timedelta(days=1, hours=1, minutes=40)
lmcache.end += dt.timedelta(days=1, hours=1, minutes=40)
lmcache.save()
talks.filter(slug="when-ai-starts-writing-systems-code").update(
    end=talks.get(slug="when-ai-starts-writing-systems-code").end + dt.timedelta(minutes=15)
)
talks.filter(slug="eliciting-language-model-behaviors-with-investigator-agents").update(
    status="cancelled"
)
"""


def wait_until_up(url):
    for _ in range(600):  # a minute: runserver checks the project first, slowly on a busy machine
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer")


def phone_filter(browser, base, path):
    """A 375 px phone right after ticking Keynote and pressing "Show talks"."""
    # An attendee at the venue: the browser's time is the conference's.
    context = browser.new_context(
        viewport={"width": 375, "height": 740},
        device_scale_factor=2,
        timezone_id="America/Los_Angeles",
    )
    page = context.new_page()
    page.goto(f"{base}/2026/program/")
    page.get_by_text("Type, day, room and speaker").click()
    page.get_by_role("checkbox", name="Keynote").check()
    page.get_by_role("button", name="Show talks").click()
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)  # smooth scrolling to the results
    page.screenshot(path=path)
    context.close()


def admin_talks(browser, base, path):
    """The admin's talk list on a 1280 px screen."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{base}/admin/login/?next=/admin/program/talk/")
    page.fill("#id_username", ADMIN[0])
    page.fill("#id_password", ADMIN[1])
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/program/talk/")
    page.screenshot(path=path)
    context.close()


# Talks the seed edition's organisers have not placed yet, for the editor's list (made after
# the other pictures, which show the seed as it is).
UNSCHEDULED = """
from datetime import timedelta
from program.models import Conference, Talk, TalkType
edition = Conference.objects.get(slug="2026")
kind = TalkType.objects.get(slug="invited-talk")
for title, minutes in [("Serving mixtures of experts on one GPU", 45),
                       ("Compilers for sparse attention", 30),
                       ("Energy budgets for training runs", 20)]:
    Talk.objects.create(conference=edition, title=title, slug=title.lower().replace(" ", "-"),
                        type=kind, duration=timedelta(minutes=minutes))
"""


def logged_in(browser, base, path, **options):
    """A page of the admin at ``path``, logged in as the organiser."""
    context = browser.new_context(**options)
    page = context.new_page()
    page.goto(f"{base}/admin/login/?next={path}")
    page.fill("#id_username", ADMIN[0])
    page.fill("#id_password", ADMIN[1])
    page.click("input[type=submit]")
    page.wait_for_url(f"**{path}")
    return context, page


def admin_move(browser, base, path):
    """The move page of the LMCache talk ("Move to…" on its admin page), 1280 px wide."""
    context, page = logged_in(
        browser, base, "/admin/program/talk/", viewport={"width": 1280, "height": 640}
    )
    page.goto(f"{base}/admin/program/talk/?q=LMCache")
    page.get_by_role("link", name="LMCache", exact=False).first.click()
    page.get_by_role("link", name="Move to…").click()
    page.wait_for_url("**/move/")
    page.screenshot(path=path)
    context.close()


def schedule_editor(browser, base, env, laptop_path, tablet_path):
    """The seed edition's schedule editor on its first day, on a 1280 px laptop and on a
    tablet held upright (768 x 1024, touch), with three talks waiting to be placed."""
    manage(env, "shell", "--verbosity", "0", "-c", UNSCHEDULED)
    for path, options in (
        (laptop_path, {"viewport": {"width": 1280, "height": 800}}),
        (tablet_path, {"viewport": {"width": 768, "height": 1024}, "has_touch": True}),
    ):
        context, page = logged_in(browser, base, "/admin/program/conference/", **options)
        page.get_by_role("link", name="MLSys 2026", exact=True).click()
        page.get_by_role("link", name="Schedule editor").click()
        page.wait_for_selector(".schedule-editor.editor-live")
        page.locator(".editor-grid").evaluate("grid => { grid.scrollTop = 12 * 12; }")
        page.screenshot(path=path)
        context.close()


def talk_and_speaker(browser, base, talk_path, speaker_path):
    """The LMCache talk page (its speaker's photo and its materials) and Yuhan Liu's page."""
    context = browser.new_context(
        viewport={"width": 1100, "height": 900}, timezone_id="America/Los_Angeles"
    )
    page = context.new_page()
    for url, path in (
        (
            "/2026/talks/lmcache-an-efficient-kv-cache-layer-for-enterprise-scale-llm-inference/",
            talk_path,
        ),
        ("/2026/speakers/yuhan-liu/", speaker_path),
    ):
        page.goto(f"{base}{url}")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=path)
    context.close()


def archive_program(browser, env, folder, path):
    """MLSys 2026's static copy (manage.py export_site) opened from the disk: its program."""
    copy = Path(folder) / "archive"
    manage(env, "export_site", "2026", str(copy))
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    page = context.new_page()
    page.goto((copy / "index.html").as_uri())
    page.screenshot(path=path)
    context.close()


def offline_notice(browser, base, path):
    """A phone that visited MLSys 2026 online, waited for the service worker's fill, then
    lost the network: the LMCache talk page, answered from its copy with the notice."""
    context = browser.new_context(
        viewport={"width": 375, "height": 740},
        device_scale_factor=2,
        timezone_id="America/Los_Angeles",
        locale="en-US",
    )
    page = context.new_page()
    page.goto(f"{base}/2026/program/")
    while not context.service_workers:
        time.sleep(0.05)
    worker = context.service_workers[0]
    for _ in range(300):
        if worker.evaluate("self.offlineState.filledAt !== null && !filling"):
            break
        time.sleep(0.1)
    context.set_offline(True)
    page.goto(
        f"{base}/2026/talks/lmcache-an-efficient-kv-cache-layer-for-enterprise-scale-llm-inference/"
    )
    page.wait_for_selector("#offline-notice[data-offline-copy]")
    page.screenshot(path=path)
    context.close()


# A door screen's notice, as an organiser sets it in the admin (docs/organisers/room-screens.md).
SCREEN_NOTICE = """
from program.models import Room
Room.objects.filter(conference__slug="2026", slug="grand-ballroom-1").update(
    screen_notice="Room full: watch in the foyer", stream_url="https://stream.example.org/gb1"
)
"""


def room_screen(browser, base, env, path):
    """Grand Ballroom 1's door screen on a 1920×1080 TV at Monday 10:02 (``?at=``: the seed
    edition is past), LMCache in progress, the next talk in 13 minutes, a notice set."""
    manage(env, "shell", "--verbosity", "0", "-c", SCREEN_NOTICE)
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(f"{base}/2026/rooms/grand-ballroom-1/screen/?at=2026-05-18T10:02:00-07:00")
    page.screenshot(path=path)
    context.close()


def release_page(browser, base, env, path):
    """MLSys 2026's Release page with three changes waiting and a name typed, on a 1280 px
    screen, reached from the edition's admin page, where holding was switched on (so release 1
    is the organiser's, as the list at the foot says)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{base}/admin/login/?next=/admin/program/conference/")
    page.fill("#id_username", ADMIN[0])
    page.fill("#id_password", ADMIN[1])
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/program/conference/")
    page.get_by_role("link", name="MLSys 2026", exact=True).click()
    page.get_by_label("Hold changes for release").check()
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    manage(env, "shell", "--verbosity", "0", "-c", HOLD_CHANGES)
    page.reload()
    page.get_by_role("link", name="Release page").click()
    page.wait_for_url("**/release/")
    page.fill("#id_name", "Final")
    page.fill("#id_note", "LMCache moves to Tuesday; the investigator agents talk is cancelled.")
    page.screenshot(path=path, full_page=True)
    context.close()


# A conference's own site, as docs/organisers/embedding.md has organisers paste the snippet
# into it: its own header and styles around the frame, the snippet as the admin shows it.
HOST_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>MLSys 2026 · Program</title>
<style>
body {{ margin: 0; font-family: Georgia, serif; background: #f4efe6; color: #2b2118; }}
header {{ background: #5b1a18; color: #fff; padding: 1rem 2rem; }}
header p {{ margin: 0; font-size: 1.6rem; }}
nav a {{ color: #f9d9a8; margin-right: 1.2rem; }}
main {{ max-width: 1000px; margin: 0 auto; padding: 1rem 2rem; }}
iframe {{ border: 1px solid #d6c8b0; background: #fff; }}
</style>
</head>
<body>
<header><p>MLSys 2026 · Bellevue</p>
<nav><a href="#">Home</a><a href="#">Call for papers</a><a href="#">Program</a>
<a href="#">Venue</a></nav>
</header>
<main>
<h1>Program</h1>
<p>The program below comes from our program site and follows its changes.</p>
{snippet}
</main>
</body>
</html>
"""


def embed_host_page(browser, base, env, path):
    """The MLSys 2026 program embedded in a sample conference site served from another
    origin (http://localhost:<port>, which the edition lists), sized by embed.js, on a
    1280 px screen: the snippet as the edition's admin page gives it."""
    folder = tempfile.mkdtemp()  # removed below, with the server

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    host = http.server.ThreadingHTTPServer(
        ("localhost", 0), functools.partial(Quiet, directory=folder)
    )
    origin = f"http://localhost:{host.server_port}"
    manage(
        env,
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from program.models import Conference; "
        f"Conference.objects.filter(slug='2026').update(embed_origins={origin!r})",
    )
    snippet = (
        f'<iframe src="{base}/2026/embed/program/" title="MLSys 2026 program" width="100%" '
        f'height="800" loading="lazy"></iframe>\n<script src="{base}/2026/embed.js" async></script>'
    )
    Path(folder, "index.html").write_text(HOST_PAGE.format(snippet=snippet))
    threading.Thread(target=host.serve_forever, daemon=True).start()
    try:
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, timezone_id="America/Los_Angeles"
        )
        page = context.new_page()
        page.goto(f"{origin}/index.html")
        page.wait_for_function("document.querySelector('iframe').offsetHeight > 900")
        clip = {"x": 0, "y": 0, "width": 1280, "height": 1100}
        page.screenshot(path=path, full_page=True, clip=clip)
        context.close()
    finally:
        host.shutdown()
        host.server_close()
        shutil.rmtree(folder)


# Monday morning's four talks in Grand Ballroom 1 of MLSys 2026 as one session, with chairs.
SESSION = """
import datetime as dt
from program.models import Conference, Session, Speaker
conference = Conference.objects.get(slug="2026")
start = dt.datetime(2026, 5, 18, 9, tzinfo=conference.tzinfo)
session = Session.objects.create(
    conference=conference, room=conference.rooms.get(slug="grand-ballroom-1"),
    title="Session 1: Systems for LLMs", start=start, end=start + dt.timedelta(minutes=100),
)
session.chairs.set(Speaker.objects.filter(slug__in=["esha-choukse", "roger-wang"]))
"""


def timetable_session(browser, base, env, path):
    """Monday's timetable of MLSys 2026 on a 1280 px screen, from its header to the end of
    Session 1: the session's band beside its four talks in Grand Ballroom 1."""
    manage(env, "shell", "--verbosity", "0", "-c", SESSION)
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.goto(f"{base}/2026/timetable/?day=2026-05-18")
    table = page.locator("table.timetable").bounding_box()
    band = page.locator("td.session-band").bounding_box()
    page.screenshot(
        path=path,
        full_page=True,
        clip={
            "x": table["x"],
            "y": table["y"],
            "width": min(table["width"], 1280 - table["x"]),
            "height": band["y"] + band["height"] - table["y"] + 8,
        },
    )
    context.close()


def admin_session(browser, base, env, path):
    """A session's admin page: its form, chairs, the talks it holds and the mail link (the
    session timetable_session made)."""
    context, page = logged_in(
        browser, base, "/admin/program/session/", viewport={"width": 1280, "height": 1000}
    )
    page.get_by_role("link", name="Session 1: Systems for LLMs").click()
    page.wait_for_url("**/change/")
    page.screenshot(path=path, full_page=True)
    context.close()


# Yuhan Liu's private link for MLSys 2026, as "Send speakers their links" would mail it.
ISSUE_LINK = """
from program.models import Conference, Speaker
from program.speaker_links import issue, link_path
edition = Conference.objects.get(slug="2026")
print(link_path(edition, issue(Speaker.objects.get(slug="yuhan-liu"), edition)))
"""


def speaker_link(browser, base, env, path):
    """Yuhan Liu's private page on a 375 px phone in Berlin, after editing the bio and
    adding a link to the slides: saved, waiting for approval (docs/organisers/speaker-links.md)."""
    link = subprocess.run(
        [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", ISSUE_LINK],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    context = browser.new_context(
        viewport={"width": 375, "height": 740},
        device_scale_factor=2,
        timezone_id="Europe/Berlin",
    )
    page = context.new_page()
    page.goto(f"{base}{link}")
    page.get_by_label("Bio").fill(
        "Yuhan Liu is a PhD student at the University of Chicago. She builds KV cache "
        "layers for serving large language models."
    )
    row = page.locator("fieldset.material-row").filter(has_text="Add a link").first
    row.get_by_label("Link").fill("https://slides.example.org/lmcache-mlsys-2026.pdf")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("#saved-notice")
    # The page's top: the notice, what waits, the start of the form.
    page.screenshot(path=path, full_page=True, clip={"x": 0, "y": 0, "width": 375, "height": 1800})
    context.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--suffix", default="", help="added to the names: phone-filter-SUFFIX.png")
    options = parser.parse_args()
    suffix = f"-{options.suffix}" if options.suffix else ""

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{folder}/screenshots.sqlite3",
            "DJANGO_MEDIA_ROOT": f"{folder}/media",
        }
        prepare(env)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(f"{base}/healthz")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
                )
                phone_filter(browser, base, ATTENDEES / f"phone-filter{suffix}.png")
                admin_talks(browser, base, ORGANISERS / f"admin-talks{suffix}.png")
                admin_move(browser, base, ORGANISERS / f"admin-move{suffix}.png")
                talk_and_speaker(
                    browser,
                    base,
                    ATTENDEES / f"talk-resources{suffix}.png",
                    ATTENDEES / f"speaker-photo{suffix}.png",
                )
                offline_notice(browser, base, ATTENDEES / f"offline-notice{suffix}.png")
                schedule_editor(
                    browser,
                    base,
                    env,
                    ORGANISERS / f"schedule-editor-laptop{suffix}.png",
                    ORGANISERS / f"schedule-editor-tablet{suffix}.png",
                )
                embed_host_page(browser, base, env, ORGANISERS / f"embed-host-page{suffix}.png")
                archive_program(browser, env, folder, OPERATORS / f"archive-program{suffix}.png")
                room_screen(browser, base, env, ORGANISERS / f"room-screen{suffix}.png")
                timetable_session(browser, base, env, ATTENDEES / f"timetable-session{suffix}.png")
                admin_session(browser, base, env, ORGANISERS / f"admin-session{suffix}.png")
                speaker_link(browser, base, env, ORGANISERS / f"speaker-link-phone{suffix}.png")
                # Last: it switches the seed edition to holding changes.
                release_page(browser, base, env, ORGANISERS / f"release-page{suffix}.png")
                speaker_changes_pending(
                    browser,
                    base,
                    env,
                    ORGANISERS / f"speaker-changes-list{suffix}.png",
                    ORGANISERS / f"speaker-changes-diff{suffix}.png",
                )
                browser.close()
        finally:
            server.terminate()
            server.wait()


# Three speakers of MLSys 2026 save changes through their links (docs/organisers/
# speaker-changes.md): a new bio and affiliation, materials swapped, a new name as shown.
SPEAKER_CHANGES = """
from program import speaker_changes, speaker_links
from program.models import Conference, SpeakerLink, Talk
edition = Conference.objects.get(slug="2026")
def link(slug):
    talk = Talk.objects.filter(conference=edition, speakers__slug=slug).first()
    speaker = talk.speakers.get(slug=slug)
    speaker_links.issue(speaker, edition)
    return SpeakerLink.objects.get(speaker=speaker, conference=edition, revoked_at=None), talk
yuhan, lmcache = link("yuhan-liu")
speaker_changes.submit(
    yuhan,
    values={"bio": "Yuhan Liu builds KV-cache systems for LLM serving (LMCache, CacheGen).",
            "affiliation": "University of Chicago and TensorMesh"},
    resources={lmcache: [
        {"kind": "slides", "url": "https://slides.example.org/lmcache-final.pdf",
         "title": "Final deck"},
        {"kind": "video", "url": "https://video.example.org/mlsys-2026/lmcache",
         "title": "Recording"},
        {"kind": "paper", "url": "https://papers.example.org/lmcache", "title": "LMCache paper"},
        {"kind": "code", "url": "https://code.example.org/lmcache/lmcache", "title": ""},
    ]},
)
others = []
for talk in Talk.objects.filter(conference=edition, speakers__isnull=False).order_by("start"):
    for speaker in talk.speakers.exclude(slug__in=["yuhan-liu", *others]):
        others.append(speaker.slug)
others = others[:2]
first, _ = link(others[0])
speaker_changes.submit(first, values={"bio": first.speaker.bio + " Recently: serving on phones."})
second, talk = link(others[1])
speaker_changes.submit(second, resources={talk: [
    {"kind": "code", "url": "https://code.example.org/" + second.speaker.slug, "title": ""}]})
"""


def speaker_changes_pending(browser, base, env, list_path, diff_path):
    """The admin's list of speakers' changes waiting (three), and Yuhan Liu's change with
    its diff, on a 1280 px screen."""
    manage(env, "shell", "--verbosity", "0", "-c", SPEAKER_CHANGES)
    options = {"viewport": {"width": 1280, "height": 560}}
    context, page = logged_in(browser, base, "/admin/program/speakerchange/", **options)
    page.screenshot(path=list_path)
    page.get_by_role("link", name="Yuhan Liu").click()
    page.wait_for_url("**/change/")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=diff_path, full_page=True)
    context.close()


if __name__ == "__main__":
    main()
