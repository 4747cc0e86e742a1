"""Permissions-Policy and Cross-Origin-Resource-Policy on every response: a page, the
admin, an API answer and an error, the feeds and calendars, a static file."""

import pytest

from tests.factories import ConferenceFactory, TalkFactory

pytestmark = pytest.mark.django_db

PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), "
    "payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), "
    "sync-xhr=(), usb=(), xr-spatial-tracking=()"
)


@pytest.fixture
def talk():
    return TalkFactory(conference=ConferenceFactory(slug="2026", is_current=True), slug="opening")


@pytest.mark.parametrize(
    ("url", "status", "content_type"),
    [
        ("/2026/program/", 200, "text/html; charset=utf-8"),
        ("/admin/login/", 200, "text/html; charset=utf-8"),
        ("/api/v1/talks/?conference=2026", 200, "application/json"),
        ("/api/v1/nothing/", 404, "application/json"),
        ("/2026/program.ics", 200, "text/calendar; charset=utf-8"),
        ("/2026/talks/opening.ics", 200, "text/calendar; charset=utf-8"),
        ("/no-such-page/", 404, "text/html; charset=utf-8"),
    ],
)
def test_every_response_denies_unused_features_and_cross_site_embedding(
    client, talk, url, status, content_type
):
    response = client.get(url, HTTP_ORIGIN="https://apps.example.org")

    assert (response.status_code, response["Content-Type"]) == (status, content_type)
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert response["Cross-Origin-Resource-Policy"] == "same-site"


def test_a_static_file_whitenoise_serves_has_them_too(client, talk, collected_static):
    (stylesheet,) = [path.name for path in (collected_static / "css").glob("site.*.css")]

    response = client.get(f"/static/css/{stylesheet}")

    assert (response.status_code, response["Content-Type"]) == (200, 'text/css; charset="utf-8"')
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert response["Cross-Origin-Resource-Policy"] == "same-site"
