"""The site as an installable app that opens offline: its manifest, its service worker, and
each edition's list of what the worker keeps (docs/developers/offline.md).

- ``/manifest.webmanifest``: name, icons, ``start_url`` ``/current/``, scope ``/``.
- ``/sw.js``: the worker (``templates/offline/sw.js``), served from the site root so its
  scope is the site, with the current edition's slug and the prefixes it may keep written in.
- ``/<edition>/offline.json``: the URLs the worker fills its copy with, and a version that
  moves when any of them may have changed.
- ``/<edition>/offline/``: what the worker shows offline for a page it holds no copy of.
"""

import hashlib
import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.generic import TemplateView

from program.machinery import data_version
from program.machinery.responses import code_fingerprint
from program.models import Conference, Speaker, Talk
from program.pages.base import EditionMixin
from program.photos import photo_url_function, rendition_name, rendition_widths

# What the public pages load from static/ (a test checks the templates load nothing else).
PAGE_FILES = (
    "css/site.css",
    "css/print.css",
    "css/timetable.css",
    "css/timetable-print.css",
    "js/site.js",
    "js/program.js",
    "js/timetable.js",
    "img/favicon.svg",
)
# The app's icons: PNG for Chrome's install prompt (it wants 192 and 512), SVG for the rest.
ICONS = (
    ("img/icon-192.png", "192x192", "image/png"),
    ("img/icon-512.png", "512x512", "image/png"),
    ("img/icon.svg", "any", "image/svg+xml"),
)
THEME_COLOUR = "#0b2545"  # the site's header (static/css/site.css --header)


def manifest(request):
    """The Web App Manifest: the current edition's name when there is one."""
    current = Conference.objects.published().filter(is_current=True).first()
    name = f"{current.name} program" if current else "Conference program"
    data = {
        "name": name,
        "short_name": current.name if current else "Program",
        "description": "The conference program: talks, speakers and times, also offline.",
        "id": "/current/",
        "start_url": "/current/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {
                "src": static(path),
                "sizes": sizes,
                "type": kind,
                # Drawn with a full background and a margin, so a round mask crops nothing.
                "purpose": "any maskable" if kind == "image/png" else "any",
            }
            for path, sizes, kind in ICONS
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1),
        content_type="application/manifest+json",
    )


def service_worker(request):
    """The worker's script. ``no-cache``: browsers check it again at every navigation (they
    would anyway after 24 hours), so a new release or a new current edition reaches them.

    The script names the current edition (only its pages are kept) and the code's
    fingerprint (a new release installs a new worker).
    """
    current = Conference.objects.published().filter(is_current=True).first()
    context = {
        "edition": json.dumps(current.slug if current else ""),
        "static_prefix": json.dumps(static("")),
        # Photos are kept only when the site serves them itself (no bucket on another origin).
        "media_prefix": json.dumps("" if settings.MEDIA_ORIGIN else settings.MEDIA_URL),
        "version": json.dumps(code_fingerprint()[:16]),
        # The files it may answer from its copy: those the pages load (others, the admin's,
        # are not its business).
        "files": json.dumps([static(path) for path in (*PAGE_FILES, *(icon[0] for icon in ICONS))]),
    }
    response = render(request, "offline/sw.js", context, content_type="text/javascript")
    patch_cache_control(response, no_cache=True)
    return response


def offline_urls(conference):
    """The paths the worker keeps for ``conference``, in the order it fetches them: pages
    first (what an attendee opens), then files, then photos (their smallest size, which
    the worker also answers for the larger ones). Three queries."""
    edition = conference.slug

    def url(name, *args):
        return reverse(f"program:{name}", args=[edition, *args])

    timetable = url("timetable")
    talks = Talk.objects.listed_in(conference).order_by("public_start", "slug")
    speakers = (
        Speaker.objects.filter(talks__in=Talk.objects.listed_in(conference))
        .distinct()
        .order_by("slug")
        .values_list("slug", "photo", "photo_width")
    )
    speakers = list(speakers)
    photo_url = photo_url_function()
    photos = [
        photo_url(rendition_name(photo, rendition_widths(width)[0]))
        for _, photo, width in speakers
        if photo
    ]
    return [
        url("program"),
        timetable,
        *(f"{timetable}?day={day.isoformat()}" for day in conference.dates()),
        *(url("talk-detail", slug) for slug in talks.values_list("slug", flat=True)),
        url("speaker-list"),
        *(url("speaker-detail", slug) for slug, _, _ in speakers),
        url("agenda"),
        url("offline"),
        url("track-styles"),
        *(static(path) for path in PAGE_FILES),
        *(static(path) for path, _, _ in ICONS),
        # Same-origin photos only: the worker's own CSP (connect-src 'self') and its scope
        # keep it from a bucket's.
        *(photo for photo in photos if photo.startswith("/")),
    ]


def offline_list(request, edition):
    """``{"edition": slug, "version": hex, "urls": [path, ...]}`` for a published edition,
    404 otherwise. ``version`` moves with the data (any write may change a kept page), the
    code and the URLs, and with it the list's ETag: a worker asks with If-None-Match and
    refills on 200 (each page again with its own If-None-Match, so unchanged pages cost a
    304). Four queries when built (the data version, the edition, its talks, its speakers).
    """
    conference = get_object_or_404(Conference.objects.published(), slug=edition)
    urls = offline_urls(conference)
    stamp = [code_fingerprint(), str(data_version.current()), *urls]
    digest = hashlib.sha256("\n".join(stamp).encode()).hexdigest()[:16]
    return JsonResponse({"edition": edition, "version": digest, "urls": urls})


class NotKeptView(EditionMixin, TemplateView):
    """What the worker answers offline for a page of the edition it holds no copy of (it
    keeps this page in its fill, and shows the paragraph for a changed agenda when that is
    what was asked)."""

    template_name = "offline/not_kept.html"
    section = "offline"
