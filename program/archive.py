"""A static copy of an edition (``manage.py export_site``): where each of the site's pages
and files goes in the copy, the copy's own address, and the folder it is written to.

The copy is a folder of files that a static host serves under any sub-path, or a browser
opens from the disk (``file://``): every page is ``<page>/index.html`` and every link
between them is relative and spells ``index.html`` out, since neither the disk nor most
static hosts turn ``talks/x/`` into ``talks/x/index.html`` for ``file://``. The pages are
rendered by program/pages/archive.py and the feeds by program/feeds/archive.py; this
module is what both need (docs/operators/archive.md).
"""

import json
import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit

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
    """The address the copy will be published at, as given to ``--site-url``, ending in
    "/", or "" when none is given. Raises ArchiveError unless it is an http(s) address
    without a query or fragment (e.g. https://example.org/archive/mlsys2026/)."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ArchiveError(
            f"--site-url: {url} is not an http or https address without a query or fragment, "
            "such as https://example.org/archive/2026/."
        )
    return url if url.endswith("/") else f"{url}/"


class Addresses:
    """Where the site's URLs go in the copy of ``conference``, and what the copy must hold.

    ``file_for(path, query)`` is the copy's file for a URL path of the site ("/2026/talks/x/"
    -> "talks/x/index.html"), or None when the copy has no such page (another edition, the
    agenda, a filtered view: anything that needs the server). It records the static files
    and photos it hands out (``static_files``, ``photos``) for the copy to include.
    ``site_url`` is where the copy will be published ("" when unknown).
    """

    def __init__(self, conference, site_url="", feeds=False):
        self.conference = conference
        self.site_url = site_url
        self.days = set()  # the timetable's days in the copy, "YYYY-MM-DD" (set by its pages)
        self.feeds = feeds
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
        if page == "tracks.css":
            return page
        if page in ("program.ics", "schedule.xml", "schedule.json"):
            return page if self.feeds else None
        parts = page.split("/")
        if len(parts) == 3 and parts[0] in ("talks", "speakers") and parts[1] and not parts[2]:
            return f"{page}index.html"
        if len(parts) == 2 and parts[0] == "talks" and parts[1].endswith(".ics"):
            return page if self.feeds else None
        return None

    def absolute(self, file):
        """The address a copy's ``file`` is published at ("" without ``site_url``): a page
        by its folder (".../talks/x/"), as static hosts serve it."""
        if not self.site_url:
            return ""
        return self.site_url + file.removesuffix("index.html")

    def absolute_uri(self, location):
        """For the feeds: the published address of the site's ``location`` (a URL path, or a
        photo's URL); ArchiveError when the copy has no such file or no address."""
        parts = urlsplit(location)
        path = location if location.startswith(self.photo_head) else parts.path
        file = self.file_for(path, parts.query)
        if file is None or not self.site_url:
            raise ArchiveError(f"The copy has no file for {location}.")
        return self.absolute(file)


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
