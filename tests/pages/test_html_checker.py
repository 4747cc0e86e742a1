"""Every kind of public page passes the Nu HTML checker (vnu.jar, from the npm package
vnu-jar) with no error.

Needs Java and node_modules/vnu-jar (``make test`` installs it from npm): skipped with the
reason when either is absent, failed instead under CI=true. Marked ``html_checker``: the
pages are the same on either database, so .ci/run checks them once, on its SQLite run.

The API documentation page (/api/docs/) is left out: its markup is Swagger UI's, a third
party's, built in the browser; the site only writes its frame.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import RequestFactory
from lxml import html

from program.pages.errors import server_error
from tests.conftest import require
from tests.pages.long_words import (
    CHANGES,
    LISTED_TALKS,
    at_the_keynote,
    long_word_edition,
    public_pages,
)

VNU = Path(__file__).resolve().parent.parent.parent / "node_modules/vnu-jar/build/dist/vnu.jar"

pytestmark = [pytest.mark.html_checker, pytest.mark.django_db]


def nu_errors(files):
    """The checker's errors over ``files`` in one JVM run, as "file: line N: message"."""
    result = subprocess.run(
        [shutil.which("java"), "-jar", str(VNU), "--errors-only", "--format", "json",
         *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    # vnu writes its JSON report to standard error; it exits 1 when it found errors.
    report = json.loads(result.stderr)
    return [
        f"{Path(message['url']).name}: line {message.get('lastLine', '?')}: "
        f"{message['type']}: {message['message']} [{message.get('extract', '').strip()}]"
        for message in report["messages"]
    ]


def test_every_public_page_has_no_nu_checker_error(client, monkeypatch, tmp_path):
    require(shutil.which("java"), "java is absent: apt-get install default-jre-headless")
    require(VNU.exists(), f"{VNU} is absent: run `npm ci` (make test does)")
    long_word_edition()
    at_the_keynote(monkeypatch)

    # The addresses that only redirect have no page of their own.
    for path in ["/", "/current/", "/2026/", "/2026/talks/"]:
        assert (path, client.get(path).headers["Location"]) == (path, "/2026/program/")
    files, listed = [], {}
    for name, path, status in public_pages():
        response = client.get(path)
        assert (path, response.status_code) == (path, status)
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)
        tree = html.fromstring(response.content)
        listed[name] = tree.xpath("//*[@data-talk-slug]/@data-talk-slug")
        if name == "changes":
            kinds = tree.xpath("//strong[@class='change-kind']/text()")
    # Django's 400 page (a forged Host) and the 500 page, whose view needs no database.
    response = client.get("/2026/program/", HTTP_HOST="forged..example")
    assert response.status_code == 400
    (tmp_path / "400-host.html").write_bytes(response.content)
    response = server_error(RequestFactory().get("/2026/program/"))
    assert response.status_code == 500
    (tmp_path / "500.html").write_bytes(response.content)
    files += [tmp_path / "400-host.html", tmp_path / "500.html"]

    assert {name: listed[name] for name in LISTED_TALKS} == LISTED_TALKS
    assert kinds == CHANGES

    errors = nu_errors(files)

    print("\n".join(errors))
    assert errors == []
