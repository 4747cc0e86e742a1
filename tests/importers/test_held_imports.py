"""Imports into an edition that holds changes: a re-import that moves, cancels or adds talks
changes the working version, which the public sees after the release; the texts it
changes are public at once."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from program.models import Conference, Talk
from program.releases import release
from tests.factories import ConferenceFactory, TalkTypeFactory

pytestmark = pytest.mark.django_db

HEADER = "title,type,date,start,end,room,speakers,abstract,status\n"
ROWS = (
    "Opening,Keynote,2026-05-18,09:00,09:45,Hall,Ion Stoica,Welcome.,published\n"
    "LMCache,Invited Talk,2026-05-18,09:50,10:15,Hall,Yuhan Liu,KV caches.,published\n"
)


def run_import(tmp_path, name, text, *args):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    call_command("import_schedule", str(path), *args, stdout=io.StringIO())


def public(conference):
    """{slug: (status, start, room name, abstract)} as the public sees the edition."""
    return {
        talk.slug: (talk.status, talk.start.isoformat(), talk.room.name, talk.abstract)
        for talk in Talk.objects.published()
        .filter(conference=conference)
        .select_related("public_room")
    }


@pytest.fixture
def edition(tmp_path):
    """MLSys 2026 imported from a spreadsheet, then holding changes (release 1)."""
    TalkTypeFactory(slug="keynote", name="Keynote")
    TalkTypeFactory(slug="invited-talk", name="Invited Talk")
    conference = ConferenceFactory(slug="2026", name="MLSys 2026")
    run_import(tmp_path, "v1.csv", HEADER + ROWS, "--conference", "2026")
    conference.holds_changes = True
    conference.save()
    return conference


AS_RELEASED = {
    "opening": ("published", "2026-05-18T16:00:00+00:00", "Hall", "Welcome."),
    "lmcache": ("published", "2026-05-18T16:50:00+00:00", "Hall", "KV caches."),
}


def test_a_spreadsheet_reimport_that_moves_cancels_and_adds_waits_for_the_release(
    tmp_path, edition
):
    changed = (
        ROWS.replace(
            "09:50,10:15,Hall,Yuhan Liu,KV caches.", "11:00,11:25,Annex,Yuhan Liu,KV."
        ).replace("Welcome.,published", "Welcome.,cancelled")
        + "vLLM,Invited Talk,2026-05-19,09:00,09:25,Hall,Woosuk Kwon,Paged attention.,published\n"
    )

    run_import(tmp_path, "v2.csv", HEADER + changed, "--conference", "2026")

    # The abstract is public at once; the move, the cancellation and the new talk wait.
    assert public(edition) == {
        **AS_RELEASED,
        "lmcache": ("published", "2026-05-18T16:50:00+00:00", "Hall", "KV."),
    }
    release(edition, name="Final")
    assert public(edition) == {
        "opening": ("cancelled", "2026-05-18T16:00:00+00:00", "Hall", "Welcome."),
        "lmcache": ("published", "2026-05-18T18:00:00+00:00", "Annex", "KV."),
        "vllm": ("published", "2026-05-19T16:00:00+00:00", "Hall", "Paged attention."),
    }


def test_a_frab_reimport_that_moves_a_talk_waits_for_the_release(tmp_path, shared_dir):
    TalkTypeFactory(slug="workshop", name="Workshop")
    source = json.loads((shared_dir / "formats/frab/examples/pretalx-democon.json").read_text())
    run_import(tmp_path, "v1.json", json.dumps(source))
    democon = Conference.objects.get(slug="democon")
    democon.holds_changes = True
    democon.save()
    slug = "focused-5thgeneration-hardware"
    rooms = source["schedule"]["conference"]["days"][0]["rooms"]
    event = rooms["Gray Room"].pop(0)
    event.update(date="2020-12-14T16:00:00+01:00", start="16:00", room="Tan Room")
    event["abstract"] = "Moved to the afternoon."
    rooms["Tan Room"].append(event)

    run_import(tmp_path, "v2.json", json.dumps(source))

    moved = Talk.objects.get(conference=democon, slug=slug)
    assert (moved.start, moved.room.name) == (
        dt.datetime(2020, 12, 14, 15, tzinfo=dt.UTC),
        "Tan Room",
    )
    assert public(democon)[slug] == (
        "published",
        "2020-12-14T08:00:00+00:00",
        "Gray Room",
        "Moved to the afternoon.",
    )
    release(democon, name="Afternoon")
    assert public(democon)[slug] == (
        "published",
        "2020-12-14T15:00:00+00:00",
        "Tan Room",
        "Moved to the afternoon.",
    )
