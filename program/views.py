"""The public HTML pages (CONTRACT.md "Public pages"): thin views over QuerySets.

The program page lists up to a few thousand talks, so everything a row shows (labels, URLs,
the excerpt) is prepared here in plain Python and the template only prints it.
"""

import datetime as dt
import itertools
from dataclasses import dataclass, field

from django.db import DatabaseError, connection
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.text import Truncator
from django.views.generic import TemplateView

from program.filters import TalkFilter
from program.models import Conference, Speaker, Talk, TalkType
from program.times import day_heading, time_range

EXCERPT_CHARACTERS = 240


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


def slug_url(name, edition):
    """A function slug -> URL of ``name`` in ``edition``, reversing the route only once.

    Slugs hold only URL-safe characters, so they can be put into the reversed pattern as is.
    """
    marker = "slug-marker"
    prefix, suffix = reverse(name, kwargs={"edition": edition.slug, "slug": marker}).split(marker)
    return lambda slug: f"{prefix}{slug}{suffix}"


def excerpt(text, characters=EXCERPT_CHARACTERS):
    """The first lines of an abstract: its first paragraph, cut after a whole word."""
    first_paragraph = text.strip().split("\n\n", 1)[0]
    if len(first_paragraph) <= characters:
        return first_paragraph
    return first_paragraph[: characters + 1].rsplit(None, 1)[0].rstrip(",;:.") + "…"


@dataclass
class SpeakerLine:
    name: str
    affiliation: str
    url: str


@dataclass
class ProgramEntry:
    """One talk of the program page, with every label ready to print."""

    slug: str
    title: str
    url: str
    type_slug: str
    type_name: str
    room: str
    time_label: str
    start_iso: str
    cancelled: bool
    excerpt: str
    speakers: list


@dataclass
class ProgramDay:
    date: dt.date
    heading: str
    entries: list = field(default_factory=list)

    @property
    def anchor(self):
        return f"day-{self.date.isoformat()}"

    @property
    def short_heading(self):
        """'Mon, May 18', for the row of links to each day."""
        return f"{self.date:%a, %b} {self.date.day}"


def program_days(talks, conference):
    """Talks (already in time order) grouped under their day in the conference's timezone.

    A talk at 23:30 local time belongs to that local day, whatever the UTC date says.
    """
    tz = conference.tzinfo
    talk_url = slug_url("program:talk-detail", conference)
    speaker_url = slug_url("program:speaker-detail", conference)
    entries = []
    for talk in talks:
        start, end = talk.start.astimezone(tz), talk.end.astimezone(tz)
        entry = ProgramEntry(
            slug=talk.slug,
            title=talk.title,
            url=talk_url(talk.slug),
            type_slug=talk.type.slug,
            type_name=talk.type.name,
            room=talk.room.name,
            time_label=time_range(start, end),
            start_iso=start.isoformat(),
            cancelled=talk.is_cancelled,
            excerpt=excerpt(talk.abstract),
            speakers=[
                SpeakerLine(speaker.name, speaker.affiliation, speaker_url(speaker.slug))
                for speaker in talk.ordered_speakers
            ],
        )
        entries.append((start.date(), entry))
    return [
        ProgramDay(day, day_heading(day), [entry for _, entry in group])
        for day, group in itertools.groupby(entries, key=lambda pair: pair[0])
    ]


@dataclass
class Choice:
    value: str
    label: str
    selected: bool


def edition_days(conference):
    day = conference.start_date
    while day <= conference.end_date:
        yield day
        day += dt.timedelta(days=1)


def filter_choices(conference, params):
    """The options of the program's filter form, with what ``params`` (the query) selects.

    Types are those with public talks in the edition (plus any the query names), speakers
    those speaking in it, days the edition's dates.
    """
    public_talks = Talk.objects.published().filter(conference=conference)
    chosen_types = params.getlist("type")
    types = TalkType.objects.filter(talks__in=public_talks).distinct().values_list("slug", "name")
    speakers = Speaker.objects.filter(talks__in=public_talks).distinct().values_list("slug", "name")
    return {
        "types": [Choice(slug, name, slug in chosen_types) for slug, name in types],
        "days": [
            Choice(day.isoformat(), day_heading(day), day.isoformat() == params.get("day"))
            for day in edition_days(conference)
        ],
        "rooms": [
            Choice(room.slug, room.name, room.slug == params.get("room"))
            for room in conference.rooms.all()
        ],
        "speakers": [Choice(slug, name, slug == params.get("speaker")) for slug, name in speakers],
    }


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
        base = self.public_talks().for_program()
        filterset = TalkFilter(request.GET, base, conference=self.conference, request=request)
        valid = filterset.is_valid()
        talks = list(filterset.qs) if valid else []
        params = request.GET
        filtered = any(value for name in filterset.form.fields for value in params.getlist(name))
        context = self.get_context_data(
            filter=filterset,
            days=program_days(talks, self.conference),
            talk_count=len(talks),
            total_count=base.count() if filtered and valid else len(talks),
            filtered=filtered,
            errors=filter_errors(filterset),
            choices=filter_choices(self.conference, params),
            query=params.get("q", ""),
            agenda=params.getlist("talk"),
            more_filters_active=sum(
                len(params.getlist(name)) for name in ("type", "day", "room", "speaker")
            ),
            query_string=params.urlencode(),
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


def talk_description(talk, day_label, time_label):
    """A meta description: who, when, where, then the start of the abstract."""
    names = ", ".join(speaker.name for speaker in talk.ordered_speakers)
    facts = f"{talk.type.name} by {names}, {day_label}, {time_label}, {talk.room.name}."
    if talk.is_cancelled:
        facts = f"Cancelled: {facts}"
    return Truncator(f"{facts} {talk.abstract}".strip()).chars(300)


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
        talks = self.public_talks().only("slug", "title", "status", "start").order_by("start")
        speakers = (
            Speaker.objects.filter(talks__in=self.public_talks())
            .distinct()
            .prefetch_related(Prefetch("talks", queryset=talks, to_attr="edition_talks"))
        )
        return super().get_context_data(speakers=speakers, **kwargs)


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
            description=Truncator(
                f"{speaker.name}, {speaker.affiliation}. {speaker.bio}".strip()
            ).chars(300),
            **kwargs,
        )
