"""Production start: `make prod`'s refusals and the collected static files' headers."""

import os
import re
import shutil
import subprocess

import pytest
from django.templatetags.static import static
from django.test import Client

from bench.servers import ROOT
from tests.conftest import require


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_hashed_static_file_is_kept_a_year_and_compressed(collected_static, encoding):
    url = static("css/site.css")
    client = Client()  # its middleware (whitenoise) reads the new STATIC_ROOT

    response = client.get(url, HTTP_ACCEPT_ENCODING=f"{encoding}, identity")

    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Content-Encoding"] == encoding
    assert response["Vary"] == "Accept-Encoding"
    compressed = collected_static / f"{url.removeprefix('/static/')}.{encoding[:2]}"
    assert b"".join(response.streaming_content) == compressed.read_bytes()


def test_unhashed_static_name_is_kept_a_minute(collected_static):
    response = Client().get("/static/css/site.css")

    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=60, public"


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("DJANGO_SECRET_KEY", "make prod: DJANGO_SECRET_KEY is not set."),
        ("DJANGO_ALLOWED_HOSTS", "make prod: DJANGO_ALLOWED_HOSTS is not set."),
        # Else the site and its one-off commands would use the development SQLite file.
        ("DATABASE_URL", "make prod: DATABASE_URL is not set."),
    ],
)
@pytest.mark.parametrize("target", ["prod", "prod-setup"])
def test_make_prod_refuses_to_start_without(missing, message, target):
    make = shutil.which("make")
    require(make, "make is not installed (apt-get install make)")
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "a-production-key-for-this-test-only-0123456789abcdef",
        "DJANGO_ALLOWED_HOSTS": "program.example.org",
        # Nothing may run: a migration here would go to this database.
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/nothing",
    }
    del env[missing]

    result = subprocess.run(
        [make, "--no-print-directory", target], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.returncode != 0
    assert result.stderr.startswith(message)
    assert "migrate" not in result.stdout
