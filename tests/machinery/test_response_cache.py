"""Public responses answered from the shared cache (machinery/responses.py): one read of the
data version on a warm hit, a new version with every write, stored gzip and brotli, 304
everywhere."""

import gzip
import io
import time

import brotli
import pytest
from django.core.management import call_command
from django.test import Client

from conference.compression import MIN_LENGTH
from program.models import Speaker, Talk
from tests.factories import local

pytestmark = pytest.mark.django_db


def urls(talk):
    speaker = talk.speakers.get()
    room, track = talk.room, talk.track
    return [
        "/2026/program/",
        "/2026/program/?type=keynote&q=kv",
        "/2026/timetable/",
        "/2026/timetable/?day=2026-05-18",
        "/2026/talks/kv-caches/",
        "/2026/speakers/",
        "/2026/speakers/yuhan-liu/",
        "/2026/now/",
        "/2026/agenda/?talk=kv-caches",
        "/2026/changes/",
        "/2026/changes.atom",
        "/2026/tracks.css",
        "/2026/program.ics",
        "/2026/talks/kv-caches.ics",
        "/2026/schedule.xml",
        "/2026/schedule.json",
        "/api/v1/conferences/",
        "/api/v1/conferences/2026/",
        "/api/v1/conferences/2026/now/",
        "/api/v1/conferences/2026/changes/",
        "/api/v1/talks/",
        "/api/v1/talks/?conference=2026&type=keynote",
        f"/api/v1/talks/{talk.pk}/",
        "/api/v1/speakers/",
        f"/api/v1/speakers/{speaker.pk}/",
        "/api/v1/rooms/",
        f"/api/v1/rooms/{room.pk}/",
        "/api/v1/tracks/",
        f"/api/v1/tracks/{track.pk}/",
    ]


URL_COUNT = 29


@pytest.mark.parametrize("index", range(URL_COUNT))
def test_a_warm_hit_runs_no_query_and_a_matching_etag_answers_304(
    client, program, index, django_assert_num_queries
):
    url = urls(program)[index]
    built = client.get(url)

    with django_assert_num_queries(1):
        cached = client.get(url)
    with django_assert_num_queries(1):
        not_modified = client.get(url, HTTP_IF_NONE_MATCH=built["ETag"])

    assert built.status_code == 200
    assert (cached.status_code, cached.content, cached["ETag"]) == (
        200,
        built.content,
        built["ETag"],
    )
    assert (not_modified.status_code, not_modified.content) == (304, b"")
    assert cached["Vary"] == built["Vary"]
    assert "Accept-Encoding" in cached["Vary"]
    assert cached["Cache-Control"].startswith("public, max-age=")


def decoded(response):
    encoding = response.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(response.content)
    if encoding == "gzip":
        return gzip.decompress(response.content)
    return response.content


@pytest.mark.parametrize("index", range(URL_COUNT))
def test_gzip_and_brotli_answers_are_the_plain_bytes(client, program, index):
    url = urls(program)[index]
    plain = client.get(url)  # built: the three kept at once

    answers = {
        accept: client.get(url, HTTP_ACCEPT_ENCODING=accept)
        for accept in ("gzip, deflate, br", "gzip", "br;q=0, gzip;q=0.5", "identity", "br;q=0")
    }

    # A body shorter than MIN_LENGTH is not worth compressing (the API's "now" when over).
    short = len(plain.content) < MIN_LENGTH
    assert {accept: answer.get("Content-Encoding") for accept, answer in answers.items()} == {
        "gzip, deflate, br": None if short else "br",
        "gzip": None if short else "gzip",
        "br;q=0, gzip;q=0.5": None if short else "gzip",
        "identity": None,
        "br;q=0": None,
    }
    assert {decoded(answer) for answer in answers.values()} == {plain.content}
    # Each representation has its own ETag, and answers 304 to it.
    etags = {answer["ETag"] for answer in answers.values()}
    assert len(etags) == (1 if short else 3)
    br = answers["gzip, deflate, br"]
    again = client.get(url, HTTP_ACCEPT_ENCODING="br", HTTP_IF_NONE_MATCH=br["ETag"])
    assert again.status_code == 304


def test_a_compressed_hit_is_smaller_and_served_as_stored(client, program):
    client.get("/2026/program/", HTTP_ACCEPT_ENCODING="br")

    hit = client.get("/2026/program/", HTTP_ACCEPT_ENCODING="br")

    assert hit["Content-Encoding"] == "br"
    assert len(hit.content) < len(brotli.decompress(hit.content)) / 3


def test_responses_built_without_the_cache_are_compressed_too(client, program):
    plain = client.get("/api/schema/")
    compressed = client.get("/api/schema/", HTTP_ACCEPT_ENCODING="gzip")
    bad_filter = client.get("/2026/program/?day=someday", HTTP_ACCEPT_ENCODING="br")

    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    # Its own tag (the hash of the bytes sent): not the plain body's, weak or strong.
    assert compressed["ETag"] not in (plain["ETag"], f"W/{plain['ETag']}")
    assert (bad_filter.status_code, bad_filter["Content-Encoding"]) == (400, "br")
    assert b"Day" in brotli.decompress(bad_filter.content)


def test_a_logged_in_page_is_never_compressed(admin_client, program):
    response = admin_client.get("/admin/", HTTP_ACCEPT_ENCODING="gzip, br")

    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")  # it holds a CSRF token (BREACH)


def test_an_admin_bulk_action_shows_on_the_next_request(admin_client, program):
    anonymous = Client()
    assert anonymous.get("/2026/talks/kv-caches/").status_code == 200

    admin_client.post(
        "/admin/program/talk/",
        {"action": "unpublish", "_selected_action": [program.pk]},
    )

    # A draft never leaks from the cache: the page, the list and the API forget it.
    assert anonymous.get("/2026/talks/kv-caches/").status_code == 404
    assert b"KV caches at scale" not in anonymous.get("/2026/program/").content
    assert anonymous.get("/api/v1/talks/").json()["count"] == 1


def test_an_import_shows_on_the_next_request(client, program, tmp_path):
    client.get("/2026/program/")
    path = tmp_path / "program.csv"
    path.write_text(
        "title,type,date,start,end,room,speakers,abstract\n"
        "Imported talk,keynote,2026-05-19,09:00,09:45,Hall A,Ion Stoica,\n",
        encoding="utf-8",
    )

    call_command("import_schedule", str(path), "--conference", "2026", stdout=io.StringIO())

    assert b"Imported talk" in client.get("/2026/program/").content


def test_a_shared_speaker_renamed_shows_in_both_editions(client, program):
    pages = ["/2026/speakers/yuhan-liu/", "/2025/program/", "/api/v1/speakers/"]
    for page in pages:
        assert b"Yuhan Liu" in client.get(page).content

    Speaker.objects.filter(slug="yuhan-liu").update(name="Yuhan L. Liu")

    assert [b"Yuhan L. Liu" in client.get(page).content for page in pages] == [True] * 3


def test_a_staff_preview_of_a_draft_is_never_kept(admin_client, program):
    Talk.objects.filter(slug="kv-caches").update(status=Talk.Status.DRAFT)

    preview = admin_client.get("/2026/talks/kv-caches/")
    anonymous = Client().get("/2026/talks/kv-caches/")

    assert preview.status_code == 200
    assert preview["Cache-Control"] == "private, no-store"
    assert anonymous.status_code == 404


# ---------------------------------------------------------------------- the clock and the throttle


def test_the_now_page_is_kept_for_its_minute_only(client, program, monkeypatch):
    from program.machinery import clock

    moments = [local("2026-05-18", 9, 5), local("2026-05-18", 9, 5), local("2026-05-18", 9, 31)]
    pages = []
    for moment in moments:
        monkeypatch.setattr(clock, "now", lambda moment=moment: moment)
        pages.append(client.get("/2026/now/").content)

    assert pages[0] == pages[1]
    assert b"9:31" in pages[2]
    assert b"9:31" not in pages[0]


def test_the_throttle_counts_answers_from_the_cache(client, program, settings):
    settings.API_ANONYMOUS_RATE = "2/minute"

    statuses = [client.get("/api/v1/talks/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


# ------------------------------------------------------------------ no rebuild on a timer


@pytest.mark.parametrize("seconds", [61, 24 * 3600])
def test_an_unchanged_page_is_not_rebuilt_when_time_passes(
    client, program, monkeypatch, django_assert_num_queries, seconds
):
    """The data version once expired after 60 s, rebuilding every page and feed each
    minute with no write at all: now only a write (or a page's own clock) changes a key."""
    built = {url: client.get(url) for url in ("/2026/program/", "/2026/schedule.xml")}
    later = time.time() + seconds
    monkeypatch.setattr(time, "time", lambda: later)

    for url, response in built.items():
        with django_assert_num_queries(1):  # the data version, and nothing is built
            again = client.get(url)
        assert (again.status_code, again.content) == (200, response.content)
