"""Template helpers of the public pages."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from program.archive import at_site
from program.models import Conference
from program.pages.listing import (
    options_html,
    row_macros,
    speaker_items_html,
    speaker_photo_html,
    talk_rows_html,
)
from program.pages.timetable import timetable_rows_html
from program.times import html_datetime, moment_label

register = template.Library()

# The characters that could end a <script> element or start an HTML comment inside it,
# written as JSON escapes (what Django's json_script does for type="application/json").
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """``data`` as a schema.org JSON-LD block: data, not code, so a strict CSP allows it."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.filter
def date_span(conference):
    """'May 18–22, 2026', 'May 30 – June 2, 2026' or 'December 30, 2026 – January 2, 2027'."""
    start, end = conference.start_date, conference.end_date
    if start == end:
        return f"{start:%B} {start.day}, {start.year}"
    if start.year != end.year:
        return f"{start:%B} {start.day}, {start.year} – {end:%B} {end.day}, {end.year}"
    if start.month != end.month:
        return f"{start:%B} {start.day} – {end:%B} {end.day}, {end.year}"
    return f"{start:%B} {start.day}–{end.day}, {end.year}"


@register.inclusion_tag("includes/_yearly_menu.html", takes_context=True)
def yearly_menu(context):
    """Links to every published edition, newest first, the one being viewed marked.

    Edition pages pass the editions they already loaded; other pages (404) query them, and
    mark the current edition when no edition is being viewed. In an edition's static copy
    (``archive``), its own edition links to the copy's home (the edition's root, which the
    copy holds as index.html); program/pages/archive.py points the others at the live site.
    """
    editions = context.get("editions")
    if editions is None:
        try:
            editions = list(Conference.objects.published())
        except DatabaseError:
            editions = []
    viewed = context.get("conference")
    if viewed is None:
        viewed = next((edition for edition in editions if edition.is_current), None)
    request = context.get("request")
    return {
        "editions": editions,
        "viewed_slug": viewed.slug if viewed else None,
        "path": request.path if request else None,
        "copy_home": (
            reverse("program:edition", kwargs={"edition": viewed.slug})
            if context.get("archive") and viewed
            else None
        ),
    }


@register.filter
def on_site(path, site_url):
    """The address of the site's URL ``path`` on the live site at ``site_url`` (its root,
    ending in "/"): how a static copy links to what it lacks (program/archive.py at_site)."""
    return at_site(site_url, path)


@register.simple_tag(takes_context=True)
def page_url(context, name, conference):
    """The path of an edition's page ``name`` (program, timetable, speaker-list, now): its
    embed (``embed-<name>``) on an embedded page, so the frame's own links stay embeds."""
    prefix = "embed-" if context.get("embed") else ""
    return reverse(f"program:{prefix}{name}", kwargs={"edition": conference.slug})


@register.simple_tag
def talk_rows(entries):
    """The program's talk rows (program/pages/listing.py writes them, for speed)."""
    return talk_rows_html(entries)


@register.simple_tag
def select_options(choices):
    return options_html(choices)


@register.simple_tag
def talk_row(entry, overlaps=()):
    """One talk row, with the titles of the agenda's talks it ``overlaps`` (not kept: the
    marks depend on the agenda)."""
    return row_macros().talk_row(entry, overlaps)


@register.simple_tag
def star_button(slug, title, talk_id):
    """The star that keeps a talk in the browser's agenda (the program rows' own button)."""
    return row_macros().star_button(slug, title, talk_id)


@register.filter(name="html_datetime")
def html_datetime_filter(value):
    """``<time datetime="{{ moment|html_datetime }}">`` (times.html_datetime)."""
    return html_datetime(value)


@register.filter
def moment(value):
    """'Monday, May 18, 9:00 AM PDT' for an aware datetime (in the timezone it carries)."""
    return moment_label(value)


@register.simple_tag
def speaker_items(entries):
    """The speakers list's items (program/pages/listing.py writes them, for speed)."""
    return speaker_items_html(entries)


@register.simple_tag
def speaker_photo(speaker, size="small", loading="lazy"):
    """``speaker``'s photo (or initials) as the lists show it; ``size`` "small" or "large"."""
    return speaker_photo_html(speaker, size, loading)


@register.simple_tag
def timetable_rows(rows):
    """The timetable's body rows (program/pages/timetable.py)."""
    return timetable_rows_html(rows)
