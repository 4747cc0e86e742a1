"""manage.py export_site: the static copy of an edition, crawled as a reader's browser would
follow it from the disk (docs/operators/archive.md)."""

import json
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest
from django.core.management import CommandError, call_command

from program.models import Conference, Speaker, Talk
from program.photos import prepare_photo, set_photo
from tests.factories import TalkTypeFactory
from tests.feeds.test_feeds import check_ics, check_json, check_xml, json_validator  # noqa: F401
from tests.pages.test_browser import LMCACHE, add_materials, portrait_photo

pytestmark = pytest.mark.django_db

SITE_URL = "https://archive.example.org/mlsys/2026/"


@pytest.fixture
def seed():
    TalkTypeFactory(slug="keynote", name="Keynote")
    TalkTypeFactory(slug="invited-talk", name="Invited Talk")
    call_command("loaddata", "mlsys2026", verbosity=0)
    add_materials()
    return Conference.objects.get(slug="2026")


def export(edition, directory, *arguments):
    call_command("export_site", edition, str(directory), *arguments, verbosity=0)
    return directory


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
    names a file of the copy (with the fragment's id on it); returns the pages' count and
    the external links seen."""
    pages = sorted(directory.rglob("*.html"))
    ids = {}
    for page in pages:
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
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


def expected_files(conference, *, feeds):
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
    if feeds:
        files.update({"program.ics", "schedule.xml", "schedule.json"})
        files.update(f"talks/{slug}.ics" for slug in talk_slugs)
    return files


def test_seed_copy_holds_exactly_its_pages_files_and_photos(seed, tmp_path):
    export("2026", tmp_path / "copy")

    files = files_of(tmp_path / "copy")
    assert files == expected_files(seed, feeds=False)
    assert (
        len([name for name in files if name.startswith("talks/")])
        == Talk.objects.filter(conference=seed).count()
    )
    assert "media/speakers/" in " ".join(files)
    assert json.loads((tmp_path / "copy/.export-site.json").read_text())["files"] == sorted(
        files - {".export-site.json"}
    )


def test_seed_copy_links_resolve_relative_and_without_query(seed, tmp_path):
    directory = export("2026", tmp_path / "copy")

    count, external = crawl(directory)

    assert count == len(
        [name for name in expected_files(seed, feeds=False) if name.endswith(".html")]
    )
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


def test_copy_with_site_url_has_valid_feeds_at_its_address(
    seed,
    tmp_path,
    check_ics,  # noqa: F811
    check_xml,  # noqa: F811
    check_json,  # noqa: F811
):
    directory = export("2026", tmp_path / "copy", "--site-url", SITE_URL)

    assert files_of(directory) == expected_files(seed, feeds=True)
    crawl(directory)
    document = check_xml((directory / "schedule.xml").read_bytes())
    assert document.findtext("url") == f"{SITE_URL}schedule.xml"
    urls = {event.findtext("url") for event in document.iter("event")}
    assert f"{SITE_URL}talks/{LMCACHE}/" in urls
    data = check_json((directory / "schedule.json").read_bytes())
    assert data["schedule"]["base_url"] == SITE_URL
    check_ics((directory / "program.ics").read_bytes())
    talk_calendar = (directory / f"talks/{LMCACHE}.ics").read_bytes()
    check_ics(talk_calendar)
    assert f"URL:{SITE_URL}talks/{LMCACHE}/".encode() in talk_calendar.replace(b"\r\n ", b"")
    talk = (directory / f"talks/{LMCACHE}/index.html").read_text()
    assert f'<meta property="og:url" content="{SITE_URL}talks/{LMCACHE}/">' in talk
    assert f'"url": "{SITE_URL}talks/{LMCACHE}/"' in talk
    assert f'href="../{LMCACHE}.ics"' in talk


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
    assert files_of(directory) == expected_files(seed, feeds=False) | {"CNAME"}


def test_generated_edition_copy_has_every_day_and_photo(tmp_path):
    call_command("generate_program", conference="2031", talks=60, days=3, rooms=3, verbosity=0)
    conference = Conference.objects.get(slug="2031")
    speakers = list(Speaker.objects.filter(talks__conference=conference).distinct()[:2])
    for speaker in speakers:
        set_photo(speaker=speaker, photo=prepare_photo(portrait_photo()))

    directory = export("2031", tmp_path / "copy")

    assert files_of(directory) == expected_files(conference, feeds=False)
    days = sorted(path.parent.name for path in (directory / "timetable").glob("*/index.html"))
    assert days == [day.isoformat() for day in conference.dates()]
    assert len([name for name in files_of(directory) if name.startswith("media/")]) == 6
    crawl(directory)
