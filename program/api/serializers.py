"""Public, read-only representations (docs/api/json.md)."""

import datetime as dt
import zoneinfo
from collections import defaultdict

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from program.changes import Kind
from program.links import slug_url
from program.models import (
    Conference,
    Release,
    Resource,
    Room,
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
            "url": page_url(
                self.context, "program:talk-detail", row["conference__slug"], row["slug"]
            ),
            "updated_at": utc_iso(row["updated_at"]),
        }


# Public talks' columns: their public start, end, status and room (the last release).
TALK_COLUMNS = [
    *("id", "slug", "title", "abstract", "public_start", "public_end", "public_status"),
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


class ChangeRoomSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True, allow_null=True, help_text="Null once deleted.")
    name = serializers.CharField(read_only=True)


class ChangeSlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField(read_only=True)
    end = serializers.DateTimeField(read_only=True)
    room = ChangeRoomSerializer(read_only=True)


class ChangeTalkSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="The talk's id, as in /talks/.")
    slug = serializers.SlugField(
        read_only=True, help_text="Its slug at the time (removed: as it last was while public)."
    )
    title = serializers.CharField(
        read_only=True, help_text="Its title at the time (removed: as it last was while public)."
    )
    url = serializers.URLField(
        read_only=True, allow_null=True, help_text="Its page while it is public, else null."
    )


class ChangeSerializer(serializers.Serializer):
    """A change to an edition's program that attendees see."""

    id = serializers.IntegerField(read_only=True, help_text="The history record's id.")
    kind = serializers.ChoiceField(
        choices=[(kind, label) for kind, label in Kind.labels.items()],
        read_only=True,
        help_text="removed (back to draft, or moved to another edition) and deleted: the "
        "talk left the edition's public program, and is shown as it last was there; apps "
        "that sync drop it.",
    )
    changed_at = serializers.DateTimeField(read_only=True, help_text="In UTC.")
    talk = ChangeTalkSerializer(read_only=True)
    start = serializers.DateTimeField(read_only=True, help_text="With the edition's UTC offset.")
    end = serializers.DateTimeField(read_only=True, help_text="With the edition's UTC offset.")
    room = ChangeRoomSerializer(read_only=True)
    previous = ChangeSlotSerializer(
        read_only=True, allow_null=True, help_text="Where and when a moved talk was; else null."
    )
    release = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="The number of the release that made it public (/releases/); null for a "
        "change made public at once.",
    )

    def to_representation(self, change):
        """``change``: a program.changes.Change; ``context["timezone"]``: the edition's."""
        timezone = self.context["timezone"]
        absolute = self.context["request"].build_absolute_uri

        def slot(when):
            return {
                "start": local_iso(when.start, timezone),
                "end": local_iso(when.end, timezone),
                "room": {"slug": when.room.slug, "name": when.room.name},
            }

        return {
            "id": change.id,
            "kind": change.kind,
            "changed_at": utc_iso(change.changed_at),
            "talk": {
                "id": change.talk_id,
                "slug": change.slug,
                "title": change.title,
                "url": absolute(change.url) if change.url else None,
            },
            **slot(change),
            "previous": slot(change.before) if change.before else None,
            "release": change.release.number if change.release else None,
        }


class ReleaseSerializer(serializers.ModelSerializer):
    """A release of an edition's schedule (an edition that holds changes for release)."""

    number = serializers.IntegerField(read_only=True, help_text="1, 2, ... within the edition.")
    name = serializers.CharField(read_only=True, help_text="As the organisers named it.")
    note = serializers.CharField(read_only=True, help_text="What changed and why; may be empty.")
    released_at = serializers.DateTimeField(read_only=True, help_text="In UTC.")
    changes = serializers.IntegerField(
        read_only=True,
        help_text="How many changes attendees saw with it (talks added, moved, cancelled...).",
    )

    class Meta:
        model = Release
        fields = ["number", "name", "note", "released_at", "changes"]
        read_only_fields = fields

    def to_representation(self, release):
        return {
            "number": release.number,
            "name": release.name,
            "note": release.note,
            "released_at": utc_iso(release.released_at),
            "changes": release.changes,
        }
