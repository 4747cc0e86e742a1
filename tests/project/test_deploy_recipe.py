"""The single-machine deploy recipe of docs/operators/deploy.md, run as written.

The four blocks named ``deploy-database``, ``deploy-serve``, ``deploy-proxy`` and
``deploy-check`` are read from the page and run line by line by bash at a terminal (a pty),
the prompts answered as an operator types them. Only what differs on the test machine is
replaced (REPLACED below, each of which must appear in the recipe, so the page cannot drift
from the test): the role and database name, how the PostgreSQL superuser is reached, the
Redis database, and the ports (gunicorn's and nginx's). Runs where PostgreSQL is the
suite's database (`.ci/run`'s PostgreSQL run).
"""

import os
import pty
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from bench.servers import ROOT, Http, free_port, nginx, wait_until_up
from tests.conftest import require

pytestmark = pytest.mark.servers

DEPLOY_PAGE = ROOT / "docs" / "operators" / "deploy.md"
PUBLIC_HOST = "program.example.org"
SEED_TALKS = 9


def recipe_block(name):
    """The lines of the fenced block ``:name: <name>`` of the deploy page, options dropped."""
    blocks = re.findall(
        r"```\{code-block\} sh\n:name: (\S+)\n\n(.*?)```", DEPLOY_PAGE.read_text(), re.S
    )
    [text] = [text for block, text in blocks if block == name]
    return text


def replaced(text, replacements):
    """``text`` with each (pattern, value) replaced; every pattern must occur."""
    for pattern, value in replacements:
        text, count = re.subn(pattern, lambda _, value=value: value, text)
        assert count, f"the recipe no longer contains {pattern!r}: update this test with it"
    return text


class Terminal:
    """bash running a script at a pseudo-terminal, answering prompts in order, as a person
    would: each answer is typed once its prompt is on the screen (getpass and psql's prompt
    discard what was typed before they asked)."""

    def __init__(self, script, env, answers=()):
        self.output, self.answers = b"", list(answers)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: bash stops at the first failing command
            os.chdir(ROOT)
            os.execve("/bin/bash", ["bash", "-e", "-o", "pipefail", "-c", script], env)
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()

    def read(self):
        answered_to = 0
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk
            if self.answers and self.answers[0][0] in self.output[answered_to:]:
                prompt, answer = self.answers.pop(0)
                answered_to = self.output.index(prompt, answered_to) + len(prompt)
                os.write(self.fd, answer.encode() + b"\n")

    def text(self):
        return self.output.decode(errors="replace").replace("\r\n", "\n")

    def wait(self, timeout):
        """bash's exit status; fails with the screen when it runs longer than ``timeout``."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.reader.join(timeout=5)
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"the recipe ran more than {timeout} s:\n{self.text()}")

    def running(self):
        return os.waitpid(self.pid, os.WNOHANG) == (0, 0)

    def stop(self):
        """Ends bash and everything it started (make, gunicorn and its workers)."""
        try:
            os.killpg(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        self.reader.join(timeout=10)


def psql(sql, env, database="postgres"):
    return subprocess.run(
        ["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", database, "-c", sql],
        env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip


@pytest.fixture
def superuser_env():
    """libpq's variables reaching the suite's PostgreSQL server as its superuser."""
    require(
        connection.vendor == "postgresql",
        "the deploy recipe needs PostgreSQL: run with DATABASE_URL=postgres://...",
    )
    require(shutil.which("createuser") and shutil.which("psql"), "PostgreSQL's client tools")
    require(shutil.which("curl"), "curl is not installed (apt-get install curl)")
    require(shutil.which("make"), "make is not installed (apt-get install make)")
    require(nginx(), "nginx is not installed (apt-get install nginx)")
    db = connection.settings_dict
    return {
        "PGHOST": db["HOST"] or "127.0.0.1",
        "PGPORT": str(db["PORT"] or 5432),
        "PGUSER": db["USER"],
        **({"PGPASSWORD": db["PASSWORD"]} if db["PASSWORD"] else {}),
    }


@pytest.fixture
def deploy_database(superuser_env):
    """A throwaway role and database name beside the suite's database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_deploy"
    env = {**os.environ, **superuser_env}
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE); DROP ROLE IF EXISTS "{name}"'
    for statement in drop.split("; "):
        psql(statement, env)
    yield name
    for statement in drop.split("; "):
        psql(statement, env)


@pytest.fixture
def runtime_installed():
    """`make prod-setup` installs the runtime dependencies unless `.venv/.installed-prod` is
    newer than pyproject.toml. The suite runs from the checkout's `.venv` with the dev
    extra, a superset of them, so the stamp may say so; pip would reinstall the same
    packages from the network otherwise."""
    venv = ROOT / ".venv"
    require(
        Path(sys.prefix).resolve() == venv.resolve(),
        "the suite must run from the checkout's .venv, which `make prod` uses",
    )
    stamp = venv / ".installed-prod"
    if not stamp.exists() or stamp.stat().st_mtime < (ROOT / "pyproject.toml").stat().st_mtime:
        stamp.touch()


@pytest.mark.django_db(transaction=True)
def test_the_deploy_recipe_runs_as_written(
    superuser_env, deploy_database, cache_url, runtime_installed
):
    port, proxy_port = free_port(), free_port()
    database_host = f"{superuser_env['PGHOST']}:{superuser_env['PGPORT']}"
    replacements = [
        # The suite's PostgreSQL superuser over TCP (PGHOST, PGUSER), not an OS account.
        (r"sudo -u postgres ", ""),
        (r"(?<![\w.-])program(?![\w.-])", deploy_database),
        (r"127\.0\.0\.1:5432", database_host),
        (r"redis://127\.0\.0\.1:6379/0", cache_url),
    ]
    database = replaced(recipe_block("deploy-database"), replacements[:2])
    serve = replaced(recipe_block("deploy-serve"), replacements[1:])
    proxy = recipe_block("deploy-proxy")
    check = replaced(
        recipe_block("deploy-check"), [(r"127\.0\.0\.1:8080", f"127.0.0.1:{proxy_port}")]
    )
    # A shell on the server: none of the suite's settings, PORT and PROXY_PORT for the free
    # ports.
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "TERM": "dumb",
        "PORT": str(port),
        "PROXY_PORT": str(proxy_port),
    }
    development_db = ROOT / "db.sqlite3"
    development_db_before = development_db.exists() and development_db.stat().st_mtime_ns
    role_password = "role-" + secrets.token_urlsafe(12)
    admin_password = "admin-" + secrets.token_urlsafe(12)

    creating = Terminal(
        database,
        {**env, **superuser_env},
        [(b"Enter password for new role:", role_password), (b"Enter it again:", role_password)],
    )
    assert creating.wait(timeout=60) == 0, creating.text()

    serving = Terminal(
        serve,
        env,
        [
            (b"Username (leave blank", "organiser"),
            (b"Email address:", "organiser@example.org"),
            (b"Password:", admin_password),
            (b"Password (again):", admin_password),
        ],
    )
    proxying = None
    try:
        end = time.monotonic() + 600  # the first collectstatic compresses every file
        while serving.running() and b"Listening at:" not in serving.output:
            assert time.monotonic() < end, serving.text()
            time.sleep(0.5)
        assert serving.running(), serving.text()
        wait_until_up(port)
        proxying = Terminal(proxy, env)
        wait_until_up(proxy_port, deadline=30)

        result = subprocess.run(
            ["bash", "-e", "-c", check], env=env, capture_output=True, text=True, timeout=60
        )
        balancer = Http(proxy_port).get("/healthz", headers={"Host": "127.0.0.1"})
        public = Http(proxy_port).get("/healthz", headers={"Host": PUBLIC_HOST})
        status, _, program = Http(proxy_port).get(
            "/2026/program/", headers={"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https"}
        )
        plain = Http(proxy_port).get("/2026/program/", headers={"Host": PUBLIC_HOST})
    finally:
        if proxying is not None:
            proxying.stop()
        serving.stop()

    screen = serving.text()
    assert (result.returncode, result.stdout) == (0, "ok\n200\n"), result.stderr
    assert (balancer[0], balancer[2], public[0], public[2]) == (200, b"ok", 200, b"ok")
    assert (status, program.decode().count("data-talk-slug=")) == (200, SEED_TALKS)
    assert (plain[0], plain[1]["Location"]) == (301, f"https://{PUBLIC_HOST}/2026/program/")
    assert "DisallowedHost" not in screen
    assert f"Listening at: http://127.0.0.1:{port} " in screen
    assert "Superuser created successfully." in screen
    production_env = {**os.environ, **superuser_env}
    assert (
        psql(
            "SELECT username || ' ' || is_superuser FROM auth_user", production_env, deploy_database
        )
        == "organiser true"
    )
    assert psql("SELECT count(*) FROM program_talk", production_env, deploy_database) == str(
        SEED_TALKS
    )
    assert (development_db.exists() and development_db.stat().st_mtime_ns) == development_db_before
