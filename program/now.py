"""Now and next: for each room, the talk in progress and the next one, at a moment.

The HTML page and the API both read ``now_and_next``; each writes the talks its own way.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Min, OuterRef, Q, Subquery

from program.machinery import clock
from program.models import Talk


class State:
    BEFORE = "before"
    RUNNING = "running"
    OVER = "over"


def current_minute():
    """The clock's time at the start of its minute: the page is the same for a whole minute,
    so caches may keep it until the next one."""
    return clock.now().replace(second=0, microsecond=0)


def a_minute(request):
    """A now view changes every minute (machinery/responses.py ``period``), unless it is asked
    about a given moment (``at``, on the page and the API alike)."""
    return None if request.GET.get("at") else 60


def seconds_left_in_minute(at):
    """How long a now page made for the minute ``at`` stays true, in whole seconds (1 to 60)."""
    return max(1, 60 - clock.now().second) if at == current_minute() else 60


@dataclass
class Schedule:
    """When an edition's scheduled (not cancelled) talks run: ``first_start`` and
    ``last_end`` are None when it has none."""

    first_start: dt.datetime | None
    last_end: dt.datetime | None

    def state(self, conference, at):
        """Before the first talk, while talks run (breaks and nights included), or over.

        An edition without talks goes by its dates, in its timezone.
        """
        if self.first_start is None:
            start, _ = conference.day_bounds(conference.start_date)
            _, end = conference.day_bounds(conference.end_date)
        else:
            start, end = self.first_start, self.last_end
        if at < start:
            return State.BEFORE
        if at >= end:
            return State.OVER
        return State.RUNNING


def edition_schedule(conference):
    """One query: the first start and last end of the edition's scheduled talks."""
    bounds = (
        Talk.objects.scheduled()
        .filter(conference=conference)
        .aggregate(first_start=Min("public_start"), last_end=Max("public_end"))
    )
    return Schedule(**bounds)


def now_and_next(talks, at):
    """The talks of ``talks`` in progress at ``at`` and, in each room, the next to start.

    ``talks`` are one edition's scheduled talks, filtered as the caller likes (the filters
    apply to "next" too: the next keynote in a room). A talk is in progress from its start
    (included) to its end (excluded); the next talk of a room starts after ``at``, and
    talks starting together in one room are all next. A lazy QuerySet (of public talks, by
    their public start and room).
    """
    next_start = (
        talks.filter(public_room=OuterRef("public_room"), public_start__gt=at)
        .order_by("public_start")
        .values("public_start")[:1]
    )
    return talks.filter(
        Q(public_start__lte=at, public_end__gt=at)
        | Q(public_start__gt=at, public_start=Subquery(next_start))
    )


@dataclass
class RoomNow:
    """One room's talk in progress (``now``) and next one (``next``), each a list: a room
    booked twice has two."""

    slug: str
    name: str
    now: list
    next: list


def by_room(rooms, items, *, room_slug, is_now):
    """``items`` (talks in any form, in time order) under their rooms, in the rooms' order.

    ``room_slug(item)`` names an item's room and ``is_now(item)`` says whether it is in
    progress. Rooms with nothing now or next are left out.
    """
    board = {room.slug: RoomNow(room.slug, room.name, [], []) for room in rooms}
    for item in items:
        room = board[room_slug(item)]
        (room.now if is_now(item) else room.next).append(item)
    return [room for room in board.values() if room.now or room.next]
