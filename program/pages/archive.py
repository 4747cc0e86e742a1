"""The public pages of an edition rendered for its static copy (``manage.py export_site``).

The pages are the site's own views and templates in archive mode (``archive=True``: no
yearly menu, filters, agenda, now, changes or scripts; templates/base.html), called directly
(never through the response cache, which must not keep a copy's page) with a request for
RENDER_HOST. Their links are then rewritten for the copy (program/archive.py ``Addresses``):
a link to a page or file of the copy becomes relative, from the page's own file, ending in
``index.html``; a link (``<a>``) to anything the copy lacks (another edition, a filtered view)
becomes plain text, keeping its classes; the star buttons, which keep an agenda the copy has
not, go. Anything else pointing at the site that the copy lacks stops the export
(ArchiveError): the copy never holds a broken link.
"""

import io
import re

from django.contrib.auth.models import AnonymousUser
from django.core.handlers.wsgi import WSGIRequest

from program.archive import RENDER_HOST, RENDER_ORIGIN, ArchiveError, relative
from program.models import Speaker, Talk
from program.pages import program, speakers, styles, talks, timetable
from program.pages.listing import edition_days

ANCHOR = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.DOTALL)
LINK_TAG = re.compile(r"<link\b[^>]*>")
STAR_BUTTON = re.compile(
    r'<button type="button" class="star-toggle"[^>]*>.*?</button>\s?', re.DOTALL
)
URL_ATTRIBUTE = re.compile(r'(?<![\w-])(href|src|content)="([^"]*)"')
SRCSET = re.compile(r'(?<![\w-])srcset="([^"]*)"')
HREF = re.compile(r'\s*\bhref="[^"]*"')
# A URL the pages built with request.build_absolute_uri (og:url, JSON-LD).
RENDERED_URL = re.compile(re.escape(RENDER_ORIGIN) + r"/[^\"\s<>\\]*")


class ArchiveRequest(WSGIRequest):
    """A GET of the site's ``path`` for RENDER_HOST, made for no client: the host is not
    checked against ALLOWED_HOSTS (the copy is not served by this site)."""

    def __init__(self, path, query=""):
        super().__init__(
            {
                "REQUEST_METHOD": "GET",
                "PATH_INFO": path,
                "QUERY_STRING": query,
                "SERVER_NAME": RENDER_HOST,
                "SERVER_PORT": "80",
                "wsgi.url_scheme": "http",
                "wsgi.input": io.BytesIO(),
            }
        )
        self.user = AnonymousUser()

    def get_host(self):
        return RENDER_HOST


def archive_pages(conference, addresses):
    """Every page of ``conference``'s copy, {file name: bytes}, with tracks.css when the
    pages use it. ``addresses`` (program/archive.py Addresses) records the static files and
    photos the pages use, for the caller to copy."""
    mode = {"archive": True, "archive_site_url": addresses.site_url}
    edition = {"edition": conference.slug}
    base = f"/{conference.slug}/"
    rendered = {}  # the site's URL (path, query) -> its HTML as rendered

    def render(view, path, query="", **kwargs):
        response = view(ArchiveRequest(path, query), **edition, **kwargs)
        try:
            response.render()
        except ValueError as error:
            # The production storage's {% static %} names files by the collected manifest.
            if "staticfiles manifest" not in str(error):
                raise
            raise ArchiveError(f"{error}: run `python manage.py collectstatic` first.") from error
        if response.status_code != 200:
            raise ArchiveError(f"{path}?{query} answered {response.status_code}.")
        rendered[path, query] = response.content.decode()

    listed = Talk.objects.listed_in(conference)
    render(program.ProgramView.as_view(**mode), f"{base}program/")
    days = edition_days(conference)
    addresses.days = {day.isoformat() for day in days}
    timetable_view = timetable.TimetableView.as_view(**mode)
    for day in days:
        render(timetable_view, f"{base}timetable/", f"day={day.isoformat()}")
    render(speakers.SpeakerListView.as_view(**mode), f"{base}speakers/")
    speaker_view = speakers.SpeakerDetailView.as_view(**mode)
    speaker_slugs = (
        Speaker.objects.filter(talks__in=listed)
        .distinct()
        .order_by("slug")
        .values_list("slug", flat=True)
    )
    for slug in speaker_slugs:
        render(speaker_view, f"{base}speakers/{slug}/", slug=slug)
    talk_view = talks.TalkDetailView.as_view(**mode)
    for slug in listed.order_by("slug").values_list("slug", flat=True):
        render(talk_view, f"{base}talks/{slug}/", slug=slug)

    files = {}
    for (path, query), html in rendered.items():
        file = addresses.file_for(path, query)
        files[file] = for_copy(html, file, addresses).encode()
    # The copy opens on the program, and its timetable on the first day.
    files["index.html"] = for_copy(
        rendered[f"{base}program/", ""], "index.html", addresses
    ).encode()
    first_day = rendered[f"{base}timetable/", f"day={days[0].isoformat()}"]
    files["timetable/index.html"] = for_copy(first_day, "timetable/index.html", addresses).encode()
    if "tracks.css" in addresses.linked:
        response = styles.track_styles(ArchiveRequest(f"{base}tracks.css"), **edition)
        files["tracks.css"] = response.content
    return files


def for_copy(html, source, addresses):
    """``html``, a page rendered for the site, as the copy's file ``source`` holds it."""
    html = STAR_BUTTON.sub("", html)

    def link(url):
        """The copy's relative link for ``url``, the URL itself when it is not the site's,
        or None when the copy lacks it."""
        if addresses.photo_head and url.startswith(addresses.photo_head):
            file = addresses.file_for(url)
        elif url.startswith(RENDER_ORIGIN + "/") or (
            url.startswith("/") and not url.startswith("//")
        ):
            path, _, query = url.removeprefix(RENDER_ORIGIN).partition("?")
            path, _, fragment = path.partition("#")
            file = addresses.file_for(path, query)
            if file is not None:
                addresses.linked.add(file)
                if url.startswith(RENDER_ORIGIN):
                    # Absolute where the page wants it so: the copy's address, when known.
                    return addresses.absolute(file) or relative(file, source)
                return relative(file, source) + (f"#{fragment}" if fragment else "")
        else:
            return url
        return None if file is None else relative(file, source)

    def anchor(match):
        attributes, text = match.groups()
        href = re.search(r'\bhref="([^"]*)"', attributes)
        if href is None or link(href.group(1)) is not None:
            return match.group(0)
        # Not in the copy: the words stay, without the link.
        return f"<span{HREF.sub('', attributes)}>{text}</span>"

    html = ANCHOR.sub(anchor, html)
    # A <link> (an alternate calendar) to a file the copy lacks goes.
    html = LINK_TAG.sub(
        lambda match: (
            ""
            if (href := re.search(r'\bhref="([^"]*)"', match.group(0)))
            and link(href.group(1)) is None
            else match.group(0)
        ),
        html,
    )
    html = SRCSET.sub(
        lambda match: 'srcset="{}"'.format(
            ", ".join(
                " ".join([must_link(link, url, source), *rest])
                for url, *rest in (part.split() for part in match.group(1).split(","))
            )
        ),
        html,
    )

    def attribute(match):
        name, url = match.groups()
        if name == "content" and not url.startswith(RENDER_ORIGIN):
            return match.group(0)
        return f'{name}="{must_link(link, url, source)}"'

    html = URL_ATTRIBUTE.sub(attribute, html)
    # JSON-LD's addresses: the copy's, absolute when its address is known.
    return RENDERED_URL.sub(lambda match: must_link(link, match.group(0), source), html)


def must_link(link, url, source):
    found = link(url)
    if found is None:
        raise ArchiveError(f"{source} links to {url}, which the copy does not hold.")
    return found
