"""Whole-edition responses, built once per version of the edition's data.

The program page, the speakers list and the edition-wide feeds show every talk of an
edition: for 2,000 talks the page takes over 100 ms and a calendar file over a second to
build. Attendees and calendar
apps ask for them far more often than organisers change anything, so these responses are
versioned. Their ETag is a hash of the address, the code and the edition's version
(four small aggregate queries), so a matching If-None-Match answers 304 without building anything,
and a built 200 is kept in the "editions" cache under its ETag. Any change to what they show
changes the version, so nothing stale is ever served.

The address is the path with the view's own filters only, in one spelling (normalised_query):
unknown parameters (``?utm_source=...``) are dropped and the view never sees them, so they can
neither multiply the cached copies nor cost a build each.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Max
from django.http import QueryDict
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django_filters import CharFilter, MultipleChoiceFilter

from program.models import Conference, TalkSpeaker

# How long readers of a response being built wait for it before building it themselves.
BUILD_WAIT_SECONDS = 10


@functools.cache
def code_fingerprint():
    """Changes with any module, template or static file: a new release never serves what the
    previous one built (the cache may be a Redis that outlives it)."""
    digest = hashlib.sha256()
    root = settings.BASE_DIR
    for folder, pattern in (("program", "*.py"), ("templates", "*.html"), ("static", "*")):
        for path in sorted((root / folder).rglob(pattern)):
            if path.is_file():
                digest.update(path.read_bytes())
    return digest.hexdigest()


def edition_version(conference):
    """When anything the edition's pages and files show last changed, and how many rows.

    Counts catch deletions, which leave no newer timestamp behind; every edition counts
    because the yearly menu lists them all.
    """
    # Resources join the talks (a LEFT JOIN): "talk_rows" counts each talk once per resource
    # (once without any), so with the resource count any deletion of either still shows.
    # A track shows only through its talks (labels, filter choices), so its latest change is
    # read through them too.
    talks = conference.talks.aggregate(
        talk_rows=Count("id"),
        talk_changed=Max("updated_at"),
        type_changed=Max("type__updated_at"),
        resource_count=Count("resources"),
        resource_changed=Max("resources__updated_at"),
        track_changed=Max("track__updated_at"),
    )
    speakers = TalkSpeaker.objects.filter(talk__conference=conference).aggregate(
        speaker_count=Count("id"), speaker_changed=Max("speaker__updated_at")
    )
    rooms = conference.rooms.aggregate(room_count=Count("id"), room_changed=Max("updated_at"))
    editions = Conference.objects.aggregate(
        edition_count=Count("id"), edition_changed=Max("updated_at")
    )
    return sorted({**talks, **speakers, **rooms, **editions}.items())


def normalised_query(query, filterset_class):
    """The part of ``query`` (a QueryDict) that ``filterset_class`` reads, spelt one way.

    Only the filter set's own parameters, in name order; empty values dropped (``?type=`` is
    no filter); a single-valued parameter keeps its last value, which is the one Django's
    forms read; a repeatable one (``type``, ``talk``) its values sorted, without repeats;
    search words (``q``) with runs of spaces made one. Equivalent queries give the same
    result, so they share one cached response.
    """
    normal = QueryDict(mutable=True)
    filters = filterset_class.base_filters if filterset_class is not None else {}
    for name, parameter in sorted(filters.items()):
        if isinstance(parameter, MultipleChoiceFilter):
            values = sorted(set(query.getlist(name)))
        else:
            values = [query[name]] if name in query else []
        if isinstance(parameter, CharFilter):
            values = [" ".join(value.split()) for value in values]
        values = [value for value in values if value]
        if values:
            normal.setlist(name, values)
    normal._mutable = False
    return normal


def response_etag(request, conference, also=None):
    # The responses hold absolute URLs, so the host and scheme are part of what they show.
    shown = (code_fingerprint(), request.build_absolute_uri(), edition_version(conference), also)
    return quote_etag(hashlib.sha256(repr(shown).encode()).hexdigest()[:32])


def shareable(response):
    """False for a response only its reader may keep (``Cache-Control: private`` or
    ``no-store``, as staff previews of drafts are): it must not be served to anyone else."""
    directives = {
        directive.strip().split("=")[0].lower()
        for directive in response.get("Cache-Control", "").split(",")
    }
    return not directives & {"private", "no-store"}


def cached_or_built(cache, etag, build):
    """The response kept in ``cache`` under ``etag``, else ``build()``'s, kept when it says so.

    ``build()`` returns (response, keep). After a change every reader asks for the new
    version at once: while one process builds it, the others asking for the same ETag wait
    for it (up to BUILD_WAIT_SECONDS) instead of each building it too. Without a working
    cache nobody waits.
    """
    key, building = f"response:{etag}", f"building:{etag}"
    response = cache.get(key)
    if response is not None:
        return response
    claimed = cache.add(building, True, BUILD_WAIT_SECONDS)
    if not claimed:
        deadline = time.monotonic() + BUILD_WAIT_SECONDS
        while cache.get(building) and time.monotonic() < deadline:
            time.sleep(0.02)
        response = cache.get(key)
        if response is not None:
            return response
        # The builder failed, timed out or built an error: build this one here.
    try:
        response, keep = build()
        if keep:
            cache.set(key, response, settings.EDITION_CACHE_SECONDS)
    finally:
        if claimed:
            cache.delete(building)
    return response


def versioned(view=None, *, filters=None, also=None):
    """A view of a whole edition, ``view(request, edition, ...)``, answered by version.

    ``filters`` is the FilterSet class whose parameters the view reads (none by default);
    the view sees those alone, normalised (normalised_query). Use as ``versioned(view)``,
    ``@versioned`` or ``@versioned(filters=TalkFilter)``. ``also(request, conference)``,
    when given, returns what else the response depends on (the day a timetable without
    ``day`` opens on), as a value with a stable repr.
    """
    if view is None:
        return functools.partial(versioned, filters=filters, also=also)

    @functools.wraps(view)
    def versioned_view(request, edition, **kwargs):
        query = normalised_query(request.GET, filters)
        request.GET = query
        request.META["QUERY_STRING"] = query.urlencode()
        conference = Conference.objects.published().filter(slug=edition).first()
        if conference is None:
            return view(request, edition=edition, **kwargs)  # its own 404
        etag = response_etag(request, conference, also and also(request, conference))
        response = get_conditional_response(request, etag=etag)
        if response is None:

            def build():
                built = view(request, edition=edition, **kwargs)
                if hasattr(built, "render"):
                    built.render()  # a TemplateResponse is kept rendered
                keep = built.status_code == 200 and request.method in ("GET", "HEAD")
                return built, keep and shareable(built)

            response = cached_or_built(caches["editions"], etag, build)
            if not shareable(response):
                return response  # e.g. a staff preview: never kept, never a 304
        if response.status_code in (200, 304):
            response.headers["ETag"] = etag
        return response

    return versioned_view
