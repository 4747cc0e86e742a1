"""The public HTML pages (CONTRACT.md "Public pages"): thin views over QuerySets.

The program page's data (entries, days, filter choices) is prepared in program/listing.py.
"""

import datetime as dt
import itertools
from dataclasses import dataclass

from django.core.paginator import InvalidPage, Paginator
from django.core.validators import slug_re
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, HttpResponseNotFound, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.views import defaults
from django.views.generic import TemplateView
from django.views.static import serve

from program.agenda import agenda_query, overlapping_titles, webcal
from program.changes import Kind, describe_changes, edition_changes, gone_talks
from program.colours import COLOUR, label_ink
from program.filters import TalkFilter
from program.links import slug_url
from program.listing import (
    Choice,
    ProgramDay,
    edition_days,
    filter_choices,
    group_by_day,
    program_entries,
    speaker_entries,
    zone_label,
)
from program.machinery import clock
from program.models import Conference, Resource, Speaker, Talk, TalkType, Track
from program.now import (
    State,
    by_room,
    current_minute,
    edition_schedule,
    now_and_next,
    seconds_left_in_minute,
)
from program.photos import STORED_NAME
from program.times import day_heading, local_iso, moment_label, time_range, when_label
from program.timetable import default_day, timetable_entries, timetable_grid


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def serve_media(request, path, document_root):
    """Speaker photos for the development server (``make serve``; production serves them from
    the front proxy or a bucket, README "Speaker photos").

    Only names the site itself wrote are served, always as JPEG whatever the file holds,
    so nothing placed in the folder by other means can be served as a page or a script.
    """
    if not STORED_NAME.fullmatch(path):
        raise Http404("Not a stored photo.")
    response = serve(request, path, document_root=document_root)
    response.headers["Content-Type"] = "image/jpeg"
    return response


def redirect_into(conference, rest, request):
    """302 to ``rest`` under the edition, keeping the query string."""
    url = f"/{conference.slug}/{rest}"
    if request.META.get("QUERY_STRING"):
        url = f"{url}?{request.META['QUERY_STRING']}"
    return redirect(url)


def current_edition_redirect(request, rest="program/"):
    conference = get_object_or_404(Conference.objects.published(), is_current=True)
    return redirect_into(conference, rest, request)


def edition_redirect(request, edition):
    """An edition's address without a page (/2026/, /2026 and /2026/talks/) is its program."""
    conference = get_object_or_404(Conference.objects.published(), slug=edition)
    return redirect_into(conference, "program/", request)


def page_not_found(request, exception):
    """The 404 page; under an edition's address it keeps that edition's header and footer.

    Rendered without the view's context, so the edition is found from the path's first
    part (one query, which the yearly menu needs anyway). A database that does not answer
    still gives the plain page.
    """
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Not found."}, status=404)
    try:
        editions = list(Conference.objects.published())
    except DatabaseError:
        editions = None
    first_part = request.path.lstrip("/").split("/", 1)[0]
    conference = next((edition for edition in editions or [] if edition.slug == first_part), None)
    context = {"request_path": request.path, "conference": conference, "editions": editions}
    body = loader.render_to_string("404.html", context, request)
    return HttpResponseNotFound(body)


API_PREFIX = "/api/"


def server_error(request):
    """500: JSON for the API (its clients parse every answer), the site's page otherwise."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Server error: it has been logged."}, status=500)
    return defaults.server_error(request)


def bad_request(request, exception):
    """400 for what Django refuses before any view (a forged Host, a broken multipart body):
    JSON for the API, the plain page otherwise."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def talk_when(talk, tz):
    """'Monday, May 18, 9:00–9:25 AM PDT': a talk's day and time in the timezone ``tz``."""
    return when_label(talk.start.astimezone(tz), talk.end.astimezone(tz))


def filter_errors(filterset):
    """Each invalid parameter as "Label: message", in the order of the form's fields."""
    form = filterset.form
    return [
        {"name": name, "label": form[name].label, "message": message}
        for name in form.fields
        for message in form.errors.get(name, [])
    ]


def may_preview(user):
    """Whether a user sees drafts and unpublished editions: staff whom the admin lets see
    talks (the view or change permission), as on the admin's own pages."""
    return user.is_staff and (
        user.has_perm("program.view_talk") or user.has_perm("program.change_talk")
    )


class EditionMixin:
    """The edition named in the URL, with the yearly menu, in one query."""

    # Pages that staff may preview before the edition is published (the talk page).
    staff_preview = False

    def dispatch(self, request, *args, **kwargs):
        self.editions = list(Conference.objects.published())
        matches = [edition for edition in self.editions if edition.slug == kwargs["edition"]]
        if not matches and self.staff_preview and may_preview(request.user):
            matches = list(Conference.objects.filter(slug=kwargs["edition"]))
        if not matches:
            raise Http404("No published edition has this name.")
        self.conference = matches[0]
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            conference=self.conference, editions=self.editions, section=self.section, **kwargs
        )

    def public_talks(self):
        return Talk.objects.published().filter(conference=self.conference)


class FilteredView(EditionMixin, TemplateView):
    """A page of the edition's talks through the program filters (a bad one answers 400)."""

    # The filters that narrow what is shown, and the folded ones (by their choices): the
    # timetable always shows one day, chosen by its day links rather than a menu.
    narrowing = ("q", "type", "day", "room", "speaker", "track", "talk")
    folded = ("types", "tracks", "days", "rooms", "speakers")

    def filter_context(self, params, filterset):
        """What the filter form and the links to the other views need."""
        choices = filter_choices(self.conference, params)
        return {
            "filter": filterset,
            "errors": filter_errors(filterset),
            "filtered": any(value for name in self.narrowing for value in params.getlist(name)),
            "choices": choices,
            "query": params.get("q", ""),
            "agenda": params.getlist("talk"),
            # What the folded part of the form shows as chosen: an invalid value shows as
            # nothing chosen, so it is not counted either.
            "more_filters_active": sum(
                choice.selected for name in self.folded for choice in choices[name]
            ),
            # Links between the program and the timetable keep the filters.
            "query_string": self.request.GET.urlencode(),
            "zone": zone_label(self.conference),
        }


class ProgramView(FilteredView):
    template_name = "program/talk_list.html"
    section = "program"

    def get(self, request, *args, **kwargs):
        base = self.public_talks()
        filterset = TalkFilter(request.GET, base, conference=self.conference, request=request)
        valid = filterset.is_valid()
        entries = program_entries(filterset.qs, self.conference) if valid else []
        context = self.filter_context(request.GET, filterset)
        context = self.get_context_data(
            days=group_by_day(entries),
            talk_count=len(entries),
            total_count=base.count() if context["filtered"] and valid else len(entries),
            calendar=calendar_links(
                request,
                self.conference,
                [(name, value) for name, values in request.GET.lists() for value in values],
            ),
            **context,
        )
        return self.render_to_response(context, status=200 if valid else 400)


def calendar_links(request, conference, parameters):
    """Where a calendar app subscribes to a view of the program, ``parameters`` its filters
    as (name, value) pairs (empty values, which filter nothing, are left out).

    ``path`` downloads the file once; ``address`` (http or https, as the site is served) is
    what calendar apps take "from URL"; ``webcal`` is the same address with the scheme that
    opens the system's calendar app and subscribes.
    """
    path = reverse("program:program-ics", kwargs={"edition": conference.slug})
    given = [(name, value) for name, value in parameters if value]
    if given:
        path = f"{path}?{urlencode(given)}"
    address = request.build_absolute_uri(path)
    return {"path": path, "address": address, "webcal": webcal(address)}


def opening_day(request, conference):
    """The day a timetable without ``day`` opens on (it depends on the clock), else None."""
    return None if request.GET.get("day") else default_day(conference, clock.now())


# Every timezone's offset is a whole number of quarter hours, so an edition's day changes
# at a quarter hour of UTC.
QUARTER_HOUR = 15 * 60


def opening_period(request):
    """How long a timetable stays the same as time passes (machinery/responses.py ``period``):
    without ``day`` it opens on today while the edition runs, which may change at any
    quarter hour of UTC (the edition's midnight); with ``day``, for good (None)."""
    return None if request.GET.get("day") else QUARTER_HOUR


class TimetableView(FilteredView):
    """One day, rooms side by side (CONTRACT.md: /<edition>/timetable/?day=YYYY-MM-DD)."""

    template_name = "program/timetable.html"
    section = "timetable"
    narrowing = tuple(name for name in FilteredView.narrowing if name != "day")
    folded = tuple(name for name in FilteredView.folded if name != "days")

    def get(self, request, *args, **kwargs):
        params = request.GET.copy()
        if not params.get("day"):
            params["day"] = opening_day(request, self.conference).isoformat()
        filterset = TalkFilter(
            params, self.public_talks(), conference=self.conference, request=request
        )
        valid = filterset.is_valid()
        context = self.filter_context(params, filterset)
        if valid:
            day = filterset.form.cleaned_data["day"]
            rooms = [(choice.value, choice.label) for choice in context["choices"]["rooms"]]
            if chosen_room := filterset.form.cleaned_data.get("room"):
                rooms = [room for room in rooms if room[0] == chosen_room]
            entries = timetable_entries(
                program_entries(filterset.qs, self.conference),
                self.conference.timezone,
                day,
                [slug for slug, _name in rooms],
            )
            header_rooms, rows, layout = timetable_grid(
                entries, rooms, day, self.conference.timezone
            )
            other_filters = params.copy()
            other_filters.pop("day")
            context.update(
                day_url=f"{request.path}?{self.day_query(QueryDict(), day)}",
                day=ProgramDay(day, entries),
                day_links=[
                    (ProgramDay(other, []), self.day_query(other_filters, other))
                    for other in edition_days(self.conference)
                ],
                rooms=header_rooms,
                rows=rows,
                layout=layout,
                talk_count=len(entries),
            )
        return self.render_to_response(
            self.get_context_data(**context), status=200 if valid else 400
        )

    @staticmethod
    def day_query(params, day):
        params = params.copy()
        params["day"] = day.isoformat()
        return params.urlencode()


class TalkDetailView(EditionMixin, TemplateView):
    """A talk's page. Staff also see talks that are not public yet (a draft, or a talk of an
    unpublished edition: the admin's "View on site"), marked as such and never cached."""

    template_name = "program/talk_detail.html"
    section = "program"
    staff_preview = True

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.context_data["preview"]:
            # Neither a shared cache nor the browser may keep what only staff may see.
            patch_cache_control(response, private=True, no_store=True)
        return response

    def get_talk(self, public, slug):
        """The public talk, else (for staff only) the edition's talk: (talk, preview)."""
        talk = public.for_talk_page().filter(slug=slug).first()
        if talk is not None:
            return talk, False
        # Only now is the session read, so public pages never vary with the cookie.
        if may_preview(self.request.user):
            talk = self.conference.talks.for_talk_page().filter(slug=slug).first()
            if talk is not None:
                return talk, True
        raise Http404("No public talk has this name.")

    def get_context_data(self, **kwargs):
        public = self.public_talks()
        talk, preview = self.get_talk(public, kwargs["slug"])
        tz = self.conference.tzinfo
        start, end = talk.start.astimezone(tz), talk.end.astimezone(tz)
        day_start, day_end = self.conference.day_bounds(start.date())
        # The talks before and after in its room, that day: the next morning is not "after".
        same_room = public.filter(room=talk.room, start__gte=day_start, start__lt=day_end).only(
            "slug", "title", "status", "start", "end"
        )
        neighbours = [
            ("Before", same_room.filter(start__lt=talk.start).order_by("-start").first()),
            ("After", same_room.filter(start__gt=talk.start).order_by("start").first()),
        ]
        concurrent = (
            public.overlapping(talk.start, talk.end)
            .exclude(pk=talk.pk)
            .select_related("room")
            .only("slug", "title", "status", "start", "end", "room__name")
        )
        day_label, time_label = day_heading(start), time_range(start, end)
        return super().get_context_data(
            talk=talk,
            preview=preview,
            speakers=talk.ordered_speakers,
            resources=talk.resources.all(),
            day_label=day_label,
            time_label=time_label,
            start=start,
            end=end,
            neighbours=[
                (direction, other, talk_when(other, tz))
                for direction, other in neighbours
                if other is not None
            ],
            concurrent_talks=[(other, talk_when(other, tz)) for other in concurrent],
            json_ld=talk_json_ld(talk, self.request),
            description=talk_description(talk, day_label, time_label),
            **kwargs,
        )


def meta_description(*parts):
    """The non-empty ``parts`` on one line, short enough for a search result."""
    text = " ".join(" ".join(part for part in parts if part).split())
    return Truncator(text).words(30, truncate="…")


def talk_description(talk, day_label, time_label):
    """Who, when and where, then the start of the abstract."""
    names = ", ".join(speaker.name for speaker in talk.ordered_speakers)
    facts = f"{talk.type.name} by {names}, {day_label}, {time_label}, {talk.room.name}."
    return meta_description("Cancelled:" if talk.is_cancelled else "", facts, talk.abstract)


def talk_json_ld(talk, request):
    """schema.org Event data of a talk, for search engines and calendar helpers."""
    conference = talk.conference
    tz = conference.tzinfo
    status = "EventCancelled" if talk.is_cancelled else "EventScheduled"
    performers = [person_json_ld(speaker, conference, request) for speaker in talk.ordered_speakers]
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": talk.title,
        "url": request.build_absolute_uri(talk.get_absolute_url()),
        "startDate": local_iso(talk.start, tz),
        "endDate": local_iso(talk.end, tz),
        "eventStatus": f"https://schema.org/{status}",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {
            "@type": "Place",
            "name": ", ".join(part for part in (talk.room.name, conference.venue) if part),
            "address": {
                "@type": "PostalAddress",
                "name": conference.venue,
                "addressLocality": conference.city,
            },
        },
        "performer": performers,
        "superEvent": {
            "@type": "Event",
            "name": conference.name,
            "startDate": conference.start_date.isoformat(),
            "endDate": conference.end_date.isoformat(),
            "url": request.build_absolute_uri(conference.get_absolute_url()),
        },
    }
    if talk.abstract:
        data["description"] = talk.abstract
    # A recording captured the event; slides, papers and code are works about it.
    resources = list(talk.resources.all())
    recordings = [resource for resource in resources if resource.kind == Resource.Kind.VIDEO]
    others = [resource for resource in resources if resource.kind != Resource.Kind.VIDEO]
    if recordings:
        data["recordedIn"] = [creative_work_json_ld(resource) for resource in recordings]
    if others:
        data["subjectOf"] = [creative_work_json_ld(resource) for resource in others]
    return data


# schema.org types of the kinds of resources.
CREATIVE_WORK_TYPES = {
    Resource.Kind.SLIDES: "PresentationDigitalDocument",
    Resource.Kind.VIDEO: "VideoObject",
    Resource.Kind.PAPER: "ScholarlyArticle",
    Resource.Kind.POSTER: "Poster",
    Resource.Kind.CODE: "SoftwareSourceCode",
    Resource.Kind.OTHER: "CreativeWork",
}


def creative_work_json_ld(resource):
    return {
        "@type": CREATIVE_WORK_TYPES[resource.kind],
        "name": resource.title or resource.get_kind_display(),
        "url": resource.url,
    }


def person_json_ld(speaker, conference, request):
    """schema.org Person of a speaker: name, page, affiliation and photo."""
    person = {
        "@type": "Person",
        "name": speaker.name,
        "url": request.build_absolute_uri(speaker.get_absolute_url(conference)),
    }
    if speaker.affiliation:
        person["affiliation"] = {"@type": "Organization", "name": speaker.affiliation}
    if speaker.photo:
        person["image"] = request.build_absolute_uri(speaker.photo.url)
    return person


class SpeakerListView(EditionMixin, TemplateView):
    template_name = "program/speaker_list.html"
    section = "speakers"

    def get_context_data(self, **kwargs):
        return super().get_context_data(speakers=speaker_entries(self.conference), **kwargs)


@dataclass
class EditionTalks:
    """A speaker's talks at one edition, each with its day and time label."""

    conference: Conference
    talks: list


class SpeakerDetailView(EditionMixin, TemplateView):
    template_name = "program/speaker_detail.html"
    section = "speakers"

    def get_context_data(self, **kwargs):
        speaker = get_object_or_404(
            Speaker.objects.filter(talks__in=self.public_talks()).distinct(), slug=kwargs["slug"]
        )
        talks = (
            Talk.objects.published()
            .filter(speakers=speaker)
            .select_related("conference", "room", "type")
            .order_by("-conference__start_date", "start")
        )
        editions = [
            EditionTalks(conference, [(talk, talk_when(talk, conference.tzinfo)) for talk in group])
            for conference, group in itertools.groupby(talks, key=lambda talk: talk.conference)
        ]
        this_edition = [group for group in editions if group.conference == self.conference]
        others = [group for group in editions if group.conference != self.conference]
        return super().get_context_data(
            speaker=speaker,
            json_ld={
                "@context": "https://schema.org",
                **person_json_ld(speaker, self.conference, self.request),
            },
            this_edition=this_edition[0] if this_edition else None,
            other_editions=others,
            description=meta_description(
                ", ".join(filter(None, [speaker.name, speaker.affiliation])) + ".", speaker.bio
            ),
            **kwargs,
        )


class AgendaView(EditionMixin, TemplateView):
    """A personal agenda from the URL (?talk=a&talk=b): the page a share link opens.

    The stars themselves live in the browser (static/js/site.js), which comes here with
    them; without JavaScript the page still lists the talks its URL names.
    """

    template_name = "program/talk_agenda.html"
    section = "agenda"

    def get(self, request, *args, **kwargs):
        requested = [slug for slug in request.GET.getlist("talk") if slug]
        filterset = TalkFilter(
            request.GET, self.public_talks(), conference=self.conference, request=request
        )
        valid = filterset.is_valid()
        entries, gone = [], []
        if valid and requested:
            entries = program_entries(filterset.qs, self.conference)
            gone = gone_talks(filterset.form.cleaned_data["talk"])
        overlaps = overlapping_titles(entries)
        days = [
            (day, [(entry, overlaps.get(entry.slug, ())) for entry in day.entries])
            for day in group_by_day(entries)
        ]
        # The links name the talks by their current slugs: renamed and gone ones drop out.
        query = agenda_query(entry.slug for entry in entries)
        context = self.get_context_data(
            days=days,
            talk_count=len(entries),
            overlap_count=len(overlaps),
            gone=gone,
            errors=filter_errors(filterset),
            requested=requested,
            slugs=[entry.slug for entry in entries],
            share_url=request.build_absolute_uri(f"{request.path}?{query}"),
            calendar=calendar_links(
                request, self.conference, [("talk", entry.slug) for entry in entries]
            ),
            zone=zone_label(self.conference),
        )
        return self.render_to_response(context, status=200 if valid else 400)


class NowView(EditionMixin, TemplateView):
    """Per room, the talk in progress and the next one, at the clock's current minute.

    The page is the same for a whole minute, and says so to caches (max-age up to the
    next minute); static/js/site.js fetches it again every minute.
    """

    template_name = "program/talk_now.html"
    section = "now"

    def get(self, request, *args, **kwargs):
        at = current_minute()
        tz = self.conference.tzinfo
        scheduled = Talk.objects.scheduled().filter(conference=self.conference)
        filterset = TalkFilter(request.GET, scheduled, conference=self.conference, request=request)
        valid = filterset.is_valid()
        schedule = edition_schedule(self.conference)
        state = schedule.state(self.conference, at)
        rooms = []
        if valid and state != State.OVER:
            talks = now_and_next(filterset.qs, at)
            entries = program_entries(talks, self.conference)
            room_of = dict(talks.values_list("slug", "room__slug"))
            rooms = by_room(
                self.conference.rooms.all(),
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
            state=state,
            starts_label=moment_label(schedule.first_start.astimezone(tz))
            if schedule.first_start
            else day_heading(self.conference.start_date),
            ended_label=moment_label(schedule.last_end.astimezone(tz))
            if schedule.last_end
            else day_heading(self.conference.end_date),
            rooms=[(room, next_day_heading(room, local_at.date())) for room in rooms],
            types=[Choice(slug, name, slug in chosen_types) for slug, name in types],
            filtered=any(value for value in request.GET.getlist("type")),
            errors=filter_errors(filterset),
            zone=zone_label(self.conference),
        )
        response = self.render_to_response(context, status=200 if valid else 400)
        if valid:
            patch_cache_control(response, public=True, max_age=seconds_left_in_minute(at))
        return response


def next_day_heading(room, today):
    """'Tuesday, May 19' when a room's next talk is on another day than ``today``, else ''."""
    if room.next and room.next[0].day != today:
        return day_heading(room.next[0].day)
    return ""


class ChangesView(EditionMixin, TemplateView):
    """Talks added, moved, cancelled, reinstated, removed and deleted, newest first, from
    the talks' history (program/changes.py)."""

    template_name = "program/change_list.html"
    section = "changes"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        paginator = Paginator(edition_changes(self.conference), self.paginate_by)
        try:
            page = paginator.page(self.request.GET.get("page") or 1)
        except InvalidPage as error:
            raise Http404("No such page of changes.") from error
        tz = self.conference.tzinfo
        changes = describe_changes(
            page.object_list,
            self.conference,
            talk_url=slug_url("program:talk-detail", self.conference.slug),
        )
        return super().get_context_data(
            page=page,
            changes=[
                (change, change_summary(change, tz), change.changed_at.astimezone(tz))
                for change in changes
            ],
            zone=zone_label(self.conference),
            **kwargs,
        )


def change_summary(change, tz):
    """One sentence saying what a change did, with times in the timezone ``tz``.

    'From Monday, May 18, 9:00–9:25 AM PDT in Hall A to Tuesday, May 19, 9:00–9:25 AM PDT
    in Hall B.'
    """
    where = f"{talk_when(change, tz)} in {change.room.name}"
    if change.kind == Kind.MOVED:
        return f"From {talk_when(change.before, tz)} in {change.before.room.name} to {where}."
    return {
        Kind.ADDED: f"{where}.",
        Kind.CANCELLED: f"Was to take place {where}.",
        Kind.REINSTATED: f"Takes place after all: {where}.",
        Kind.REMOVED: f"Taken out of the public program; it was {where}.",
        Kind.DELETED: f"Deleted from the program; it was {where}.",
    }[change.kind]


def track_styles(request, edition):
    """/<edition>/tracks.css: each track's colour, and black or white text that reads on it.

    Pages set no inline style (the Content-Security-Policy forbids it), so a track label
    (``data-track="<slug>"``) takes its colours from this stylesheet.
    """
    conference = get_object_or_404(Conference.objects.published(), slug=edition)
    tracks = [
        (track.slug, track.colour.lower(), label_ink(track.colour))
        for track in Track.objects.filter(conference=conference).order_by("slug")
        if COLOUR.fullmatch(track.colour) and slug_re.fullmatch(track.slug)
    ]
    return render(request, "program/tracks.css", {"tracks": tracks}, content_type="text/css")
