import datetime as dt
import random

import pytest

from program import clashes as clashes_module
from program.clashes import Clash, find_clashes, first_clashes
from program.models import Room, Speaker, Talk, TalkSpeaker
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkTypeFactory,
    local,
)

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


# The sweep room by room and speaker by speaker finds what comparing every pair found ----


def every_pair(conference, involving=None):
    """The clashes as first defined: every pair of talks compared (the quadratic sweep that
    program/clashes.py replaced, kept as the reference its results must equal)."""
    talks = list(
        Talk.objects.filter(conference=conference)
        .exclude(status=Talk.Status.CANCELLED)
        .for_clashes()
        .order_by("start", "pk")
    )
    clashes = []
    for later_index, later in enumerate(talks):
        for earlier in talks[:later_index]:
            if earlier.end <= later.start:
                continue
            if earlier.room_id == later.room_id:
                clashes.append(Clash(talk=earlier, other=later))
            later_speakers = {speaker.pk for speaker in later.ordered_speakers}
            clashes += [
                Clash(talk=earlier, other=later, speaker=speaker)
                for speaker in earlier.ordered_speakers
                if speaker.pk in later_speakers
            ]
    if involving is None:
        return clashes
    return [
        clash if clash.talk.pk in involving else Clash(clash.other, clash.talk, clash.speaker)
        for clash in clashes
        if clash.talk.pk in involving or clash.other.pk in involving
    ]


@pytest.fixture
def busy_edition():
    """40 talks of 10 to 180 minutes over one day in 3 rooms, each with 1 to 3 of 6
    speakers, one in 8 cancelled: many overlaps of every kind (seeded, so always these)."""
    chance = random.Random(20)
    conference = ConferenceFactory(slug="busy")
    rooms = [RoomFactory(conference=conference, name=f"Hall {letter}") for letter in "ABC"]
    people = [SpeakerFactory(name=f"Speaker {number}") for number in range(6)]
    for number in range(40):
        start = at(8) + dt.timedelta(minutes=10 * chance.randrange(60))
        TalkFactory(
            conference=conference,
            room=chance.choice(rooms),
            start=start,
            end=start + dt.timedelta(minutes=10 * chance.randrange(1, 19)),
            speakers=chance.sample(people, chance.randrange(1, 4)),
            status=Talk.Status.CANCELLED if number % 8 == 7 else Talk.Status.PUBLISHED,
        )
    return conference


def described(clashes):
    return [(c.kind, c.talk.pk, c.other.pk, c.speaker and c.speaker.pk) for c in clashes]


def test_clashes_are_those_of_comparing_every_pair_in_the_same_order(busy_edition):
    expected = every_pair(busy_edition)

    clashes = find_clashes(busy_edition)

    assert described(clashes) == described(expected)
    assert [clash.message() for clash in clashes] == [clash.message() for clash in expected]
    assert {clash.kind for clash in clashes} == {"room", "speaker"}
    assert len(clashes) == 114


def test_clashes_involving_some_talks_are_those_of_comparing_every_pair(busy_edition):
    talks = list(Talk.objects.filter(conference=busy_edition).order_by("pk"))
    some = {talk.pk for talk in talks[::3]}

    assert described(find_clashes(busy_edition, involving=some)) == described(
        every_pair(busy_edition, some)
    )
    for talk in talks:
        assert described(find_clashes(busy_edition, talk=talk)) == described(
            every_pair(busy_edition, {talk.pk})
        ), talk.title


def test_first_clashes_lists_the_first_and_counts_them_all(busy_edition):
    talks = list(Talk.objects.filter(conference=busy_edition).order_by("pk"))
    some = {talk.pk for talk in talks[::3]}
    every, involving_some = every_pair(busy_edition), every_pair(busy_edition, some)

    assert [
        (described(clashes), count)
        for clashes, count in (
            first_clashes(busy_edition, limit=10),
            first_clashes(busy_edition, involving=some, limit=5),
            first_clashes(busy_edition, talk=talks[0], limit=0),
        )
    ] == [
        (described(every[:10]), 114),
        (described(involving_some[:5]), len(involving_some)),
        ([], len(every_pair(busy_edition, {talks[0].pk}))),
    ]
    assert len(involving_some) == 83


def test_a_day_of_talks_all_at_once_is_counted_not_compared_pair_by_pair(monkeypatch):
    """2,000 talks of 24 hours at the same time in 50 rooms, each with one of 100 speakers:
    50 × (40 × 39 / 2) room clashes and 100 × (20 × 19 / 2) speaker clashes. Comparing every
    pair took 1,999,000 comparisons. The sweep compares a talk only with the earlier ones of
    its room or speaker still running, and goes no further than the first 100 clashes need:
    150 to find each group's first clash (its second talk with its first), then 2 or 3 for
    each group's next talk, 330 in all; the count is made by sorting, not by comparing."""
    conference = ConferenceFactory(slug="all-at-once")
    rooms = Room.objects.bulk_create(
        Room(conference=conference, name=f"Room {number}", slug=f"room-{number}", position=number)
        for number in range(50)
    )
    people = Speaker.objects.bulk_create(
        Speaker(name=f"Speaker {number}", slug=f"speaker-{number}") for number in range(100)
    )
    talk_type = TalkTypeFactory()
    talks = Talk.objects.bulk_create(
        Talk(
            conference=conference,
            title=f"Session {number}",
            slug=f"session-{number}",
            type=talk_type,
            room=rooms[number % 50],
            start=at(0),
            end=at(0) + dt.timedelta(hours=24),
        )
        for number in range(2000)
    )
    TalkSpeaker.objects.bulk_create(
        TalkSpeaker(talk=talk, speaker=people[number % 100], position=0)
        for number, talk in enumerate(talks)
    )
    comparisons = []
    still_running = clashes_module._still_running

    def counted(*args):
        comparisons.append(args)
        return still_running(*args)

    monkeypatch.setattr(clashes_module, "_still_running", counted)

    clashes, count = first_clashes(conference, involving={talk.pk for talk in talks}, limit=100)

    assert count == 50 * 40 * 39 // 2 + 100 * 20 * 19 // 2 == 58_000
    assert len(comparisons) == 330
    assert described(clashes[:4]) == [
        ("room", talks[0].pk, talks[50].pk, None),
        ("room", talks[1].pk, talks[51].pk, None),
        ("room", talks[2].pk, talks[52].pk, None),
        ("room", talks[3].pk, talks[53].pk, None),
    ]
    assert described(clashes[50:53]) == [
        ("room", talks[0].pk, talks[100].pk, None),
        ("speaker", talks[0].pk, talks[100].pk, people[0].pk),
        ("room", talks[50].pk, talks[100].pk, None),
    ]
