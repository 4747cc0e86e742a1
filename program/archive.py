"""A static copy of an edition (``manage.py export_site``): where each of the site's pages
and files goes in the copy, the live site's addresses it may link to, and the folder it is
written to.

The copy is a folder of files that a static host serves under any sub-path, or a browser
opens from the disk (``file://``): every page is ``<page>/index.html`` and every link
between them is relative and spells ``index.html`` out, since neither the disk nor most
static hosts turn ``talks/x/`` into ``talks/x/index.html`` for ``file://``. What needs the
server (another edition, a filtered view, the agenda) is left out, or, given the live
site's root (``--site-url``), linked there absolutely. The feeds, whose formats want
absolute links, name the live site: the one given, else the site's own address from its
settings (``own_address``). The pages are rendered by program/pages/archive.py and the
feeds by program/feeds/archive.py; this module is what both need
(docs/operators/archive.md).
"""

import json
import posixpath
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage
from django.urls import reverse

from program.photos import FOLDER, STORED_NAME, photo_url_function

# The host the pages are rendered for: absolute URLs built from a request
# (request.build_absolute_uri) name it, and the copy turns them into its own.
# ``.invalid`` is reserved (RFC 2606): it never names a real site.
RENDER_HOST = "archive.invalid"
RENDER_ORIGIN = f"http://{RENDER_HOST}"
# What a copy lists of itself: the files it wrote, so the next export into the same folder
# replaces exactly those, and never a file someone else put there.
MANIFEST = ".export-site.json"
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class ArchiveError(Exception):
    """Why a copy cannot be written (a message for the person running the command)."""


def site_address(url):
    """The live site's root as given to ``--site-url``, ending in "/", or "" when none is
    given. A path is allowed: a site served under one (https://example.org/program/).
    Raises ArchiveError unless it is an http(s) address without a query or fragment."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ArchiveError(
            f"--site-url: {url} is not an http or https address without a query or fragment, "
            "such as https://program.example.org/."
        )
    return url if url.endswith("/") else f"{url}/"


def own_address():
    """The site's own root from its settings, as it builds its absolute links when served:
    "https://" with SERVED_OVER_HTTPS (DJANGO_HTTPS) else "http://", and the first host
    of ALLOWED_HOSTS that names one (not "*", not a ".example.org" wildcard), e.g.
    "https://program.example.org/". Raises ArchiveError when none does."""
    scheme = "https" if settings.SERVED_OVER_HTTPS else "http"
    for host in settings.ALLOWED_HOSTS:
        if host and host != "*" and not host.startswith("."):
            return f"{scheme}://{host}/"
    raise ArchiveError(
        "The feeds need the site's address, and ALLOWED_HOSTS (DJANGO_ALLOWED_HOSTS) names "
        "no host, only wildcards: give it with --site-url, e.g. "
        "--site-url https://program.example.org/."
    )


def at_site(root, location):
    """The address of the site's ``location`` on the site at ``root`` (an address ending in
    "/"): a URL path ("/2026/talks/x/?room=y", as reverse() gives it) or a URL the pages
    built for RENDER_HOST is joined under ``root``'s path ("https://example.org/program/"
    -> "https://example.org/program/2026/talks/x/?room=y"); another site's absolute URL (a
    photo bucket's) is its own address."""
    location = location.removeprefix(RENDER_ORIGIN)
    parts = urlsplit(location)
    if parts.scheme or parts.netloc:
        return location
    return urljoin(root, location.lstrip("/"))


class Addresses:
    """Where the site's URLs go in the copy of ``conference``, and what the copy must hold.

    ``file_for(path, query)`` is the copy's file for a URL path of the site ("/2026/talks/x/"
    -> "talks/x/index.html"), or None when the copy has no such page (another edition, the
    agenda, a filtered view: anything that needs the server). It records the static files
    and photos it hands out (``static_files``, ``photos``) for the copy to include.
    ``live_url`` is the live site's root (``--site-url``; "" when not given), where
    ``live(location)`` finds what the copy lacks.
    """

    def __init__(self, conference, live_url=""):
        self.conference = conference
        self.live_url = live_url
        self.days = set()  # the timetable's days in the copy, "YYYY-MM-DD" (set by its pages)
        self.static_files = set()
        self.photos = set()
        self.linked = set()  # the copy's files its pages link to
        self.edition = reverse("program:edition", kwargs={"edition": conference.slug})
        self.static_url = (
            settings.STATIC_URL
            if settings.STATIC_URL.startswith(("/", "http"))
            else f"/{settings.STATIC_URL}"
        )
        probe = f"{FOLDER}/{'0' * 32}-160.jpg"
        self.photo_head = photo_url_function()(probe).rpartition(probe)[0]

    def file_for(self, path, query=""):
        """The copy's file (relative to its root) of the site's URL ``path``?``query``."""
        if path.startswith(self.static_url) and not query:
            name = path.removeprefix(self.static_url)
            self.static_files.add(name)
            return f"static/{name}"
        if path.startswith(self.photo_head) and not query:
            name = path.removeprefix(self.photo_head)
            if STORED_NAME.fullmatch(name):
                self.photos.add(name)
                return f"media/{name}"
            return None
        if not path.startswith(self.edition):
            return None
        page = path.removeprefix(self.edition)
        if page == "timetable/" and DAY.fullmatch(day := query.removeprefix("day=")):
            return f"timetable/{day}/index.html" if day in self.days else None
        if query:
            return None
        if page in ("", "program/", "timetable/", "speakers/"):
            return f"{page}index.html"
        if page in ("tracks.css", "program.ics", "schedule.xml", "schedule.json"):
            return page
        parts = page.split("/")
        if len(parts) == 3 and parts[0] in ("talks", "speakers") and parts[1] and not parts[2]:
            return f"{page}index.html"
        if len(parts) == 2 and parts[0] == "talks" and parts[1].endswith(".ics"):
            return page
        return None

    def live(self, location):
        """The live site's address of ``location`` (at_site), or None without ``live_url``."""
        return at_site(self.live_url, location) if self.live_url else None


def relative(target, source):
    """``target`` (a file of the copy) as a link from the page ``source`` (another file)."""
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


def open_static(name):
    """A static file's content (bytes), as the site serves it: with debug on, the file in
    the source folders (as runserver serves it); else the collected copy (hashed names),
    else the source file (tests)."""
    found = finders.find(name) if settings.DEBUG else None
    if found:
        return Path(found).read_bytes()
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as file:
            return file.read()
    found = finders.find(name)
    if not found:
        raise ArchiveError(f"The static file {name} is missing: run collectstatic.")
    return Path(found).read_bytes()


def open_photo(name):
    """A stored photo's content (bytes), read through STORAGES["default"] (a folder or a
    bucket alike)."""
    with default_storage.open(name) as file:
        return file.read()


def prepare_directory(directory):
    """Make ``directory`` ready for a copy: created when missing; when it holds a previous
    copy (its MANIFEST), the files that copy wrote are removed (and the folders they leave
    empty); anything else in it stays. A folder that is not empty and holds no copy is
    refused (ArchiveError): the command never mixes its files with someone else's."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ArchiveError(f"{directory} is a file, not a folder.")
    directory.mkdir(parents=True, exist_ok=True)
    manifest = directory / MANIFEST
    if manifest.exists():
        try:
            previous = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        except (ValueError, KeyError, TypeError) as error:
            raise ArchiveError(f"{manifest} is not a copy's list of files: {error}") from error
        remove_files(directory, previous)
        manifest.unlink()
    elif any(directory.iterdir()):
        raise ArchiveError(
            f"{directory} is not empty and holds no previous copy: choose a new or empty folder."
        )
    return directory


def remove_files(directory, names):
    """Remove the copy's files ``names`` (relative) inside ``directory``, then the folders
    that become empty; a name leading outside ``directory`` is ignored."""
    root = directory.resolve()
    folders = set()
    for name in names:
        path = (directory / name).resolve()
        if root not in path.parents:
            continue
        path.unlink(missing_ok=True)
        folders.update(parent for parent in path.parents if root in parent.parents)
    for folder in sorted(folders, key=lambda folder: len(folder.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


def write_files(directory, files):
    """Write ``files`` ({relative name: bytes}) into ``directory``, and MANIFEST listing
    them. Returns the names, sorted."""
    directory = Path(directory)
    names = sorted(files)
    for name in names:
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[name])
    (directory / MANIFEST).write_text(json.dumps({"files": names}, indent=1), encoding="utf-8")
    return names
