"""A speaker's private link under attack: what middleware answers before the link's view
runs keeps the private headers, and no log line holds the link's secret."""

import io
import ipaddress
import logging
import threading
import time

import pytest
from axes.models import AccessAttempt
from django.db import connection, transaction
from django.test import Client

from program import speaker_changes, speaker_links
from program.models import SpeakerChange, SpeakerLink
from tests.pages.test_speaker_link import (  # noqa: F401
    edition,
    field_errors,
    form_data,
    link_url,
    lmcache,
    snapshot,
    yuhan,
)

pytestmark = pytest.mark.django_db

PRIVATE = {
    "Cache-Control": "no-store, private",
    "Referrer-Policy": "strict-origin",
    "X-Robots-Tag": "noindex",
}


@pytest.fixture
def token(lmcache, yuhan, edition):  # noqa: F811
    return speaker_links.issue(yuhan, edition)


@pytest.fixture
def console_log():
    """What the site's configured console handler (settings.LOGGING) writes."""
    (handler,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


def headers(response):
    return {name: response.get(name) for name in PRIVATE}


def test_the_csrf_refusal_of_a_link_is_private_and_its_log_line_hides_the_secret(
    token, console_log
):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(link_url(token))

    response = browser.post(link_url(token), form_data(page, csrfmiddlewaretoken=None))

    assert response.status_code == 403
    assert headers(response) == PRIVATE
    assert console_log.getvalue().splitlines() == [
        "Forbidden (CSRF token missing.): /2026/speaker/<secret>/"
    ]


def test_the_413_of_a_link_is_private_and_its_log_line_hides_the_secret(client, token, console_log):
    response = client.post(link_url(token), {}, CONTENT_LENGTH=str(6 * 1024 * 1024))

    assert response.status_code == 413
    assert headers(response) == PRIVATE
    assert console_log.getvalue().splitlines() == [
        "Request Entity Too Large: /2026/speaker/<secret>/"
    ]


def test_a_refused_link_s_log_line_hides_what_was_tried(client, token, console_log):
    speaker_links.revoke(SpeakerLink.objects.all())

    assert client.get(link_url(token)).status_code == 410

    assert console_log.getvalue().splitlines() == ["Gone: /2026/speaker/<secret>/"]


def test_a_link_revoked_while_its_post_is_handled_saves_nothing(token):
    # The page found the link live; an organiser revokes it before the save is written.
    link = speaker_links.find("2026", token)
    speaker_links.revoke(SpeakerLink.objects.all())
    before = snapshot()

    with pytest.raises(speaker_links.LinkGone):
        speaker_changes.submit(link, values={"bio": "Written after the revocation."})

    assert snapshot() == before


def test_a_bio_longer_than_the_limit_is_refused_and_the_rest_saved(client, token):
    # Up to DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) was taken, then shown on every page of the
    # speaker in every edition.
    page = client.get(link_url(token))

    response = client.post(link_url(token), form_data(page, affiliation="CMU", bio="x" * 1_000_000))

    assert response.status_code == 200
    assert field_errors(response) == [
        "Ensure this value has at most 10000 characters (it has 1000000)."
    ]
    assert SpeakerChange.objects.get().values == {"affiliation": "CMU"}


def test_a_bio_at_the_limit_is_taken(client, token):
    page = client.get(link_url(token))

    response = client.post(link_url(token), form_data(page, bio="x" * 10_000))

    assert response.status_code == 303
    assert SpeakerChange.objects.get().values == {"bio": "x" * 10_000}


def test_a_post_of_too_many_fields_is_refused_privately(client, token, console_log):
    data = {f"field-{number}": "x" for number in range(1_001)}  # DATA_UPLOAD_MAX_NUMBER_FIELDS

    response = client.post(link_url(token), data)

    assert response.status_code == 400
    assert headers(response) == PRIVATE
    assert token not in console_log.getvalue()
    assert console_log.getvalue().splitlines()[0] == (
        "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS."
    )


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_make_one_waiting_change(token):
    # A double click: the second save starts while the first's transaction is still open.
    # Both found no waiting change and inserted one: the second failed on the one-pending
    # rule (IntegrityError, a 500). The link's lock makes the second wait and add to it.
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time")
    first_saved = threading.Event()
    errors = []

    def first():
        try:
            with transaction.atomic():
                speaker_changes.submit(speaker_links.find("2026", token), values={"bio": "One."})
                first_saved.set()
                time.sleep(1)  # still open while the second save starts
        finally:
            first_saved.set()
            connection.close()

    def second():
        try:
            first_saved.wait()
            speaker_changes.submit(speaker_links.find("2026", token), values={"bio": "Two."})
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert list(SpeakerChange.objects.values_list("status", "values")) == [
        ("pending", {"bio": "Two."})
    ]


@pytest.mark.parametrize("trusted", [[], ["10.0.0.1/32"]])
def test_a_forged_x_forwarded_for_buys_no_new_guesses(client, token, settings, trusted):
    # From 198.51.100.9, straight or through the trusted proxy 10.0.0.1, each guess naming
    # another address first in X-Forwarded-For: all counted against 198.51.100.9.
    settings.TRUSTED_PROXIES = [ipaddress.ip_network(net) for net in trusted]
    remote, forwarded = ("10.0.0.1", ", 198.51.100.9") if trusted else ("198.51.100.9", "")
    for number in range(20):
        response = client.get(
            link_url(f"{number:043d}"),
            REMOTE_ADDR=remote,
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}{forwarded}",
            HTTP_USER_AGENT=f"guesser {number}",
        )
        assert response.status_code == 404

    refused = client.get(
        link_url(token), REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=f"203.0.113.99{forwarded}"
    )

    assert refused.status_code == 429
    assert headers(refused) == PRIVATE
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True).distinct()) == [
        "198.51.100.9"
    ]


def test_the_redirect_of_a_link_without_its_last_slash_is_private(client, token):
    response = client.get(f"/2026/speaker/{token}")

    assert response.status_code == 301
    assert response["Location"] == link_url(token)
    assert headers(response) == PRIVATE


def test_the_admin_s_speaker_pages_keep_their_own_headers(admin_client, yuhan):  # noqa: F811
    response = admin_client.get(f"/admin/program/speaker/{yuhan.pk}/change/")

    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin"
    assert not response.has_header("X-Robots-Tag")


def test_a_mistyped_link_s_log_line_hides_the_secret_too(client, token, console_log):
    # A mail client's line break pasted into the link: no route, Django's own 404 line.
    assert client.get(f"/2026/speaker/{token}/%20/").status_code == 404

    assert console_log.getvalue().splitlines() == ["Not Found: /2026/speaker/<secret>/ /"]
