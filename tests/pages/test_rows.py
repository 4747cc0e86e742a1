"""Tab stops of the talks listed on every page: one link per talk, one per speaker, and the
star; never a second link to the same talk (the issue's "four tab stops, two to the same
talk")."""

import pytest

from program.agenda import encode_talks
from program.machinery import clock
from program.models import Talk
from tests.factories import local
from tests.pages.test_views import edition, page  # noqa: F401

pytestmark = pytest.mark.django_db

# What the keyboard stops at (hidden stars included: the script shows them).
FOCUSABLE = ".//a[@href] | .//button | .//input | .//select | .//textarea | .//*[@tabindex]"


def stops(element):
    """(tag, href or class) of each focusable element, in document order."""
    return [(item.tag, item.get("href") or item.get("class")) for item in element.xpath(FOCUSABLE)]


def row(response, slug):
    (element,) = page(response).xpath(f'//*[@data-talk-slug="{slug}"]')
    return element


KV_CACHE_STOPS = [
    ("a", "/2026/talks/kv-cache-layer/"),
    ("a", "/2026/speakers/yuhan-liu/"),
    ("a", "/2026/speakers/roger-wang/"),
    ("button", "star-toggle"),
]


def test_program_row_stops_once_at_the_talk_each_speaker_and_the_star(client, edition):  # noqa: F811
    assert stops(row(client.get("/2026/program/"), "kv-cache-layer")) == KV_CACHE_STOPS


def test_agenda_row_stops_as_the_program_row(client, edition):  # noqa: F811
    code = encode_talks([Talk.objects.get(slug="kv-cache-layer").pk])

    assert stops(row(client.get(f"/2026/agenda/?talks={code}"), "kv-cache-layer")) == (
        KV_CACHE_STOPS
    )


def test_now_row_stops_as_the_program_row(client, edition, monkeypatch):  # noqa: F811
    monkeypatch.setattr(clock, "now", lambda: local("2026-05-18", 10, 20))

    assert stops(row(client.get("/2026/now/"), "kv-cache-layer")) == KV_CACHE_STOPS


def test_timetable_cell_stops_at_the_talk_and_the_star(client, edition):  # noqa: F811
    response = client.get("/2026/timetable/?day=2026-05-18")

    assert stops(row(response, "kv-cache-layer")) == [
        ("a", "/2026/talks/kv-cache-layer/"),
        ("button", "star-toggle"),
    ]


def test_speaker_pages_link_each_talk_once(client, edition):  # noqa: F811
    listing = page(client.get("/2026/speakers/"))
    speaker = page(client.get("/2026/speakers/roger-wang/"))

    (item,) = listing.xpath("//li[@class='speaker-item'][.//a[@href='/2026/speakers/roger-wang/']]")
    assert stops(item) == [
        ("a", "/2026/speakers/roger-wang/"),
        ("a", "/2026/talks/serving-engines/"),
        ("a", "/2026/talks/kv-cache-layer/"),
        ("a", "/2026/talks/late-posters/"),
    ]
    talk_links = speaker.xpath("//ul[@class='speaker-talks']//a/@href")
    assert talk_links == [
        "/2026/talks/serving-engines/",
        "/2026/talks/kv-cache-layer/",
        "/2026/talks/late-posters/",
    ]
