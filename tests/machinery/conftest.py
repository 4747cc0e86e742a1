"""Fixtures shared by the machinery tests."""

import pytest

from tests.factories import (
    ConferenceFactory,
    ResourceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkTypeFactory,
    TrackFactory,
    local,
)


@pytest.fixture
def program():
    """Two editions sharing a speaker; a talk of each, with a track, a type and slides."""
    edition = ConferenceFactory(slug="2026", name="MLSys 2026")
    older = ConferenceFactory(slug="2025", name="MLSys 2025")
    yuhan = SpeakerFactory(name="Yuhan Liu", slug="yuhan-liu")
    talk = TalkFactory(
        conference=edition,
        title="KV caches at scale",
        slug="kv-caches",
        room=RoomFactory(conference=edition, name="Hall A", slug="hall-a"),
        track=TrackFactory(conference=edition, name="Serving", slug="serving"),
        type=TalkTypeFactory(slug="keynote"),
        speakers=[yuhan],
        start=local("2026-05-18", 9),
    )
    ResourceFactory(talk=talk)
    TalkFactory(conference=older, title="Paged attention", slug="paged", speakers=[yuhan])
    return talk


@pytest.fixture
def two_days():
    """MLSys 2026 with two talks of one speaker in one room, on its two days (the cache's
    failure tests)."""
    edition = ConferenceFactory(slug="2026", name="MLSys 2026")
    room = RoomFactory(conference=edition, name="Grand Ballroom 1")
    yuhan = SpeakerFactory(name="Yuhan Liu")
    for title, day in [
        ("KV caches at scale", "2026-05-18"),
        ("Serving models cheaply", "2026-05-19"),
    ]:
        TalkFactory(
            conference=edition, room=room, title=title, speakers=[yuhan], start=local(day, 9)
        )
    return edition
