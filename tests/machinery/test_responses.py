"""Cached public responses (program/machinery/responses.py) keep only what anyone may see."""

import pytest
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.cache import patch_cache_control

from program.machinery.responses import cached

pytestmark = pytest.mark.django_db


def counting_view(cache_control=None, status=200, cookie=False):
    calls = []

    def view(request, edition):
        calls.append(edition)
        response = HttpResponse(f"built {len(calls)}", status=status)
        if cache_control:
            patch_cache_control(response, **cache_control)
        if cookie:
            response.set_cookie("seen", "1")
        return response

    return cached(view), calls


def test_a_public_response_is_built_once_per_version():
    view, calls = counting_view()

    first = view(RequestFactory().get("/2026/program/"), edition="2026")
    second = view(RequestFactory().get("/2026/program/"), edition="2026")

    assert (first.content, second.content) == (b"built 1", b"built 1")
    assert calls == ["2026"]
    assert first["ETag"] == second["ETag"]


@pytest.mark.parametrize(
    "cache_control", [{"private": True, "no_store": True}, {"private": True}, {"no_store": True}]
)
def test_a_private_or_no_store_response_is_never_kept_nor_tagged(cache_control):
    view, calls = counting_view(cache_control)

    first = view(RequestFactory().get("/2026/program/"), edition="2026")
    second = view(RequestFactory().get("/2026/program/"), edition="2026")

    assert (first.content, second.content) == (b"built 1", b"built 2")
    assert calls == ["2026", "2026"]
    assert not first.has_header("ETag")


@pytest.mark.parametrize(("status", "cookie"), [(400, False), (404, False), (200, True)])
def test_errors_and_responses_setting_cookies_are_never_kept(status, cookie):
    view, _ = counting_view(status=status, cookie=cookie)

    view(RequestFactory().get("/2026/program/"), edition="2026")
    second = view(RequestFactory().get("/2026/program/"), edition="2026")

    assert (second.status_code, second.content) == (status, b"built 2")
    assert not second.has_header("Cache-Control")


def test_a_session_cookie_neither_bypasses_nor_changes_a_copy():
    """Any client can send a cookie: it once made every answer a build, uncompressed."""
    view, calls = counting_view()
    with_cookie = RequestFactory(HTTP_COOKIE="sessionid=made-up")

    view(RequestFactory().get("/2026/program/"), edition="2026")
    answered = view(with_cookie.get("/2026/program/"), edition="2026")
    built = view(with_cookie.get("/2026/speakers/"), edition="2026")
    anonymous = view(RequestFactory().get("/2026/speakers/"), edition="2026")

    assert (answered.content, built.content, anonymous.content) == (
        b"built 1",
        b"built 2",
        b"built 2",
    )
    assert len(calls) == 2


def test_a_response_whose_build_read_the_session_is_never_kept(client, django_user_model):
    """What a view shows after reading the session (its user) may be that user's."""
    calls = []

    def view(request):
        calls.append(request.user.is_staff)
        return HttpResponse(f"built {len(calls)}")

    def with_session(request):
        SessionMiddleware(lambda request: None).process_request(request)
        AuthenticationMiddleware(lambda request: None).process_request(request)
        return request

    client.force_login(django_user_model.objects.create_user("organiser", is_staff=True))
    staff = RequestFactory(HTTP_COOKIE=f"sessionid={client.session.session_key}")

    first = cached(view)(with_session(staff.get("/")))
    second = cached(view)(with_session(RequestFactory().get("/")))

    assert (first.content, second.content) == (b"built 1", b"built 2")
    assert calls == [True, False]
    assert not first.has_header("ETag")
