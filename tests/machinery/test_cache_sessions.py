"""A session cookie, made-up or real, changes an answer only where the answer differs for
staff (machinery/responses.py): everyone else is answered from the shared cache, compressed.

Sending ``Cookie: sessionid=x`` once made every page, feed and API answer a build, sent
uncompressed: the 2,000-talk program 296 ms and 3.5 MB instead of 12 ms and 221 KB.
"""

import brotli
import pytest
from django.test import Client

from program.models import Talk
from tests.machinery.test_response_cache import URL_COUNT, urls

pytestmark = pytest.mark.django_db

MADE_UP = "sessionid=x"


@pytest.fixture
def clients(django_user_model):
    """Each kind of client, by name: a real session is logged in with force_login."""
    attendee = Client()
    attendee.force_login(django_user_model.objects.create_user("attendee"))
    organiser = Client()
    organiser.force_login(django_user_model.objects.create_superuser("organiser"))
    return {
        "made-up cookie": Client(HTTP_COOKIE=MADE_UP),
        "session of a non-staff user": attendee,
        "staff session": organiser,
    }


@pytest.mark.parametrize("index", range(URL_COUNT))
def test_a_session_cookie_is_answered_from_the_copy_with_the_warm_hits_one_query(
    client, program, clients, index, django_assert_num_queries
):
    url = urls(program)[index]
    built = client.get(url, HTTP_ACCEPT_ENCODING="br")

    answers = {}
    for kind, other in clients.items():
        # The data version, as for any warm hit: no session lookup, no build.
        with django_assert_num_queries(1):
            answers[kind] = other.get(url, HTTP_ACCEPT_ENCODING="br")

    assert {kind: answer.status_code for kind, answer in answers.items()} == dict.fromkeys(
        clients, 200
    )
    assert {answer.content for answer in answers.values()} == {built.content}
    assert {answer["ETag"] for answer in answers.values()} == {built["ETag"]}
    assert {answer.get("Content-Encoding") for answer in answers.values()} == {
        built.get("Content-Encoding")
    }


@pytest.mark.parametrize(
    "made_up",
    [
        MADE_UP,
        "sessionid=made-up-but-shaped-like-a-session-key",
        "csrftoken=x",  # malformed: Django would renew it on the answer, Vary: Cookie
        "sessionid=x; csrftoken=x",
    ],
)
def test_a_made_up_cookie_is_answered_compressed_whoever_built_the_copy(
    program, made_up, django_assert_num_queries
):
    cookie = Client(HTTP_COOKIE=made_up)
    first = cookie.get("/2026/program/", HTTP_ACCEPT_ENCODING="gzip, br")  # built, and kept

    with django_assert_num_queries(1):
        anonymous = Client().get("/2026/program/", HTTP_ACCEPT_ENCODING="br")
    with django_assert_num_queries(1):
        again = cookie.get("/2026/program/", HTTP_ACCEPT_ENCODING="br")

    assert (first["Content-Encoding"], anonymous["Content-Encoding"]) == ("br", "br")
    assert first.content == anonymous.content == again.content
    assert b"KV caches at scale" in brotli.decompress(first.content)
    assert first["Cache-Control"].startswith("public, max-age=")
    assert [first["Vary"], again["Vary"]] == ["Accept-Encoding"] * 2
    assert [list(first.cookies), list(again.cookies)] == [[], []]


@pytest.mark.parametrize("index", range(URL_COUNT))
def test_no_public_answer_varies_by_cookie_or_sets_one(client, program, clients, index):
    """Vary: Cookie or a CSRF cookie on a public answer would make it unshareable by
    proxies and browsers' shared copies."""
    url = urls(program)[index]
    answers = {"anonymous": client.get(url), "anonymous again": client.get(url)}
    answers |= {kind: other.get(url) for kind, other in clients.items()}

    assert {kind: answer.get("Vary") for kind, answer in answers.items()} == dict.fromkeys(
        answers, answers["anonymous"]["Vary"]
    )
    assert "Cookie" not in answers["anonymous"]["Vary"]
    assert {kind: sorted(answer.cookies) for kind, answer in answers.items()} == {
        kind: [] for kind in answers
    }


@pytest.fixture
def draft(program):
    Talk.objects.filter(pk=program.pk).update(status=Talk.Status.DRAFT)
    return program


def test_a_staff_session_still_sees_the_drafts_preview(draft, clients):
    preview = clients["staff session"].get("/2026/talks/kv-caches/")

    assert preview.status_code == 200
    assert b"KV caches at scale" in preview.content
    assert preview["Cache-Control"] == "private, no-store"
    assert "Cookie" in preview["Vary"]
    assert not preview.has_header("Content-Encoding")  # shown to one session (BREACH)


@pytest.mark.parametrize(
    ("cookie", "lookups"),
    [
        ("sessionid=x", 0),  # not a session key at all: Django looks up none
        ("sessionid=made-up-but-shaped-like-a-session-key", 1),
    ],
)
def test_where_staff_differ_a_made_up_cookie_costs_at_most_one_lookup(
    draft, clients, cookie, lookups, django_assert_num_queries
):
    """A draft's page is 404 to the public: nothing kept, built each time; telling a
    made-up cookie from a session costs at most one query on top of that build."""
    # The version, the editions (menu), the talk among the public ones, the edition again
    # for the 404 page's header; only then does the page ask who the visitor is.
    with django_assert_num_queries(4):
        anonymous = Client().get("/2026/talks/kv-caches/")
    with django_assert_num_queries(4 + lookups):
        made_up = Client(HTTP_COOKIE=cookie).get("/2026/talks/kv-caches/")
    attendee = clients["session of a non-staff user"].get("/2026/talks/kv-caches/")

    assert [anonymous.status_code, made_up.status_code, attendee.status_code] == [404] * 3
    assert b"KV caches at scale" not in made_up.content + attendee.content
    assert "Cookie" in made_up["Vary"]
