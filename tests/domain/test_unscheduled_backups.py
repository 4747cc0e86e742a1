"""Backups, dumps and the seed with unscheduled talks and held changes: what the public
sees, what organisers work on and the releases come back as they were."""

import datetime as dt
import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from program.backups import dumped_rows
from program.models import Conference, Release, Talk
from program.releases import held_talks, release
from tests.factories import ConferenceFactory, RoomFactory, TalkFactory, TalkTypeFactory, local

# Committed transactions: the database stamps rows at commit, and restore must keep stamps.
pytestmark = pytest.mark.django_db(transaction=True)

HELD = ("status", "start", "end", "room_id", "public_status", "public_start", "public_end",
        "public_room_id", "duration")  # fmt: skip


def talks():
    """slug -> (working and public status, start, end, room, and duration)."""
    return {row[0]: row[1:] for row in Talk.objects.order_by("slug").values_list("slug", *HELD)}


def releases():
    return list(
        Release.objects.order_by("conference__slug", "number").values_list(
            "conference__slug", "number", "name", "note", "released_at",
            "released_by__username", "changes",
        )
    )  # fmt: skip


@pytest.fixture
def held_edition():
    """An edition holding changes with two releases, then held changes: a published talk
    moved, a published talk back to an unscheduled draft, a new unscheduled draft with its
    duration; and an edition that does not hold changes, with an unscheduled draft."""
    organiser = User.objects.create_superuser("organiser", password="organiser-password")
    edition = ConferenceFactory(slug="2026", name="MLSys 2026")
    hall = RoomFactory(conference=edition, name="Hall", slug="hall")
    annex = RoomFactory(conference=edition, name="Annex", slug="annex")
    for title, hour in (("Opening", 9), ("Moved", 10), ("Withdrawn", 11)):
        TalkFactory(
            conference=edition, title=title, room=hall, status=Talk.Status.PUBLISHED,
            start=local("2026-05-18", hour), end=local("2026-05-18", hour, 30),
        )  # fmt: skip
    edition.holds_changes = True
    edition.save()  # release 1
    Talk.objects.filter(slug="opening").update(start=local("2026-05-18", 8))
    release(edition, name="Final", note="Opening an hour earlier.", by=organiser)
    Talk.objects.filter(slug="moved").update(room=annex, start=local("2026-05-18", 14),
                                              end=local("2026-05-18", 14, 45))  # fmt: skip
    Talk.objects.filter(slug="withdrawn").update(status="draft", start=None, end=None, room=None)
    TalkFactory(
        conference=edition, title="Waiting", start=None, end=None, room=None,
        status=Talk.Status.DRAFT, duration=dt.timedelta(minutes=45),
    )  # fmt: skip
    other = ConferenceFactory(slug="2025", name="MLSys 2025")
    TalkFactory(
        conference=other, title="Waiting too", start=None, end=None, room=None,
        status=Talk.Status.DRAFT, duration=dt.timedelta(hours=2),
    )  # fmt: skip
    return edition


def held_state():
    edition = Conference.objects.get(slug="2026")
    return (
        talks(),
        releases(),
        sorted(held_talks(edition).values_list("slug", flat=True)),
        list(Conference.objects.order_by("slug").values_list("slug", "holds_changes")),
    )


def test_the_fixture_holds_what_the_tests_below_need(held_edition):
    state = talks()

    assert state["moved"][:4] != state["moved"][4:8]  # held: working and public differ
    assert state["withdrawn"][:4] == ("draft", None, None, None)
    assert state["withdrawn"][4] == "published"
    assert state["waiting"] == ("draft", None, None, None, "draft", None, None, None,
                                dt.timedelta(minutes=45))  # fmt: skip
    assert [row[1:3] for row in releases()] == [
        (1, "The program as it stood"),
        (2, "Final"),
    ]
    assert sorted(held_talks(held_edition).values_list("slug", flat=True)) == [
        "moved",
        "waiting",
        "withdrawn",
    ]


def test_backup_and_restore_keep_unscheduled_talks_held_changes_and_releases(
    held_edition, tmp_path
):
    before = held_state()
    path = tmp_path / "backup.zip"

    call_command("backup", str(path), stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(path), stdout=io.StringIO())

    assert held_state() == before
    # Restoring an edition that holds changes is not switching holding on: no release 1 again.
    assert Release.objects.count() == 2
    assert Release.objects.get(number=2).released_by.username == "organiser"


def test_dumpdata_and_loaddata_round_trip_held_public_values(held_edition, tmp_path):
    """A dump loaded by plain loaddata (not a restore): the public values it lists stay
    those of the edition holding changes, and equal the working ones elsewhere."""
    before = held_state()
    dump = tmp_path / "dump.json"
    dump.write_text(dumped_rows())

    call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", str(dump), verbosity=0)

    assert held_state() == before
    assert json.loads(dump.read_text())  # the dump is plain JSON loaddata reads


@pytest.fixture
def seed():
    TalkTypeFactory(slug="invited-talk")
    TalkTypeFactory(slug="keynote")
    call_command("loaddata", "mlsys2026", verbosity=0)
    return Conference.objects.get(slug="2026")


def test_the_seed_is_public_at_once(seed):
    state = talks()

    assert len(state) == 9
    assert all(row[4:8] == row[:4] and row[0] == "published" for row in state.values())
    assert Release.objects.count() == 0
    assert Talk.objects.unscheduled().count() == 0


def test_loading_the_seed_again_resets_a_moved_talk_at_once_in_an_edition_not_holding(seed):
    talk = Talk.objects.order_by("start").first()
    original = talk.start
    Talk.objects.filter(pk=talk.pk).update(start=original + dt.timedelta(hours=1),
                                           end=talk.end + dt.timedelta(hours=1))  # fmt: skip

    call_command("loaddata", "mlsys2026", verbosity=0)

    talk.refresh_from_db()
    assert (talk.start, talk.public_start) == (original, original)


def test_loading_the_seed_again_keeps_the_released_values_of_an_edition_holding_changes(seed):
    seed.holds_changes = True
    seed.save()
    talk = Talk.objects.order_by("start").first()
    original, later = talk.start, talk.start + dt.timedelta(hours=1)
    Talk.objects.filter(pk=talk.pk).update(start=later, end=talk.end + dt.timedelta(hours=1))
    release(seed, name="Later opening")

    call_command("loaddata", "mlsys2026", verbosity=0)

    talk.refresh_from_db()
    # The fixture lists no holds_changes: the edition keeps holding (the admin switches it).
    assert Conference.objects.get(pk=seed.pk).holds_changes is True
    # The fixture sets the working values; the public ones stay as released, until the
    # organisers release the change the reload made.
    assert (talk.start, talk.public_start) == (original, later)
    assert list(held_talks(seed).values_list("pk", flat=True)) == [talk.pk]
    assert Release.objects.filter(conference=seed).count() == 2
