"""Public, read-only representations (CONTRACT.md "JSON API")."""

import datetime as dt

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from program.models import Conference, Room, Speaker, Talk, TalkType

SLUG_PLACEHOLDER = "talk-slug-placeholder"


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


@extend_schema_field(OpenApiTypes.DATETIME)
class LocalDateTimeField(serializers.Field):
    """An aware datetime as ISO 8601 with its own UTC offset (DRF would convert it to UTC)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return value.isoformat()


class TalkTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = TalkType
        fields = ["slug", "name"]
        read_only_fields = fields


class TalkRoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["slug", "name"]
        read_only_fields = fields


class TalkSpeakerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Speaker
        fields = ["id", "slug", "name", "affiliation"]
        read_only_fields = fields


class TalkSerializer(serializers.ModelSerializer):
    conference = serializers.CharField(
        source="conference.slug", read_only=True, help_text="Edition slug."
    )
    type = TalkTypeSerializer(read_only=True)
    start = LocalDateTimeField(source="local_start", help_text="With the conference's offset.")
    end = LocalDateTimeField(source="local_end", help_text="With the conference's offset.")
    duration_minutes = serializers.IntegerField(read_only=True)
    room = TalkRoomSerializer(read_only=True)
    speakers = TalkSpeakerSerializer(
        source="ordered_speakers", many=True, read_only=True, help_text="In order."
    )
    status = serializers.ChoiceField(
        choices=[
            (status.value, status.label)
            for status in (Talk.Status.PUBLISHED, Talk.Status.CANCELLED)
        ],
        read_only=True,
        help_text="Cancelled talks stay listed, marked as cancelled.",
    )
    url = AbsoluteUrlField(source="get_absolute_url", help_text="The talk's HTML page.")
    updated_at = serializers.DateTimeField(read_only=True, default_timezone=dt.UTC)

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
            "speakers",
            "status",
            "url",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, talk):
        """The fields above, written out: DRF's field machinery took most of the time of a
        500-talk page. Tests compare this with the declared fields and the schema."""
        conference = talk.conference
        return {
            "id": talk.id,
            "slug": talk.slug,
            "conference": conference.slug,
            "title": talk.title,
            "type": {"slug": talk.type.slug, "name": talk.type.name},
            "abstract": talk.abstract,
            "start": talk.start.astimezone(conference.tzinfo).isoformat(),
            "end": talk.end.astimezone(conference.tzinfo).isoformat(),
            "duration_minutes": talk.duration_minutes,
            "room": {"slug": talk.room.slug, "name": talk.room.name},
            "speakers": [
                {
                    "id": speaker.id,
                    "slug": speaker.slug,
                    "name": speaker.name,
                    "affiliation": speaker.affiliation,
                }
                for speaker in talk.ordered_speakers
            ],
            "status": talk.status,
            "url": self.talk_url(talk),
            "updated_at": utc_iso(talk.updated_at),
        }

    def talk_url(self, talk):
        """Absolute URL of the talk's page; reverse() runs once per edition, not per talk."""
        halves = self.context.setdefault("talk_url_halves", {})
        edition = talk.conference.slug
        if edition not in halves:
            path = reverse(
                "program:talk-detail", kwargs={"edition": edition, "slug": SLUG_PLACEHOLDER}
            )
            url = self.context["request"].build_absolute_uri(path)
            halves[edition] = url.rsplit(SLUG_PLACEHOLDER, 1)
        head, tail = halves[edition]
        return f"{head}{talk.slug}{tail}"


class ConferenceSerializer(serializers.ModelSerializer):
    url = AbsoluteUrlField(source="get_absolute_url", help_text="The edition's program page.")

    class Meta:
        model = Conference
        fields = ["slug", "name", "start_date", "end_date", "timezone", "venue", "city", "url"]
        read_only_fields = fields


class RoomSerializer(serializers.ModelSerializer):
    conference = serializers.CharField(
        source="conference.slug", read_only=True, help_text="Edition slug."
    )

    class Meta:
        model = Room
        fields = ["id", "slug", "name", "conference", "capacity", "position"]
        read_only_fields = fields


class SpeakerSerializer(serializers.ModelSerializer):
    # Reads speaker.public_talks: their public talks with conference, in time order.

    url = serializers.SerializerMethodField(help_text="The speaker's page at their latest edition.")
    talks = serializers.SerializerMethodField(help_text="Ids of their public talks, in time order.")

    class Meta:
        model = Speaker
        fields = ["id", "slug", "name", "affiliation", "bio", "url", "talks"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, speaker):
        latest = max(speaker.public_talks, key=lambda talk: talk.conference.start_date)
        path = speaker.get_absolute_url(conference=latest.conference)
        return self.context["request"].build_absolute_uri(path)

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_talks(self, speaker):
        return [talk.id for talk in speaker.public_talks]
