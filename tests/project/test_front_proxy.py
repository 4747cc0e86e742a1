"""The front proxy (deploy/nginx.conf run by `make proxy`) before gunicorn as `make prod`
runs it (gunicorn.conf.py, WEB_CONCURRENCY=2 sync workers on 127.0.0.1).

Slow clients hold no worker; nginx's own refusals are JSON under /api/ and the site's plain
page elsewhere; whatever nginx passes, gunicorn takes; a client's SCRIPT_NAME header moves
nothing. Runs where PostgreSQL is the suite's database (`.ci/run`'s PostgreSQL run), with
Debian's nginx.
"""

import http.client
import json
import os
import secrets
import select
import shutil
import socket
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from bench.servers import (
    Http,
    free_port,
    nginx,
    start_gunicorn,
    start_proxy,
    stop_gunicorn,
    stop_proxy,
)
from tests.conftest import require
from tests.project.conftest import database_url

# The servers read the suite's database, which pytest-django creates for marked tests.
pytestmark = [pytest.mark.servers, pytest.mark.django_db]

WORKERS = 2
CLIENT_TIMEOUT = 2  # seconds; production's is 10 (Makefile PROXY_TIMEOUT)
HTML = "text/html; charset=utf-8"
PHOTO = "0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def folder():
    """The servers' folder: servers.log (gunicorn's output), nginx's logs/access.log.

    One nginx's workers can reach: started as root, as in CI, they run as ``nobody``, and
    pytest's temporary folders are their owner's alone."""
    folder = Path(tempfile.mkdtemp(prefix="front-proxy-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


@pytest.fixture(scope="module")
def site(django_db_setup, folder):
    """(proxy port, gunicorn port): gunicorn on the suite's database, nginx before it."""
    require(
        connection.vendor == "postgresql",
        "gunicorn shares the suite's database: run with DATABASE_URL=postgres://...",
    )
    require(nginx(), "nginx is not installed (apt-get install nginx)")
    env = {
        **{name: value for name, value in os.environ.items() if name != "CACHE_URL"},
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url(),
        "DJANGO_CACHE_DIR": "",  # each worker its own memory: nothing here is shared
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
        "WEB_CONCURRENCY": str(WORKERS),
    }
    app_port, proxy_port = free_port(), free_port()
    with open(folder / "servers.log", "w") as log:
        gunicorn = start_gunicorn(env, app_port, log=log)
        try:
            media = folder / "media" / "speakers"
            media.mkdir(parents=True)
            (media / f"{PHOTO}-640.jpg").write_bytes(b"\xff\xd8\xff\xe0 a photo")
            (media / f"{PHOTO}-640.jpg.html").write_text("<script>planted</script>")
            (media / "page.html").write_text("<script>planted</script>")
            proxy = start_proxy(
                app_port, proxy_port, folder, f"{CLIENT_TIMEOUT}s", media=media.parent, log=log
            )
            try:
                yield proxy_port, app_port
            finally:
                stop_proxy(proxy)
        finally:
            stop_gunicorn(gunicorn)


def raw(port, request, timeout=5):
    """Sends ``request`` (bytes) as written: (status, Content-Type, body text)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.getheader("Content-Type"), response.read().decode()


def get(path, *headers):
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def trickle(port, seconds):
    """A client sending its headers a byte a second: the seconds until the server closed
    the connection, or None when it was still open after ``seconds``."""
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        while time.monotonic() - start < seconds:
            if select.select([sock], [], [], 1)[0]:
                try:
                    if not sock.recv(1024):
                        return time.monotonic() - start
                except ConnectionResetError:
                    return time.monotonic() - start
            try:
                sock.sendall(b"a")
            except OSError:
                return time.monotonic() - start
    return None


def test_slow_clients_hold_no_worker_behind_the_proxy(site):
    proxy_port, _ = site
    slow = 3 * WORKERS
    with ThreadPoolExecutor(slow) as pool:
        trickles = [pool.submit(trickle, proxy_port, CLIENT_TIMEOUT + 5) for _ in range(slow)]
        time.sleep(1)  # every slow client is sending by now
        status, _, body = Http(proxy_port, timeout=5).get("/healthz")
        closed = [future.result() for future in trickles]
    assert (status, body) == (200, b"ok")
    # Each dropped by client_header_timeout (not before), however busy the machine.
    assert [
        after is not None and CLIENT_TIMEOUT <= after < CLIENT_TIMEOUT + 3 for after in closed
    ] == [True] * slow, closed


def test_slow_clients_stall_gunicorn_without_the_proxy(site):
    """What the proxy is for: as many slow clients as workers, straight to gunicorn."""
    _, app_port = site
    with ThreadPoolExecutor(WORKERS) as pool:
        trickles = [pool.submit(trickle, app_port, 4) for _ in range(WORKERS)]
        time.sleep(1)
        with pytest.raises(TimeoutError):
            Http(app_port, timeout=2).get("/healthz")
        assert [future.result() for future in trickles] == [None] * WORKERS


LONG = "a" * 9000


@pytest.mark.parametrize(
    ("request_text", "status", "content_type", "body"),
    [
        (
            get(f"/api/v1/talks/{LONG}"),
            414,
            "application/json",
            {"detail": "Request line too long: at most 8 KB."},
        ),
        (get(f"/2026/{LONG}"), 414, HTML, "<h1>URI Too Long (414)</h1>"),
        (
            get("/api/v1/talks/", f"X-Long: {LONG}"),
            431,
            "application/json",
            {"detail": "Request headers too large."},
        ),
        (
            get("/2026/program/", f"Cookie: a={LONG}"),
            431,
            HTML,
            "<h1>Request Header Fields Too Large (431)</h1>",
        ),
        (get("/api/v1/talks/%zz"), 400, "application/json", {"detail": "Bad request."}),
        (get("/api/v1/talks/", "Broken line"), 400, "application/json", {"detail": "Bad request."}),
        (get("/2026/program/", "Broken line"), 400, HTML, "<h1>Bad Request (400)</h1>"),
        (
            b"POST /api/v1/talks/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 20000000\r\n\r\n",
            413,
            "application/json",
            {"detail": "Request body too large: at most 10 MB."},
        ),
        (
            b"POST /admin/program/talk/import/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Length: 20000000\r\n\r\n",
            413,
            HTML,
            "<h1>Content Too Large (413)</h1>",
        ),
    ],
    ids=[
        "api-414", "page-414", "api-431", "page-431", "api-400-escape", "api-400-header",
        "page-400", "api-413", "page-413",
    ],
)  # fmt: skip
def test_refusals_of_the_proxy_are_json_under_the_api(
    site, request_text, status, content_type, body
):
    proxy_port, _ = site
    answer = raw(proxy_port, request_text)
    if content_type == "application/json":
        answer = (answer[0], answer[1], json.loads(answer[2]))
    assert answer == (status, content_type, body)


def test_the_sites_own_refusals_pass_the_proxy_unchanged(site):
    """nginx's error pages are for its own refusals: a 400 of the API's reaches the client."""
    proxy_port, _ = site
    status, content_type, text = raw(proxy_port, get("/api/v1/tracks/?conference=2027"))
    assert (status, content_type, json.loads(text)) == (
        400,
        "application/json",
        {"conference": ["2027 is not a known conference."]},
    )


def test_what_the_proxy_passes_gunicorn_takes(site):
    """The longest request line and header line nginx passes, and 500 headers, reach the
    site (its JSON 404, its redirect adding a slash, its answer), never a refusal of
    gunicorn's own, and nginx takes the answer whatever its Location."""
    proxy_port, _ = site
    path = "/api/v1/talks/"
    longest = path + "a" * (8190 - len(f"GET {path}/ HTTP/1.1")) + "/"
    status, content_type, text = raw(proxy_port, get(longest))
    assert (status, content_type, json.loads(text)) == (
        404,
        "application/json",
        {"detail": "Not found."},
    )
    assert raw(proxy_port, get(longest + "a"))[0] == 414
    with socket.create_connection(("127.0.0.1", proxy_port), timeout=5) as sock:
        sock.sendall(get(longest[:-1]))
        response = http.client.HTTPResponse(sock)
        response.begin()
        assert (response.status, response.getheader("Location")) == (301, longest)
    forwarded = "X-Forwarded-For: " + ", ".join(["192.0.2.1"] * 740)  # 8,154 characters
    many = [f"X-{number}: {number}" for number in range(500)]  # gunicorn's default: 100
    for headers in ([forwarded], many):
        status, content_type, text = raw(proxy_port, get("/api/v1/conferences/", *headers))
        assert (status, content_type, json.loads(text)["count"]) == (200, "application/json", 0)


@pytest.mark.parametrize("through", ["proxy", "gunicorn"])
def test_a_script_name_header_moves_nothing(site, through):
    """gunicorn takes SCRIPT_NAME from a request header of a trusted address (127.0.0.1):
    "/api" made /api/v1/conferences/ the site's /v1/conferences/ (a 404 page), and a
    SCRIPT_NAME the path does not start with made gunicorn answer 500."""
    proxy_port, app_port = site
    port = proxy_port if through == "proxy" else app_port
    status, content_type, text = raw(port, get("/api/v1/conferences/", "SCRIPT_NAME: /api"))
    assert (status, content_type, json.loads(text)["count"]) == (200, "application/json", 0)
    assert raw(port, get("/healthz", "SCRIPT_NAME: /elsewhere")) == (
        200,
        "text/plain",
        "ok",
    )


def test_scheme_headers_reach_gunicorn_only_as_the_proxy_sets_them(site):
    """gunicorn reads X-Forwarded-Proto, X-Forwarded-Ssl and X-Forwarded-Protocol from
    127.0.0.1 and refuses, in its own plain 400, a request where they disagree; nginx sets
    the first and removes the others."""
    proxy_port, app_port = site
    request = get("/healthz", "X-Forwarded-Proto: https", "X-Forwarded-Ssl: off")
    assert raw(proxy_port, request) == (200, "text/plain", "ok")
    assert raw(app_port, request)[:2] == (400, "text/html")


def test_the_proxy_serves_only_photos_from_the_media_folder(site):
    proxy_port, _ = site
    with socket.create_connection(("127.0.0.1", proxy_port), timeout=5) as sock:
        sock.sendall(get(f"/media/speakers/{PHOTO}-640.jpg"))
        response = http.client.HTTPResponse(sock)
        response.begin()
        photo = (
            response.status,
            response.getheader("Content-Type"),
            response.getheader("X-Content-Type-Options"),
            response.read(),
        )
    assert photo == (200, "image/jpeg", "nosniff", b"\xff\xd8\xff\xe0 a photo")
    for planted in (f"speakers/{PHOTO}-640.jpg.html", "page.html", "speakers/"):
        assert raw(proxy_port, get(f"/media/{planted}"))[0] == 404


def test_the_proxy_answers_for_a_stopped_site(tmp_path):
    """gunicorn stopped or restarting: 502, JSON under /api/."""
    require(nginx(), "nginx is not installed (apt-get install nginx)")
    port = free_port()
    proxy = start_proxy(free_port(), port, tmp_path)
    try:
        api = raw(port, get("/api/v1/talks/"))
        page = raw(port, get("/2026/program/"))
    finally:
        stop_proxy(proxy)
    restarting = "The site is restarting: try again in a minute."
    assert (api[0], api[1], json.loads(api[2])) == (502, "application/json", {"detail": restarting})
    assert page == (502, HTML, f"<h1>Bad Gateway (502)</h1><p>{restarting}</p>")


def test_no_access_log_holds_a_speaker_s_private_link(site, folder):
    # Paths of no route, so that nothing counts as a failed link: the servers write to the
    # suite's database outside the test's transaction, which would keep the count.
    proxy_port, _ = site
    token = secrets.token_urlsafe(32)

    for path in (f"/2026/speaker/{token}/x/", f"/2026/speaker/{token}/calendar.icsx?x=1"):
        assert raw(proxy_port, get(path))[0] == 404

    time.sleep(0.5)  # nginx writes its line after the answer
    gunicorn_log = (folder / "servers.log").read_text()
    nginx_log = (folder / "logs" / "access.log").read_text()
    assert token not in gunicorn_log
    assert token not in nginx_log
    for log in (gunicorn_log, nginx_log):
        assert '"GET /2026/speaker/<secret>/x/ HTTP/1.1" 404' in log
        assert '"GET /2026/speaker/<secret>/calendar.icsx?x=1 HTTP/1.1" 404' in log
    assert "Not Found: /2026/speaker/<secret>/x/" in gunicorn_log  # Django's own line
