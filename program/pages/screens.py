"""A room's door screen: the talk in progress and the next one, in type read across a room.

Signage, not a page people operate: it reloads itself at each minute without JavaScript
(``<meta http-equiv="refresh">``, and the ``Refresh`` header of each answer), so a cheap TV
browser left on the page keeps it true.
"""

import datetime as dt
import functools

from django.http import Http404
from django.views.generic import TemplateView

from program.filters import NowFilter
from program.machinery import clock as site_clock
from program.models import Talk
from program.now import State, current_minute, edition_schedule, now_and_next
from program.pages.base import EditionMixin, filter_errors
from program.pages.listing import program_entries
from program.streams import minutes_until
from program.times import clock, day_heading, moment_label

# Until the next talk, minutes are counted down below this; beyond it the screen gives the time.
COUNTDOWN = dt.timedelta(minutes=60)


class RoomScreenView(EditionMixin, TemplateView):
    """The screen of one room at the clock's current minute, or at ``?at=`` (ISO 8601, read
    as the now page and the API read it; a bad one answers 400 naming ``at``).

    The page of the current minute reloads itself when the minute ends; a page for a given
    moment shows that moment and does not reload (it would show the same).
    """

    template_name = "program/room_screen.html"
    section = "now"

    def get(self, request, *args, **kwargs):
        room = self.conference.rooms.filter(slug=kwargs["room"]).first()
        if room is None:
            raise Http404("This edition has no room of this name.")
        filterset = NowFilter({"at": request.GET.get("at", "")}, Talk.objects.none())
        valid = filterset.is_valid()
        given = filterset.form.cleaned_data.get("at") if valid else None
        at = given or current_minute()
        context = self.get_context_data(
            room=room,
            errors=filter_errors(filterset),
            refresh=None if given or not valid else seconds_to_next_minute(),
            **(self.board(room, at) if valid else {}),
        )
        return self.render_to_response(context, status=200 if valid else 400)

    def board(self, room, at):
        """What the screen shows at ``at``: the edition's state, the room's talks now and
        next (program entries), and how the next is announced."""
        tz = self.conference.tzinfo
        schedule = edition_schedule(self.conference)
        state = schedule.state(self.conference, at)
        local_at = at.astimezone(tz)
        talks = now_and_next(
            Talk.objects.scheduled().filter(conference=self.conference, public_room=room), at
        )
        entries = program_entries(talks, self.conference) if state != State.OVER else []
        now = [entry for entry in entries if entry.start <= at]
        upcoming = [entry for entry in entries if entry.start > at]
        return {
            "at": local_at,
            "at_label": moment_label(local_at),
            "clock_label": f"{clock(local_at)} {local_at:%p}",
            "chosen_at": at if self.request.GET.get("at") else None,
            "state": state,
            "starts_label": moment_label(schedule.first_start.astimezone(tz))
            if schedule.first_start
            else day_heading(self.conference.start_date),
            "now": now,
            "next": upcoming,
            "next_label": next_label(upcoming[0].start, at, tz) if upcoming else "",
            "next_today": bool(upcoming) and upcoming[0].day == local_at.date(),
        }


def next_label(start, at, tz):
    """When the next talk starts, seen from ``at``: 'in 12 min' within the hour, 'at 2:00 PM'
    later that day, 'Tuesday, May 19, 9:00 AM' on another day (local to the venue)."""
    local_start, local_at = start.astimezone(tz), at.astimezone(tz)
    time_label = f"{clock(local_start)} {local_start:%p}"
    if local_start.date() != local_at.date():
        return f"{day_heading(local_start)}, {time_label}"
    if start - at <= COUNTDOWN:
        return f"in {max(1, minutes_until(start, at))} min"
    return f"at {time_label}"


def reloading(view):
    """``view`` (the cached screen) with a ``Refresh`` header on each answer of the current
    minute: a copy kept for the minute holds the seconds left when it was built, the header
    the seconds left now, so every screen reloads just after the minute turns."""

    @functools.wraps(view)
    def reloading_view(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not request.GET.get("at"):
            response.headers["Refresh"] = str(seconds_to_next_minute())
        return response

    return reloading_view


def seconds_to_next_minute():
    """Seconds until the clock's next minute, plus one so the reload lands inside it (2 to 61)."""
    return 61 - site_clock.now().second
