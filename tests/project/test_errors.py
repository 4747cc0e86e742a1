"""Errors stay small and right: no 500 for odd requests, JSON for every API error, the
site's Content-Security-Policy on the admin and the API documentation too."""

import pytest
from django.test import Client, RequestFactory

from program.api.views import TalkViewSet
from program.machinery.middleware import content_security_policy
from program.pages.errors import page_not_found
from tests.factories import ConferenceFactory, TalkFactory

pytestmark = pytest.mark.django_db


def test_options_on_the_api_docs_lists_the_methods(client):
    response = client.options("/api/docs/")

    assert (response.status_code, response["Allow"], response.content) == (
        200,
        "GET, HEAD, OPTIONS",
        b"",
    )


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2030-01-01"])
def test_admin_talk_list_shows_no_talks_for_a_day_without_edition(admin_client, day):
    edition = ConferenceFactory(
        start_date="2026-05-18", end_date="2026-05-22", timezone="Pacific/Kiritimati"
    )
    TalkFactory(conference=edition)

    response = admin_client.get(f"/admin/program/talk/?day={day}")

    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


@pytest.mark.parametrize("day", ["9999-99-99", "99999-01-01", "yesterday", "2026-05-18\x00"])
def test_admin_talk_list_refuses_what_is_not_a_day_as_django_does(admin_client, day):
    ConferenceFactory()

    response = admin_client.get("/admin/program/talk/", {"day": day})

    assert (response.status_code, response["Location"]) == (302, "/admin/program/talk/?e=1")


def test_admin_talk_list_day_filter_at_the_end_of_the_calendar(admin_client):
    """An edition on the last day there is: its day has no next day to end at."""
    ConferenceFactory(start_date="9999-12-31", end_date="9999-12-31")

    response = admin_client.get("/admin/program/talk/?day=9999-12-31")

    assert (response.status_code, response["Location"]) == (302, "/admin/program/talk/?e=1")


def test_api_server_error_is_json(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(TalkViewSet, "list", broken)

    response = Client(raise_request_exception=False).get("/api/v1/talks/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Server error: it has been logged."}


def test_site_server_error_stays_the_page(monkeypatch):
    monkeypatch.setattr("program.pages.program.ProgramView.get", lambda *args, **kwargs: 1 / 0)
    ConferenceFactory(slug="2026")

    response = Client(raise_request_exception=False).get("/2026/program/")

    assert response.status_code == 500
    assert response["Content-Type"] == "text/html; charset=utf-8"


def test_api_bad_request_is_json():
    response = Client(HTTP_HOST="evil.example").get("/api/v1/talks/")

    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request."}


def test_api_not_found_is_json():
    response = page_not_found(RequestFactory().get("/api/v1/talks.xml"), None)

    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.content == b'{"detail": "Not found."}'


@pytest.mark.parametrize(
    "path", ["/admin/password_change/", "/admin/", "/admin/program/talk/", "/api/docs/", "/api/v1/"]
)
def test_admin_and_api_carry_the_content_security_policy(admin_client, path):
    response = admin_client.get(path)

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == content_security_policy()
    assert "script-src 'self';" in response["Content-Security-Policy"]
