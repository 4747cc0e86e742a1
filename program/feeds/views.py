"""The program as files for other programs: iCalendar for calendar apps, frab for conference apps.

Each view reads a fixed number of queries whatever the size of the edition. CORS headers
come from django-cors-headers (CORS_URLS_REGEX in settings).

The edition-wide files take a second or more to build for a few thousand talks and calendar
apps poll them, so every file is kept in the shared cache until the data changes
(program/machinery/responses.py): answered without SQL, and 304 to a matching If-None-Match.
"""

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify

from program.feeds import frab
from program.feeds.ical import build_calendar
from program.filters import TalkFilter
from program.machinery.responses import cached
from program.models import Conference, Talk
from program.outputs import content_disposition


def file_response(content, *, content_type, filename, as_attachment):
    response = HttpResponse(content, content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition(
        filename, as_attachment=as_attachment
    )
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


FILENAME_LENGTH = 100  # characters before ".ics"
AGENDA = ("talk", "talks")  # the parameters of a personal agenda


def calendar_filename(conference, filters):
    """'mlsys-2026-keynote-2026-05-18.ics': what a view's calendar file holds.

    ``filters`` is a valid TalkFilter's cleaned data: each value given is named in the form's
    order (types and tracks by slug, the day as YYYY-MM-DD, the search words), and a
    personal agenda (``talk``, ``talks``) reads "agenda". Every part is slugified, so the name holds
    only ASCII letters, digits and hyphens; it is cut after a whole part to stay short.
    """
    parts = [file_stem(conference)]
    if filters.get("talk") or filters.get("talks"):
        parts.append("agenda")
    for name, value in filters.items():
        if not value or name in AGENDA:
            continue
        items = value if isinstance(value, (list, tuple, QuerySet)) else [value]
        parts += [slugify(str(getattr(item, "slug", item))) for item in items]
    name = "-".join(part for part in parts if part)
    if len(name) > FILENAME_LENGTH:
        name = name[: FILENAME_LENGTH + 1].rsplit("-", 1)[0]
    return f"{name}.ics"


def filter_errors(filterset):
    """One line per problem, naming the parameter by its label ("Day: ... is not a valid date.")."""
    lines = []
    for name, messages in filterset.errors.items():
        field = filterset.form.fields.get(name)
        prefix = f"{field.label}: " if field is not None and field.label else ""
        lines += [f"{prefix}{message}" for message in messages]
    return "\n".join(lines) + "\n"


def view_name(conference, filterset, query):
    """The calendar's name: the edition, and the filters of the view it subscribes to.

    'MLSys 2026 (Type: keynote)'; a personal agenda is 'My agenda · MLSys 2026', as its page
    is titled.
    """
    parts = []
    for name, field in filterset.form.fields.items():
        values = [value for value in query.getlist(name) if value]
        if values and name not in AGENDA:
            parts.append(f"{field.label}: {', '.join(values)}")
    name = conference.name
    if any(query.get(parameter) for parameter in AGENDA):
        name = f"My agenda · {name}"
    return f"{name} ({'; '.join(parts)})" if parts else name


@cached(filters=TalkFilter)
def program_ics(request, edition):
    """The program, or the filtered view of it the program page shows for the same query."""
    conference = published_edition(edition)
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
    return calendar_response(content, calendar_filename(conference, filterset.form.cleaned_data))


@cached
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


def schedule(request, edition):
    conference = published_edition(edition)
    return conference, schedule_data(conference, request.build_absolute_uri)


def schedule_data(conference, absolute_uri):
    """The frab schedule of ``conference`` (frab.build_schedule), its links made absolute by
    ``absolute_uri`` (a function of a URL path)."""
    talks = (
        Talk.objects.scheduled()
        .filter(conference=conference)
        .for_program()
        .prefetch_related("resources")
    )
    return frab.build_schedule(
        conference,
        # The rooms of its public talks (a room known only from drafts is not told); rooms
        # sharing a position and a name keep one order (their ids), run after run.
        Talk.objects.published()
        .filter(conference=conference)
        .rows_used(conference.rooms.all())
        .order_by("position", "name", "pk"),
        talks,
        absolute_uri=absolute_uri,
    )


@cached
def schedule_xml(request, edition):
    conference, data = schedule(request, edition)
    return file_response(
        frab.to_xml(data, url=request.build_absolute_uri(request.path)),
        content_type="application/xml; charset=utf-8",
        filename=f"{file_stem(conference)}-schedule.xml",
        as_attachment=False,
    )


@cached
def schedule_json(request, edition):
    conference, data = schedule(request, edition)
    return file_response(
        frab.to_json(data),
        content_type="application/json",
        filename=f"{file_stem(conference)}-schedule.json",
        as_attachment=False,
    )
