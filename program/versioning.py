"""Whole-edition responses, built once per version of the edition's data.

The program page, the speakers list and the edition-wide feeds show every talk of an
edition: for 2,000 talks the page takes over 100 ms and a calendar file over a second to
build. Attendees and calendar
apps ask for them far more often than organisers change anything, so these responses are
versioned. Their ETag is a hash of the URL, the host, the code and the edition's version
(four small aggregate queries), so a matching If-None-Match answers 304 without building anything,
and a built 200 is kept in the "editions" cache under its ETag. Any change to what they show
changes the version, so nothing stale is ever served.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Max
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag

from program.models import Conference, TalkSpeaker


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
    talks = conference.talks.aggregate(
        talk_rows=Count("id"),
        talk_changed=Max("updated_at"),
        type_changed=Max("type__updated_at"),
        resource_count=Count("resources"),
        resource_changed=Max("resources__updated_at"),
    )
    speakers = TalkSpeaker.objects.filter(talk__conference=conference).aggregate(
        speaker_count=Count("id"), speaker_changed=Max("speaker__updated_at")
    )
    rooms = conference.rooms.aggregate(room_count=Count("id"), room_changed=Max("updated_at"))
    editions = Conference.objects.aggregate(
        edition_count=Count("id"), edition_changed=Max("updated_at")
    )
    return sorted({**talks, **speakers, **rooms, **editions}.items())


def response_etag(request, conference):
    # The responses hold absolute URLs, so the host and scheme are part of what they show.
    shown = (code_fingerprint(), request.build_absolute_uri(), edition_version(conference))
    return quote_etag(hashlib.sha256(repr(shown).encode()).hexdigest()[:32])


def shareable(response):
    """False for a response only its reader may keep (``Cache-Control: private`` or
    ``no-store``, as staff previews of drafts are): it must not be served to anyone else."""
    directives = {
        directive.strip().split("=")[0].lower()
        for directive in response.get("Cache-Control", "").split(",")
    }
    return not directives & {"private", "no-store"}


def versioned(view):
    """A view of a whole edition, ``view(request, edition, ...)``, answered by version."""

    @functools.wraps(view)
    def versioned_view(request, edition, **kwargs):
        conference = Conference.objects.published().filter(slug=edition).first()
        if conference is None:
            return view(request, edition=edition, **kwargs)  # its own 404
        etag = response_etag(request, conference)
        response = get_conditional_response(request, etag=etag)
        if response is None:
            cache, key = caches["editions"], f"response:{etag}"
            response = cache.get(key)
            if response is None:
                response = view(request, edition=edition, **kwargs)
                if not shareable(response):
                    return response  # e.g. a staff preview: never kept, never a 304
                if response.status_code == 200 and request.method in ("GET", "HEAD"):
                    if hasattr(response, "render"):
                        response.render()  # a TemplateResponse is kept rendered
                    cache.set(key, response, settings.EDITION_CACHE_SECONDS)
        if response.status_code in (200, 304):
            response.headers["ETag"] = etag
        return response

    return versioned_view
