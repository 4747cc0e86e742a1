"""One spelling of each host (machinery/hosts.py): letter case, a trailing dot and a port
that is not the address once gave a cache key, a build and an og:url each."""

import json

import pytest
from django.test import Client
from lxml import html

from conference.proxies import trusted_networks

pytestmark = pytest.mark.django_db

TALK = "/2026/talks/kv-caches/"
NAMES = ["localhost", "LOCALHOST", "LocalHost", "localhost.", "LOCALHOST."]
PORTS = ["", ":80", ":81", ":443", ":8000", ":65535"]
SPELLINGS = [name + port for name in NAMES for port in PORTS]


def addresses(response):
    """What the talk page says its address is: og:url and the JSON-LD url."""
    tree = html.fromstring(response.content)
    data = json.loads(tree.xpath("//script[@type='application/ld+json']")[0].text)
    return (tree.xpath("//meta[@property='og:url']/@content")[0], data["url"])


def test_thirty_spellings_of_a_host_are_one_build_and_one_address(
    program, django_assert_num_queries
):
    assert len(SPELLINGS) == 30
    client = Client()
    first = client.get(TALK, HTTP_HOST=SPELLINGS[-1])

    answers = []
    for spelling in SPELLINGS:
        with django_assert_num_queries(1):  # the data version: a warm hit, never a build
            answers.append(client.get(TALK, HTTP_HOST=spelling))

    assert addresses(first) == (f"http://localhost{TALK}",) * 2
    assert {answer.status_code for answer in answers} == {200}
    assert {answer.content for answer in answers} == {first.content}


def test_the_calendar_and_api_addresses_are_the_canonical_ones(program):
    client = Client()

    calendar = client.get("/2026/program/", HTTP_HOST="LocalHost.:8080")
    api = client.get("/api/v1/talks/", HTTP_HOST="LOCALHOST:81").json()

    assert b'href="webcal://localhost/2026/program.ics"' in calendar.content
    assert api["results"][0]["url"] == f"http://localhost{TALK}"


@pytest.mark.parametrize(
    ("host", "server_port", "address"),
    [
        # The development server on :8000 (make serve): its port is the address.
        ("localhost:8000", "8000", "http://localhost:8000"),
        ("LOCALHOST.:8000", "8000", "http://localhost:8000"),
        ("localhost", "8000", "http://localhost"),  # a proxy on :80 in front of it
        ("localhost:8001", "8000", "http://localhost"),
        ("127.0.0.1:8000", "8000", "http://127.0.0.1:8000"),
        ("localhost:80", "80", "http://localhost"),
    ],
)
def test_the_port_the_server_listens_on_is_kept(program, host, server_port, address):
    response = Client().get(TALK, HTTP_HOST=host, SERVER_PORT=server_port)

    assert addresses(response)[0] == f"{address}{TALK}"


def test_behind_an_https_proxy_an_address_names_no_port(program, settings):
    settings.SERVED_OVER_HTTPS = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["program.example.org"]
    client = Client(HTTP_X_FORWARDED_PROTO="https")

    pages = [
        client.get(TALK, HTTP_HOST=host, SERVER_PORT="8000")
        for host in ("program.example.org", "Program.Example.ORG.:8000", "program.example.org:443")
    ]

    assert {addresses(page)[0] for page in pages} == {f"https://program.example.org{TALK}"}


def test_a_host_not_allowed_is_still_refused_whatever_its_spelling(program):
    statuses = [
        Client().get(TALK, HTTP_HOST=host).status_code
        for host in ("evil.example", "EVIL.example.:8000", "localhost@evil.example")
    ]

    assert statuses == [400, 400, 400]


@pytest.mark.parametrize(
    ("remote_addr", "forwarded_port", "address"),
    [
        # The front proxy (deploy/nginx.conf) on :8080 before gunicorn on :8000.
        ("127.0.0.1", "8080", "http://localhost:8080"),
        ("127.0.0.1", "80", "http://localhost"),
        # A client's own X-Forwarded-Port is no proxy's word.
        ("203.0.113.9", "8080", "http://localhost"),
    ],
)
def test_a_trusted_proxy_names_the_port_clients_connected_to(
    program, settings, remote_addr, forwarded_port, address
):
    settings.TRUSTED_PROXIES = trusted_networks("127.0.0.1")

    response = Client().get(
        TALK,
        HTTP_HOST="localhost:8080",
        SERVER_PORT="8000",
        REMOTE_ADDR=remote_addr,
        HTTP_X_FORWARDED_PORT=forwarded_port,
    )

    assert addresses(response)[0] == f"{address}{TALK}"


def test_the_admin_keeps_the_host_as_sent_so_a_forwarded_port_still_logs_in(django_user_model):
    """An organiser reaching the site through a port of their own (an SSH tunnel, docker's
    -p 18000:8000): the login's Origin names that port, and Django's CSRF check compares it
    with the Host, which the rewrite would have cut to "localhost" (403)."""
    django_user_model.objects.create_superuser("ada", "ada@example.org", "a long passphrase")
    client = Client(enforce_csrf_checks=True, HTTP_HOST="localhost:18000", SERVER_PORT="8000")
    client.get("/admin/login/")

    response = client.post(
        "/admin/login/",
        {
            "username": "ada",
            "password": "a long passphrase",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
            "next": "/admin/",
        },
        HTTP_ORIGIN="http://localhost:18000",
    )

    assert (response.status_code, response["Location"]) == (302, "/admin/")
