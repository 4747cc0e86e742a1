"""The public HTML pages (CONTRACT.md "Public pages"): thin views over QuerySets.

The program page's data (entries, days, filter choices) is prepared in program/listing.py.
"""

import itertools
from dataclasses import dataclass

from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.text import Truncator
from django.views.generic import TemplateView

from program.filters import TalkFilter
from program.listing import (
    filter_choices,
    group_by_day,
    program_entries,
    speaker_entries,
    zone_label,
)
from program.models import Conference, Speaker, Talk
from program.times import day_heading, time_range


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def current_edition_redirect(request, rest="program/"):
    conference = get_object_or_404(Conference.objects.published(), is_current=True)
    url = f"/{conference.slug}/{rest}"
    if request.META.get("QUERY_STRING"):
        url = f"{url}?{request.META['QUERY_STRING']}"
    return redirect(url)


def when_label(talk, tz):
    """'Monday, May 18, 9:00–9:25 AM PDT': a talk's day and time in the timezone ``tz``."""
    start, end = talk.start.astimezone(tz), talk.end.astimezone(tz)
    return f"{day_heading(start)}, {time_range(start, end)}"


def filter_errors(filterset):
    """Each invalid parameter as "Label: message", in the order of the form's fields."""
    form = filterset.form
    return [
        {"name": name, "label": form[name].label, "message": message}
        for name in form.fields
        for message in form.errors.get(name, [])
    ]


class EditionMixin:
    """The edition named in the URL, with the yearly menu, in one query."""

    def dispatch(self, request, *args, **kwargs):
        self.editions = list(Conference.objects.published())
        matches = [edition for edition in self.editions if edition.slug == kwargs["edition"]]
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


class ProgramView(EditionMixin, TemplateView):
    template_name = "program/talk_list.html"
    section = "program"

    def get(self, request, *args, **kwargs):
        base = self.public_talks()
        filterset = TalkFilter(request.GET, base, conference=self.conference, request=request)
        valid = filterset.is_valid()
        entries = program_entries(filterset.qs, self.conference) if valid else []
        params = request.GET
        filtered = any(value for name in filterset.form.fields for value in params.getlist(name))
        context = self.get_context_data(
            filter=filterset,
            days=group_by_day(entries),
            talk_count=len(entries),
            total_count=base.count() if filtered and valid else len(entries),
            filtered=filtered,
            errors=filter_errors(filterset),
            choices=filter_choices(self.conference, params),
            query=params.get("q", ""),
            agenda=params.getlist("talk"),
            more_filters_active=sum(
                1
                for name in ("type", "day", "room", "speaker")
                for value in params.getlist(name)
                if value
            ),
            query_string=params.urlencode(),
            zone=zone_label(self.conference),
        )
        return self.render_to_response(context, status=200 if valid else 400)


class TalkDetailView(EditionMixin, TemplateView):
    template_name = "program/talk_detail.html"
    section = "program"

    def get_context_data(self, **kwargs):
        public = self.public_talks()
        talk = get_object_or_404(public.for_program(), slug=kwargs["slug"])
        same_room = public.filter(room=talk.room).only("slug", "title", "status", "start", "end")
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
        tz = self.conference.tzinfo
        start, end = talk.start.astimezone(tz), talk.end.astimezone(tz)
        day_label, time_label = day_heading(start), time_range(start, end)
        return super().get_context_data(
            talk=talk,
            speakers=talk.ordered_speakers,
            day_label=day_label,
            time_label=time_label,
            start=start,
            neighbours=[
                (direction, other, when_label(other, tz))
                for direction, other in neighbours
                if other is not None
            ],
            concurrent_talks=[(other, when_label(other, tz)) for other in concurrent],
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
    performers = []
    for speaker in talk.ordered_speakers:
        person = {
            "@type": "Person",
            "name": speaker.name,
            "url": request.build_absolute_uri(speaker.get_absolute_url(conference)),
        }
        if speaker.affiliation:
            person["affiliation"] = {"@type": "Organization", "name": speaker.affiliation}
        performers.append(person)
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": talk.title,
        "url": request.build_absolute_uri(talk.get_absolute_url()),
        "startDate": talk.start.astimezone(tz).isoformat(),
        "endDate": talk.end.astimezone(tz).isoformat(),
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
    return data


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
            EditionTalks(
                conference, [(talk, when_label(talk, conference.tzinfo)) for talk in group]
            )
            for conference, group in itertools.groupby(talks, key=lambda talk: talk.conference)
        ]
        this_edition = [group for group in editions if group.conference == self.conference]
        others = [group for group in editions if group.conference != self.conference]
        return super().get_context_data(
            speaker=speaker,
            this_edition=this_edition[0] if this_edition else None,
            other_editions=others,
            description=meta_description(
                ", ".join(filter(None, [speaker.name, speaker.affiliation])) + ".", speaker.bio
            ),
            **kwargs,
        )
