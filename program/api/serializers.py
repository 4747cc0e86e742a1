"""Public, read-only representations (docs/api/json.md)."""

import datetime as dt
import zoneinfo
from collections import defaultdict

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from program.links import slug_url
from program.models import (
    Conference,
    Resource,
    Room,
    Session,
    Speaker,
    Talk,
    TalkSpeaker,
    TalkType,
    Track,
)
from program.outputs import uri
from program.photos import photo_url_function
from program.times import local_iso


def page_url(context, view_name, edition, slug):
    """Absolute URL of an edition's page about ``slug``, such as a talk page.

    A list makes one URL function per edition and page (program.links.slug_url).
    """
    urls = context.setdefault("page_urls", {})
    if (view_name, edition) not in urls:
        urls[view_name, edition] = slug_url(
            view_name, edition, context["request"].build_absolute_uri
        )
    return urls[view_name, edition](slug)


def utc_iso(moment):
    """ISO 8601 in UTC with "Z", as DRF writes it."""
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


@extend_schema_field(OpenApiTypes.URI)
class AbsoluteUrlField(serializers.Field):
    """The absolute URL of an HTML page, from a path such as ``get_absolute_url()``."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value)


class TalkTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = TalkType
        fields = ["slug", "name"]
        read_only_fields = fields


class StreamUrlMixin:
    @extend_schema_field(
        serializers.URLField(
            allow_null=True, help_text="The room's live stream (a page), or null when none."
        )
    )
    def get_stream_url(self, room):
        return room.stream_url or None


class TalkRoomSerializer(StreamUrlMixin, serializers.ModelSerializer):
    stream_url = serializers.SerializerMethodField()  # written by TalkSerializer

    class Meta:
        model = Room
        fields = ["slug", "name", "stream_url"]
        read_only_fields = fields


class TalkTrackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Track
        fields = ["slug", "name", "colour"]
        read_only_fields = fields


class TalkSpeakerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Speaker
        fields = ["id", "slug", "name", "affiliation"]
        read_only_fields = fields


class ResourceSerializer(serializers.ModelSerializer):
    url = serializers.URLField(source="uri", read_only=True, help_text="A valid URI (RFC 3986).")

    class Meta:
        model = Resource
        fields = ["kind", "url", "title"]
        read_only_fields = fields


class TalkSerializer(serializers.ModelSerializer):
    """A published or cancelled talk."""

    # Written out from a row of talk_rows() by to_representation; these fields make the schema.
    conference = serializers.CharField(read_only=True, help_text="Edition slug.")
    type = TalkTypeSerializer(read_only=True)
    start = serializers.DateTimeField(read_only=True, help_text="With the edition's UTC offset.")
    end = serializers.DateTimeField(read_only=True, help_text="With the edition's UTC offset.")
    duration_minutes = serializers.IntegerField(read_only=True)
    room = TalkRoomSerializer(read_only=True)
    track = TalkTrackSerializer(read_only=True, allow_null=True, help_text="Null: no track.")
    speakers = TalkSpeakerSerializer(many=True, read_only=True, help_text="In their order.")
    status = serializers.ChoiceField(
        choices=[
            (status.value, status.label)
            for status in (Talk.Status.PUBLISHED, Talk.Status.CANCELLED)
        ],
        read_only=True,
        help_text="Cancelled talks stay listed, marked as cancelled.",
    )
    resources = ResourceSerializer(
        many=True, read_only=True, help_text="Slides, recordings, papers...: links, in order."
    )
    board = serializers.CharField(
        read_only=True, help_text="A poster's board, e.g. “12”; empty when none."
    )
    url = serializers.URLField(read_only=True, help_text="The talk's HTML page.")
    updated_at = serializers.DateTimeField(read_only=True, help_text="In UTC.")

    class Meta:
        model = Talk
        fields = [
            "id",
            "slug",
            "conference",
            "title",
            "type",
            "abstract",
            "start",
            "end",
            "duration_minutes",
            "room",
            "track",
            "speakers",
            "status",
            "resources",
            "board",
            "url",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, row):
        """The declared fields, written out: a page holds up to 500 talks, and model
        instances and DRF's field machinery took most of its time. Tests compare the keys
        with the declared fields, and schemathesis the values with the schema."""
        timezone = zoneinfo.ZoneInfo(row["conference__timezone"])
        return {
            "id": row["id"],
            "slug": row["slug"],
            "conference": row["conference__slug"],
            "title": row["title"],
            "type": {"slug": row["type__slug"], "name": row["type__name"]},
            "abstract": row["abstract"],
            "start": local_iso(row["public_start"], timezone),
            "end": local_iso(row["public_end"], timezone),
            # As Talk.duration_minutes.
            "duration_minutes": int(
                (row["public_end"] - row["public_start"]).total_seconds() // 60
            ),
            "room": {
                "slug": row["public_room__slug"],
                "name": row["public_room__name"],
                "stream_url": row["public_room__stream_url"] or None,
            },
            "track": (
                {
                    "slug": row["track__slug"],
                    "name": row["track__name"],
                    "colour": row["track__colour"],
                }
                if row["track__slug"] is not None
                else None
            ),
            "speakers": [
                {
                    "id": speaker["speaker_id"],
                    "slug": speaker["speaker__slug"],
                    "name": speaker["speaker__name"],
                    "affiliation": speaker["speaker__affiliation"],
                }
                for speaker in row["speakers"]
            ],
            "status": row["public_status"],
            "resources": row["resources"],
            "board": row["board"],
            "url": page_url(
                self.context, "program:talk-detail", row["conference__slug"], row["slug"]
            ),
            "updated_at": utc_iso(row["updated_at"]),
        }


# Public talks' columns: their public start, end, status and room (the last release).
TALK_COLUMNS = [
    *("id", "slug", "title", "abstract", "public_start", "public_end", "public_status", "board"),
    *("updated_at", "conference__slug", "conference__timezone", "type__slug", "type__name"),
    *("public_room__slug", "public_room__name", "public_room__stream_url"),
    *("track__slug", "track__name", "track__colour"),
]


def talk_rows(talks):
    """``talks`` (public ones) as the rows TalkSerializer reads: dicts of TALK_COLUMNS."""
    return talks.values(*TALK_COLUMNS)


def with_related(rows):
    """Adds to each talk row its speakers and resources: TalkSerializer reads both."""
    return with_resources(with_speakers(rows))


def with_speakers(rows):
    """Adds to each talk row its speakers, in order, with one query for all the rows."""
    speakers = defaultdict(list)
    links = (
        TalkSpeaker.objects.filter(talk_id__in=[row["id"] for row in rows])
        .order_by("position", "id")
        .values("talk_id", "speaker_id", "speaker__slug", "speaker__name", "speaker__affiliation")
    )
    for link in links:
        speakers[link["talk_id"]].append(link)
    for row in rows:
        row["speakers"] = speakers[row["id"]]
    return rows


def with_resources(rows):
    """Adds to each talk row its resources, in order, with one query for all the rows."""
    resources = defaultdict(list)
    for talk_id, kind, url, title in Resource.objects.filter(
        talk_id__in=[row["id"] for row in rows]
    ).values_list("talk_id", "kind", "url", "title"):
        resources[talk_id].append({"kind": kind, "url": uri(url), "title": title})
    for row in rows:
        row["resources"] = resources[row["id"]]
    return rows


class ConferenceSerializer(serializers.ModelSerializer):
    url = AbsoluteUrlField(source="get_absolute_url", help_text="The edition's program page.")

    class Meta:
        model = Conference
        fields = ["slug", "name", "start_date", "end_date", "timezone", "venue", "city", "url"]
        read_only_fields = fields


class RoomSerializer(StreamUrlMixin, serializers.ModelSerializer):
    conference = serializers.CharField(
        source="conference.slug", read_only=True, help_text="Edition slug."
    )

    stream_url = serializers.SerializerMethodField()

    class Meta:
        model = Room
        fields = ["id", "slug", "name", "conference", "capacity", "position", "stream_url"]
        read_only_fields = fields


class PhotoSerializer(serializers.Serializer):
    """The largest size of a speaker's photo (a JPEG)."""

    url = serializers.URLField(read_only=True)
    width = serializers.IntegerField(read_only=True, help_text="In pixels.")
    height = serializers.IntegerField(read_only=True, help_text="In pixels.")


class TrackSerializer(serializers.ModelSerializer):
    conference = serializers.CharField(
        source="conference.slug", read_only=True, help_text="Edition slug."
    )
    colour = serializers.CharField(read_only=True, help_text="The label's colour, #rrggbb.")

    class Meta:
        model = Track
        fields = ["id", "slug", "name", "conference", "colour", "description"]
        read_only_fields = fields


class SpeakerSerializer(serializers.ModelSerializer):
    """A person who gives at least one public talk."""

    # Reads speaker.public_talks: their public talks with conference, in time order.
    url = serializers.SerializerMethodField(help_text="The speaker's page at their latest edition.")
    photo = serializers.SerializerMethodField(help_text="Null when the speaker has no photo.")
    talks = serializers.SerializerMethodField(help_text="Ids of their public talks, in time order.")

    class Meta:
        model = Speaker
        fields = ["id", "slug", "name", "affiliation", "bio", "url", "photo", "talks"]
        read_only_fields = fields

    @extend_schema_field(PhotoSerializer(allow_null=True))
    def get_photo(self, speaker):
        if not speaker.photo:
            return None
        # One URL function for the page (a page lists up to 500 speakers).
        photo_url = self.context.setdefault("photo_url", photo_url_function())
        return {
            "url": self.context["request"].build_absolute_uri(photo_url(speaker.photo.name)),
            "width": speaker.photo_width,
            "height": speaker.photo_height,
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, speaker):
        latest = max(speaker.public_talks, key=lambda talk: talk.conference.start_date)
        return page_url(
            self.context, "program:speaker-detail", latest.conference.slug, speaker.slug
        )

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_talks(self, speaker):
        return [talk.id for talk in speaker.public_talks]


class NowRoomSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)
    now = TalkSerializer(many=True, read_only=True, help_text="Talks in progress.")
    next = TalkSerializer(
        many=True, read_only=True, help_text="The next talks to start (all that start together)."
    )


class NowSerializer(serializers.Serializer):
    """Per room, the talk in progress and the next one, at a moment."""

    conference = serializers.CharField(read_only=True, help_text="Edition slug.")
    at = serializers.DateTimeField(
        read_only=True, help_text="The moment answered for, with the edition's UTC offset."
    )
    state = serializers.ChoiceField(
        choices=[
            ("before", "Before the first talk"),
            ("running", "From the first talk's start to the last one's end"),
            ("over", "After the last talk"),
        ],
        read_only=True,
    )
    starts = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="The first scheduled talk's start."
    )
    ends = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="The last scheduled talk's end."
    )
    rooms = NowRoomSerializer(
        many=True,
        read_only=True,
        help_text="Rooms with a talk now or next, in their display order (none once over).",
    )

    def to_representation(self, board):
        """``board``: a dict of conference (Conference), at, state, schedule and rooms
        (program.now.RoomNow lists of talk rows)."""
        conference = board["conference"]
        timezone = conference.tzinfo
        schedule = board["schedule"]
        talk = TalkSerializer(context=self.context).to_representation

        def local(moment):
            return local_iso(moment, timezone) if moment else None

        return {
            "conference": conference.slug,
            "at": local(board["at"]),
            "state": board["state"],
            "starts": local(schedule.first_start),
            "ends": local(schedule.last_end),
            "rooms": [
                {
                    "slug": room.slug,
                    "name": room.name,
                    "now": [talk(row) for row in room.now],
                    "next": [talk(row) for row in room.next],
                }
                for room in board["rooms"]
            ],
        }


class SessionRoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["slug", "name"]
        read_only_fields = fields


class SessionChairSerializer(serializers.ModelSerializer):
    class Meta:
        model = Speaker
        fields = ["id", "slug", "name"]
        read_only_fields = fields


class SessionSerializer(serializers.ModelSerializer):
    """A session: talks of one room and span under a title, with its chairs."""

    # Reads session.conference, room, chairs (by name) and talk_ids (with_talk_ids).
    room = SessionRoomSerializer(read_only=True)
    start = serializers.DateTimeField(read_only=True, help_text="With the edition's UTC offset.")
    end = serializers.DateTimeField(read_only=True, help_text="With the edition's UTC offset.")
    chairs = SessionChairSerializer(many=True, read_only=True, help_text="By name; may be empty.")
    talks = serializers.ListField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text="Ids of the public talks it holds (as in /talks/), in time order: those of "
        "its room that start and end within it.",
    )

    class Meta:
        model = Session
        fields = ["id", "title", "kind", "room", "start", "end", "chairs", "talks"]
        read_only_fields = fields

    def to_representation(self, session):
        timezone = session.conference.tzinfo
        return {
            "id": session.id,
            "title": session.title,
            "kind": session.kind,
            "room": {"slug": session.room.slug, "name": session.room.name},
            "start": local_iso(session.start, timezone),
            "end": local_iso(session.end, timezone),
            "chairs": [
                {"id": chair.id, "slug": chair.slug, "name": chair.name}
                for chair in session.chairs.all()
            ],
            "talks": session.talk_ids,
        }


def with_talk_ids(sessions):
    """Adds to each session (of published editions) ``talk_ids``: the ids of the public
    talks it holds, as Session.talks() in the same order, with one query for all."""
    if not sessions:
        return sessions
    talks = (
        Talk.objects.published()
        .filter(
            public_room__in={session.room_id for session in sessions},
            public_start__gte=min(session.start for session in sessions),
            public_end__lte=max(session.end for session in sessions),
        )
        .order_by("public_start", "title", "id")
        .values_list("id", "public_room", "public_start", "public_end")
    )
    by_room = defaultdict(list)
    for talk_id, room_id, start, end in talks:
        by_room[room_id].append((talk_id, start, end))
    for session in sessions:
        session.talk_ids = [
            talk_id
            for talk_id, start, end in by_room[session.room_id]
            if start >= session.start and end <= session.end
        ]
    return sessions
