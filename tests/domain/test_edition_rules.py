"""A talk's room and track are of its own edition, whatever writes them
(program/models/edition_rules.py): the database refuses what Talk.clean explains."""

import pytest
from django.db import IntegrityError, transaction

from program.models import Room, Talk, Track
from tests.factories import ConferenceFactory, RoomFactory, TalkFactory, TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_editions():
    talk = TalkFactory()
    talk.track = TrackFactory(conference=talk.conference)
    talk.save()
    other = ConferenceFactory(slug="2027")
    return talk, RoomFactory(conference=other), TrackFactory(conference=other)


def refused(write):
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        write()
    return str(error.value)


def test_update_cannot_put_a_talk_in_another_editions_room_or_track(two_editions):
    talk, room, track = two_editions

    assert "talk_room_of_its_edition" in refused(
        lambda: Talk.objects.filter(pk=talk.pk).update(room=room)
    )
    assert "talk_track_of_its_edition" in refused(
        lambda: Talk.objects.filter(pk=talk.pk).update(track=track)
    )
    # Nor move the talk to the other edition with its old room and track (either rule).
    moved = refused(lambda: Talk.objects.filter(pk=talk.pk).update(conference=room.conference))
    assert moved.partition(":")[0] in {"talk_room_of_its_edition", "talk_track_of_its_edition"}
    talk.refresh_from_db()
    assert (talk.room.conference_id, talk.track.conference_id) == (talk.conference_id,) * 2


def test_a_new_talk_in_another_editions_room_is_refused(two_editions):
    talk, room, _track = two_editions

    message = refused(
        lambda: Talk.objects.create(
            conference=talk.conference,
            room=room,
            title="Misplaced",
            slug="misplaced",
            start=talk.start,
            end=talk.end,
        )
    )

    assert "talk_room_of_its_edition" in message
    assert not Talk.objects.filter(slug="misplaced").exists()


def test_a_room_or_track_in_use_stays_in_its_edition(two_editions):
    talk, room, _track = two_editions
    other = room.conference

    assert "talk_room_of_its_edition" in refused(
        lambda: Room.objects.filter(pk=talk.room_id).update(conference=other)
    )
    assert "talk_track_of_its_edition" in refused(
        lambda: Track.objects.filter(pk=talk.track_id).update(conference=other)
    )
    # One without talks moves freely.
    assert Room.objects.filter(pk=room.pk).update(conference=talk.conference) == 1


def test_a_whole_edition_moves_its_talks_and_rooms_together(two_editions):
    # Writing a talk's room and edition in one statement is allowed: both are of one edition.
    talk, room, track = two_editions

    Talk.objects.filter(pk=talk.pk).update(conference=room.conference, room=room, track=track)

    talk.refresh_from_db()
    assert (talk.conference, talk.room, talk.track) == (room.conference, room, track)
