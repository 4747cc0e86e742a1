"""The program's models, one module per part: editions (with rooms, tracks and talk types),
speakers (with their private links and the changes they make), talks and sessions.
Everything is importable from ``program.models`` as Django expects."""

from program.machinery.data_version import DataVersion
from program.models.base import (
    HTTP_URL,
    EditionSlugManager,
    SearchableModel,
    SearchableQuerySet,
    SlugManager,
    TimestampedModel,
    TimestampedQuerySet,
    is_timezone_name,
    validate_timezone,
)
from program.models.editions import Conference, ConferenceQuerySet, Room, TalkType, Track
from program.models.releases import Release
from program.models.resources import Resource
from program.models.sessions import Session
from program.models.speaker_links import SpeakerChange, SpeakerLink
from program.models.speakers import Speaker
from program.models.talk_speakers import TalkSpeaker, TalkSpeakerManager
from program.models.talks import (
    MAX_DURATION,
    TOO_LONG,
    Talk,
    TalkManager,
    TalkQuerySet,
)

__all__ = [
    "HTTP_URL",
    "MAX_DURATION",
    "TOO_LONG",
    "Conference",
    "ConferenceQuerySet",
    "DataVersion",
    "EditionSlugManager",
    "Release",
    "Resource",
    "Room",
    "SearchableModel",
    "SearchableQuerySet",
    "Session",
    "SlugManager",
    "Speaker",
    "SpeakerChange",
    "SpeakerLink",
    "Talk",
    "TalkManager",
    "TalkQuerySet",
    "TalkSpeaker",
    "TalkSpeakerManager",
    "TalkType",
    "TimestampedModel",
    "TimestampedQuerySet",
    "Track",
    "is_timezone_name",
    "validate_timezone",
]
