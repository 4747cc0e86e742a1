"""Settings come from the environment and fail loudly (docs/operators/settings.md)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DatabaseError

from tests.conftest import require

ROOT = Path(__file__).resolve().parent.parent.parent


def clean_environment(**environ):
    """This process's environment without the site's settings, plus ``environ``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL"))
    }
    return env | environ


def run(*command, **environ):
    return subprocess.run(
        command,
        cwd=ROOT,
        env=clean_environment(**environ),
        capture_output=True,
        text=True,
        timeout=60,  # a server that started anyway must not hang the suite
    )


def settings_in_subprocess(*expressions, **environ):
    """Evaluate ``expressions`` on freshly imported settings (``s``) under ``environ``."""
    code = f"import conference.settings as s; print(repr(({', '.join(expressions)},)))"
    return run(sys.executable, "-c", code, **environ)


MISSING_KEY = "ImproperlyConfigured: DJANGO_SECRET_KEY is not set. Set DJANGO_SECRET_KEY"


@pytest.mark.parametrize(
    "start",
    [
        ("-c", "import conference.wsgi"),  # gunicorn conference.wsgi
        ("-c", "import conference.asgi"),
        ("manage.py", "runserver", "--noreload"),
    ],
    ids=["wsgi", "asgi", "runserver"],
)
def test_missing_secret_key_with_debug_off_stops_start_up_naming_the_variable(start):
    result = run(sys.executable, *start)

    assert result.returncode == 1
    assert MISSING_KEY in result.stderr


LONG_KEY = "k" * 20 + "-random-enough-for-a-test-0123456789"  # 56 characters


@pytest.mark.parametrize(
    "start",
    [
        ("-c", "import conference.wsgi"),
        ("-c", "import conference.asgi"),
        ("manage.py", "runserver", "--noreload"),
    ],
    ids=["wsgi", "asgi", "runserver"],
)
def test_secret_key_under_50_characters_stops_start_up_like_a_missing_one(start):
    short = run(sys.executable, *start, DJANGO_SECRET_KEY="k" * 49)
    enough = run(sys.executable, "-c", "import conference.wsgi", DJANGO_SECRET_KEY="k" * 50)

    assert short.returncode == 1
    assert (
        "ImproperlyConfigured: DJANGO_SECRET_KEY is 49 characters long; it must have at least 50 "
        '(for example the output of `python -c "import secrets; '
        'print(secrets.token_urlsafe(50))"`).'
    ) in short.stderr
    assert enough.returncode == 0
    assert "ImproperlyConfigured" not in enough.stderr


def test_check_deploy_with_https_prints_no_warning(tmp_path):
    production = {
        "DJANGO_HTTPS": "1",
        "DJANGO_SECRET_KEY": LONG_KEY,
        "DJANGO_ALLOWED_HOSTS": "program.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    migrated = run(sys.executable, "manage.py", "migrate", "--verbosity", "0", **production)

    result = run(sys.executable, "manage.py", "check", "--deploy", **production)

    assert migrated.returncode == 0, migrated.stderr
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "System check identified no issues (0 silenced).\n",
        "",
    )


def test_admin_path_comes_from_the_environment():
    result = settings_in_subprocess(
        "s.ADMIN_PATH", DJANGO_SECRET_KEY="x", DJANGO_ADMIN_PATH="/organisers/"
    )
    assert result.stdout.strip() == "('organisers/',)"


@pytest.mark.parametrize(
    "value", ["../x/", "api/", "a b/", "current/organisers/", "static/admin/", "api/admin/"]
)
def test_malformed_admin_path_stops_start_up_with_a_message(value):
    result = settings_in_subprocess("s.DEBUG", DJANGO_SECRET_KEY="x", DJANGO_ADMIN_PATH=value)

    assert result.returncode == 1
    assert (
        f"ImproperlyConfigured: DJANGO_ADMIN_PATH: “{value.strip('/')}/” is not a path such as "
        "admin/ or organisers/ (letters, digits, ., _, ~ and -; not under api/, static/, media/ "
        "or current/)."
    ) in result.stderr


def test_commands_that_serve_nothing_run_without_a_secret_key():
    result = run(sys.executable, "manage.py", "makemigrations", "--check", "--dry-run")

    assert (result.returncode, result.stdout.strip()) == (0, "No changes detected")


def test_debug_on_without_secret_key_uses_the_development_key():
    result = settings_in_subprocess(
        "s.DEBUG, s.SECRET_KEY == s.DEVELOPMENT_SECRET_KEY", DJANGO_DEBUG="1"
    )
    assert result.stdout.strip() == "(True, True)"


def test_defaults_are_sqlite_a_cache_in_files_and_debug_off():
    # Files, not each process's memory: gunicorn's workers and a command that writes share
    # the data version and the built responses (program/machinery/responses.py); a failing
    # folder is a miss, not an error page (conference/cache.py).
    result = settings_in_subprocess(
        "s.DEBUG",
        "s.DATABASES['default']['ENGINE']",
        "str(s.DATABASES['default']['NAME']) == str(s.BASE_DIR / 'db.sqlite3')",
        "s.CACHES['default']['BACKEND']",
        "[s.CACHES[alias]['LOCATION'] == str(s.BASE_DIR / 'var' / 'cache' / alias)"
        " for alias in ('default', 'editions')]",
        "s.ALLOWED_HOSTS",
        "s.USE_TZ",
        DJANGO_SECRET_KEY="x",
    )
    assert result.stdout.strip() == (
        "(False, 'django.db.backends.sqlite3', True, "
        "'conference.cache.ResilientFileBasedCache', [True, True], "
        "['localhost', '127.0.0.1'], True)"
    )


def test_an_empty_cache_dir_keeps_each_process_cache_in_memory():
    result = settings_in_subprocess(
        "s.CACHES['editions']['BACKEND']",
        "s.CACHES['editions']['LOCATION']",
        DJANGO_SECRET_KEY="x",
        DJANGO_CACHE_DIR="",
    )
    assert result.stdout.strip() == (
        "('django.core.cache.backends.locmem.LocMemCache', 'editions')"
    )


def test_database_cache_hosts_and_https_come_from_the_environment():
    result = settings_in_subprocess(
        "s.DATABASES['default']['ENGINE']",
        "s.DATABASES['default']['NAME']",
        "s.DATABASES['default']['HOST']",
        "s.CACHES['default']",
        "s.CACHES['editions']['KEY_PREFIX']",
        "s.ALLOWED_HOSTS",
        "s.SECURE_SSL_REDIRECT",
        "s.SESSION_COOKIE_SECURE",
        "s.SECURE_HSTS_SECONDS > 0",
        DJANGO_SECRET_KEY="x",
        DATABASE_URL="postgres://postgres@db.example:5432/program",
        CACHE_URL="redis://cache.example:6379/0",
        DJANGO_ALLOWED_HOSTS="program.example, www.program.example",
        DJANGO_HTTPS="1",
    )
    assert result.stdout.strip() == (
        "('django.db.backends.postgresql', 'program', 'db.example', "
        "{'BACKEND': 'conference.cache.ResilientRedisCache', "
        "'LOCATION': 'redis://cache.example:6379/0', 'KEY_PREFIX': 'default'}, 'editions', "
        "['program.example', 'www.program.example'], True, True, True)"
    )


def test_with_https_healthz_still_answers_plain_http_while_pages_redirect():
    code = (
        "import django; django.setup(); from django.test import Client; client = Client(); "
        "health, page = client.get('/healthz'), client.get('/current/'); "
        "balancer = client.get('/healthz', HTTP_HOST='127.0.0.1:8000'); "
        "print(health.status_code, health.content, page.status_code, page['Location'], "
        "balancer.status_code)"
    )
    result = run(
        sys.executable,
        "-c",
        code,
        DJANGO_SETTINGS_MODULE="conference.settings",
        DJANGO_SECRET_KEY="x",
        DJANGO_HTTPS="1",
        DJANGO_ALLOWED_HOSTS="testserver",
        DATABASE_URL="sqlite:///:memory:",
    )

    assert result.stdout.strip() == "200 b'ok' 301 https://testserver/current/ 200", result.stderr
    assert "DisallowedHost" not in result.stderr


def test_api_rate_and_trusted_proxies_come_from_the_environment():
    result = settings_in_subprocess(
        "s.API_ANONYMOUS_RATE",
        "[str(network) for network in s.TRUSTED_PROXIES]",
        "s.SPECTACULAR_SETTINGS['DESCRIPTION'].endswith('make 30 requests per hour.')",
        DJANGO_SECRET_KEY="x",
        DJANGO_API_RATE="30/hour",
        DJANGO_TRUSTED_PROXIES="10.0.0.0/8, 127.0.0.1,,::1",
    )
    assert result.stdout.strip() == "('30/hour', ['10.0.0.0/8', '127.0.0.1/32', '::1/128'], True)"


def test_defaults_throttle_120_a_minute_and_trust_no_proxy():
    result = settings_in_subprocess(
        "s.API_ANONYMOUS_RATE", "s.TRUSTED_PROXIES", DJANGO_SECRET_KEY="x"
    )
    assert result.stdout.strip() == "('120/minute', [])"


def test_api_rate_none_turns_the_throttle_off():
    result = settings_in_subprocess(
        "s.API_ANONYMOUS_RATE", DJANGO_SECRET_KEY="x", DJANGO_API_RATE="none"
    )
    assert result.stdout.strip() == "(None,)"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "DJANGO_API_RATE",
            "120 per minute",
            "DJANGO_API_RATE: “120 per minute” is not a rate such as 120/minute "
            "(per second, minute, hour or day), or none.",
        ),
        (
            "DJANGO_TRUSTED_PROXIES",
            "10.0.0.1, proxy.internal",
            "DJANGO_TRUSTED_PROXIES: “proxy.internal” is not an IP address or a network such "
            "as 10.0.0.0/8 or 127.0.0.1.",
        ),
    ],
)
def test_malformed_rate_or_proxy_stops_start_up_with_a_message(variable, value, message):
    result = settings_in_subprocess("s.DEBUG", DJANGO_SECRET_KEY="x", **{variable: value})

    assert result.returncode == 1
    assert f"ImproperlyConfigured: {message}" in result.stderr


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")


@pytest.mark.django_db
def test_healthz_answers_a_host_the_allowed_hosts_do_not_name_and_logs_nothing(
    client, settings, caplog
):
    # A load balancer checks http://127.0.0.1:8000/healthz of a site served as
    # program.example.org; any other page keeps refusing that Host.
    settings.ALLOWED_HOSTS = ["program.example.org"]

    health = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    head = client.head("/healthz", HTTP_HOST="10.0.0.7")
    public = client.get("/healthz", HTTP_HOST="program.example.org")
    logged_before_a_page = [record.getMessage() for record in caplog.records]
    page = client.get("/current/", HTTP_HOST="127.0.0.1:8000")

    assert (health.status_code, health.content) == (200, b"ok")
    assert (head.status_code, public.status_code, public.content) == (200, 200, b"ok")
    assert logged_before_a_page == []
    assert page.status_code == 400
    assert [record.name for record in caplog.records] == ["django.security.DisallowedHost"]


def test_healthz_refuses_writes_with_405_whatever_the_host(client, settings):
    settings.ALLOWED_HOSTS = ["program.example.org"]
    response = client.post("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert (response.status_code, response["Allow"]) == (405, "GET, HEAD, OPTIONS")


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("program.machinery.health.connection.cursor", broken_cursor)
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (503, b"database unavailable")


@pytest.mark.parametrize(
    ("arguments", "address"), [((), "127.0.0.1:8000"), (("PORT=8001",), "127.0.0.1:8001")]
)
def test_make_serve_serves_on_the_port_given(arguments, address):
    require(shutil.which("make"), "make is absent: apt-get install make")

    result = run("make", "--dry-run", "--no-print-directory", "serve", *arguments)

    assert [line for line in result.stdout.splitlines() if "runserver" in line] == [
        f"DJANGO_DEBUG=1 .venv/bin/python manage.py runserver {address}"
    ]


SQLITE_WRITERS = """
import threading, django
django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE tally (n integer)")
meeting, failures = threading.Barrier(2), []

def read_then_write():
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM tally")
                try:
                    meeting.wait(timeout=1)  # both have read before either writes
                except threading.BrokenBarrierError:
                    pass  # the other waits for the write lock: it reads after this commits
                cursor.execute("INSERT INTO tally VALUES (1)")
    except Exception as error:
        failures.append(str(error))
    finally:
        connection.close()

threads = [threading.Thread(target=read_then_write) for _ in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM tally")
    rows = cursor.fetchone()[0]
    cursor.execute("PRAGMA journal_mode")
    print(repr((rows, failures, cursor.fetchone()[0])))
"""


def test_sqlite_file_lets_two_processes_read_then_write_without_database_is_locked(tmp_path):
    # Two transactions that read, then write (as django-axes' lockout records do under a
    # flood of logins): with SQLite's default deferred transactions the second writer got
    # "database is locked" at once, whatever the timeout (a 500 on the login page).
    result = run(
        sys.executable, "-c", SQLITE_WRITERS,
        DJANGO_SETTINGS_MODULE="conference.settings",
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(2, [], 'wal')"


def test_an_empty_database_url_means_the_default_sqlite_file():
    result = settings_in_subprocess(
        "s.DATABASES['default']['ENGINE']",
        "str(s.DATABASES['default']['NAME']) == str(s.BASE_DIR / 'db.sqlite3')",
        DJANGO_SECRET_KEY="x",
        DJANGO_DEBUG="1",
        DATABASE_URL="",
    )

    assert result.stdout.strip() == "('django.db.backends.sqlite3', True)", result.stderr


def test_mail_is_printed_to_the_console_when_no_email_url_is_set():
    result = settings_in_subprocess(
        "s.EMAIL_BACKEND", "s.DEFAULT_FROM_EMAIL", DJANGO_SECRET_KEY="x", DJANGO_EMAIL_URL=""
    )
    assert result.stdout.strip() == (
        "('django.core.mail.backends.console.EmailBackend', 'program@localhost')"
    )


def test_email_url_gives_the_smtp_server_its_login_tls_and_the_sender():
    result = settings_in_subprocess(
        "s.EMAIL_BACKEND",
        "(s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD)",
        "(s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, s.EMAIL_TIMEOUT)",
        "s.DEFAULT_FROM_EMAIL",
        DJANGO_SECRET_KEY="x",
        DJANGO_EMAIL_URL="smtp://program:s3cret@mail.example.org:587/"
        "?tls=True&_default_from_email=program@example.org",
    )
    assert result.stdout.strip() == (
        "('django.core.mail.backends.smtp.EmailBackend', "
        "('mail.example.org', 587, 'program', 's3cret'), (True, False, 30), "
        "'program@example.org')"
    )


@pytest.mark.parametrize(
    ("value", "error"),
    [("mail.example.org", "KeyError: 'EMAIL_BACKEND'"), ("smtp://mail:25x", "ValueError")],
)
def test_malformed_email_url_stops_start_up_with_a_message(value, error):
    result = settings_in_subprocess("s.DEBUG", DJANGO_SECRET_KEY="x", DJANGO_EMAIL_URL=value)

    assert result.returncode == 1
    assert (
        "ImproperlyConfigured: DJANGO_EMAIL_URL: not a mail URL such as "
        f"smtp://user:password@host:587/?tls=True ({error}"
    ) in result.stderr
