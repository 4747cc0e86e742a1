"""The database's rules for unscheduled talks, whatever path writes: save(), update(),
bulk_create(), bulk_update() and raw SQL; and the messages Talk.clean() gives the admin."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from program.clashes import find_clashes, first_clashes
from program.models import MAX_DURATION, Talk
from program.models.talks import SLOT_INCOMPLETE
from tests.factories import ConferenceFactory, RoomFactory, TalkFactory, TalkTypeFactory, local

pytestmark = pytest.mark.django_db


def unscheduled(**fields):
    """An unscheduled draft (no start, end nor room)."""
    return TalkFactory(start=None, end=None, room=None, status=Talk.Status.DRAFT, **fields)


def refused_by(constraint, write):
    """Run ``write``; the database must refuse it, naming ``constraint``."""
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        write()
    assert constraint in str(raised.value)


def raw_update(talk, **columns):
    """UPDATE the talk's row in SQL, past the ORM."""
    assignments = ", ".join(f"{connection.ops.quote_name(column)} = %s" for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE program_talk SET {assignments} WHERE id = %s", [*columns.values(), talk.pk]
        )


def save_with(talk, **fields):
    def write():
        for name, value in fields.items():
            setattr(talk, name, value)
        talk.save()

    return write


def bulk_update_with(talk, **fields):
    def write():
        for name, value in fields.items():
            setattr(talk, name, value)
        Talk.objects.bulk_update([talk], list(fields))

    return write


def update_with(talk, **fields):
    return lambda: Talk.objects.filter(pk=talk.pk).update(**fields)


def test_an_unscheduled_draft_is_stored_with_its_duration():
    talk = unscheduled(duration=dt.timedelta(minutes=45))

    talk.refresh_from_db()

    assert (talk.start, talk.end, talk.room, talk.duration) == (
        None,
        None,
        None,
        dt.timedelta(minutes=45),
    )
    assert (talk.is_scheduled, talk.duration_minutes) == (False, 45)
    assert list(Talk.objects.unscheduled()) == [talk]


@pytest.mark.parametrize("status", [Talk.Status.PUBLISHED, Talk.Status.CANCELLED])
@pytest.mark.parametrize("path", ["save", "update", "bulk_update", "raw"])
def test_a_public_talk_without_a_slot_is_refused_whatever_the_path(path, status):
    talk = unscheduled()
    write = {
        "save": save_with(talk, status=status),
        "update": update_with(talk, status=status),
        "bulk_update": bulk_update_with(talk, status=status),
        "raw": lambda: raw_update(talk, status=status),
    }[path]

    refused_by("talk_public_has_slot", write)

    talk.refresh_from_db()
    assert (talk.status, talk.public_status) == ("draft", "draft")


@pytest.mark.parametrize("status", [Talk.Status.PUBLISHED, Talk.Status.CANCELLED])
def test_a_public_talk_without_a_slot_is_refused_by_bulk_create(status):
    conference = ConferenceFactory()
    talk = TalkFactory.build(
        conference=conference, type=TalkTypeFactory(), start=None, end=None, room=None,
        status=status,
    )  # fmt: skip

    refused_by("talk_public_has_slot", lambda: Talk.objects.bulk_create([talk]))

    assert not Talk.objects.exists()


@pytest.mark.parametrize("path", ["save", "update", "bulk_update", "raw"])
@pytest.mark.parametrize("missing", ["start", "end", "room"])
def test_a_partial_slot_is_refused_whatever_the_path(path, missing):
    talk = TalkFactory(status=Talk.Status.DRAFT)
    column = "room_id" if missing == "room" else missing
    write = {
        "save": save_with(talk, **{missing: None}),
        "update": update_with(talk, **{missing: None}),
        "bulk_update": bulk_update_with(talk, **{missing: None}),
        "raw": lambda: raw_update(talk, **{column: None}),
    }[path]

    refused_by("talk_slot_whole", write)


def test_a_partial_slot_is_refused_by_bulk_create():
    conference = ConferenceFactory()
    room = RoomFactory(conference=conference)
    talk = TalkFactory.build(
        conference=conference, type=TalkTypeFactory(), room=room, start=None, end=None,
        status=Talk.Status.DRAFT,
    )  # fmt: skip

    refused_by("talk_slot_whole", lambda: Talk.objects.bulk_create([talk]))


@pytest.mark.parametrize(
    ("duration", "stored"),
    [
        (dt.timedelta(minutes=1), True),
        (MAX_DURATION, True),
        (dt.timedelta(0), False),
        (dt.timedelta(minutes=-30), False),
        (MAX_DURATION + dt.timedelta(minutes=1), False),
    ],
    ids=["a-minute", "99:59", "zero", "negative", "100:00"],
)
@pytest.mark.parametrize("path", ["save", "update", "bulk_update"])
def test_a_duration_outside_a_talks_range_is_refused(path, duration, stored):
    talk = unscheduled()
    write = {
        "save": save_with(talk, duration=duration),
        "update": update_with(talk, duration=duration),
        "bulk_update": bulk_update_with(talk, duration=duration),
    }[path]

    if stored:
        write()
        talk.refresh_from_db()
        assert talk.duration == duration
    else:
        refused_by("talk_duration_in_range", write)


@pytest.mark.parametrize("status", [Talk.Status.PUBLISHED, Talk.Status.CANCELLED])
@pytest.mark.parametrize("path", ["update", "raw"])
def test_public_values_without_a_slot_are_refused(path, status):
    """A release copies working to public values: a talk public without a slot cannot come
    from any path, not even one that writes the public values alone."""
    talk = unscheduled()
    write = {
        "update": update_with(talk, public_status=status),
        "raw": lambda: raw_update(talk, public_status=status),
    }[path]

    refused_by("talk_released_has_slot", write)


@pytest.mark.parametrize("missing", ["public_start", "public_end", "public_room_id"])
def test_a_public_talk_missing_part_of_its_public_slot_is_refused(missing):
    talk = TalkFactory(status=Talk.Status.PUBLISHED)

    refused_by("talk_released_has_slot", lambda: raw_update(talk, **{missing: None}))


def test_a_talk_whose_edition_holds_changes_keeps_its_public_slot_when_unscheduled():
    """While held, the working slot may go (a draft again) and the public one stays."""
    talk = TalkFactory(status=Talk.Status.PUBLISHED)
    talk.conference.holds_changes = True
    talk.conference.save()
    talk.refresh_from_db()
    start, end, room = talk.start, talk.end, talk.room

    Talk.objects.filter(pk=talk.pk).update(status="draft", start=None, end=None, room=None)

    talk.refresh_from_db()
    assert (talk.status, talk.start, talk.end, talk.room) == ("draft", None, None, None)
    assert (talk.public_status, talk.public_start, talk.public_end, talk.public_room) == (
        "published",
        start,
        end,
        room,
    )


@pytest.mark.parametrize(
    "slot",
    [
        {"room": None},
        {"start": None},
        {"end": None},
        {"start": None, "end": None},
        {"start": None, "end": None, "room": "keep"},
    ],
    ids=["no-room", "no-start", "no-end", "room-only", "room-only-again"],
)
def test_clean_asks_for_the_whole_slot_or_none(slot):
    talk = TalkFactory.build(
        conference=ConferenceFactory(), status=Talk.Status.DRAFT,
        start=local("2026-05-18", 9), end=local("2026-05-18", 9, 30),
    )  # fmt: skip
    talk.room = RoomFactory(conference=talk.conference)
    for name, value in slot.items():
        if value != "keep":
            setattr(talk, name, value)

    with pytest.raises(ValidationError) as raised:
        talk.clean()

    assert raised.value.message_dict == {"__all__": [SLOT_INCOMPLETE]}
    assert SLOT_INCOMPLETE == (
        "Give the talk a day, start, end and room, or none of them to leave it unscheduled."
    )


@pytest.mark.parametrize("status", [Talk.Status.PUBLISHED, Talk.Status.CANCELLED])
def test_clean_keeps_a_talk_without_a_slot_a_draft(status):
    talk = TalkFactory.build(
        conference=ConferenceFactory(), status=status, start=None, end=None, room=None
    )

    with pytest.raises(ValidationError) as raised:
        talk.clean()

    assert raised.value.message_dict == {
        "status": [
            "Only a draft can wait without a slot: give the talk a day, time and room before "
            "it is public."
        ]
    }


def test_clean_accepts_an_unscheduled_draft():
    talk = TalkFactory.build(
        conference=ConferenceFactory(), status="draft", start=None, end=None, room=None
    )

    talk.clean()  # no error


def test_an_unscheduled_talk_clashes_with_nothing():
    talk = unscheduled(speakers=[])
    TalkFactory(conference=talk.conference, status=Talk.Status.PUBLISHED)

    assert find_clashes(talk.conference, talk=talk) == []
    assert first_clashes(talk.conference, talk=talk, limit=10) == ([], 0)


def test_full_clean_tells_of_a_partial_slot_once():
    talk = TalkFactory.build(
        conference=ConferenceFactory(), type=TalkTypeFactory(), status=Talk.Status.DRAFT,
        start=local("2026-05-18", 9), end=None, room=None,
    )  # fmt: skip

    with pytest.raises(ValidationError) as raised:
        talk.full_clean()

    assert raised.value.message_dict == {"__all__": [SLOT_INCOMPLETE]}
