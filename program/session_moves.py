"""Moving a session on the schedule: the session and its talks together.

A session's talks are the talks in its room within its span (program/models/sessions.py).
The schedule editor works on the working program, so here they are the working talks (drafts
too), not the public ones. A session moved elsewhere takes them along, each keeping its
distance from the session's start and its length, through program.moves.place: every talk's
SEQUENCE, history, admin log entry and held change (an edition that holds changes shows the
talks where they were until its next release) are those of any move. The session itself has
no public copy: it moves at once, and the public pages show its band around the talks they
show inside it (none until the release, in an edition that holds changes).
"""

from datetime import UTC

from django.core.exceptions import ValidationError
from django.db import transaction

from program.models import Talk
from program.moves import place, placed_at


def working_talks(session):
    """The session's talks as the working program has them, in time order."""
    return Talk.objects.filter(
        conference_id=session.conference_id,
        room_id=session.room_id,
        start__gte=session.start,
        end__lte=session.end,
    ).order_by("start", "pk")


def move_session(session, *, start, room, by):
    """Move ``session`` to begin at ``start`` (aware) in ``room`` (a Room of its edition),
    keeping its length, with its talks, as user ``by``; one transaction.

    Raises ValidationError (a room of another edition; what Talk.clean refuses of a moved
    talk) and saves nothing then. Returns the clashes (program.clashes.Clash) the moved talks
    take part in, in time order: a clash does not stop a move, as for a talk.
    """
    if room.conference_id != session.conference_id:
        raise ValidationError({"room": f"Choose a room of {session.conference}."})
    shift = start.astimezone(UTC) - session.start.astimezone(UTC)
    with transaction.atomic():
        talks = list(working_talks(session).select_related("conference", "room"))
        placements = [placed_at(talk, talk.start + shift, room, talk.end + shift) for talk in talks]
        clashes = place(placements, by=by)
        session.start, session.end, session.room = start, session.end + shift, room
        session.save(update_fields=["start", "end", "room", "updated_at"])
    return clashes
