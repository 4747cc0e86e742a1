"""Held changes through every writer of the shell and the domain (program/releases.py):
save(), update(), bulk_update(), bulk_create() and moves.place() change the working
version, which Talk.objects.published() shows only after the release; text is public at
once; a talk the public sees until the release is not deleted on any path."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import F

from program.models import Conference, Resource, Speaker, Talk
from program.models.releases import DeletionHeld
from program.moves import place, placed_at
from program.releases import release
from tests.factories import (
    ConferenceFactory,
    ResourceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkTypeFactory,
    local,
)

pytestmark = pytest.mark.django_db

MONDAY_950 = (local("2026-05-18", 9, 50), local("2026-05-18", 10, 15))
TUESDAY_1130 = (local("2026-05-19", 11, 30), local("2026-05-19", 11, 55))


def public():
    """{slug: (status, start, end, room name)}: the edition as Talk.objects.published()
    shows it, read as every public reader reads it (values of the public_* names)."""
    rows = Talk.objects.published().values_list(
        "slug", "public_status", "public_start", "public_end", "public_room__name"
    )
    return {slug: values for slug, *values in rows for values in [tuple(values)]}


@pytest.fixture
def edition():
    return ConferenceFactory(slug="2026", name="MLSys 2026")


@pytest.fixture
def ballroom(edition):
    return RoomFactory(conference=edition, name="Grand Ballroom 1")


@pytest.fixture
def hall(edition):
    return RoomFactory(conference=edition, name="Hall B")


@pytest.fixture
def lmcache(edition, ballroom):
    """LMCache, Monday 9:50 in Grand Ballroom 1, public in release 1 of MLSys 2026."""
    talk = TalkFactory(
        conference=edition,
        room=ballroom,
        title="LMCache",
        slug="lmcache",
        start=MONDAY_950[0],
        speakers=[SpeakerFactory(name="Yuhan Liu")],
    )
    edition.holds_changes = True
    edition.save()
    return Talk.objects.get(pk=talk.pk)


AS_RELEASED = {"lmcache": ("published", *MONDAY_950, "Grand Ballroom 1")}
MOVED = {"lmcache": ("published", *TUESDAY_1130, "Hall B")}


def test_save_waits_for_the_release(lmcache, hall):
    lmcache.start, lmcache.end, lmcache.room = *TUESDAY_1130, hall
    lmcache.save()

    assert public() == AS_RELEASED
    release(lmcache.conference, name="Final")
    assert public() == MOVED


def test_save_of_some_fields_waits_for_the_release(lmcache, hall):
    lmcache.start, lmcache.end, lmcache.room = *TUESDAY_1130, hall
    lmcache.save(update_fields=["start", "end", "room"])

    assert public() == AS_RELEASED
    release(lmcache.conference, name="Final")
    assert public() == MOVED


def test_update_waits_for_the_release(lmcache, hall):
    Talk.objects.filter(slug="lmcache").update(
        start=TUESDAY_1130[0], end=TUESDAY_1130[1], room=hall
    )

    assert public() == AS_RELEASED
    release(lmcache.conference, name="Final")
    assert public() == MOVED


def test_bulk_update_waits_for_the_release(lmcache, hall):
    lmcache.start, lmcache.end, lmcache.room = *TUESDAY_1130, hall

    Talk.objects.bulk_update([lmcache], ["start", "end", "room"])

    assert public() == AS_RELEASED
    release(lmcache.conference, name="Final")
    assert public() == MOVED


def test_set_status_waits_for_the_release(lmcache):
    Talk.objects.filter(slug="lmcache").set_status(Talk.Status.CANCELLED)

    assert public() == AS_RELEASED
    release(lmcache.conference, name="Final")
    assert public() == {"lmcache": ("cancelled", *MONDAY_950, "Grand Ballroom 1")}


def test_bulk_create_of_a_published_talk_waits_for_the_release(lmcache, hall):
    new = Talk(
        conference=lmcache.conference,
        title="vLLM",
        slug="vllm",
        type=TalkTypeFactory(),
        status=Talk.Status.PUBLISHED,
        start=TUESDAY_1130[0],
        end=TUESDAY_1130[1],
        room=hall,
    )

    Talk.objects.bulk_create([new])

    assert public() == AS_RELEASED
    release(lmcache.conference, name="Final")
    assert public() == {**AS_RELEASED, "vllm": ("published", *TUESDAY_1130, "Hall B")}


def test_a_move_placed_in_the_editor_waits_for_the_release(lmcache, hall):
    organiser = User.objects.create_user("organiser", is_staff=True)

    place([placed_at(lmcache, TUESDAY_1130[0], hall)], by=organiser)

    assert Talk.objects.get(slug="lmcache").start == TUESDAY_1130[0]
    assert public() == AS_RELEASED
    release(lmcache.conference, name="Final")
    assert public() == MOVED


def test_text_and_materials_are_public_at_once(lmcache):
    lmcache.title, lmcache.abstract = "LMCache, retitled", "A new abstract."
    lmcache.save()
    Speaker.objects.filter(name="Yuhan Liu").update(bio="Yuhan builds KV caches.")
    ResourceFactory(talk=lmcache, url="https://slides.example.org/lmcache.pdf")

    shown = Talk.objects.published().for_talk_page().get(slug="lmcache")

    assert (shown.title, shown.abstract) == ("LMCache, retitled", "A new abstract.")
    assert [speaker.bio for speaker in shown.ordered_speakers] == ["Yuhan builds KV caches."]
    assert [resource.url for resource in shown.resources.all()] == [
        "https://slides.example.org/lmcache.pdf"
    ]
    assert Resource.objects.count() == 1


def test_an_edition_that_does_not_hold_changes_shows_them_at_once(edition, ballroom, hall):
    TalkFactory(conference=edition, room=ballroom, slug="lmcache", start=MONDAY_950[0])

    Talk.objects.filter(slug="lmcache").update(
        start=TUESDAY_1130[0], end=TUESDAY_1130[1], room=hall
    )

    assert public() == MOVED


# Deleting -----------------------------------------------------------------------------------

REFUSAL = (
    "“LMCache” is public in MLSys 2026's last release, and MLSys 2026 holds changes for "
    "release: deleting it now would take it off the public program before the release. Set "
    "it back to draft, release the edition's changes, then delete it."
)


def test_deleting_a_talk_public_until_the_release_is_refused(lmcache):
    with pytest.raises(DeletionHeld) as refused:
        lmcache.delete()

    assert refused.value.args[0] == REFUSAL
    assert refused.value.protected_objects == [lmcache]
    assert Talk.objects.filter(slug="lmcache").exists()


def test_deleting_talks_public_until_the_release_in_bulk_refuses_them_all(lmcache, ballroom):
    TalkFactory(conference=lmcache.conference, room=ballroom, slug="draft", status="draft")
    TalkFactory(conference=lmcache.conference, room=ballroom, slug="ray", title="Ray")
    TalkFactory(conference=lmcache.conference, room=ballroom, slug="sky", title="Sky")
    release(lmcache.conference, name="With Ray and Sky")

    with pytest.raises(DeletionHeld) as refused:
        Talk.objects.order_by("slug").delete()

    assert refused.value.args[0] == f"{REFUSAL} The same holds for 2 more talks."
    assert [talk.slug for talk in refused.value.protected_objects] == ["lmcache", "ray", "sky"]
    assert Talk.objects.count() == 4


@pytest.mark.parametrize("status", ["draft", "cancelled"])
def test_a_talk_public_in_the_last_release_is_kept_whatever_its_working_status(lmcache, status):
    Talk.objects.filter(pk=lmcache.pk).update(status=status)

    with pytest.raises(DeletionHeld):
        Talk.objects.get(pk=lmcache.pk).delete()


def test_a_talk_added_since_the_release_can_be_deleted(lmcache, ballroom):
    added = TalkFactory(conference=lmcache.conference, room=ballroom, slug="vllm")

    added.delete()
    Talk.objects.filter(slug="nothing").delete()

    assert list(Talk.objects.values_list("slug", flat=True)) == ["lmcache"]


def test_a_talk_removed_and_released_can_be_deleted(lmcache):
    Talk.objects.filter(pk=lmcache.pk).update(status="draft")
    release(lmcache.conference, name="Without LMCache")

    Talk.objects.filter(pk=lmcache.pk).delete()

    assert not Talk.objects.exists()


def test_talks_of_an_edition_that_does_not_hold_changes_are_deleted(edition, ballroom):
    TalkFactory(conference=edition, room=ballroom, slug="lmcache").delete()

    assert not Talk.objects.exists()


def test_deleting_the_edition_deletes_its_public_talks(lmcache):
    lmcache.conference.delete()

    assert (Conference.objects.count(), Talk.objects.count()) == (0, 0)


def test_talks_deleted_with_their_edition_are_not_refused(lmcache):
    Talk.objects.filter(conference=lmcache.conference).delete(with_edition=True)
    lmcache.conference.delete()

    assert (Conference.objects.count(), Talk.objects.count()) == (0, 0)


def test_a_synthetic_edition_holding_changes_is_generated_again(edition):
    call_command("generate_program", "--conference", "2025", "--talks", "12", "--rooms", "2")
    Conference.objects.filter(slug="2025").update(holds_changes=True)

    call_command("generate_program", "--conference", "2025", "--talks", "6", "--rooms", "2")

    assert Talk.objects.filter(conference__slug="2025").count() == 6


def test_the_seed_edition_does_not_hold_changes():
    call_command("loaddata", "mlsys2026", verbosity=0)

    seed = Conference.objects.get(slug="2026")
    assert (seed.holds_changes, seed.releases.count()) == (False, 0)
    assert Talk.objects.filter(conference=seed).count() == Talk.objects.published().count()
    assert dt.timedelta(0) < max(talk.end - talk.start for talk in Talk.objects.all())


def test_reloading_the_seed_keeps_its_edition_holding_changes_and_holds_its_moves():
    call_command("loaddata", "mlsys2026", verbosity=0)
    seed = Conference.objects.get(slug="2026")
    seed.holds_changes = True
    seed.save()
    talks = Talk.objects.filter(conference=seed, slug__startswith="lmcache")
    seeded = talks.get().start
    talks.update(start=F("start") + dt.timedelta(days=1), end=F("end") + dt.timedelta(days=1))
    release(seed, name="LMCache on Tuesday")

    call_command("loaddata", "mlsys2026", verbosity=0)

    seed.refresh_from_db()
    assert (seed.holds_changes, seed.releases.count()) == (True, 2)
    assert talks.get().start == seeded  # the fixture's time, in the working version
    assert Talk.objects.published().get(slug__startswith="lmcache").start == seeded + dt.timedelta(
        days=1
    )
    release(seed, name="Back to Monday")
    assert Talk.objects.published().get(slug__startswith="lmcache").start == seeded
