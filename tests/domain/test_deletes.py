"""Deleting loses nothing unseen: a room or speaker with talks is refused (by the admin and by
the database), an edition's delete page lists everything that goes with it."""

import pytest
from django.db import IntegrityError, connection, transaction

from program.models import Conference, Resource, Room, Speaker, Talk, TalkSpeaker, Track
from tests.factories import (
    ConferenceFactory,
    ResourceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    conference = ConferenceFactory(slug="2026", name="MLSys 2026")
    hall = RoomFactory(conference=conference, name="Hall", slug="hall")
    RoomFactory(conference=conference, name="Empty room", slug="empty-room")
    track = TrackFactory(conference=conference, name="Systems", slug="systems")
    ion = SpeakerFactory(name="Ion Stoica", slug="ion-stoica")
    SpeakerFactory(name="Nobody Yet", slug="nobody-yet")
    opening = TalkFactory(
        conference=conference, title="Opening", slug="opening", room=hall, speakers=[ion]
    )
    TalkFactory(
        conference=conference, title="Closing", slug="closing", room=hall, track=track,
        speakers=[ion],
    )  # fmt: skip
    ResourceFactory(talk=opening)
    return conference


def text(response):
    return " ".join(response.content.decode().split())


ROOM_IN_USE = (
    "Nothing was deleted: talks are scheduled in this room, or are in it in the public "
    "program until the edition's next release (listed below). Move them to another room "
    "first, then release the edition's changes if it holds them."
)
SPEAKER_IN_USE = (
    "Nothing was deleted: this speaker is on talks (listed below). Take them off those talks "
    "first; a speaker is shared by every edition."
)


def test_room_with_talks_is_not_deleted_and_the_page_says_why(admin_client, edition):
    hall = Room.objects.get(slug="hall")
    url = f"/admin/program/room/{hall.pk}/delete/"

    page = admin_client.get(url)
    post = admin_client.post(url, {"post": "yes"})

    assert page.status_code == post.status_code == 200
    assert [str(message) for message in page.context["messages"]] == [ROOM_IN_USE]
    assert [str(message) for message in post.context["messages"]] == [ROOM_IN_USE]
    assert (
        "Deleting the room 'Hall' would require deleting the following protected related "
        "objects:" in text(page)
    )
    talks = {talk.title: talk.pk for talk in Talk.objects.all()}
    assert set(map(str, page.context["protected"])) == {
        f'Talk: <a href="/admin/program/talk/{talks["Closing"]}/change/">Closing</a>',
        f'Talk: <a href="/admin/program/talk/{talks["Opening"]}/change/">Opening</a>',
    }
    assert Room.objects.filter(slug="hall").exists()
    assert Talk.objects.count() == 2


def test_speaker_with_talks_is_not_deleted_and_the_page_says_why(admin_client, edition):
    ion = Speaker.objects.get(slug="ion-stoica")
    url = f"/admin/program/speaker/{ion.pk}/delete/"

    page = admin_client.get(url)
    admin_client.post(url, {"post": "yes"})

    assert [str(message) for message in page.context["messages"]] == [SPEAKER_IN_USE]
    assert "Speaker of the talk: Ion Stoica in “Opening”" in text(page)
    assert "Speaker of the talk: Ion Stoica in “Closing”" in text(page)
    assert Speaker.objects.filter(slug="ion-stoica").exists()
    assert TalkSpeaker.objects.count() == 2


@pytest.mark.parametrize(
    ("model", "slugs", "message"),
    [
        (Room, ["hall", "empty-room"], ROOM_IN_USE),
        (Speaker, ["ion-stoica", "nobody-yet"], SPEAKER_IN_USE),
    ],
)
def test_bulk_delete_with_one_in_use_deletes_nothing(admin_client, edition, model, slugs, message):
    chosen = list(model.objects.filter(slug__in=slugs).values_list("pk", flat=True))
    url = f"/admin/program/{model._meta.model_name}/"

    response = admin_client.post(
        url, {"action": "delete_selected", "_selected_action": chosen, "post": "yes"}
    )

    assert response.status_code == 200
    assert [str(message) for message in response.context["messages"]] == [message]
    assert (
        f"Deleting the selected {model._meta.verbose_name_plural} would require deleting the "
        "following protected related objects:" in text(response)
    )
    assert model.objects.filter(slug__in=slugs).count() == 2


def test_room_and_speaker_without_talks_are_deleted(admin_client, edition):
    room = Room.objects.get(slug="empty-room")
    speaker = Speaker.objects.get(slug="nobody-yet")

    admin_client.post(f"/admin/program/room/{room.pk}/delete/", {"post": "yes"})
    admin_client.post(f"/admin/program/speaker/{speaker.pk}/delete/", {"post": "yes"})

    assert not Room.objects.filter(slug="empty-room").exists()
    assert not Speaker.objects.filter(slug="nobody-yet").exists()


@pytest.mark.parametrize(
    ("table", "slug"), [("program_speaker", "ion-stoica"), ("program_room", "hall")]
)
def test_the_database_refuses_a_raw_delete_too(edition, table, slug):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE slug = %s", [slug])
        with pytest.raises(IntegrityError):
            connection.check_constraints()
        transaction.set_rollback(True)


def test_edition_delete_page_lists_everything_that_goes_with_it(admin_client, edition):
    url = f"/admin/program/conference/{edition.pk}/delete/"

    page = admin_client.get(url)

    assert page.status_code == 200
    assert not page.context["protected"]
    assert dict(page.context["model_count"]) == {
        "conferences": 1,
        "rooms": 2,
        "tracks": 1,
        "talks": 2,
        "speakers of the talk": 2,
        "resources": 1,
    }
    listed = text(page)
    for item in ("Room: <a", ">Hall</a>", ">Empty room</a>", ">Systems</a>", ">Opening</a>",
                 ">Closing</a>", "Speaker of the talk: Ion Stoica in “Opening”"):  # fmt: skip
        assert item in listed

    admin_client.post(url, {"post": "yes"})

    assert not Conference.objects.exists()
    assert (Room.objects.count(), Talk.objects.count(), Track.objects.count()) == (0, 0, 0)
    assert (TalkSpeaker.objects.count(), Resource.objects.count()) == (0, 0)
    assert sorted(Speaker.objects.values_list("slug", flat=True)) == ["ion-stoica", "nobody-yet"]
