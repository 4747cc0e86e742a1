"""The program as files for other programs: iCalendar for calendar apps, frab for conference apps.

Each view reads a fixed number of queries whatever the size of the edition. CORS headers
come from django-cors-headers (CORS_URLS_REGEX in settings).

Building a whole edition's file takes seconds for a few thousand talks, and calendar apps
poll it, so the edition-wide feeds are versioned: their ETag is computed from what the file
shows (edition_version, two small queries), an unchanged file answers 304 without being
built, and a built file is kept in the "feeds" cache under its ETag. A talk's own .ics is
small; ConditionalGetMiddleware gives it an ETag from its body.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Max
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, quote_etag
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from program.feeds import frab
from program.feeds.ical import build_calendar
from program.filters import TalkFilter
from program.models import Conference, Talk


def file_response(content, *, content_type, filename, as_attachment):
    response = HttpResponse(content, content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    return response


def calendar_response(content, filename):
    # An attachment, so that a click hands the file to the calendar app.
    return file_response(
        content,
        content_type="text/calendar; charset=utf-8",
        filename=filename,
        as_attachment=True,
    )


def published_edition(slug):
    return get_object_or_404(Conference.objects.published(), slug=slug)


def file_stem(conference):
    """'mlsys-2026' for "MLSys 2026": more telling in a downloads folder than the slug."""
    return slugify(conference.name) or conference.slug


def filter_errors(filterset):
    """One line per problem, naming the parameter by its label ("Day: ... is not a valid date.")."""
    lines = []
    for name, messages in filterset.errors.items():
        field = filterset.form.fields.get(name)
        prefix = f"{field.label}: " if field is not None and field.label else ""
        lines += [f"{prefix}{message}" for message in messages]
    return "\n".join(lines) + "\n"


def view_name(conference, filterset, query):
    """The calendar's name: the edition, and the filters of the view it subscribes to."""
    parts = []
    for name, field in filterset.form.fields.items():
        values = [value for value in query.getlist(name) if value]
        if not values:
            continue
        shown = f"{len(values)} selected" if name == "talk" else ", ".join(values)
        parts.append(f"{field.label}: {shown}")
    return f"{conference.name} ({'; '.join(parts)})" if parts else conference.name


# Part of every feed ETag: change it when the way files are written changes.
FEED_FORMAT = 1


def edition_version(conference):
    """Every time a row shown in the edition's feeds changed, and how many rows there are.

    Counts catch deletions, which leave no newer timestamp behind.
    """
    talks = Talk.objects.filter(conference=conference).aggregate(
        talk_count=Count("id", distinct=True),
        talk_changed=Max("updated_at"),
        speaker_count=Count("speaker_links", distinct=True),
        speaker_changed=Max("speaker_links__speaker__updated_at"),
        type_changed=Max("type__updated_at"),
    )
    rooms = conference.rooms.aggregate(room_count=Count("id"), room_changed=Max("updated_at"))
    return (conference.updated_at, sorted(talks.items()), sorted(rooms.items()))


def feed_etag(request, conference):
    # The files hold absolute URLs, so the host and scheme are part of what they show.
    shown = (FEED_FORMAT, request.path, request.META.get("QUERY_STRING", ""))
    shown += (request.build_absolute_uri("/"), edition_version(conference))
    return quote_etag(hashlib.sha256(repr(shown).encode()).hexdigest()[:32])


def versioned_feed(view):
    """An edition-wide feed: 304 from the ETag alone, built files kept under their ETag.

    The view is called with the published edition the URL names.
    """

    @require_safe
    @functools.wraps(view)
    def versioned_view(request, edition):
        conference = published_edition(edition)
        etag = feed_etag(request, conference)
        response = get_conditional_response(request, etag=etag)
        if response is None:
            cache, key = caches["feeds"], f"feed:{etag}"
            response = cache.get(key)
            if response is None:
                response = view(request, conference)
                if response.status_code == 200:
                    cache.set(key, response, settings.FEED_CACHE_SECONDS)
        if response.status_code in (200, 304):
            response.headers["ETag"] = etag
        return response

    return versioned_view


@versioned_feed
def program_ics(request, conference):
    """The program, or the filtered view of it the program page shows for the same query."""
    talks = Talk.objects.published().filter(conference=conference).for_program()
    filterset = TalkFilter(request.GET, queryset=talks, conference=conference)
    if not filterset.is_valid():
        return HttpResponse(
            filter_errors(filterset), status=400, content_type="text/plain; charset=utf-8"
        )
    content = build_calendar(
        conference,
        filterset.qs,
        name=view_name(conference, filterset, request.GET),
        absolute_uri=request.build_absolute_uri,
    )
    return calendar_response(content, f"{file_stem(conference)}.ics")


@require_safe
def talk_ics(request, edition, slug):
    talk = get_object_or_404(
        Talk.objects.published().for_program(), conference__slug=edition, slug=slug
    )
    content = build_calendar(
        talk.conference,
        [talk],
        name=f"{talk.conference.name}: {talk.title}",
        absolute_uri=request.build_absolute_uri,
    )
    return calendar_response(content, f"{talk.slug}.ics")


def schedule(request, conference):
    talks = Talk.objects.scheduled().filter(conference=conference).for_program()
    return frab.build_schedule(
        conference, conference.rooms.all(), talks, absolute_uri=request.build_absolute_uri
    )


@versioned_feed
def schedule_xml(request, conference):
    data = schedule(request, conference)
    return file_response(
        frab.to_xml(data, url=request.build_absolute_uri(request.path)),
        content_type="application/xml; charset=utf-8",
        filename=f"{file_stem(conference)}-schedule.xml",
        as_attachment=False,
    )


@versioned_feed
def schedule_json(request, conference):
    data = schedule(request, conference)
    return file_response(
        frab.to_json(data),
        content_type="application/json",
        filename=f"{file_stem(conference)}-schedule.json",
        as_attachment=False,
    )
