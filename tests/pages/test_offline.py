"""The installable app: its manifest, the service worker's script and headers, and an
edition's list of what the worker keeps (program/pages/offline.py). The worker at work is
in tests/pages/test_browser_offline.py."""

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from program.models import Conference, Speaker
from program.pages.offline import PAGE_FILES
from program.photos import prepare_photo, set_photo
from tests.factories import ConferenceFactory, SpeakerFactory, TalkFactory, TalkTypeFactory
from tests.pages.test_browser import portrait_photo

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent

# The seed edition's talks in time order, and its speakers by slug.
SEED_TALKS = [
    "rethinking-open-source-contribution-in-the-age-of-ai-agents",
    "beyond-model-serving-cross-stack-co-design-for-agentic-systems",
    "lmcache-an-efficient-kv-cache-layer-for-enterprise-scale-llm-inference",
    "eliciting-language-model-behaviors-with-investigator-agents",
    "when-ai-starts-writing-systems-code",
    "the-next-horizon-of-systems-from-mlsys-to-system-intelligence",
    "keynote-amin-vahdat-svp-and-chief-technologist-ai-infrastructure",
    "rethinking-pretraining-data-and-architecture",
    "the-path-to-infernece-efficiency",
]
SEED_SPEAKERS = [
    "amin-vahdat",
    "christos-kozyrakis",
    "esha-choukse",
    "lidong-zhou",
    "lisa-li",
    "luke-zettlemoyer",
    "mark-saroufim",
    "roger-wang",
    "yuhan-liu",
]
SEED_FILES = [
    "/static/css/site.css",
    "/static/css/print.css",
    "/static/css/timetable.css",
    "/static/css/timetable-print.css",
    "/static/js/site.js",
    "/static/js/program.js",
    "/static/js/timetable.js",
    "/static/img/favicon.svg",
    "/static/img/icon-192.png",
    "/static/img/icon-512.png",
    "/static/img/icon.svg",
]


@pytest.fixture
def seed():
    TalkTypeFactory(slug="keynote", name="Keynote")
    TalkTypeFactory(slug="invited-talk", name="Invited Talk")
    call_command("loaddata", "mlsys2026", verbosity=0)


def test_manifest_names_the_current_edition_and_its_icons(client, seed):
    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    assert json.loads(response.content) == {
        "name": "MLSys 2026 program",
        "short_name": "MLSys 2026",
        "description": "The conference program: talks, speakers and times, also offline.",
        "id": "/current/",
        "start_url": "/current/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b2545",
        "icons": [
            {
                "src": "/static/img/icon-192.png",
                "sizes": "192x192",
                "type": "image/png",
                "purpose": "any maskable",
            },
            {
                "src": "/static/img/icon-512.png",
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "any maskable",
            },
            {
                "src": "/static/img/icon.svg",
                "sizes": "any",
                "type": "image/svg+xml",
                "purpose": "any",
            },
        ],
    }


def test_manifest_icons_are_the_sizes_they_claim():
    from PIL import Image

    for size in (192, 512):
        with Image.open(ROOT / "static" / "img" / f"icon-{size}.png") as image:
            assert (image.format, image.size) == ("PNG", (size, size))


def test_manifest_without_a_current_edition_names_the_site(client):
    ConferenceFactory(slug="2025", is_current=False)

    data = json.loads(client.get("/manifest.webmanifest").content)

    assert (data["name"], data["short_name"], data["start_url"]) == (
        "Conference program",
        "Program",
        "/current/",
    )


def test_every_edition_page_links_the_manifest(client, seed):
    body = client.get("/2026/program/").content.decode()

    assert '<link rel="manifest" href="/manifest.webmanifest">' in body
    assert '<meta name="theme-color" content="#0b2545">' in body


def test_service_worker_is_served_from_the_root_as_javascript_never_kept(client, seed):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript"
    assert response["Cache-Control"] == "no-cache"
    # Its scope is the site root by where it is served: no Service-Worker-Allowed needed.
    assert "Service-Worker-Allowed" not in response
    # The site's CSP holds for it too (default-src 'self' is its connect-src).
    assert "script-src 'self'" in response["Content-Security-Policy"]
    script = response.content.decode()
    assert 'var EDITION = "2026";' in script
    assert 'var STATIC_PREFIX = "/static/";' in script
    assert 'var MEDIA_PREFIX = "/media/";' in script
    assert f"var FILES = {json.dumps(SEED_FILES)};" in script
    assert "{{" not in script
    assert "{%" not in script


def test_service_worker_keeps_no_photos_from_a_bucket(client, seed, settings):
    settings.MEDIA_ORIGIN = "https://photos.example.org"

    script = client.get("/sw.js").content.decode()

    assert 'var MEDIA_PREFIX = "";' in script


def test_service_worker_matches_the_offline_notice_as_the_template_writes_it(client, seed):
    """The worker finds the notice by its text: the two must not drift apart."""
    script = client.get("/sw.js").content.decode()
    page = client.get("/2026/talks/when-ai-starts-writing-systems-code/").content.decode()
    not_kept = client.get("/2026/offline/").content.decode()

    notice = re.search(r"var NOTICE = '([^']*)';", script).group(1)
    agenda_changed = re.search(r"var AGENDA_CHANGED = '([^']*)';", script).group(1)
    assert page.count(notice) == 1
    assert not_kept.count(agenda_changed) == 1
    assert '<p class="notice offline-notice" ' + notice in page


def test_offline_list_of_the_seed_edition(client, seed):
    response = client.get("/2026/offline.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["edition"] == "2026"
    assert re.fullmatch(r"[0-9a-f]{16}", data["version"])
    assert data["urls"] == [
        "/2026/program/",
        "/2026/timetable/",
        "/2026/timetable/?day=2026-05-18",
        "/2026/timetable/?day=2026-05-19",
        "/2026/timetable/?day=2026-05-20",
        "/2026/timetable/?day=2026-05-21",
        "/2026/timetable/?day=2026-05-22",
        *(f"/2026/talks/{slug}/" for slug in SEED_TALKS),
        "/2026/speakers/",
        *(f"/2026/speakers/{slug}/" for slug in SEED_SPEAKERS),
        "/2026/agenda/",
        "/2026/offline/",
        "/2026/tracks.css",
        *SEED_FILES,
    ]


def test_offline_list_names_every_static_file_the_public_pages_load():
    """PAGE_FILES is what the templates of the public pages load: a new one must be kept."""
    loaded = set()
    for template in (ROOT / "templates").rglob("*.html"):
        if "admin" in template.parts or "drf_spectacular" in template.parts:
            continue
        loaded |= set(re.findall(r"{% static '([^']+)' %}", template.read_text()))
    # Loaded only by pages the worker leaves to the network: embeds and door screens.
    not_kept = {"js/embed-frame.js", "css/screen.css"}
    assert loaded - not_kept == set(PAGE_FILES)


def test_offline_list_keeps_the_smallest_size_of_each_photo(client, seed):
    yuhan = Speaker.objects.get(slug="yuhan-liu")
    set_photo(speaker=yuhan, photo=prepare_photo(portrait_photo()))
    yuhan.refresh_from_db()
    token = yuhan.photo.name.rsplit("-", 1)[0]

    urls = json.loads(client.get("/2026/offline.json").content)["urls"]

    assert [url for url in urls if url.startswith("/media/")] == [f"/media/{token}-160.jpg"]


def test_offline_list_leaves_out_photos_on_another_origin(client, seed, settings):
    yuhan = Speaker.objects.get(slug="yuhan-liu")
    set_photo(speaker=yuhan, photo=prepare_photo(portrait_photo()))
    settings.MEDIA_URL = "https://photos.example.org/"

    urls = json.loads(client.get("/2026/offline.json").content)["urls"]

    assert [url for url in urls if "photos" in url or url.startswith("/media/")] == []


# Committed writes: loaddata (the seed) checks constraints with SET CONSTRAINTS ALL DEFERRED on
# PostgreSQL, which defers the version's triggers of a test's own transaction to a commit
# that never comes (tests/conftest.py).
@pytest.mark.django_db(transaction=True)
def test_offline_list_version_moves_with_the_data(client, seed):
    before = client.get("/2026/offline.json")
    Conference.objects.filter(slug="2026").update(venue="Elsewhere")
    after = client.get("/2026/offline.json")

    assert before["ETag"] != after["ETag"]
    assert json.loads(before.content)["version"] != json.loads(after.content)["version"]
    assert json.loads(before.content)["urls"] == json.loads(after.content)["urls"]


def test_offline_list_answers_304_to_its_etag(client, seed):
    first = client.get("/2026/offline.json")

    again = client.get("/2026/offline.json", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304


@pytest.mark.parametrize("item_count", [1, 3])
def test_offline_list_query_count(client, django_assert_num_queries, item_count):
    conference = ConferenceFactory(slug="2026")
    for _ in range(item_count):
        TalkFactory(conference=conference, speakers=[SpeakerFactory(), SpeakerFactory()])

    # The data version (the response cache's), the edition, its talks, its speakers, and
    # the data version again (the list's own version).
    with django_assert_num_queries(5):
        response = client.get("/2026/offline.json")
    # Warm: the data version only.
    with django_assert_num_queries(1):
        client.get("/2026/offline.json")

    urls = json.loads(response.content)["urls"]
    assert len([url for url in urls if url.startswith("/2026/talks/")]) == item_count
    assert len([url for url in urls if url.startswith("/2026/speakers/")]) == 1 + 2 * item_count


def test_offline_list_of_an_unknown_edition_is_404(client, seed):
    assert client.get("/1999/offline.json").status_code == 404


def test_offline_list_of_an_unpublished_edition_is_404(client, seed):
    ConferenceFactory(slug="2027", is_published=False)

    assert client.get("/2027/offline.json").status_code == 404
    assert client.get("/2027/offline/").status_code == 404


def test_not_kept_page_says_so_with_the_agenda_paragraph_hidden(client, seed):
    response = client.get("/2026/offline/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Not kept offline</h1>" in body
    assert '<p id="offline-agenda-changed" hidden>Your agenda has changed since' in body
    assert '<meta name="robots" content="noindex">' in body
