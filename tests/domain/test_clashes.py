import pytest

from program.clashes import find_clashes
from program.models import Talk
from tests.factories import ConferenceFactory, RoomFactory, SpeakerFactory, TalkFactory, local

pytestmark = pytest.mark.django_db


def at(hour, minute=0):
    return local("2026-05-18", hour, minute)


def test_room_booked_twice_is_a_clash():
    first = TalkFactory(title="First", start=at(9), end=at(10))
    second = TalkFactory(
        title="Second", conference=first.conference, room=first.room, start=at(9, 30), end=at(11)
    )

    clashes = find_clashes(first.conference)

    assert [(c.kind, c.talk, c.other, c.speaker) for c in clashes] == [
        ("room", first, second, None)
    ]
    assert clashes[0].message() == (
        f"Room clash: “Second” is also in {first.room} at Monday, May 18, 9:30 AM PDT."
    )


def test_speaker_booked_twice_is_a_clash():
    speaker = SpeakerFactory(name="Lisa Li")
    first = TalkFactory(title="First", start=at(9), end=at(10), speakers=[speaker])
    second = TalkFactory(
        title="Second",
        conference=first.conference,
        room=RoomFactory(conference=first.conference, name="Hall B"),
        start=at(9, 59),
        end=at(10, 30),
        speakers=[SpeakerFactory(), speaker],
    )

    clashes = find_clashes(first.conference, talk=second)

    assert [(c.kind, c.talk, c.other, c.speaker) for c in clashes] == [
        ("speaker", second, first, speaker)
    ]
    assert clashes[0].message() == (
        f"Speaker clash: Lisa Li also speaks in “First” in {first.room} "
        "at Monday, May 18, 9:00 AM PDT."
    )


def test_talks_that_only_touch_do_not_clash():
    speaker = SpeakerFactory()
    first = TalkFactory(start=at(9), end=at(10), speakers=[speaker])
    TalkFactory(
        conference=first.conference, room=first.room, start=at(10), end=at(11), speakers=[speaker]
    )

    assert find_clashes(first.conference) == []


def test_talks_of_different_editions_never_clash():
    speaker = SpeakerFactory()
    first = TalkFactory(
        conference=ConferenceFactory(slug="2025"), start=at(9), end=at(10), speakers=[speaker]
    )
    second = TalkFactory(
        conference=ConferenceFactory(slug="2026"), start=at(9), end=at(10), speakers=[speaker]
    )

    assert find_clashes(first.conference) == []
    assert find_clashes(second.conference, talk=second) == []


def test_cancelled_talks_free_their_room_and_speakers():
    speaker = SpeakerFactory()
    first = TalkFactory(start=at(9), end=at(10), speakers=[speaker])
    TalkFactory(
        conference=first.conference,
        room=first.room,
        start=at(9),
        end=at(10),
        speakers=[speaker],
        status=Talk.Status.CANCELLED,
    )

    assert find_clashes(first.conference) == []


def test_a_talk_sees_only_its_own_clashes():
    first = TalkFactory(title="First", start=at(9), end=at(10))
    TalkFactory(conference=first.conference, room=first.room, start=at(9), end=at(10))
    lone = TalkFactory(
        conference=first.conference,
        room=RoomFactory(conference=first.conference, name="Hall C"),
        start=at(9),
        end=at(10),
    )

    assert len(find_clashes(first.conference)) == 1
    assert find_clashes(first.conference, talk=lone) == []


def test_clashes_involving_some_talks_name_those_first():
    room = RoomFactory()
    conference = room.conference
    earlier = TalkFactory(conference=conference, room=room, title="Earlier", start=at(9))
    imported = TalkFactory(conference=conference, room=room, title="Imported", start=at(9, 10))
    other_room = RoomFactory(conference=conference)
    for title in ("Old", "Older"):  # a clash among the others
        TalkFactory(conference=conference, room=other_room, title=title, start=at(14))

    clashes = find_clashes(conference, involving={imported.pk})

    assert [(c.kind, c.talk, c.other) for c in clashes] == [("room", imported, earlier)]
    assert len(find_clashes(conference)) == 2
