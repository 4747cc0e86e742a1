"""The JSON the schedule editor reads: a talk as a block on the grid, a clash as a warning.

Shapes (docs/developers/reference.md, the schedule editor):

- a block: ``{"id", "title", "status", "day": "YYYY-MM-DD", "start": "HH:MM", "end": "HH:MM",
  "room": <room id>, "start_iso", "end_iso"}``, times in the edition's timezone (ISO 8601 with
  their offset); an unscheduled talk has ``null`` for the day, times and room.
- a clash: ``{"talk": <id of the moved talk>, "other": <id>, "other_title", "kind": "room" or
  "speaker", "speaker": <name or null>, "message"}``.
"""

from program.times import local_iso


def talk_block(talk):
    """The block of ``talk`` (a Talk with its conference loaded)."""
    tz = talk.conference.tzinfo
    start, end = talk.local_start, talk.local_end
    return {
        "id": talk.pk,
        "title": talk.title,
        "status": talk.status,
        "day": start and start.date().isoformat(),
        "start": start and f"{start:%H:%M}",
        "end": end and f"{end:%H:%M}",
        "room": talk.room_id,
        "start_iso": talk.start and local_iso(talk.start, tz),
        "end_iso": talk.end and local_iso(talk.end, tz),
    }


def clash_json(clash):
    """A program.clashes.Clash as the editor shows it on both blocks."""
    return {
        "talk": clash.talk.pk,
        "other": clash.other.pk,
        "other_title": clash.other.title,
        "kind": clash.kind,
        "speaker": clash.speaker.name if clash.speaker else None,
        "message": clash.message(),
    }
