"""A talk's page, with its schema.org description (JSON-LD) and the talks beside it."""

from django.http import Http404
from django.utils.cache import patch_cache_control
from django.utils.text import Truncator
from django.views.generic import TemplateView

from program import streams
from program.models import Resource, Session, Talk
from program.now import current_minute
from program.pages.base import EditionMixin
from program.pages.sessions import session_lines
from program.times import day_heading, local_iso, talk_when, time_range
from program.visibility import may_preview

# What the talks beside a talk show of themselves (public ones: their public values).
SHOWN = ("slug", "title", "public_status", "public_start", "public_end")


class TalkDetailView(EditionMixin, TemplateView):
    """A talk's page. Staff also see talks that are not public yet (a draft, a talk added
    and waiting for the next release of an edition that holds changes, or a talk of an
    unpublished edition: the admin's "View on site"), marked as such and never cached."""

    template_name = "program/talk_detail.html"
    section = "program"
    staff_preview = True

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # The page changes by the clock at this moment (its stream's countdown, start, end).
        response.changes_at = response.context_data.get("watch_changes_at")
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
        talk, draft = self.get_talk(public, kwargs["slug"])
        return super().get_context_data(
            talk=talk,
            # Not public: the talk (a draft) or its edition; no calendar link, no JSON-LD.
            draft=draft,
            # Not public yet, though not a draft: published (or cancelled) in the working
            # program of an edition that holds changes, waiting for the next release.
            waiting=draft and talk.status != Talk.Status.DRAFT,
            preview=draft or self.edition_preview,
            speakers=talk.ordered_speakers,
            resources=talk.resources.all(),
            **(self.slot_context(public, talk) if talk.is_scheduled else unscheduled(talk)),
            **kwargs,
        )

    def slot_context(self, public, talk):
        """When and where the talk is, the talks beside it, and what tells of it."""
        tz = self.conference.tzinfo
        start, end = talk.start.astimezone(tz), talk.end.astimezone(tz)
        day_start, day_end = self.conference.day_bounds(start.date())
        # The talks before and after in its room, that day: the next morning is not "after".
        # Public talks: by their public room and times (the last release).
        same_room = public.filter(
            public_room=talk.room, public_start__gte=day_start, public_start__lt=day_end
        ).only(*SHOWN)
        before = same_room.filter(public_start__lt=talk.start).order_by("-public_start")
        after = same_room.filter(public_start__gt=talk.start).order_by("public_start")
        neighbours = [("Before", before.first()), ("After", after.first())]
        concurrent = (
            public.overlapping(talk.start, talk.end)
            .exclude(pk=talk.pk)
            .select_related("public_room")
            .only(*SHOWN, "public_room__name")
        )
        day_label, time_label = day_heading(start), time_range(start, end)
        recordings = [r.uri for r in talk.resources.all() if r.kind == Resource.Kind.VIDEO]
        watch, changes_at = streams.watch(
            start=talk.start,
            end=talk.end,
            cancelled=talk.is_cancelled,
            stream_url=talk.room.stream_url,
            recording_url=recordings[0] if recordings else "",
            at=current_minute(),
        )
        # The session it is part of: in its room, within the session's span.
        sessions = session_lines(
            self.conference,
            Session.objects.filter(
                conference=self.conference, room=talk.room, start__lte=talk.start, end__gte=talk.end
            ),
        )
        return dict(
            session=sessions[0] if sessions else None,
            watch=watch,
            watch_changes_at=changes_at,
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
        )


def unscheduled(talk):
    """An unscheduled draft's page (staff only): no time, no room, nothing beside it."""
    return {
        "neighbours": [],
        "concurrent_talks": [],
        "description": meta_description(talk.title, talk.abstract),
    }


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
        "url": resource.uri,
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
