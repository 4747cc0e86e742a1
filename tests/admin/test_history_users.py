"""Who changed a talk: every admin path that writes talks records its user in the talk's
history (``history_user``), as the changes page and the admin's history read it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from program.models import Talk
from tests.admin.helpers import admin_url, form_data, new_talk_data
from tests.factories import SpeakerFactory, TalkFactory, TalkTypeFactory, TrackFactory
from tests.importers.test_imports import HEADER

pytestmark = pytest.mark.django_db

HistoricalTalk = Talk.history.model


@pytest.fixture
def organiser(django_user_model):
    return django_user_model.objects.create_superuser("organiser", "org@example.org", None)


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


def records(talk_pk):
    """(type, username or None) of each history record of the talk, oldest first."""
    rows = HistoricalTalk.objects.filter(id=talk_pk).order_by("history_id")
    return [(row.history_type, row.history_user and row.history_user.username) for row in rows]


def test_change_form_records_who_saved(organiser_client, edition, ballroom):
    talk = TalkFactory(conference=edition, room=ballroom, title="Systems for Agents")
    page = organiser_client.get(admin_url("talk", "change", talk.pk))

    response = organiser_client.post(
        admin_url("talk", "change", talk.pk), form_data(page, "talk_form", {"title": "Agents"})
    )

    assert response.status_code == 302
    assert records(talk.pk) == [("+", None), ("~", "organiser")]


def test_add_form_records_who_added(organiser_client, edition, ballroom):
    page = organiser_client.get(admin_url("talk", "add"))
    data = new_talk_data(page, edition, ballroom, [SpeakerFactory(name="Ion Stoica")])

    response = organiser_client.post(admin_url("talk", "add"), data)

    assert response.status_code == 302
    assert records(Talk.objects.get().pk) == [("+", "organiser")]


@pytest.mark.parametrize("action", ["publish", "unpublish", "cancel"])
def test_status_actions_record_who(organiser_client, edition, ballroom, action):
    status = "published" if action == "unpublish" else "draft"
    talk = TalkFactory(conference=edition, room=ballroom, status=status)

    organiser_client.post(admin_url("talk"), {"action": action, "_selected_action": [talk.pk]})

    assert records(talk.pk) == [("+", None), ("~", "organiser")]


def test_set_track_action_records_who(organiser_client, edition, ballroom):
    talk = TalkFactory(conference=edition, room=ballroom)
    track = TrackFactory(conference=edition, name="Agents")

    organiser_client.post(
        admin_url("talk"),
        {
            "action": "set_track",
            "_selected_action": [talk.pk],
            "apply": "Set the track",
            "track": str(track.pk),
        },
    )

    assert Talk.objects.get().track == track
    assert records(talk.pk) == [("+", None), ("~", "organiser")]


def test_delete_page_records_who_deleted(organiser_client, edition, ballroom):
    talk = TalkFactory(conference=edition, room=ballroom)

    organiser_client.post(admin_url("talk", "delete", talk.pk), {"post": "yes"})

    assert not Talk.objects.exists()
    assert records(talk.pk) == [("+", None), ("-", "organiser")]


def test_bulk_delete_records_who_deleted(organiser_client, edition, ballroom):
    talks = TalkFactory.create_batch(2, conference=edition, room=ballroom)

    organiser_client.post(
        admin_url("talk"),
        {"action": "delete_selected", "_selected_action": [t.pk for t in talks], "post": "yes"},
    )

    assert not Talk.objects.exists()
    assert [records(talk.pk) for talk in talks] == [[("+", None), ("-", "organiser")]] * 2


def test_import_records_who_created_and_who_updated(organiser_client, edition):
    TalkTypeFactory(slug="keynote", name="Keynote")
    url = admin_url("talk", "import")

    def imported(text):
        upload = SimpleUploadedFile("program.csv", (HEADER + text).encode())
        preview = organiser_client.post(url, {"file": upload, "conference": edition.slug})
        organiser_client.post(url, {"confirm": "Import", "token": preview.context["token"]})

    imported("Opening,Keynote,2026-05-18,09:00,09:45,Hall,Ion Stoica,Welcome.\n")
    imported("Opening,Keynote,2026-05-18,10:00,10:45,Hall,Ion Stoica,Welcome.\n")

    talk = Talk.objects.get()
    assert talk.local_start.hour == 10
    assert records(talk.pk) == [("+", "organiser"), ("~", "organiser")]


def test_writes_outside_a_request_name_nobody(edition, ballroom):
    talk = TalkFactory(conference=edition, room=ballroom, status="draft")

    Talk.objects.filter(pk=talk.pk).set_status(Talk.Status.PUBLISHED)

    assert records(talk.pk) == [("+", None), ("~", None)]


def test_deleting_an_edition_records_who_deleted_its_talks(organiser_client, edition, ballroom):
    talk = TalkFactory(conference=edition, room=ballroom)

    organiser_client.post(admin_url("conference", "delete", edition.pk), {"post": "yes"})

    assert not Talk.objects.exists()
    assert records(talk.pk) == [("+", None), ("-", "organiser")]
