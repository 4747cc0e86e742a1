"""The public pages of an edition rendered for its static copy (``manage.py export_site``).

The pages are the site's own views and templates in archive mode (``archive=True``; with
``--site-url``, ``archive_site_url`` the live site's root; templates/base.html), called
directly (never through the response cache, which must not keep a copy's page) with a
request for RENDER_HOST. Their links are then rewritten for the copy (program/archive.py
``Addresses``): a link to a page or file of the copy becomes relative, from the page's own
file, ending in ``index.html``; a link (``<a>``, ``<link>``) to anything the copy lacks
(another edition, a filtered view, the agenda) becomes an absolute link to the live site
when its root is known, else plain text keeping its classes (a ``<link>`` goes); the star
buttons, which keep an agenda the copy has not, go. The page's own address (og:url) and
the JSON-LD's name the live site when its root is known, else (JSON-LD) the copy's files,
relatively. Anything else pointing at the site that the copy lacks (an image) stops the
export (ArchiveError): the copy never holds a broken link.
"""

import io
import re
from urllib.parse import urlsplit

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
    mode = {"archive": True, "archive_site_url": addresses.live_url}
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

    def link(url, *, live=True):
        """The copy's relative link for ``url``; the URL itself when it is not the site's;
        for what the copy lacks, the live site's address (``live`` and its root known),
        else None."""
        parts = urlsplit(url.removeprefix(RENDER_ORIGIN))
        if addresses.photo_head and url.startswith(addresses.photo_head):
            file = addresses.file_for(url)
        elif url.startswith(RENDER_ORIGIN + "/") or (
            url.startswith("/") and not url.startswith("//")
        ):
            file = addresses.file_for(parts.path, parts.query)
        else:
            return url
        if file is None:
            return addresses.live(url) if live else None
        addresses.linked.add(file)
        return relative(file, source) + (f"#{parts.fragment}" if parts.fragment else "")

    def address(url):
        """What the page says is an address (og:url, JSON-LD's): the live site's, else the
        copy's file, relatively."""
        return addresses.live(url) or must_link(link, url, source)

    def anchor(match):
        attributes, text = match.groups()
        href = re.search(r'\bhref="([^"]*)"', attributes)
        if href is None:
            return match.group(0)
        found = link(href.group(1))
        if found is not None:
            return match.group(0).replace(href.group(0), f'href="{found}"', 1)
        # Not in the copy, and no live site: the words stay, without the link.
        return f"<span{HREF.sub('', attributes)}>{text}</span>"

    html = ANCHOR.sub(anchor, html)

    def link_tag(match):
        tag = match.group(0)
        href = re.search(r'\bhref="([^"]*)"', tag)
        if href is None:
            return tag
        found = link(href.group(1))
        # A <link> (an alternate calendar) to a file the copy lacks goes without a live site.
        return "" if found is None else tag.replace(href.group(0), f'href="{found}"')

    html = LINK_TAG.sub(link_tag, html)

    def image(url):
        # The copy's own file (or another site's): one the copy lacks stops the export.
        return must_link(lambda url: link(url, live=False), url, source)

    html = SRCSET.sub(
        lambda match: 'srcset="{}"'.format(
            ", ".join(
                " ".join([image(url), *rest])
                for url, *rest in (part.split() for part in match.group(1).split(","))
            )
        ),
        html,
    )

    def attribute(match):
        name, url = match.groups()
        if name == "content":
            return f'content="{address(url)}"' if url.startswith(RENDER_ORIGIN) else match.group(0)
        return f'{name}="{image(url)}"'

    html = URL_ATTRIBUTE.sub(attribute, html)
    # JSON-LD's addresses.
    return RENDERED_URL.sub(lambda match: address(match.group(0)), html)


def must_link(link, url, source):
    found = link(url)
    if found is None:
        raise ArchiveError(f"{source} links to {url}, which the copy does not hold.")
    return found
