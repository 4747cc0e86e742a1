"""manage.py export_site: the static copy of an edition, crawled as a reader's browser would
follow it from the disk (docs/operators/archive.md)."""

import datetime as dt
import io
import json
import re
import shutil
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest
from django.core.management import CommandError, call_command

from program.models import Conference, Speaker, Talk
from program.photos import prepare_photo, set_photo
from tests.conftest import require
from tests.factories import ConferenceFactory, TalkTypeFactory
from tests.feeds.test_feeds import check_ics, check_json, check_xml, json_validator  # noqa: F401
from tests.pages.test_browser import LMCACHE, add_materials, portrait_photo
from tests.pages.test_html_checker import VNU, nu_errors

pytestmark = pytest.mark.django_db

LIVE = "https://program.mlsys.org/"
FEEDS = ("program.ics", "schedule.xml", "schedule.json")


@pytest.fixture
def seed():
    TalkTypeFactory(slug="keynote", name="Keynote")
    TalkTypeFactory(slug="invited-talk", name="Invited Talk")
    call_command("loaddata", "mlsys2026", verbosity=0)
    add_materials()
    return Conference.objects.get(slug="2026")


def export(edition, directory, *arguments, stdout=None):
    call_command("export_site", edition, str(directory), *arguments, verbosity=0, stdout=stdout)
    return directory


def earlier_edition():
    """MLSys 2025, published: the yearly menu's other edition."""
    return ConferenceFactory(
        slug="2025",
        name="MLSys 2025",
        start_date=dt.date(2025, 5, 12),
        end_date=dt.date(2025, 5, 15),
    )


@pytest.fixture
def own_site(settings):
    """The site's own address as its settings give it: https://program.mlsys.org/."""
    settings.ALLOWED_HOSTS = ["*", ".mlsys.org", "program.mlsys.org", "other.example.org"]
    settings.SERVED_OVER_HTTPS = True
    return "https://program.mlsys.org/"


def files_of(directory):
    return {
        path.relative_to(directory).as_posix() for path in directory.rglob("*") if path.is_file()
    }


class Links(HTMLParser):
    """Every URL an HTML page refers to (href, src, srcset, action), and its ids."""

    def __init__(self):
        super().__init__()
        self.urls = []
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action"):
                self.urls.append((tag, value))
            elif name == "srcset":
                self.urls.extend((tag, part.split()[0]) for part in value.split(","))
            elif name == "id":
                self.ids.add(value)


def crawl(directory):
    """Every page's links, checked: a link to the copy is relative, has no query string and
    names a file of the copy (with the fragment's id on it), and no page names the host it
    was rendered for; returns the pages' count and the external links seen."""
    pages = sorted(directory.rglob("*.html"))
    ids = {}
    for page in pages:
        parser = Links()
        html = page.read_text(encoding="utf-8")
        # Not in a link, og:url or JSON-LD either: the host the pages were rendered for.
        assert "archive.invalid" not in html, page
        parser.feed(html)
        ids[page] = parser
    external = set()
    for page, parser in ids.items():
        for _tag, url in parser.urls:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https", "mailto", "webcal"):
                assert "archive.invalid" not in url
                external.add(url)
                continue
            assert not url.startswith("/"), f"{page}: absolute path {url}"
            assert not parts.query, f"{page}: query string {url}"
            if not parts.path:
                assert parts.fragment in parser.ids, f"{page}: no id {url}"
                continue
            assert parts.path.endswith(
                ("index.html", ".css", ".svg", ".jpg", ".ics", ".xml", ".json")
            ), url
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page}: {url} is missing"
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in ids[target].ids, f"{page}: no id {url}"
    return len(pages), external


def expected_files(conference):
    """The copy of ``conference`` as the docs list it."""
    listed = Talk.objects.listed_in(conference)
    talk_slugs = list(listed.values_list("slug", flat=True))
    speakers = Speaker.objects.filter(talks__in=listed).distinct()
    days = conference.dates()  # the seed's and generated editions' talks stay within them
    files = {
        ".export-site.json",
        "index.html",
        "program/index.html",
        "timetable/index.html",
        "speakers/index.html",
        "static/css/site.css",
        "static/css/print.css",
        "static/css/timetable.css",
        "static/css/timetable-print.css",
        "static/img/favicon.svg",
        *(f"timetable/{day.isoformat()}/index.html" for day in days),
        *(f"talks/{slug}/index.html" for slug in talk_slugs),
        *(f"speakers/{speaker.slug}/index.html" for speaker in speakers),
    }
    if conference.tracks.exists():
        files.add("tracks.css")
    for speaker in speakers.exclude(photo=""):
        stem = speaker.photo.name.rsplit("-", 1)[0]
        files.update(f"media/{stem}-{width}.jpg" for width in (160, 320, 640))
    files.update({"program.ics", "schedule.xml", "schedule.json"})
    files.update(f"talks/{slug}.ics" for slug in talk_slugs)
    return files


def test_seed_copy_holds_exactly_its_pages_files_and_photos(seed, tmp_path):
    export("2026", tmp_path / "copy")

    files = files_of(tmp_path / "copy")
    assert files == expected_files(seed)
    assert (
        len([name for name in files if name.startswith("talks/") and name.endswith("/index.html")])
        == len([name for name in files if name.startswith("talks/") and name.endswith(".ics")])
        == Talk.objects.filter(conference=seed).count()
    )
    assert "media/speakers/" in " ".join(files)
    assert json.loads((tmp_path / "copy/.export-site.json").read_text())["files"] == sorted(
        files - {".export-site.json"}
    )


def test_seed_copy_links_resolve_relative_and_without_query(seed, tmp_path):
    directory = export("2026", tmp_path / "copy")

    count, external = crawl(directory)

    assert count == len([name for name in expected_files(seed) if name.endswith(".html")])
    # The talk's materials stay where they are; nothing leads back to a server.
    assert "https://slides.example.org/lmcache.pdf" in external
    assert not any("example.org" not in url for url in external)


def test_copy_pages_leave_out_what_needs_the_server(seed, tmp_path):
    directory = export("2026", tmp_path / "copy")
    program = (directory / "program/index.html").read_text()
    talk = (directory / f"talks/{LMCACHE}/index.html").read_text()

    for page in (program, talk):
        assert "Skip to yearly menu bar" not in page
        assert 'id="yearly-menu"' not in page
        assert "My agenda" not in page
        assert ">Now<" not in page
        assert "Changes" not in page
        assert "star-toggle" not in page
        assert "<script src" not in page
        assert "og:url" not in page
    assert 'class="filters"' not in program
    assert 'data-talk-slug="' + LMCACHE + '"' in program
    # The talk's room links to a filtered program, which the copy lacks: its name stays.
    room = Talk.objects.get(slug=LMCACHE).room.name
    assert f"<span>{room}</span>" in talk
    assert '<a href="../../speakers/yuhan-liu/index.html">Yuhan Liu</a>' in talk
    assert '<link rel="stylesheet" href="../../static/css/site.css">' in talk
    assert 'src="../../media/speakers/' in talk


def test_timetable_days_link_each_other_as_files(seed, tmp_path):
    directory = export("2026", tmp_path / "copy")
    first = (directory / "timetable/index.html").read_text()

    days = sorted(path.parent.name for path in (directory / "timetable").glob("*/index.html"))
    for day in days:
        assert f'href="{day}/index.html"' in first
    second = (directory / f"timetable/{days[1]}/index.html").read_text()
    assert f'href="../{days[0]}/index.html"' in second
    assert 'href="../../program/index.html"' in second


def feed_names(conference):
    """The copy's feeds: {copy's file: the site's URL path}."""
    names = {name: f"/{conference.slug}/{name}" for name in FEEDS}
    for slug in Talk.objects.listed_in(conference).values_list("slug", flat=True):
        names[f"talks/{slug}.ics"] = f"/{conference.slug}/talks/{slug}.ics"
    return names


def copied_feeds(directory, conference):
    return {name: (directory / name).read_bytes() for name in feed_names(conference)}


def live_feeds(client, host, conference):
    """The feeds as the live site at ``host`` (over https) serves them, {copy's file: bytes}."""
    responses = {
        name: client.get(path, secure=True, HTTP_HOST=host)
        for name, path in feed_names(conference).items()
    }
    assert {response.status_code for response in responses.values()} == {200}
    return {name: response.content for name, response in responses.items()}


def test_copy_without_site_url_has_valid_feeds_at_the_sites_own_address(
    seed,
    tmp_path,
    client,
    own_site,
    check_ics,  # noqa: F811
    check_xml,  # noqa: F811
    check_json,  # noqa: F811
):
    stdout = io.StringIO()
    directory = export("2026", tmp_path / "copy", stdout=stdout)

    assert files_of(directory) == expected_files(seed)
    assert stdout.getvalue().splitlines()[1] == (
        "The feeds name https://program.mlsys.org/ (from DJANGO_HTTPS and "
        "DJANGO_ALLOWED_HOSTS); give --site-url to name another."
    )
    document = check_xml((directory / "schedule.xml").read_bytes())
    assert document.findtext("url") == f"{own_site}2026/schedule.xml"
    urls = {event.findtext("url") for event in document.iter("event")}
    assert f"{own_site}2026/talks/{LMCACHE}/" in urls
    data = check_json((directory / "schedule.json").read_bytes())
    assert data["schedule"]["base_url"] == own_site
    check_ics((directory / "program.ics").read_bytes())
    talk_calendar = (directory / f"talks/{LMCACHE}.ics").read_bytes()
    check_ics(talk_calendar)
    assert f"URL:{own_site}2026/talks/{LMCACHE}/".encode() in talk_calendar.replace(b"\r\n ", b"")
    # What the site served at its own address, byte for byte.
    assert copied_feeds(directory, seed) == live_feeds(client, "program.mlsys.org", seed)
    # The pages link the feeds relatively, and still name no address of their own.
    talk = (directory / f"talks/{LMCACHE}/index.html").read_text()
    assert f'href="../{LMCACHE}.ics"' in talk
    assert '<a href="../../program.ics">Whole program as iCalendar</a>' in talk
    assert '"url": "index.html"' in talk
    assert "og:url" not in talk
    assert own_site not in talk


def test_wildcard_hosts_without_site_url_are_refused(seed, tmp_path, settings):
    settings.ALLOWED_HOSTS = ["*", ".mlsys.org"]
    with pytest.raises(CommandError) as refused:
        export("2026", tmp_path / "copy")
    assert str(refused.value) == (
        "The feeds need the site's address, and ALLOWED_HOSTS (DJANGO_ALLOWED_HOSTS) names "
        "no host, only wildcards: give it with --site-url, e.g. "
        "--site-url https://program.example.org/."
    )
    assert not (tmp_path / "copy").exists()
    # With the live site's address it is written.
    export("2026", tmp_path / "copy", "--site-url", LIVE)
    assert files_of(tmp_path / "copy") == expected_files(seed)


def yearly_menu(page):
    """The yearly menu's items, one a line."""
    items = re.search(r'<ul class="yearly-menu-list">(.*?)</ul>', page, re.DOTALL).group(1)
    return [line.strip() for line in items.splitlines() if line.strip()]


def test_copy_with_site_url_links_what_it_lacks_to_the_live_site(seed, tmp_path, client, settings):
    # The site's own first host is another: --site-url is the address named.
    settings.ALLOWED_HOSTS = ["other.example.org", "program.mlsys.org"]
    earlier_edition()
    stdout = io.StringIO()
    directory = export("2026", tmp_path / "copy", "--site-url", LIVE, stdout=stdout)

    assert stdout.getvalue().splitlines()[1] == (
        f"The feeds and the links to the live site name {LIVE}."
    )
    assert files_of(directory) == expected_files(seed)
    home = (directory / "index.html").read_text()
    program = (directory / "program/index.html").read_text()
    talk = (directory / f"talks/{LMCACHE}/index.html").read_text()
    # The copy's own edition opens the copy; the program is its page, a talk within it.
    assert yearly_menu(program) == [
        '<li><a href="../index.html" aria-current="page">MLSys 2026</a></li>',
        f'<li><a href="{LIVE}2025/program/">MLSys 2025</a></li>',
    ]
    assert yearly_menu(home)[0] == (
        '<li><a href="index.html" aria-current="page">MLSys 2026</a></li>'
    )
    assert yearly_menu(talk)[0] == (
        '<li><a href="../../index.html" aria-current="true">MLSys 2026</a></li>'
    )
    for page in (home, program, talk):
        assert '<a class="skip-link" href="#yearly-menu">Skip to yearly menu bar</a>' in page
        assert f'<li><a href="{LIVE}2026/now/">Now</a></li>' in page
        assert f'<li><a href="{LIVE}2026/agenda/" data-agenda-link>My agenda</a></li>' in page
        assert f'<li><a href="{LIVE}2026/changes/">Changes</a></li>' in page
        assert "star-toggle" not in page
        assert "<script src" not in page
        assert 'class="filters"' not in page
    assert f'<a href="{LIVE}2026/program/">Search and filter on the live site</a>' in program
    room = Talk.objects.get(slug=LMCACHE).room
    assert f'<a href="{LIVE}2026/program/?room={room.slug}">{room.name}</a>' in talk
    assert f'<meta property="og:url" content="{LIVE}2026/talks/{LMCACHE}/">' in talk
    assert f'"url": "{LIVE}2026/talks/{LMCACHE}/"' in talk
    assert f'<meta property="og:url" content="{LIVE}2026/program/">' in home

    # The copy's links stay relative; the live site is linked for what the copy lacks only.
    crawl(directory)
    live = set()
    for page in directory.rglob("*.html"):
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        live.update(urlsplit(url) for _tag, url in parser.urls if url.startswith(LIVE))
    assert {url.path for url in live if not url.query} == {
        "/2025/program/",
        "/2026/now/",
        "/2026/agenda/",
        "/2026/changes/",
        "/2026/changes.atom",
        "/2026/program/",  # "Search and filter on the live site"
    }
    filtered = {url for url in live if url.query}
    assert {url.path for url in filtered} == {"/2026/program/"}
    # A talk's room and type, a timetable day's "View as a list" (the seed has no tracks).
    assert {url.query.split("=")[0] for url in filtered} == {"room", "type", "day"}
    assert f"room={room.slug}" in {url.query for url in filtered}

    # The feeds are what the live site served.
    assert copied_feeds(directory, seed) == live_feeds(client, "program.mlsys.org", seed)


def test_site_url_under_a_sub_path_names_addresses_under_it(seed, tmp_path, check_json):  # noqa: F811
    earlier_edition()
    directory = export("2026", tmp_path / "copy", "--site-url", "https://example.org/mlsys")

    program = (directory / "program/index.html").read_text()
    assert '<li><a href="https://example.org/mlsys/2025/program/">MLSys 2025</a></li>' in program
    assert '<li><a href="https://example.org/mlsys/2026/now/">Now</a></li>' in program
    data = check_json((directory / "schedule.json").read_bytes())
    assert data["schedule"]["base_url"] == "https://example.org/mlsys/"
    assert data["schedule"]["conference"]["url"] == "https://example.org/mlsys/2026/program/"


def test_live_pages_stay_whole_after_an_export(seed, tmp_path, client):
    export("2026", tmp_path / "copy")

    # The copy's pages are never kept by the response cache for the site's readers.
    page = client.get("/2026/program/").content.decode()
    assert "Skip to yearly menu bar" in page
    assert 'class="filters"' in page
    assert "star-toggle" in page


def test_unknown_or_unpublished_edition_is_refused(seed, tmp_path):
    Conference.objects.filter(slug="2026").update(is_published=False)
    with pytest.raises(CommandError, match="No published edition is called '2026'"):
        export("2026", tmp_path / "copy")
    with pytest.raises(CommandError, match="No published edition is called 'nope'"):
        export("nope", tmp_path / "copy")
    assert not (tmp_path / "copy").exists()


def test_bad_site_url_is_refused(seed, tmp_path):
    with pytest.raises(CommandError, match="--site-url: ftp://x is not an http or https"):
        export("2026", tmp_path / "copy", "--site-url", "ftp://x")


def test_folder_with_other_files_is_refused_and_kept(seed, tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match="is not empty and holds no previous copy"):
        export("2026", folder)
    assert files_of(folder) == {"notes.txt"}


def test_second_export_replaces_the_first_and_keeps_other_files(seed, tmp_path):
    directory = export("2026", tmp_path / "copy")
    (directory / "CNAME").write_text("archive.example.org")
    talk = Talk.objects.get(slug=LMCACHE)
    talk.delete()

    export("2026", directory)

    assert not (directory / f"talks/{LMCACHE}").exists()
    assert (directory / "CNAME").read_text() == "archive.example.org"
    assert files_of(directory) == expected_files(seed) | {"CNAME"}


def test_generated_edition_copy_has_every_day_and_photo(tmp_path):
    call_command("generate_program", conference="2031", talks=60, days=3, rooms=3, verbosity=0)
    conference = Conference.objects.get(slug="2031")
    speakers = list(Speaker.objects.filter(talks__conference=conference).distinct()[:2])
    for speaker in speakers:
        set_photo(speaker=speaker, photo=prepare_photo(portrait_photo()))

    directory = export("2031", tmp_path / "copy")

    assert files_of(directory) == expected_files(conference)
    days = sorted(path.parent.name for path in (directory / "timetable").glob("*/index.html"))
    assert days == [day.isoformat() for day in conference.dates()]
    assert len([name for name in files_of(directory) if name.startswith("media/")]) == 6
    crawl(directory)


@pytest.mark.html_checker
@pytest.mark.parametrize("site_url", [[], ["--site-url", LIVE]], ids=["alone", "live"])
def test_copy_pages_have_no_nu_checker_error(seed, tmp_path, site_url):
    require(shutil.which("java"), "java is absent: apt-get install default-jre-headless")
    require(VNU.exists(), f"{VNU} is absent: run `npm ci` (make test does)")
    earlier_edition()
    directory = export("2026", tmp_path / "copy", *site_url)

    pages = sorted(directory.rglob("*.html"))
    assert len(pages) == len([name for name in expected_files(seed) if name.endswith(".html")])
    assert nu_errors(pages) == []
