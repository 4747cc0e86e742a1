"""Failed-login floods against the public site: a talk page's latency alone, then while
guessers post wrong passwords to the admin login, against gunicorn (2 workers x 4 threads).

- "guessers, new name and address each try": the worst case for the lockout (django-axes
  counts per user name and address, and the address limit per address, so neither locks
  them out); only the bound on password checks (one at a time per process,
  program/machinery/logins.py) holds them.
- "guessers from one address" (a new name each try): the address limit refuses them after
  20 failures, without a hash.

Prints p50/p90 of the talk page in each phase, its ratio to "alone" measured in the same
run, and what the guessers were answered. SQLite in a temporary folder, or with
``--postgres postgres://postgres@127.0.0.1:5432`` a PostgreSQL database of its own (dropped
at the end).
"""

import argparse
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loadtest import milliseconds, percentile
from bench.servers import ROOT, Http, free_port, wait_until_up

GUESSERS = 4
SECONDS = 10
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def talk_latencies(port, path, seconds):
    client, times = Http(port, "192.0.2.250"), []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        start = time.perf_counter()
        status = client.get(path)[0]
        times.append(time.perf_counter() - start)
        assert status == 200, status
    return times


def guesser(port, number, one_address, stop, answers):
    address = "198.51.100.1" if one_address else None
    client = Http(port, address or f"10.{number}.0.1")
    token = TOKEN.search(client.get("/admin/login/")[2]).group(1).decode()
    attempt = 0
    while not stop.is_set():
        attempt += 1
        if not one_address:  # a new address and user name for every try
            client.address = f"10.{number}.{attempt // 250 % 250}.{attempt % 250 + 1}"
        fields = {
            "csrfmiddlewaretoken": token,
            "username": f"guess-{number}-{attempt}",
            "password": secrets.token_urlsafe(12),
        }
        answers[client.post_form("/admin/login/", fields)[0]] += 1


def phase(port, path, one_address):
    stop, answers = threading.Event(), Counter()
    threads = [
        threading.Thread(target=guesser, args=(port, n, one_address, stop, answers))
        for n in range(GUESSERS)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1)  # the flood is on
    times = talk_latencies(port, path, SECONDS)
    stop.set()
    for thread in threads:
        thread.join()
    return times, answers


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL server URL, without database")
    options = parser.parse_args()
    if options.postgres:
        import psycopg

        database = f"bench_logins_{os.getpid()}"
        with psycopg.connect(f"{options.postgres}/postgres", autocommit=True) as server:
            server.execute(f'CREATE DATABASE "{database}"')
        database_url = f"{options.postgres}/{database}"
    else:
        database_url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-logins-')}/bench.sqlite3"
    try:
        run(database_url)
    finally:
        if options.postgres:
            with psycopg.connect(f"{options.postgres}/postgres", autocommit=True) as server:
                server.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def run(database_url):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_CACHE_DIR": tempfile.mkdtemp(prefix="bench-logins-cache-"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
        "DJANGO_API_RATE": "none",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [*manage, "generate_program", "--conference", "2030", "--talks", "200"],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "conference.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4", "--access-logfile", "/dev/null",
         "--log-level", "error"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        wait_until_up(port)
        program = Http(port).get("/2030/program/")[2]
        slug = re.search(rb'href="/2030/talks/([^/"]+)/"', program).group(1).decode()
        path = f"/2030/talks/{slug}/"
        talk_latencies(port, path, 2)  # warm up
        alone = talk_latencies(port, path, SECONDS)
        rows = [("alone", alone, Counter())]
        for label, one_address in [
            ("guessers, new name and address each try", False),
            ("guessers from one address", True),
        ]:
            rows.append((label, *phase(port, path, one_address)))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    baseline = percentile(alone, 0.5)
    print(
        f"Talk page {path} under {GUESSERS} login guessers, gunicorn 2 workers x 4 threads, "
        f"{database_url.split(':')[0]}"
    )
    print(f"{'':42} {'requests':>8} {'p50':>8} {'p90':>8} {'p50/alone':>9}  guessers answered")
    for label, times, answers in rows:
        p50 = percentile(times, 0.5)
        answered = ", ".join(f"{status}: {count}" for status, count in sorted(answers.items()))
        print(
            f"{label:42} {len(times):>8} {milliseconds(p50):>8} "
            f"{milliseconds(percentile(times, 0.9)):>8} {p50 / baseline:>8.1f}x  {answered}"
        )


if __name__ == "__main__":
    main()
