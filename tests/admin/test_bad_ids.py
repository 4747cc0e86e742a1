"""Ids in the admin's addresses that are no id: a superscript digit ("²" passes
str.isdigit, int() refuses it) and a number beyond what a database stores (SQLite cannot
even compare it). The admin
answers them as Django answers a missing row, never with a server error."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.admin.helpers import admin_url, selected_edition, titles
from tests.factories import ConferenceFactory, RoomFactory, TalkFactory
from tests.importers.test_import_hostile import frab_json

pytestmark = pytest.mark.django_db

HUGE = str(2**63)  # one more than the largest id


@pytest.fixture
def editions():
    """Two editions (the edition filter shows only with two), a talk in the current one."""
    current = ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)
    ConferenceFactory(slug="2025", name="MLSys 2025")
    TalkFactory(conference=current, title="Opening", room=RoomFactory(conference=current))
    return current


def test_talk_list_filtered_on_a_unicode_digit_is_the_lists_error(admin_client, editions):
    response = admin_client.get(admin_url("talk"), {"conference__id__exact": "²"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/program/talk/?e=1"


@pytest.mark.parametrize("model", ["talk", "room", "track"])
def test_list_filtered_on_an_edition_beyond_any_id_lists_nothing(admin_client, editions, model):
    response = admin_client.get(admin_url(model), {"conference__id__exact": HUGE})

    assert response.status_code == 200
    assert titles(response) == []


@pytest.mark.parametrize("bad_id", ["²", HUGE])
@pytest.mark.parametrize("query", ["conference__id__exact", "_changelist_filters"])
@pytest.mark.parametrize("model", ["talk", "room", "track"])
def test_add_page_from_a_list_filtered_on_a_bad_edition_offers_the_current_edition(
    admin_client, editions, model, query, bad_id
):
    value = f"conference__id__exact={bad_id}" if query == "_changelist_filters" else bad_id

    response = admin_client.get(admin_url(model, "add"), {query: value})

    assert response.status_code == 200
    assert selected_edition(response) == ["MLSys 2026"]


@pytest.mark.parametrize("bad_id", ["²", HUGE])
@pytest.mark.parametrize("model", ["talk", "room", "track"])
def test_add_page_given_a_bad_edition_selects_none(admin_client, editions, model, bad_id):
    # Django takes ?conference= as the field's initial value: no edition has that id.
    response = admin_client.get(admin_url(model, "add"), {"conference": bad_id})

    assert response.status_code == 200
    assert selected_edition(response) == []


@pytest.mark.parametrize("bad_id", ["²", HUGE])
@pytest.mark.parametrize("view", ["change", "history", "delete"])
@pytest.mark.parametrize("model", ["conference", "room", "track", "talktype", "speaker", "talk"])
def test_page_of_a_bad_id_is_a_missing_row(admin_client, editions, model, view, bad_id):
    response = admin_client.get(admin_url(model, view, bad_id))

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    [message] = get_messages(response.wsgi_request)
    assert str(message).endswith(f"with ID “{bad_id}” doesn’t exist. Perhaps it was deleted?")


@pytest.mark.parametrize(
    ("field", "digits", "letters"),
    [("daysCount", "²", "x"), ("start", "²⁰²⁶-05-18", "xxxx-05-18")],
)
def test_frab_file_with_superscript_digits_reads_them_as_letters(
    admin_client, editions, field, digits, letters
):
    """The import page's preview, as for letters there (a count or date not read)."""
    previews = []
    for value in (digits, letters):
        data = frab_json({field: value})
        response = admin_client.post(
            "/admin/program/talk/import/",
            {"file": SimpleUploadedFile("schedule.json", data), "conference": ""},
        )
        assert response.status_code == 200
        assert response.templates[0].name == "admin/program/import_preview.html"
        result = response.context["result"]
        previews.append((result.conference.start_date, result.conference.end_date))

    assert previews[0] == previews[1] == (dt.date(2026, 5, 18), dt.date(2026, 5, 18))
