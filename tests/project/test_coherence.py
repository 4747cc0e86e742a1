"""Several app servers: a change made through one is what the other answers next.

Two gunicorn instances (separate processes on two ports, as two machines behind a load
balancer) share the suite's PostgreSQL database and one Redis database. Both caches are
warmed first, so the other server's next answer proves that the change reached its cache
(invalidation), not merely that it had nothing cached. Runs where PostgreSQL is the suite's
database (`.ci/run`'s PostgreSQL run, with CACHE_URL set to Redis there); skipped elsewhere.
"""

import os
import secrets

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from bench.servers import Http, form_fields, free_port, start_gunicorn, stop_gunicorn
from tests.conftest import require
from tests.factories import ConferenceFactory, TalkFactory
from tests.project.conftest import database_url

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]

OLD, NEW = "Coherent caches before", "Coherent caches after"


@pytest.fixture
def two_servers(cache_url, tmp_path):
    require(
        connection.vendor == "postgresql",
        "several app servers share a PostgreSQL database: run with DATABASE_URL=postgres://...",
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url(),
        "CACHE_URL": cache_url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_API_RATE": "none",
    }
    servers = []
    try:
        for name in ("a", "b"):
            log = open(tmp_path / f"gunicorn-{name}.log", "w")  # noqa: SIM115
            port = free_port()
            servers.append((port, start_gunicorn(env, port, "--workers", "1", log=log)))
        yield [port for port, _ in servers]
    finally:
        for _, process in servers:
            stop_gunicorn(process)


def test_change_through_one_server_is_the_next_answer_of_the_other(two_servers):
    one, other = two_servers
    edition = ConferenceFactory(slug="2031")
    talk = TalkFactory(conference=edition, title=OLD, slug="coherent-caches")
    password = secrets.token_urlsafe(16)
    get_user_model().objects.create_superuser("organiser", "organiser@example.org", password)
    urls = [
        "/2031/program/",
        f"/api/v1/talks/{talk.pk}/",
        "/api/v1/talks/?conference=2031",
        "/2031/program.ics",
        "/2031/schedule.xml",
    ]
    for port in (one, other):  # twice each: the second answer comes from the cache
        for url in urls * 2:
            status, _, body = Http(port).get(url)
            assert (url, status, OLD in body.decode()) == (url, 200, True)

    organiser = Http(one)
    assert organiser.log_in(reverse("admin:login"), "organiser", password) == 302
    change = reverse("admin:program_talk_change", args=[talk.pk])
    status, _, form = organiser.get(change)
    assert status == 200
    fields = dict(form_fields(form)) | {"title": NEW, "_save": "Save"}
    status, headers, _ = organiser.post_form(change, fields)
    assert (status, headers.get("Location")) == (302, reverse("admin:program_talk_changelist"))

    for url in urls:
        status, _, body = Http(other).get(url)
        assert (url, status, NEW in body.decode(), OLD in body.decode()) == (url, 200, True, False)
