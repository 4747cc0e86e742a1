"""The database keeps the rules of sessions, speakers' links and their changes, whatever
writes them (program/models/sessions.py, speaker_links.py, edition_rules.py)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from program.models import Room, Session, SpeakerChange, SpeakerLink
from tests.factories import ConferenceFactory, RoomFactory, SpeakerFactory, local

pytestmark = pytest.mark.django_db


def refused(write):
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        write()
    return str(error.value)


@pytest.fixture
def session():
    room = RoomFactory(conference=ConferenceFactory(slug="2026"), slug="hall-a")
    return Session.objects.create(
        conference=room.conference,
        title="Session 1: Systems for LLMs",
        room=room,
        start=local("2026-05-18", 9),
        end=local("2026-05-18", 11),
    )


def test_a_session_is_in_a_room_of_its_own_edition(session):
    other = RoomFactory(conference=ConferenceFactory(slug="2027"))

    assert "session_room_of_its_edition" in refused(
        lambda: Session.objects.filter(pk=session.pk).update(room=other)
    )
    assert "session_room_of_its_edition" in refused(
        lambda: Session.objects.create(
            conference=session.conference,
            title="Misplaced",
            room=other,
            start=session.start,
            end=session.end,
        )
    )
    assert "session_room_of_its_edition" in refused(
        lambda: Room.objects.filter(pk=session.room_id).update(conference=other.conference)
    )
    session.refresh_from_db()
    assert session.room.conference_id == session.conference_id
    assert Session.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"end": dt.datetime(2026, 5, 18, 8, tzinfo=dt.UTC)}, "session_end_after_start"),
        (
            {"end": dt.datetime(2026, 5, 23, tzinfo=dt.UTC)},
            "session_at_most_99_59",
        ),
        ({"kind": "workshop"}, "session_kind_valid"),
    ],
)
def test_update_cannot_break_a_sessions_rules(session, change, rule):
    assert rule in refused(lambda: Session.objects.filter(pk=session.pk).update(**change))
    session.refresh_from_db()
    assert (session.kind, session.end) == ("talks", local("2026-05-18", 11))


def test_a_speaker_has_one_live_link_per_edition(session):
    speaker = SpeakerFactory()
    SpeakerLink.objects.create(speaker=speaker, conference=session.conference, token_hash="a" * 64)

    message = refused(
        lambda: SpeakerLink.objects.create(
            speaker=speaker, conference=session.conference, token_hash="b" * 64
        )
    )
    # PostgreSQL names the partial unique index, SQLite its columns.
    assert (
        "speakerlink_one_live_per_speaker_and_edition" in message
        or message
        == "UNIQUE constraint failed: program_speakerlink.speaker_id, "
        "program_speakerlink.conference_id"
    )
    # A revoked one may stand beside it.
    SpeakerLink.objects.filter(token_hash="a" * 64).update(revoked_at=session.start)
    SpeakerLink.objects.create(speaker=speaker, conference=session.conference, token_hash="b" * 64)


def test_a_speaker_has_one_change_waiting_per_edition_with_a_known_status(session):
    speaker = SpeakerFactory()
    SpeakerChange.objects.create(speaker=speaker, conference=session.conference)

    message = refused(
        lambda: SpeakerChange.objects.create(speaker=speaker, conference=session.conference)
    )
    assert (
        "speakerchange_one_pending_per_speaker_and_edition" in message
        or message
        == "UNIQUE constraint failed: program_speakerchange.speaker_id, "
        "program_speakerchange.conference_id"
    )
    assert "speakerchange_status_valid" in refused(
        lambda: SpeakerChange.objects.update(status="maybe")
    )
    assert "speakerchange_photo_has_size" in refused(
        lambda: SpeakerChange.objects.update(photo="speakers/x-640.jpg")
    )
