"""The site under gunicorn, as the load test, the HTTP benchmark and the coherence test
(tests/project/test_coherence.py) run it: a free port, a server process, an HTTP client with cookies
and the fields of a page's forms."""

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Http:
    """GET and POST to the site under test, as a client behind the trusted proxy."""

    def __init__(self, port, address=None, timeout=120):
        self.port, self.address, self.timeout = port, address, timeout
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        """(status, headers, body bytes); raises OSError when the connection fails."""
        headers = dict(headers or {})
        if self.address:
            headers["X-Forwarded-For"] = self.address
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        return response.status, dict(response.getheaders()), content

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post_form(self, path, fields):
        body = urllib.parse.urlencode(fields)
        return self.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def log_in(self, login_path, username, password):
        """Logs in through the admin's login form (its CSRF cookie and token): the status."""
        self.get(login_path)
        status, _, _ = self.post_form(
            login_path,
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
            },
        )
        return status


class FormFields(HTMLParser):
    """The fields a browser would submit from the page's forms: [(name, value)]."""

    def __init__(self):
        super().__init__()
        self.fields, self.select, self.textarea = [], None, None

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        name = attributes.get("name")
        if tag == "input" and name and attributes.get("type") not in ("submit", "button"):
            if attributes.get("type") != "checkbox" or "checked" in attributes:
                self.fields.append((name, attributes.get("value", "")))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attributes:
            self.fields.append((self.select, attributes.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append(tuple(self.textarea))
            self.textarea = None


def form_fields(html):
    parser = FormFields()
    parser.feed(html.decode())
    # Django's admin keeps an empty inline form as a template for adding rows.
    return [(name, value) for name, value in parser.fields if "__prefix__" not in name]


def start_gunicorn(env, port, *options, log=None):
    """gunicorn with the repository's gunicorn.conf.py on 127.0.0.1:``port``, ``options``
    added (``--workers 2``), once it answers /healthz. Without a control socket, so that
    several may run on one machine. Stop it with stop_gunicorn()."""
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--no-control-socket",
         "--bind", f"127.0.0.1:{port}", *options],
        cwd=ROOT,
        env=env,
        stdout=log or subprocess.DEVNULL,
        stderr=log or None,
    )  # fmt: skip
    try:
        wait_until_up(port, process)
    except BaseException:
        stop_gunicorn(process)
        raise
    return process


def nginx():
    """The nginx binary, or None: Debian puts it in /usr/sbin, which a user's PATH may lack."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")


def start_proxy(app_port, port, directory, timeout="10s", media=None, log=None):
    """`make proxy` (nginx with deploy/nginx.conf, its files in ``directory``) on ``port``
    before gunicorn on 127.0.0.1:``app_port``, dropping clients idle for ``timeout``,
    serving photos from ``media`` (else the site's DJANGO_MEDIA_ROOT), once it answers
    (whatever gunicorn says, if it runs). Stop it with stop_proxy()."""
    process = subprocess.Popen(
        ["make", "--no-print-directory", "proxy", f"PROXY_PORT={port}", f"PORT={app_port}",
         f"PROXY_DIR={directory}", f"PROXY_TIMEOUT={timeout}",
         *([f"DJANGO_MEDIA_ROOT={media}"] if media else [])],
        cwd=ROOT,
        stdout=log or subprocess.DEVNULL,
        stderr=log or None,
        start_new_session=True,  # make and nginx's processes, stopped together
    )  # fmt: skip
    try:
        wait_until_up(port, process, any_status=True)
    except BaseException:
        stop_proxy(process)
        raise
    return process


def stop_proxy(process):
    with contextlib.suppress(ProcessLookupError):  # stopped already
        os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def stop_gunicorn(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_up(port, process=None, deadline=60, any_status=False):
    """Returns once /healthz on ``port`` answers 200 (any status: ``any_status``)."""
    client, end = Http(port), time.monotonic() + deadline
    while True:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{' '.join(process.args)} exited with status {process.returncode}")
        try:
            if client.get("/healthz")[0] == 200 or any_status:
                return
        except OSError:
            pass
        if time.monotonic() > end:
            raise RuntimeError(f"port {port} did not answer /healthz within {deadline} s")
        time.sleep(0.2)
