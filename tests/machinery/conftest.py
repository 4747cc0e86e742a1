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
