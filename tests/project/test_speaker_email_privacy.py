"""A speaker's e-mail address (``Speaker.email``) is private: it is where their link is sent,
and nowhere else. A speaker with an address, who changed their profile and materials
through their link (approved), has that address in no public page, feed, API answer, the
OpenAPI schema, a static copy of the edition, or any history record; the backup, which is
the operators' copy of everything, keeps it, so a restore loses nothing.

Every public URL the site routes is visited (names from the URLconf): a new public URL
fails here until it is listed, so that it is checked too."""

import io
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from program import speaker_changes, speaker_links
from program.models import Session, Speaker, SpeakerChange, SpeakerLink, Talk
from tests.factories import (
    ConferenceFactory,
    ResourceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TrackFactory,
    local,
)

pytestmark = pytest.mark.django_db

ADDRESS = "yuhan.private@uchicago.edu"
# What of the address would give it away: the whole, and its local part.
SECRETS = (ADDRESS, "yuhan.private")


@pytest.fixture
def yuhan(django_user_model):
    """Yuhan Liu, with an address, speaking on LMCache in MLSys 2026 (published, current),
    who changed their bio and added slides through their link (approved)."""
    edition = ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)
    room = RoomFactory(conference=edition, name="Grand Ballroom 1", slug="grand-ballroom-1")
    speaker = SpeakerFactory(name="Yuhan Liu", slug="yuhan-liu", email=ADDRESS)
    talk = TalkFactory(
        conference=edition,
        room=room,
        slug="lmcache",
        title="LMCache",
        track=TrackFactory(conference=edition, name="Systems", slug="systems"),
        speakers=[speaker],
        start=local("2026-05-18", 9, 50),
        end=local("2026-05-18", 10, 15),
    )
    ResourceFactory(talk=talk, url="https://example.org/lmcache.pdf")
    # They chair the session holding their talk: the timetable band, the talk page and the
    # sessions API name them.
    session = Session.objects.create(
        conference=edition,
        title="Session 1: Systems for LLMs",
        room=room,
        start=local("2026-05-18", 9),
        end=local("2026-05-18", 11),
    )
    session.chairs.set([speaker])
    speaker_links.issue(speaker, edition)
    link = SpeakerLink.objects.select_related("speaker", "conference").get(speaker=speaker)
    speaker_changes.submit(
        link,
        values={"bio": "Builds KV caches."},
        resources={
            talk: [
                {"kind": "slides", "url": "https://example.org/lmcache.pdf", "title": ""},
                {"kind": "code", "url": "https://github.com/LMCache/LMCache", "title": ""},
            ]
        },
    )
    organiser = django_user_model.objects.create_superuser("organiser", "org@example.org", None)
    speaker_changes.approve(SpeakerChange.objects.all(), user=organiser)
    speaker.refresh_from_db()
    assert (speaker.bio, speaker.email) == ("Builds KV caches.", ADDRESS)
    return speaker


# Each public URL name -> the addresses it is visited at (query strings that show most).
PAGES = {
    "program:home": ["/"],
    "program:current": ["/current/"],
    "program:current-path": ["/current/program/"],
    "program:manifest": ["/manifest.webmanifest"],
    "program:service-worker": ["/sw.js"],
    "program:edition": ["/2026/"],
    "program:edition-talks": ["/2026/talks/"],
    "program:program": [
        "/2026/program/",
        "/2026/program/?speaker=yuhan-liu",
        "/2026/program/?q=Yuhan",
    ],
    "program:timetable": ["/2026/timetable/?day=2026-05-18"],
    "program:track-styles": ["/2026/tracks.css"],
    "program:program-ics": ["/2026/program.ics", "/2026/program.ics?speaker=yuhan-liu"],
    "program:schedule-xml": ["/2026/schedule.xml"],
    "program:schedule-json": ["/2026/schedule.json"],
    "program:talk-detail": ["/2026/talks/lmcache/"],
    "program:talk-ics": ["/2026/talks/lmcache.ics"],
    "program:speaker-list": ["/2026/speakers/"],
    "program:speaker-detail": ["/2026/speakers/yuhan-liu/"],
    "program:now": ["/2026/now/?at=2026-05-18T09:55:00-07:00"],
    "program:room-screen": ["/2026/rooms/grand-ballroom-1/screen/?at=2026-05-18T09:55:00-07:00"],
    "program:agenda": ["/2026/agenda/?talk=lmcache"],
    "program:changes": ["/2026/changes/"],
    "program:changes-atom": ["/2026/changes.atom"],
    "program:offline-list": ["/2026/offline.json"],
    "program:offline": ["/2026/offline/"],
    "program:embed-program": ["/2026/embed/program/"],
    "program:embed-timetable": ["/2026/embed/timetable/?day=2026-05-18"],
    "program:embed-speaker-list": ["/2026/embed/speakers/"],
    "program:embed-now": ["/2026/embed/now/?at=2026-05-18T09:55:00-07:00"],
    "program:embed-script": ["/2026/embed.js"],
    "api:api-root": ["/api/v1/"],
    "api:conference-list": ["/api/v1/conferences/"],
    "api:conference-detail": ["/api/v1/conferences/2026/"],
    "api:conference-changes": ["/api/v1/conferences/2026/changes/"],
    "api:conference-now": ["/api/v1/conferences/2026/now/?at=2026-05-18T09:55:00-07:00"],
    "api:conference-releases": ["/api/v1/conferences/2026/releases/"],
    "api:talk-list": ["/api/v1/talks/", "/api/v1/talks/?speaker=yuhan-liu"],
    "api:talk-detail": ["/api/v1/talks/{talk}/"],
    "api:speaker-list": ["/api/v1/speakers/", "/api/v1/speakers/?conference=2026"],
    "api:speaker-detail": ["/api/v1/speakers/{speaker}/"],
    "api:room-list": ["/api/v1/rooms/"],
    "api:room-detail": ["/api/v1/rooms/{room}/"],
    "api:track-list": ["/api/v1/tracks/"],
    "api:track-detail": ["/api/v1/tracks/{track}/"],
    "api:session-list": ["/api/v1/sessions/", "/api/v1/sessions/?conference=2026"],
    "api:session-detail": ["/api/v1/sessions/{session}/"],
    "api:schema": ["/api/schema/", "/api/schema/?format=json"],
    "api:docs": ["/api/docs/"],
}
# Routed but no page of their own: the private link's page and calendar are the speaker's
# own (the page may show what the speaker typed, to nobody else), the admin the organisers'.
NOT_PUBLIC = {"program:speaker-link", "program:speaker-calendar"}


def public_url_names():
    """Every named URL of the program and the API (the admin is not public)."""
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if inner != "admin":
                    walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace:
                names.add(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns, None)
    return names


def test_every_public_url_is_checked():
    assert public_url_names() - NOT_PUBLIC - set(PAGES) == set(), (
        "A public URL is not in PAGES: add it, so that it is checked for the private address."
    )


def test_the_address_is_on_no_public_page_feed_or_api_answer(client, yuhan):
    talk, room, track = Talk.objects.get(), yuhan.talks.get().room, yuhan.talks.get().track
    ids = {"talk": talk.pk, "speaker": yuhan.pk, "room": room.pk, "track": track.pk}
    ids["session"] = Session.objects.get().pk
    answers = {}
    for addresses in PAGES.values():
        for address in addresses:
            response = client.get(address.format(**ids), follow=True)
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            answers[address] = response.status_code
            text = content.decode("utf-8", "replace")
            assert not [secret for secret in SECRETS if secret in text], address
    # Each was a real answer, not an error page that would hide nothing.
    assert {address: status for address, status in answers.items() if status != 200} == {}
    # The pages show the speaker's approved change.
    assert "Builds KV caches." in client.get("/2026/speakers/yuhan-liu/").content.decode()
    assert reverse("api:speaker-detail", args=[yuhan.pk]) == f"/api/v1/speakers/{yuhan.pk}/"


def test_the_address_is_in_no_static_copy(yuhan, tmp_path):
    call_command("export_site", "2026", str(tmp_path / "site"), verbosity=0, stdout=io.StringIO())

    files = [path for path in Path(tmp_path / "site").rglob("*") if path.is_file()]
    assert any(path.name == "index.html" for path in files)
    leaking = [
        str(path)
        for path in files
        if any(secret.encode() in path.read_bytes() for secret in SECRETS)
    ]
    assert leaking == []


def test_the_address_is_in_no_history_record(yuhan):
    history_models = [
        model
        for model in apps.get_app_config("program").get_models()
        if model.__name__.startswith("Historical")
    ]
    assert {model.__name__ for model in history_models} >= {
        "HistoricalSpeaker",
        "HistoricalResource",
        "HistoricalTalk",
    }
    assert "email" not in {field.name for field in Speaker.history.model._meta.get_fields()}
    for model in history_models:
        for row in model.objects.values_list():
            assert not [value for value in row if isinstance(value, str) and ADDRESS in value]
    # The speaker's newest record is their approved change.
    newest = Speaker.history.filter(id=yuhan.pk).order_by("history_id").last()
    assert (newest.bio, newest.history_change_reason) == (
        "Builds KV caches.",
        "Approved: by the speaker, through their link for MLSys 2026",
    )


# Committed transactions, as tests/domain/test_backups.py: a restore flushes the database.
@pytest.mark.django_db(transaction=True)
def test_a_backup_keeps_the_address_and_a_restore_brings_it_back(yuhan, tmp_path, media_root):
    path = tmp_path / "backup.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media_root, ignore_errors=True)
    assert not Speaker.objects.exists()

    call_command("restore", str(path), stdout=io.StringIO())

    restored = Speaker.objects.get(slug="yuhan-liu")
    assert (restored.email, restored.bio) == (ADDRESS, "Builds KV caches.")
    assert SpeakerChange.objects.get().status == "approved"
    assert SpeakerLink.objects.get().speaker == restored
