"""Moving talks on the schedule: the editor, its keyboard path and the move form.

A Placement is a talk with its new start, end and room, or with none of them (the talk
waits unscheduled). place() saves any number of them in one transaction (a swap is two, a
group move many), each through Talk.save(): its SEQUENCE grows, its history records who
moved it, and in an edition that holds changes the move waits for the next release
(program/releases.py). Each moved talk gets an admin log entry saying from where to where.
A move that makes a clash is saved, as the admin form saves one; place() answers with the
clashes the moved talks take part in.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction

from program.clashes import find_clashes
from program.models import Room, Talk
from program.times import elapsed, moment_label

# What a move writes of a talk (Talk.save() adds the public copies where they follow).
PLACE_FIELDS = ["start", "end", "room", "duration", "sequence", "updated_at"]

# The length of a talk placed for the first time, with no duration of its own.
DEFAULT_LENGTH = timedelta(minutes=30)


@dataclass(frozen=True)
class Placement:
    """Where ``talk`` goes: ``start`` and ``end`` aware, or all three None (unscheduled)."""

    talk: Talk
    start: datetime | None
    end: datetime | None
    room: Room | None


def length_of(talk):
    """How long ``talk`` lasts once placed: end − start, else its duration, else 30 minutes."""
    if talk.start is not None:
        return elapsed(talk.start, talk.end)
    return talk.duration or DEFAULT_LENGTH


def placed_at(talk, start, room, end=None):
    """The Placement of ``talk`` at ``start`` in ``room``, keeping its length (the time that
    passes, across a clock change too) unless ``end`` is given."""
    # In UTC: a local time plus a length is wall-clock arithmetic, an hour off on a day the
    # clocks change.
    return Placement(talk, start, end or start.astimezone(UTC) + length_of(talk), room)


def unplaced(talk):
    """The Placement that leaves ``talk`` unscheduled (only a draft may wait so)."""
    return Placement(talk, None, None, None)


def where_label(talk):
    """'Monday, May 18, 9:00 AM PDT in Hall A', or 'unscheduled'."""
    if talk.start is None:
        return "unscheduled"
    return f"{moment_label(talk.local_start)} in {talk.room}"


def place(placements, *, by):
    """Save ``placements`` (talks of one edition) in one transaction, as user ``by``.

    Raises django.core.exceptions.ValidationError (Talk.clean: an end before the start, a
    room of another edition, a public talk without a slot) and saves nothing then. Returns
    the clashes (program.clashes.Clash) that the moved talks take part in, in time order.
    """
    if not placements:
        return []
    conference = placements[0].talk.conference
    with transaction.atomic():
        for placement in placements:
            talk = placement.talk
            before = where_label(talk)
            if placement.start is None and talk.start is not None:
                talk.duration = talk.end - talk.start  # its length, for when it is placed
            talk.start, talk.end, talk.room = placement.start, placement.end, placement.room
            talk.clean()
            talk._history_user = by  # read by django-simple-history
            # Only the place: an edit saved meanwhile on the talk's page is kept.
            talk.save(update_fields=PLACE_FIELDS)
            LogEntry.objects.log_actions(
                user_id=by.pk,
                queryset=[talk],
                action_flag=CHANGE,
                change_message=f"Moved from {before} to {where_label(talk)}.",
            )
    placed = [placement for placement in placements if placement.start is not None]
    if not placed:
        return []
    # A clash of a moved talk lies within the span of the moved talks: read only that.
    within = (min(p.start for p in placed), max(p.end for p in placed))
    return find_clashes(conference, involving={p.talk.pk for p in placed}, within=within)
