"""Server time of the schedule editor: a day of a large edition opened, and a move saved.

Run: .venv/bin/python bench/bench_editor.py [--talks N] [--rooms R] [--repeat K]
An edition of N talks in R rooms (generate_program, five days; 2,000 and 20 by default), a
tenth of them made unscheduled drafts, as an organiser still planning. Measures, logged in
as an organiser, each day of the editor (GET), one talk moved through the editor's place
endpoint and, where it is installed, through the move endpoint (POST, JSON answers; each
request moves the talk back and forth between two slots, so every one writes), and a swap
of two talks. Then the edition holds changes, every placed talk moves 5 minutes, and the
Release page's preview (GET) and one release of them all (program.releases.release) are
timed. Requirements: a day opens in under 1 s, a move takes under 200 ms.
"""

import itertools
import json
import statistics
import sys
import time
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    Measurement,
    WsgiClient,
    generated_edition,
    measure,
    report,
    setup_django,
)

CSRF = "benchCSRFtokenbenchCSRFtoken1234"  # 32 characters, as Django's own secrets


def options():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--talks", type=int, default=2000)
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=20)
    return parser.parse_args()


def organiser_cookie():
    """A session cookie of a superuser, and the CSRF cookie, as a browser sends them."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    user = User.objects.filter(username="bench-organiser").first()
    user = user or User.objects.create_superuser("bench-organiser", "bench@example.org", None)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}; csrftoken={CSRF}"


def post(client, url, body, content_type, cookie):
    """POST ``body`` through the WSGI handler, as the editor's script sends it."""
    from django.test import RequestFactory

    request = RequestFactory().post(
        url,
        body,
        content_type=content_type,
        HTTP_COOKIE=cookie,
        HTTP_X_CSRFTOKEN=CSRF,
        HTTP_ACCEPT="application/json",
    )
    started = {}

    def start_response(status, response_headers):
        started["status"] = int(status.split()[0])

    content = b"".join(client.handler(request.environ, start_response))
    return started["status"], content


def measure_posts(client, name, url, bodies, cookie, repeat, content_type):
    """Time ``repeat`` POSTs of the ``bodies`` in turn (after 3 untimed), count queries once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    turns = itertools.cycle(bodies)
    for _ in range(3):
        post(client, url, next(turns), content_type, cookie)
    with CaptureQueriesContext(connection) as queries:
        status, content = post(client, url, next(turns), content_type, cookie)
    if status != 200:
        raise SystemExit(f"{name}: {status} {content[:300]!r}")
    count = len(queries)
    times = []
    for _ in range(repeat):
        body = next(turns)
        began = time.perf_counter()
        post(client, url, body, content_type, cookie)
        times.append((time.perf_counter() - began) * 1000)
    return Measurement(name, status, count, len(content), times)


def release_measurements(client, conference, cookie):
    """The Release page (3 GETs) and one release, once every placed talk of ``conference``
    moved 5 minutes while it holds changes."""
    from datetime import timedelta

    from django.db import connection
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext

    from program import releases
    from program.models import Talk

    conference.holds_changes = True
    conference.save()
    five = timedelta(minutes=5)
    moved = Talk.objects.filter(conference=conference, start__isnull=False).update(
        start=F("start") + five, end=F("end") + five
    )
    page = measure(
        client,
        f"Release page, {moved:,} talks moved",
        f"/admin/program/conference/{conference.pk}/release/",
        repeat=3,
        HTTP_COOKIE=cookie,
    )
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        release = releases.release(conference, name="Bench")
        took = (time.perf_counter() - began) * 1000
    name = f"release of {release.changes:,} changes"
    return [page, Measurement(name, 200, len(queries), 0, [took])]


def main():
    settings_options = options()
    setup_django()
    from django.db.models import Max
    from django.test.utils import override_settings
    from django.urls import reverse

    from program.models import Talk

    conference = generated_edition("editor", settings_options.talks, rooms=settings_options.rooms)
    talks = Talk.objects.filter(conference=conference).order_by("pk")
    waiting = list(talks.values_list("pk", flat=True)[::10])
    Talk.objects.filter(pk__in=waiting).update(
        status=Talk.Status.DRAFT, start=None, end=None, room=None
    )
    first_day = conference.start_date.isoformat()
    mover, other = talks.filter(start__date=conference.start_date, status="published")[:2]
    rooms = list(conference.rooms.order_by("position").values_list("pk", flat=True))
    latest = talks.aggregate(latest=Max("end"))["latest"]
    print(
        f"{talks.count()} talks in {len(rooms)} rooms, {len(waiting)} unscheduled, "
        f"the last ending {latest:%Y-%m-%d %H:%M}"
    )

    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(ROOT_URLCONF="bench.urls", STORAGES=storages):
        client = WsgiClient()
        cookie = organiser_cookie()
        repeat = settings_options.repeat
        baseline = measure(client, "empty Django view", "/bench/empty/", repeat=repeat)
        editor = f"/admin/program/conference/{conference.pk}/schedule/"
        measurements = [
            measure(client, "admin index", "/admin/", repeat=repeat, HTTP_COOKIE=cookie)
        ]
        for day in conference.dates():
            measurements.append(
                measure(
                    client,
                    f"editor, {day:%a %b %d}",
                    f"{editor}?day={day.isoformat()}",
                    repeat=repeat,
                    HTTP_COOKIE=cookie,
                )
            )

        def placement(talk, start, room):
            return {"talk": talk.pk, "day": first_day, "start": start, "room": room}

        there_and_back = [
            json.dumps({"placements": [placement(mover, "07:00", rooms[0])]}),
            json.dumps({"placements": [placement(mover, "07:05", rooms[1])]}),
        ]
        measurements.append(
            measure_posts(
                client,
                "move one talk (place endpoint)",
                f"{editor}place/",
                there_and_back,
                cookie,
                repeat,
                "application/json",
            )
        )
        swaps = [
            json.dumps(
                {
                    "placements": [
                        placement(mover, "07:00", rooms[0]),
                        placement(other, "07:30", rooms[0]),
                    ]
                }
            ),
            json.dumps(
                {
                    "placements": [
                        placement(mover, "07:30", rooms[0]),
                        placement(other, "07:00", rooms[0]),
                    ]
                }
            ),
        ]
        measurements.append(
            measure_posts(
                client,
                "swap two talks",
                f"{editor}place/",
                swaps,
                cookie,
                repeat,
                "application/json",
            )
        )
        forms = [
            f"day={first_day}&start=07:00&room={rooms[0]}",
            f"day={first_day}&start=07:05&room={rooms[1]}",
        ]
        measurements.append(
            measure_posts(
                client,
                "move one talk (move endpoint)",
                reverse("admin:program_talk_move", args=[mover.pk]),
                forms,
                cookie,
                repeat,
                "application/x-www-form-urlencoded",
            )
        )
        measurements += release_measurements(client, conference, cookie)
    report(
        f"Schedule editor ({settings_options.talks} talks, {len(rooms)} rooms)",
        measurements,
        baseline,
    )
    days = [m for m in measurements if m.name.startswith("editor, ")]
    slowest_day = max(statistics.median(m.times_ms) for m in days)
    moves = [m for m in measurements if m.name.startswith(("move", "swap"))]
    slowest_move = max(statistics.median(m.times_ms) for m in moves)
    print(
        f"\nslowest day: {slowest_day:.0f} ms (required < 1000); "
        f"slowest move: {slowest_move:.0f} ms (required < 200)"
    )


if __name__ == "__main__":
    main()
