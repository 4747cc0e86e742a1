"""Load test: many readers against gunicorn on PostgreSQL + Redis while organisers write.

``make loadtest`` (``python bench/loadtest.py``) creates its own PostgreSQL database and uses
its own Redis database number, generates an edition, collects static files and starts
gunicorn with debug off (and, with ``--proxy``, nginx before it as ``make proxy`` runs it:
every request then goes through nginx). Then, for ``--seconds``:

- ``--clients`` readers (threads, each its own address through X-Forwarded-For from a trusted
  proxy) ask for the program page (whole and filtered), talk and speaker pages, feeds and the
  API, as attendees and apps do;
- one reader is an API client syncing with ``updated_since``, as docs/api/json.md tells apps to;
- a second process edits talks through the admin (the change form, over HTTP, logged in)
  and imports a spreadsheet that rewrites the abstract of BATCH talks at once, all or
  nothing ("Batch 7. ..."); readers check that they never see two batches at once.

It prints requests, statuses, errors and latency, edits made and found, and imports with
the half-applied views seen; and exits 1 on any 5xx or connection error, any edit missing
afterwards, any half-applied import seen, or any change the syncing client missed. Finally
it stops gunicorn, drops the database and empties its Redis database.
"""

import argparse
import csv
import io
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.servers import (  # noqa: E402
    Http,
    form_fields,
    free_port,
    nginx,
    start_gunicorn,
    start_proxy,
    stop_gunicorn,
    stop_proxy,
)

PYTHON = sys.executable
EDITION = "2030"
BATCH = 40  # talks each import rewrites at once
BATCH_MARK = re.compile(r"Batch (\d+)\.")
EDIT_MARK = re.compile(r"^Edit \d+: ")
ADMIN_USER = "loadtest"


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--talks", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432",
        help="a PostgreSQL server where the test may create and drop a database",
    )
    parser.add_argument(
        "--proxy", action="store_true", help="through nginx (make proxy), as in production"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379", help="a Redis server")
    parser.add_argument("--redis-db", type=int, default=13, help="an empty database number")
    parser.add_argument("--role", default="main", help=argparse.SUPPRESS)
    parser.add_argument("--plan", help=argparse.SUPPRESS)
    return parser.parse_args()


# ---------------------------------------------------------------------------- readers


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = Counter()
        self.latencies = defaultdict(list)  # kind -> seconds
        self.failures = []  # (kind, path, what)
        self.batch_checks = 0
        self.half_applied = []

    def record(self, kind, path, status, seconds):
        with self.lock:
            self.statuses[status] += 1
            self.latencies[kind].append(seconds)
            if status >= 500:
                self.failures.append((kind, path, f"HTTP {status}"))

    def error(self, kind, path, error):
        with self.lock:
            self.statuses["connection error"] += 1
            self.failures.append((kind, path, repr(error)))


def request_kinds(plan, rng):
    """(weight, kind, path maker): what attendees and apps ask for, and how often."""
    edition = f"/{EDITION}"
    batch_query = "&".join(f"talk={slug}" for slug in plan["batch"])
    return [
        (20, "program", lambda: f"{edition}/program/"),
        (8, "program filtered", lambda: f"{edition}/program/?day={rng.choice(plan['days'])}"),
        (20, "talk page", lambda: f"{edition}/talks/{rng.choice(plan['talks'])}/"),
        (4, "speakers", lambda: f"{edition}/speakers/"),
        (8, "speaker page", lambda: f"{edition}/speakers/{rng.choice(plan['speakers'])}/"),
        (
            12,
            "API talks",
            lambda: f"/api/v1/talks/?conference={EDITION}&page={rng.randint(1, plan['pages'])}",
        ),
        (8, "API talk", lambda: f"/api/v1/talks/{rng.choice(plan['ids'])}/"),
        (3, "program.ics", lambda: f"{edition}/program.ics"),
        (2, "schedule.json", lambda: f"{edition}/schedule.json"),
        (1, "healthz", lambda: "/healthz"),
        (7, "batch (API)", lambda: f"/api/v1/talks/?{batch_query}&page_size=500"),
        (7, "batch (page)", lambda: f"{edition}/program/?{batch_query}"),
    ]


def reader(number, port, plan, tally, stop):
    """One attendee or app: pages, feeds and API calls in a random but fixed mix."""
    rng = random.Random(number)
    client = Http(port, address=f"198.51.{number // 250}.{number % 250 + 1}")
    choices = request_kinds(plan, rng)
    weights = [weight for weight, _, _ in choices]
    while not stop.is_set():
        _, kind, make_path = rng.choices(choices, weights)[0]
        path = make_path()
        started = time.perf_counter()
        try:
            status, _, content = client.get(path)
        except OSError as error:
            tally.error(kind, path, error)
            continue
        tally.record(kind, path, status, time.perf_counter() - started)
        if kind.startswith("batch") and status == 200:
            check_batch(kind, content, tally)


def alone(port, plan, repeat=5):
    """Baseline: each kind of request's median latency with one client and nothing else."""
    rng, client, medians = random.Random(0), Http(port), {}
    for _, kind, make_path in request_kinds(plan, rng):
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(make_path())
            times.append(time.perf_counter() - started)
        medians[kind] = statistics.median(times)
    return medians


def check_batch(kind, content, tally):
    """The import rewrites every batch talk in one transaction: one batch number at a time."""
    if kind == "batch (API)":
        abstracts = [talk["abstract"] for talk in json.loads(content)["results"]]
        batches = {match.group(1) if (match := BATCH_MARK.match(a)) else None for a in abstracts}
        complete = len(abstracts) == BATCH
    else:
        marks = BATCH_MARK.findall(content.decode())
        batches = set(marks) or {None}
        complete = len(marks) in (0, BATCH)
    with tally.lock:
        tally.batch_checks += 1
        if len(batches) != 1 or not complete:
            tally.half_applied.append((kind, sorted(map(str, batches))))


class SyncingClient:
    """An app keeping a copy of the program with ``updated_since``, as docs/api/json.md says."""

    def __init__(self, port):
        self.client = Http(port, address="203.0.113.250")
        self.copy, self.since, self.polls = {}, None, 0

    def poll(self):
        query = {"conference": EDITION, "page_size": 500}
        if self.since:
            query["updated_since"] = self.since
        path = f"/api/v1/talks/?{urllib.parse.urlencode(query)}"
        received = []
        while path:
            status, _, content = self.client.get(path)
            if status != 200:
                raise RuntimeError(f"sync: HTTP {status} for {path}")
            page = json.loads(content)
            received += page["results"]
            path = (
                page["next"]
                and urllib.parse.urlsplit(page["next"])._replace(scheme="", netloc="").geturl()
            )
        for talk in received:
            self.copy[talk["slug"]] = (talk["title"], talk["abstract"], talk["updated_at"])
        if received:
            self.since = max(talk["updated_at"] for talk in received)
        self.polls += 1

    def run(self, stop):
        while not stop.is_set():
            self.poll()
            stop.wait(0.5)


# ---------------------------------------------------------------------------- the editor


def editor(port, plan, seconds):
    """Second process, two organisers at once: one edits talks through the admin over HTTP,
    the other imports a spreadsheet through the import service every 2 seconds.

    Prints its record as JSON: the last title given to each talk, the edits and imports.
    """
    os.environ["DJANGO_SETTINGS_MODULE"] = "conference.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from program.importers import import_schedule
    from program.models import Talk

    record = {"titles": {}, "edits": 0, "imports": 0, "failures": []}
    deadline = time.monotonic() + seconds

    def importer():
        try:
            while time.monotonic() < deadline:
                record["imports"] += 1
                import_schedule(
                    path_or_file=batch_spreadsheet(Talk, plan["batch"], record["imports"]),
                    conference_slug=EDITION,
                )
                time.sleep(2)
        finally:
            connection.close()

    importing = threading.Thread(target=importer)
    importing.start()
    edit_through_admin(port, plan, deadline, record)
    importing.join()
    print(json.dumps(record))


def edit_through_admin(port, plan, deadline, record):
    """Logs in, then retitles random talks (never the batch) with the admin's change form."""
    admin = Http(port)
    status = admin.log_in("/admin/login/?next=/admin/", ADMIN_USER, plan["password"])
    assert status == 302, f"admin login answered {status}"
    rng = random.Random(1)
    editable = [talk_id for talk_id in plan["ids"] if talk_id not in plan["batch_ids"]]
    while time.monotonic() < deadline:
        talk_id = rng.choice(editable)
        change = f"/admin/program/talk/{talk_id}/change/"
        status, _, page = admin.get(change)
        if status != 200:
            record["failures"].append(f"GET {change}: HTTP {status}")
            continue
        fields = dict(form_fields(page))  # one value per name on this form
        title = f"Edit {record['edits'] + 1}: {EDIT_MARK.sub('', fields['title'])}"[:300]
        fields.update(title=title, _save="Save")
        status, _, _ = admin.post_form(change, fields)
        if status != 302:
            record["failures"].append(f"POST {change}: HTTP {status}")
            continue
        record["edits"] += 1
        record["titles"][talk_id] = title


def batch_spreadsheet(talk_model, slugs, number):
    """A CSV that gives every batch talk the abstract "Batch <number>. ..."."""
    from django.core.files.base import ContentFile

    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(
        ["slug", "title", "type", "date", "start", "end", "room", "speakers", "abstract"]
    )
    talks = talk_model.objects.filter(conference__slug=EDITION, slug__in=slugs).for_program()
    for talk in talks:
        start, end = talk.local_start, talk.local_end
        writer.writerow(
            [
                talk.slug, talk.title, talk.type.slug, start.date(), f"{start:%H:%M}",
                f"{end:%H:%M}", talk.room.name,
                "; ".join(speaker.name for speaker in talk.ordered_speakers),
                f"Batch {number}. {BATCH_MARK.sub('', talk.abstract).strip()}",
            ]
        )  # fmt: skip
    return ContentFile(rows.getvalue().encode(), name="batch.csv")


# ---------------------------------------------------------------------------- set-up


def manage(env, *command):
    subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)


def make_plan(port):
    """What readers ask for, read through the API: talk slugs and ids, speakers, days."""
    client, talks = Http(port), []
    path = f"/api/v1/talks/?conference={EDITION}&page_size=500"
    while path:
        page = json.loads(client.get(path)[2])
        talks += page["results"]
        path = (
            page["next"]
            and urllib.parse.urlsplit(page["next"])._replace(scheme="", netloc="").geturl()
        )
    batch = talks[:BATCH]
    return {
        "talks": [talk["slug"] for talk in talks],
        "ids": [talk["id"] for talk in talks],
        "batch": [talk["slug"] for talk in batch],
        "batch_ids": [talk["id"] for talk in batch],
        "speakers": sorted({s["slug"] for talk in talks for s in talk["speakers"]}),
        "days": sorted({talk["start"][:10] for talk in talks}),
        "pages": -(-len(talks) // 50),  # of the API's default size
    }


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def milliseconds(seconds):
    return f"{seconds * 1000:,.0f} ms"


def main():
    options = arguments()
    if options.role == "editor":
        plan = json.loads(Path(options.plan).read_text())
        editor(plan["port"], plan, options.seconds)
        return 0

    import psycopg
    import redis

    if options.proxy and not nginx():
        sys.exit("--proxy needs nginx: apt-get install nginx")
    database = f"loadtest_{os.getpid()}"
    cache = redis.Redis.from_url(f"{options.redis}/{options.redis_db}")
    if cache.dbsize():
        sys.exit(f"Redis database {options.redis_db} is not empty: pass --redis-db N (a free one).")
    with psycopg.connect(f"{options.postgres}/postgres", autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{database}"')
    port, password = free_port(), secrets.token_urlsafe(16)
    env = {
        **os.environ,
        "DATABASE_URL": f"{options.postgres}/{database}",
        "CACHE_URL": f"{options.redis}/{options.redis_db}",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
        # The throttle counts every API request in Redis, but never refuses one here.
        "DJANGO_API_RATE": "1000000/minute",
        "DJANGO_SUPERUSER_PASSWORD": password,
    }
    gunicorn = proxy = None
    try:
        print(f"Setting up: database {database}, {options.talks} talks...", flush=True)
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "generate_program", "--conference", EDITION, "--talks", str(options.talks))
        manage(
            env,
            "createsuperuser",
            "--noinput",
            "--username",
            ADMIN_USER,
            "--email",
            "loadtest@example.org",
        )
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        gunicorn = start_gunicorn(
            env,
            port,
            *("--workers", str(options.workers), "--threads", str(options.threads)),
            *("--access-logfile", "/dev/null", "--log-level", "warning"),
        )
        if options.proxy:
            app_port, port = port, free_port()
            proxy = start_proxy(app_port, port, ROOT / "bench" / "out" / "proxy")
        plan = make_plan(port) | {"port": port, "password": password}
        return run(options, env, plan)
    finally:
        if proxy is not None:
            stop_proxy(proxy)
        if gunicorn is not None:
            stop_gunicorn(gunicorn)
        with psycopg.connect(f"{options.postgres}/postgres", autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        cache.flushdb()


def run(options, env, plan):
    plan_file = ROOT / "bench" / "out" / f"loadtest-plan-{os.getpid()}.json"
    plan_file.parent.mkdir(exist_ok=True)
    plan_file.write_text(json.dumps(plan))
    port, tally, stop = plan["port"], Tally(), threading.Event()
    print("Baseline: each kind of request alone, 5 times...", flush=True)
    baseline = alone(port, plan)
    syncing = SyncingClient(port)
    syncing.poll()  # the app's first, full copy
    print(
        f"Running: {options.clients} readers and a syncing app for {options.seconds:.0f} s "
        f"against {'nginx and ' if options.proxy else ''}gunicorn "
        f"({options.workers} workers x {options.threads} threads), "
        "while a second process edits and imports...",
        flush=True,
    )
    readers = [
        threading.Thread(target=reader, args=(n, port, plan, tally, stop), daemon=True)
        for n in range(options.clients)
    ]
    sync_thread = threading.Thread(target=syncing.run, args=(stop,), daemon=True)
    started = time.monotonic()
    edits = subprocess.Popen(
        [
            *(PYTHON, __file__, "--role", "editor", "--plan", str(plan_file)),
            *("--seconds", str(options.seconds)),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    for thread in [*readers, sync_thread]:
        thread.start()
    stop.wait(options.seconds)
    stop.set()
    for thread in [*readers, sync_thread]:
        thread.join()
    elapsed = time.monotonic() - started
    output, _ = edits.communicate(timeout=300)
    plan_file.unlink()
    if edits.returncode:
        sys.exit("The editor process failed.")
    record = json.loads(output.strip().splitlines()[-1])

    # Afterwards: every edit is there, and the syncing app's copy is the program.
    syncing.poll()
    final = SyncingClient(port)
    final.poll()
    found = sum(
        json.loads(Http(port).get(f"/api/v1/talks/{talk_id}/")[2])["title"] == title
        for talk_id, title in record["titles"].items()
    )
    batches = {BATCH_MARK.match(final.copy[slug][1]).group(1) for slug in plan["batch"]}
    missed = [slug for slug in final.copy if syncing.copy.get(slug) != final.copy[slug]]
    return report(tally, elapsed, baseline, record, found, batches, syncing, missed)


def report(tally, elapsed, baseline, record, found, batches, syncing, missed):
    everything = [seconds for values in tally.latencies.values() for seconds in values]
    total = len(everything) + tally.statuses["connection error"]
    server_errors = sum(count for status, count in tally.statuses.items() if str(status)[0] == "5")
    print()
    print(f"requests     {total:,} in {elapsed:.1f} s ({total / elapsed:,.0f}/s)")
    print(
        "statuses     "
        + ", ".join(f"{s}: {n:,}" for s, n in sorted(tally.statuses.items(), key=str))
    )
    print(
        f"errors       {server_errors} server errors (5xx), "
        f"{tally.statuses['connection error']} connection errors"
    )
    print(
        f"latency      p50 {milliseconds(statistics.median(everything))}, "
        f"p99 {milliseconds(percentile(everything, 0.99))}, "
        f"max {milliseconds(max(everything))}"
    )
    print(f"  {'':<17}{'requests':>9}{'p50':>10}{'p99':>10}{'alone':>10}  p50/alone")
    for kind, values in sorted(tally.latencies.items()):
        p50 = statistics.median(values)
        print(
            f"  {kind:<17}{len(values):>9,}{milliseconds(p50):>10}"
            f"{milliseconds(percentile(values, 0.99)):>10}{milliseconds(baseline[kind]):>10}"
            f"  {p50 / baseline[kind]:>8.1f}x"
        )
    edited = len(record["titles"])
    print(
        f"admin edits  {record['edits']} made (on {edited} talks), {len(record['failures'])} "
        f"refused; {found}/{edited} talks show their last edit afterwards"
    )
    print(
        f"imports      {record['imports']} of {BATCH} talks each; {tally.batch_checks:,} reads of "
        f"the batch, {len(tally.half_applied)} saw it half-applied; afterwards batch "
        f"{', '.join(sorted(batches))}"
    )
    print(
        f"syncing app  {syncing.polls} polls with updated_since; {len(missed)} talks differ from "
        "the program afterwards"
    )
    problems = [
        *(f"{kind} {path}: {what}" for kind, path, what in tally.failures[:10]),
        *record["failures"][:10],
        *(f"half-applied {kind}: batches {seen}" for kind, seen in tally.half_applied[:10]),
        *(f"missed by the syncing app: {slug}" for slug in missed[:10]),
    ]
    if found != edited:
        problems.append(f"{edited - found} edited talks lost their last edit")
    if batches != {str(record["imports"])}:
        problems.append(f"the last import (batch {record['imports']}) is not what remains")
    for problem in problems:
        print(f"PROBLEM  {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
