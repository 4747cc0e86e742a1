"""Public representations of an edition's changes and releases (docs/api/json.md)."""

from rest_framework import serializers

from program.api.serializers import utc_iso
from program.changes import Kind
from program.models import Release
from program.times import local_iso


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
