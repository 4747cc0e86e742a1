"""Public responses kept in the shared cache, answered with one small read until the data changes.

Attendees, calendar apps and API clients ask for the same pages far more often than
organisers change anything, and a large edition's program page or calendar file takes
hundreds of milliseconds to build. So every public page, API resource and feed is kept,
built once, under a key made of:

- the **data version** (machinery/data_version.py): a number the database moves in the same
  transaction as every write to the program's tables, whatever made it (admin, bulk action,
  import, ORM script, fixture, another program). One version for the whole site, not one
  per edition: every page lists all editions in its yearly menu, and a speaker is shared
  by editions, so a write to one edition changes pages of others;
- the code (code_fingerprint), the scheme and host (responses hold absolute URLs; the host
  spelt one way by machinery/hosts.py, so letter case, a trailing dot or a made-up port
  cannot multiply the copies either), the path and the view's own filters only, spelt one
  way (normalised_query): unknown parameters (``?utm_source=...``) can neither multiply
  the copies nor cost a build each;
- for pages that depend on the clock (now and next), the current minute.

A page that changes with the clock only at some moments (a talk's page offers its room's
live stream from shortly before the talk to its end) says when, as ``response.changes_at``
(an aware datetime): its copy is answered until then and rebuilt after, with no key of its
own and no query more on a warm hit (``Stored.until``).

Nothing else: not the method (HEAD is answered from the copy GET would get, and its build
is kept for GET), not the cookies (a copy is only ever made of a build that did not read
the session, and answers any cookie, made-up or a real session's: see cached()).

Reading the version is the one query of a warm hit (a read by primary key); nothing else
is read or built. Each response is built once, whatever the encodings asked for: the build
is claimed for the plain response, and gzip and brotli are each made from the plain copy
once, when first asked for, and stored beside it. The answer is chosen by
``Accept-Encoding``, each encoding with its own ETag (the plain bytes' hash, plus
``-gzip`` or ``-br``), so an If-None-Match answers 304 to its own encoding only, and a
rebuilt but unchanged page still answers 304 (ConditionalGetMiddleware).

A reader reads the version before the data, and a write moves it in its own transaction:
whatever a reader stores under a version is at least as new as the writes that version
follows. Nothing is rebuilt on a timer: a copy is answered until a write moves the version,
or, for a page of the clock, until its period ends. Copies of old versions are left to
expire after RESPONSE_SECONDS (settings), which only frees their room in the cache. Without
a working cache nothing is kept and every request is built.
"""

import dataclasses
import functools
import hashlib
import math
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, QueryDict
from django.utils.cache import patch_cache_control, patch_vary_headers
from django_filters import CharFilter, MultipleChoiceFilter

from conference.compression import (
    accepted_encoding,
    compress,
    compressible,
    encoded_etag,
    holds_secret,
)
from program.machinery import clock, data_version

# How long readers of a response being built wait for it before building it themselves.
BUILD_WAIT_SECONDS = 10


def responses():
    return caches["editions"]


@functools.cache
def code_fingerprint():
    """Changes with any module, template or static file: a new release never serves what the
    previous one built (the cache may be a Redis that outlives it)."""
    digest = hashlib.sha256()
    root = settings.BASE_DIR
    # templates/*.js: /<edition>/embed.js is a template too.
    templates = (("templates", "*.html"), ("templates", "*.js"))
    for folder, pattern in (("program", "*.py"), *templates, ("static", "*")):
        for path in sorted((root / folder).rglob(pattern)):
            if path.is_file():
                digest.update(path.read_bytes())
    return digest.hexdigest()


# ------------------------------------------------------------------------ the request's key


def normalised_query(query, filterset_class, params=()):
    """The part of ``query`` (a QueryDict) that ``filterset_class`` and ``params`` (other
    single-valued parameters the view reads, such as ``page``) name, spelt one way.

    Only those parameters, in name order; empty values dropped (``?type=`` is no filter); a
    single-valued parameter keeps its last value, which is the one Django's forms read; a
    repeatable one (``type``, ``talk``) its values sorted, without repeats; search words
    (``q``) with runs of spaces made one. Equivalent queries give the same result, so they
    share one cached response.
    """
    normal = QueryDict(mutable=True)
    filters = dict(filterset_class.base_filters if filterset_class is not None else {})
    filters.update((name, None) for name in params)
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
    return QueryDict(normal.urlencode())  # immutable, as request.GET is


def response_key(request, version, moment, encoding):
    # The responses hold absolute URLs, so the host and scheme are part of what they show.
    shown = (code_fingerprint(), request.build_absolute_uri(), moment)
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()[:32]
    return f"response:{version}:{digest}:{encoding or 'identity'}"


# ------------------------------------------------------------------------ stored responses


@dataclasses.dataclass(frozen=True)
class Stored:
    """A response as kept in the cache: status, headers (name, value pairs) and body;
    ``until`` (seconds since the epoch, by the site's clock) when it goes out of date, or
    None."""

    status: int
    headers: tuple
    body: bytes
    until: float | None = None

    def fresh(self):
        return self.until is None or clock.now().timestamp() < self.until

    def response(self):
        response = HttpResponse(self.body, status=self.status)
        for name, value in self.headers:
            response.headers[name] = value
        return response


def shareable(response, request):
    """False for a response only its reader may keep: ``Cache-Control: private`` or
    ``no-store`` (staff previews of drafts), one that sets a cookie, or one whose build read
    the session or put a CSRF token in the page (what it shows may be that reader's)."""
    directives = {
        directive.strip().split("=")[0].lower()
        for directive in response.get("Cache-Control", "").split(",")
    }
    return not (directives & {"private", "no-store"} or response.cookies or holds_secret(request))


def fresh(value):
    """``value`` read from the cache, or None when it is a copy past its ``until``."""
    return None if isinstance(value, Stored) and not value.fresh() else value


def as_stored(response, until=None):
    """``response`` as kept: its status, headers and body, with an ETag of its bytes."""
    patch_vary_headers(response, ("Accept-Encoding",))
    body = response.content
    tag = hashlib.sha256(body).hexdigest()[:32]
    headers = [(name, value) for name, value in response.items() if name != "Content-Length"]
    return Stored(response.status_code, (*headers, ("ETag", f'"{tag}"')), body, until)


def encoded(plain, encoding):
    """``plain`` (Stored) compressed with ``encoding``, with an ETag of its own; ``plain``
    itself when ``encoding`` is None or the body is not worth compressing."""
    if encoding is None or not compressible(plain.response()):
        return plain
    headers = [(name, value) for name, value in plain.headers if name != "ETag"]
    etag = encoded_etag(dict(plain.headers)["ETag"], encoding)
    encoded_headers = [("Content-Encoding", encoding), ("ETag", etag)]
    body = compress(plain.body, encoding)
    return Stored(plain.status, (*headers, *encoded_headers), body, plain.until)


def public(response, seconds_left=None):
    """``Cache-Control`` of a public response: browsers and shared caches (a CDN, a proxy)
    keep it PROXY_SECONDS (or until its minute ends, for a page of the clock), and a shared
    cache may answer it up to STALE_SECONDS more while it asks for a new one. So a proxy
    serves a page at most PROXY_SECONDS + STALE_SECONDS after it changed (docs/operators/cache.md).
    """
    if seconds_left is None:
        seconds = settings.PROXY_SECONDS
        patch_cache_control(
            response,
            public=True,
            max_age=seconds,
            s_maxage=seconds,
            stale_while_revalidate=settings.STALE_SECONDS,
        )
    else:
        seconds = min(seconds_left, settings.PROXY_SECONDS)
        patch_cache_control(response, public=True, max_age=seconds, s_maxage=seconds)


def cached_or_built(cache, key, build, timeout):
    """The value kept in ``cache`` under ``key``, else ``build()``'s first value.

    ``build()`` returns (answer, kept): ``kept`` maps keys to values to keep for ``timeout``
    seconds. After a change every reader asks for the new version at once: while one
    process builds it, the others asking for the same key wait for it (up to
    BUILD_WAIT_SECONDS) instead of each building it too. cached() claims the plain copy's
    key, so readers of every method and encoding wait for one build. Without a working
    cache nobody waits.
    """
    building = f"building:{key}"
    value = fresh(cache.get(key))
    if value is not None:
        return value
    claimed = cache.add(building, True, BUILD_WAIT_SECONDS)
    if not claimed:
        deadline = time.monotonic() + BUILD_WAIT_SECONDS
        while cache.get(building) and time.monotonic() < deadline:
            time.sleep(0.02)
        value = fresh(cache.get(key))
        if value is not None:
            return value
        # The builder failed, timed out or built an error: build this one here.
    try:
        answer, kept = build()
        if kept:
            cache.set_many(kept, timeout)
    finally:
        if claimed:
            cache.delete(building)
    return answer


def cached(view=None, *, filters=None, params=(), exact_query=False, period=None, admit=None):
    """``view`` (a public page, API resource or feed) answered from the shared cache.

    ``filters`` is the FilterSet class whose parameters the view reads, ``params`` other
    parameters it reads (``page``); the view sees those alone, normalised
    (normalised_query). ``exact_query`` keeps the query as given instead (the API answers
    400 to an unknown parameter, so it must see them). ``period(request)`` is None, or the
    seconds (a divisor of a day) after which the response changes with the clock: it is kept
    for the current period only. ``admit(request)`` is checked on every answer from the
    cache (the API's throttle); when it refuses, the view answers (429).

    GET and HEAD are answered alike, from one copy (the server leaves out a HEAD's body).
    Only answers with status 200 that anyone may keep (shareable) are kept. The session is
    never read here: a copy answers every request for it, whatever ``Cookie`` it sends,
    since a copy is only ever made of an answer whose build did not read the session. Pages
    that differ for staff (a draft's preview, an unpublished edition) read it only where the
    public answer is 404, so staff see what they may and everyone else, a made-up cookie or
    a session, gets the copy. Use as ``cached(view)``, ``@cached`` or
    ``@cached(filters=TalkFilter)``.
    """
    if view is None:
        return functools.partial(
            cached,
            filters=filters,
            params=params,
            exact_query=exact_query,
            period=period,
            admit=admit,
        )

    @functools.wraps(view)
    def cached_view(request, *args, **kwargs):
        if not exact_query:
            request.GET = normalised_query(request.GET, filters, params)
            request.META["QUERY_STRING"] = request.GET.urlencode()
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        # A public answer sets no CSRF cookie: Django renews a malformed one (any client may
        # send csrftoken=x) on whatever answer the request gets, with Vary: Cookie. The next
        # page that puts a token in a form (the admin's) sets it; from here on the flag says
        # that this view did.
        request.META.pop("CSRF_COOKIE_NEEDS_UPDATE", None)
        seconds = period(request) if period else None
        moment, seconds_left = None, None
        if seconds:
            now = clock.now().timestamp()
            moment = int(now // seconds)
            seconds_left = max(1, int((moment + 1) * seconds - now))

        built = []

        def build():
            built.append(True)
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()  # a TemplateResponse is kept rendered
            if not (response.status_code == 200 and shareable(response, request)):
                return response, {}
            changes_at = getattr(response, "changes_at", None)
            until = changes_at.timestamp() if changes_at is not None else None
            left = seconds_left
            if until is not None:
                left = max(1, math.ceil(until - clock.now().timestamp()))
                left = min(left, seconds_left) if seconds_left else left
            public(response, left)
            if version is None:
                return response, {}
            plain = as_stored(response, until)
            return plain, {plain_key: plain}

        version = data_version.current()
        encoding = accepted_encoding(request)
        if version is None:
            answer = build()[0]
        else:
            cache = responses()
            plain_key = response_key(request, version, moment, None)
            key = response_key(request, version, moment, encoding)
            timeout = seconds_left or settings.RESPONSE_SECONDS
            answer = fresh(cache.get(key)) if encoding is not None else None
            if answer is None:
                # One build per response, whatever the method and encoding: the build claims
                # the plain copy, and each encoding is made from it once, when first asked for.
                answer = cached_or_built(cache, plain_key, build, timeout)
                if isinstance(answer, Stored) and encoding is not None:
                    answer = encoded(answer, encoding)
                    cache.set(key, answer, timeout)
            if not built and admit is not None and not admit(request):
                return view(request, *args, **kwargs)
        return answer.response() if isinstance(answer, Stored) else answer

    return cached_view
