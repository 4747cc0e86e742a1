"""A talk given another edition: its old edition's public program keeps it until released,
and the new edition's public program shows it only from its own next release."""

import pytest
from django.core.exceptions import ValidationError

from program.models import Room, Talk
from tests.factories import ConferenceFactory, RoomFactory, TalkFactory, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def editions():
    this = ConferenceFactory(slug="2026", name="MLSys 2026")
    other = ConferenceFactory(slug="2027", name="MLSys 2027")
    return (
        this,
        other,
        RoomFactory(conference=this, name="Ballroom", slug="ballroom"),
        RoomFactory(conference=other, name="Annex", slug="annex"),
    )


def test_a_talk_given_an_edition_that_holds_changes_waits_for_its_release(editions):
    this, other, ballroom, annex = editions
    other.holds_changes = True
    other.save()
    talk = TalkFactory(
        conference=this, room=ballroom, start=local("2026-05-18", 9), end=local("2026-05-18", 10)
    )

    talk = Talk.objects.get(pk=talk.pk)
    talk.conference, talk.room = other, annex
    talk.full_clean()
    talk.save()

    stored = Talk.objects.get(pk=talk.pk)
    assert (stored.public_status, stored.public_start, stored.public_room_id) == (
        "draft",
        None,
        None,
    )
    assert list(Talk.objects.listed_in(other)) == []
    assert list(Talk.objects.listed_in(this)) == []


def test_a_talk_public_until_its_editions_release_keeps_its_edition(editions):
    this, other, ballroom, annex = editions
    talk = TalkFactory(
        conference=this,
        title="Opening keynote",
        room=ballroom,
        start=local("2026-05-18", 9),
        end=local("2026-05-18", 10),
    )
    this.holds_changes = True
    this.save()

    talk = Talk.objects.get(pk=talk.pk)
    talk.conference, talk.room = other, annex
    with pytest.raises(ValidationError) as refused:
        talk.full_clean()

    assert refused.value.message_dict == {
        "conference": [
            "“Opening keynote” is public in MLSys 2026's last release, and MLSys 2026 holds "
            "changes for release: giving it another edition now would take it off the public "
            "program before the release. Set it back to draft, release the edition's changes, "
            "then move it."
        ]
    }


def test_a_room_only_the_public_program_uses_is_kept_and_the_page_says_why(admin_client, editions):
    this, _other, ballroom, _annex = editions
    hall = RoomFactory(conference=this, name="Hall", slug="hall")
    talk = TalkFactory(
        conference=this,
        title="Opening keynote",
        room=ballroom,
        start=local("2026-05-18", 9),
        end=local("2026-05-18", 10),
    )
    this.holds_changes = True
    this.save()
    talk = Talk.objects.get(pk=talk.pk)
    talk.room = hall
    talk.save()

    post = admin_client.post(f"/admin/program/room/{ballroom.pk}/delete/", {"post": "yes"})

    assert [str(message) for message in post.context["messages"]] == [
        "Nothing was deleted: talks are scheduled in this room, or are in it in the public "
        "program until the edition's next release (listed below). Move them to another room "
        "first, then release the edition's changes if it holds them."
    ]
    assert Room.objects.filter(pk=ballroom.pk).exists()
