"""Now and next: what is on in each room at this minute (or at ``?at=``), and what follows."""

import datetime as dt

from django.utils.cache import patch_cache_control
from django.views.generic import TemplateView

from program import streams
from program.filters import NowFilter
from program.models import Talk, TalkType
from program.now import (
    State,
    by_room,
    current_minute,
    edition_schedule,
    now_and_next,
    seconds_left_in_minute,
)
from program.pages.base import EditionMixin, filter_errors
from program.pages.listing import (
    Choice,
    program_entries,
    zone_label,
)
from program.times import day_heading, moment_label


class NowView(EditionMixin, TemplateView):
    """Per room, the talk in progress and the next one, at the clock's current minute, or
    at the moment ``?at=`` names (ISO 8601, as the API's now takes it).

    The page of the current minute is the same for that minute, and says so to caches
    (max-age up to the next minute); static/js/site.js fetches it again every minute. A
    page for a given moment changes only with the data, like the program.
    """

    template_name = "program/talk_now.html"
    section = "now"

    def get(self, request, *args, **kwargs):
        tz = self.conference.tzinfo
        scheduled = Talk.objects.scheduled().filter(conference=self.conference)
        filterset = NowFilter(request.GET, scheduled, conference=self.conference, request=request)
        valid = filterset.is_valid()
        given = filterset.form.cleaned_data.get("at") if valid else None
        at = given or current_minute()
        schedule = edition_schedule(self.conference)
        state = schedule.state(self.conference, at)
        rooms = []
        streamed = {}
        if valid and state != State.OVER:
            talks = now_and_next(filterset.qs, at)
            entries = program_entries(talks, self.conference)
            room_of = dict(talks.values_list("slug", "public_room__slug"))
            every_room = list(self.conference.rooms.all())
            streamed = {room.slug: room.stream_url for room in every_room}
            rooms = by_room(
                every_room,
                entries,
                room_slug=lambda entry: room_of[entry.slug],
                is_now=lambda entry: dt.datetime.fromisoformat(entry.start_iso) <= at,
            )
        local_at = at.astimezone(tz)
        chosen_types = set(request.GET.getlist("type"))
        types = TalkType.objects.filter(talks__in=scheduled).distinct().values_list("slug", "name")
        context = self.get_context_data(
            at=local_at,
            at_label=moment_label(local_at),
            chosen_at=request.GET.get("at") if given else "",
            state=state,
            starts_label=moment_label(schedule.first_start.astimezone(tz))
            if schedule.first_start
            else day_heading(self.conference.start_date),
            ended_label=moment_label(schedule.last_end.astimezone(tz))
            if schedule.last_end
            else day_heading(self.conference.end_date),
            rooms=[
                (room, next_day_heading(room, local_at.date()), room_watch(room, streamed, at))
                for room in rooms
            ],
            types=[Choice(slug, name, slug in chosen_types) for slug, name in types],
            filtered=any(value for value in request.GET.getlist("type")),
            errors=filter_errors(filterset),
            zone=zone_label(self.conference),
        )
        response = self.render_to_response(context, status=200 if valid else 400)
        if valid and given is None:
            patch_cache_control(response, public=True, max_age=seconds_left_in_minute(at))
        return response


def room_watch(room, streamed, at):
    """The room's live stream at ``at`` (a streams.Watch), for its talk in progress, else
    its next one; None when the room is not streamed or its next talk is not near."""
    talks = room.now or room.next
    if not talks:
        return None
    entry = talks[0]
    watch, _ = streams.watch(
        start=entry.start,
        end=entry.end,
        cancelled=entry.cancelled,
        stream_url=streamed[room.slug],
        recording_url="",  # the page is about what is on; the talk's page has its recording
        at=at,
    )
    return watch


def next_day_heading(room, today):
    """'Tuesday, May 19' when a room's next talk is on another day than ``today``, else ''."""
    if room.next and room.next[0].day != today:
        return day_heading(room.next[0].day)
    return ""
