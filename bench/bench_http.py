"""Every public endpoint over HTTP with wrk, each against a static file of its size.

Run: .venv/bin/python bench/bench_http.py [--seconds 3] [--databases sqlite,postgres] [--markdown]
[--endpoints schedule.xml]

For each database (SQLite with each worker's local-memory cache; PostgreSQL with Redis as the
shared cache), it builds the synthetic edition (--talks 2,000 in --rooms 20 over 5 days,
generate_program), starts gunicorn (gunicorn.conf.py, --workers 2, debug off) and measures
every endpoint below:

- warm: ``wrk`` (--connections 16, --seconds each) after one request has filled the caches:
  requests/s, p50 and p99 latency;
- against the same response body copied into STATIC_ROOT (with the .gz and .br copies
  collectstatic writes) and served by the same gunicorn and whitenoise, with the same
  Accept-Encoding, in the same run: its requests/s and the ratio (the body is the same size,
  so the ratio of requests/s is the ratio of bytes/s too);
- cold, in-process (Django's WSGI handler, no network): every cache emptied before each of
  --cold-repeat requests, p50 and p99 of the server time;
- SQL queries of a cold and of a warm request (CaptureQueriesContext);
- after the run, the largest peak RSS of the workers (VmHWM in /proc/<pid>/status).

Each database is measured in a process of its own (Django is set up once per process), which
prints its rows as JSON; this one prints the table. PostgreSQL: a database of its own is
created and dropped (--postgres); Redis: --redis-db must be empty and is emptied at the end.
"""

import argparse
import datetime as dt
import json
import os
import platform
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.servers import Http, free_port, start_gunicorn, stop_gunicorn  # noqa: E402

EDITION = "2030"
# What browsers send; wrk sends the same header to the page and to its static file.
ACCEPT_ENCODING = "gzip, deflate, br"
EXTENSIONS = {"text/html": "html", "application/json": "json", "text/calendar": "ics"}


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--talks", type=int, default=2000)
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=3, help="wrk's duration per URL")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--cold-repeat", type=int, default=10, help="cold requests per URL")
    parser.add_argument("--accept-encoding", default=ACCEPT_ENCODING)
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--redis-db", type=int, default=15, help="an empty database number")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument(
        "--endpoints",
        help="measure only these, by name, comma-separated (e.g. schedule.xml,program)",
    )
    parser.add_argument("--only", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    return parser.parse_args()


def main():
    options = arguments()
    if options.only:
        print(json.dumps(measure_database(options)))
        return
    results = []
    for database in options.databases.split(","):
        print(f"Measuring on {database}...", file=sys.stderr, flush=True)
        child = subprocess.run(
            [sys.executable, __file__, *sys.argv[1:], "--only", database],
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        results.append(json.loads(child.stdout.splitlines()[-1]))
    (print_markdown if options.markdown else print_table)(results, options)


# ---------------------------------------------------------------------------- one database


def measure_database(options):
    """The rows of one database: {"database", "rss_kib", "rows": [...]}."""
    static_root = Path(tempfile.mkdtemp(prefix="bench-http-static-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_STATIC_ROOT": str(static_root),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
        "DJANGO_API_RATE": "none",
        "WEB_CONCURRENCY": str(options.workers),
    }
    env.pop("CACHE_URL", None)
    drop = None
    if options.only == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{static_root.parent / f'{static_root.name}.sqlite3'}"
        # The workers' shared file cache, of this run alone (not the checkout's var/cache).
        env["DJANGO_CACHE_DIR"] = str(static_root.parent / f"{static_root.name}-cache")
    else:
        env["DATABASE_URL"], drop = postgres_database(options)
        env["CACHE_URL"] = f"{options.redis}/{options.redis_db}"
    os.environ.update(env)
    try:
        return measure_site(options, static_root, env)
    finally:
        if drop:
            drop()


def postgres_database(options):
    """A new PostgreSQL database and an empty Redis database: (URL, function that drops both)."""
    import psycopg
    import redis

    cache = redis.Redis.from_url(f"{options.redis}/{options.redis_db}")
    if cache.dbsize():
        sys.exit(f"Redis database {options.redis_db} is not empty: pass --redis-db N (a free one).")
    name = f"bench_http_{os.getpid()}"
    with psycopg.connect(f"{options.postgres}/postgres", autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')

    def drop():
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{options.postgres}/postgres", autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cache.flushdb()

    return f"{options.postgres}/{name}", drop


def measure_site(options, static_root, env):
    import django

    django.setup()
    from django.core.management import call_command

    from bench.harness import WsgiClient, generated_edition

    call_command("migrate", verbosity=0)
    conference = generated_edition(EDITION, options.talks, rooms=options.rooms)
    port = free_port()
    host = f"127.0.0.1:{port}"
    client = WsgiClient()
    rows = []
    chosen = options.endpoints.split(",") if options.endpoints else None
    for name, url in endpoints(conference):
        if chosen is not None and name not in chosen:
            continue
        row = {"name": name, "url": url, **cold(client, url, host, options.cold_repeat)}
        row["static"] = static_copy(client, url, host, static_root, name)
        rows.append(row)
    gunicorn = start_gunicorn(env, port, "--access-logfile", "/dev/null", "--log-level", "warning")
    try:
        for row in rows:
            print(f"  wrk {row['url']}", file=sys.stderr, flush=True)
            Http(port).get(row["url"], {"Accept-Encoding": options.accept_encoding})  # warms
            row["warm"] = wrk(port, row["url"], options)
            row["file"] = wrk(port, row["static"], options)
        rss = max(peak_rss_kib(pid) for pid in worker_pids(gunicorn.pid))
    finally:
        stop_gunicorn(gunicorn)
    label = "SQLite" if options.only == "sqlite" else "PostgreSQL + Redis"
    return {"database": label, "rss_kib": rss, "rows": rows}


def endpoints(conference):
    """(name, URL) of every endpoint measured, on the generated edition."""
    from program.models import Talk

    talks = Talk.objects.published().filter(conference=conference).order_by("public_start", "pk")
    talk = talks[talks.count() // 2]
    speaker = talk.ordered_speakers[0]
    edition = conference.slug
    return [
        ("program", f"/{edition}/program/"),
        ("program ?type=keynote", f"/{edition}/program/?type=keynote"),
        ("timetable (first day)", f"/{edition}/timetable/?day={conference.start_date}"),
        ("talk page", talk.get_absolute_url()),
        ("speakers", f"/{edition}/speakers/"),
        ("speaker page", speaker.get_absolute_url(conference)),
        ("API talks, page_size=500", f"/api/v1/talks/?conference={edition}&page_size=500"),
        ("API talk detail", f"/api/v1/talks/{talk.pk}/"),
        ("program.ics", f"/{edition}/program.ics"),
        ("schedule.xml", f"/{edition}/schedule.xml"),
        ("schedule.json", f"/{edition}/schedule.json"),
        ("now", f"/{edition}/now/"),
    ]


def cold(client, url, host, repeat):
    """Server time with every cache emptied before each request, and the queries of a cold
    and of a warm request: {"size", "cold_p50_ms", "cold_p99_ms", "cold_queries",
    "warm_queries"} (size in bytes, uncompressed)."""
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def empty_caches():
        for cache in caches.all():
            cache.clear()

    times = []
    for attempt in range(repeat + 1):  # the first is not timed: it loads templates
        empty_caches()
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(url, HTTP_HOST=host)
            elapsed = (time.perf_counter() - began) * 1000
        if attempt:
            times.append(elapsed)
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}")
    cold_queries = len(queries)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, HTTP_HOST=host)
    return {
        "size": len(response.content),
        "cold_p50_ms": statistics.median(times),
        "cold_p99_ms": percentile(times, 0.99),
        "cold_queries": cold_queries,
        "warm_queries": len(queries),
    }


def static_copy(client, url, host, static_root, name):
    """The response body of ``url`` as a static file with its .gz and .br copies (as
    collectstatic writes them): its URL under /static/."""
    from whitenoise.compress import Compressor

    response = client.get(url, HTTP_HOST=host)
    media_type = response["Content-Type"].split(";")[0]
    extension = EXTENSIONS.get(media_type, "xml" if "xml" in media_type else "txt")
    file_name = f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.{extension}"
    path = static_root / "bench" / file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(response.content)
    list(Compressor(quiet=True).compress(str(path)))
    return f"/static/bench/{file_name}"


def wrk(port, url, options):
    """wrk's requests/s, p50, p99 and slowest (ms) for ``url``: {"rps", "p50_ms", "p99_ms",
    "max_ms", "errors", "socket_errors"}. The slowest answer shows a rebuild that too few
    requests waited for to reach the p99 of a long run."""
    output = subprocess.run(
        [
            *("wrk", "--threads", "2", "--connections", str(options.connections)),
            *("--duration", f"{options.seconds}s", "--latency", "--timeout", "30s"),
            *("--header", f"Accept-Encoding: {options.accept_encoding}"),
            f"http://127.0.0.1:{port}{url}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": wrk_milliseconds(re.search(r"\s50%\s+(\S+)", output).group(1)),
        "p99_ms": wrk_milliseconds(re.search(r"\s99%\s+(\S+)", output).group(1)),
        "max_ms": wrk_milliseconds(re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", output).group(1)),
        "errors": (int(errors.group(1)) if errors else 0),
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def wrk_milliseconds(text):
    """wrk's '812.00us', '4.51ms', '1.20s' or '2.00m' in milliseconds."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def worker_pids(master):
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def peak_rss_kib(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# ---------------------------------------------------------------------------- report


COLUMNS = (
    "endpoint", "KiB", "req/s", "p50 ms", "p99 ms", "max ms", "static req/s", "ratio",
    "cold p50 ms", "cold p99 ms", "queries cold/warm",
)  # fmt: skip


def table_rows(result):
    for row in result["rows"]:
        warm, file = row["warm"], row["file"]
        note = " (errors)" if warm["errors"] or warm["socket_errors"] else ""
        yield (
            row["name"] + note,
            f"{row['size'] / 1024:,.0f}",
            f"{warm['rps']:,.0f}",
            f"{warm['p50_ms']:,.1f}",
            f"{warm['p99_ms']:,.1f}",
            f"{warm['max_ms']:,.0f}",
            f"{file['rps']:,.0f}",
            f"{warm['rps'] / file['rps']:.2f}",
            f"{row['cold_p50_ms']:,.0f}",
            f"{row['cold_p99_ms']:,.0f}",
            f"{row['cold_queries']}/{row['warm_queries']}",
        )


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def heading(options):
    return (
        f"{dt.date.today():%d %B %Y}, {machine()}; {options.talks} talks in {options.rooms} "
        f"rooms, gunicorn --workers {options.workers}, wrk --connections {options.connections} "
        f"--duration {options.seconds}s, Accept-Encoding: {options.accept_encoding}"
    )


def print_table(results, options):
    print(heading(options))
    for result in results:
        rows = list(table_rows(result))
        widths = [
            max(len(str(cell)) for cell in column) for column in zip(COLUMNS, *rows, strict=True)
        ]
        print(f"\n{result['database']}: a worker's peak RSS {result['rss_kib'] / 1024:,.0f} MiB")
        for cells in (COLUMNS, *rows):
            print(
                "  ".join(str(cell).rjust(width) for cell, width in zip(cells, widths, strict=True))
            )


def print_markdown(results, options):
    print(heading(options))
    for result in results:
        print(
            f"\n**{result['database']}**: a worker's peak RSS {result['rss_kib'] / 1024:,.0f} MiB\n"
        )
        print("| " + " | ".join(COLUMNS) + " |")
        print("|" + "---|" * len(COLUMNS))
        for cells in table_rows(result):
            print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
