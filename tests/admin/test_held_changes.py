"""The talk admin in an edition that holds changes: the form and the bulk actions change the
working version, which the public sees after the release; text is public at once; a talk
the public sees until the release cannot be deleted (program/admin/releases.py)."""

import lxml.html
import pytest

from program.models import Conference, Talk
from program.releases import release
from tests.admin.helpers import admin_url, form_data
from tests.factories import RoomFactory, TalkFactory, local

pytestmark = pytest.mark.django_db

REFUSAL = (
    "Nothing was deleted: “LMCache” is public in MLSys 2026's last release, and MLSys 2026 "
    "holds changes for release: deleting it now would take it off the public program before "
    "the release. Set it back to draft, release the edition's changes, then delete it."
)


KEPT = (
    "Nothing can be deleted now: the public sees these talks in their edition's last "
    "release, and the edition holds changes for release. Set them back to draft, release "
    "the edition's changes, then delete them."
)


def kept(response):
    """The delete page's explanation and the talks it lists as kept."""
    page = lxml.html.fromstring(response.content.decode())
    (explanation,) = page.xpath("//div[@id='content']//p[1]")
    listed = page.xpath("//ul[@id='deleted-objects']/li/text()")
    return " ".join(explanation.text_content().split()), listed


def messages_of(response):
    return [(message.level, message.message) for message in response.context["messages"]]


def public(slug):
    """(title, status, start, end, room name) of the talk as the public sees it, or None."""
    talk = Talk.objects.published().filter(slug=slug).select_related("public_room").first()
    return talk and (talk.title, talk.status, talk.start, talk.end, talk.room.name)


@pytest.fixture
def lmcache(edition, ballroom):
    """LMCache, Monday 9:50 in Grand Ballroom 1, public in release 1 of MLSys 2026."""
    talk = TalkFactory(
        conference=edition,
        room=ballroom,
        title="LMCache",
        slug="lmcache",
        start=local("2026-05-18", 9, 50),
    )
    edition.holds_changes = True
    edition.save()
    return talk


AS_RELEASED = (
    "LMCache",
    "published",
    local("2026-05-18", 9, 50),
    local("2026-05-18", 10, 15),
    "Grand Ballroom 1",
)


@pytest.mark.parametrize(
    ("changes", "after"),
    [
        # Moved: another day, time and room.
        (
            {"start_0": "2026-05-19", "start_1": "11:30", "end_0": "2026-05-19", "end_1": "12:00",
             "room": "hall"},
            ("published", local("2026-05-19", 11, 30), local("2026-05-19", 12), "Hall B"),
        ),
        # Retimed: it ends later.
        (
            {"end_1": "10:40"},
            ("published", local("2026-05-18", 9, 50), local("2026-05-18", 10, 40),
             "Grand Ballroom 1"),
        ),
        # Another room only.
        (
            {"room": "hall"},
            ("published", local("2026-05-18", 9, 50), local("2026-05-18", 10, 15), "Hall B"),
        ),
        # Cancelled.
        (
            {"status": "cancelled"},
            ("cancelled", local("2026-05-18", 9, 50), local("2026-05-18", 10, 15),
             "Grand Ballroom 1"),
        ),
    ],
)  # fmt: skip
def test_a_change_saved_in_the_talk_form_waits_for_the_release(
    organiser_client, lmcache, changes, after
):
    hall = RoomFactory(conference=lmcache.conference, name="Hall B", slug="hall-b")
    changes = {name: str(hall.pk) if value == "hall" else value for name, value in changes.items()}
    url = admin_url("talk", "change", lmcache.pk)

    response = organiser_client.post(
        url, form_data(organiser_client.get(url), "talk_form", changes)
    )

    assert response.status_code == 302
    assert public("lmcache") == AS_RELEASED
    release(lmcache.conference, name="Final")
    assert public("lmcache") == ("LMCache", *after)


def test_unpublishing_in_the_talk_form_keeps_the_talk_public_until_the_release(
    organiser_client, lmcache
):
    url = admin_url("talk", "change", lmcache.pk)

    organiser_client.post(
        url, form_data(organiser_client.get(url), "talk_form", {"status": "draft"})
    )

    assert public("lmcache") == AS_RELEASED
    release(lmcache.conference, name="Final")
    assert public("lmcache") is None


def test_a_new_title_saved_in_the_talk_form_is_public_at_once_beside_a_held_move(
    organiser_client, lmcache
):
    url = admin_url("talk", "change", lmcache.pk)
    changes = {"title": "LMCache: a KV cache layer", "start_1": "14:00", "end_1": "14:25"}

    organiser_client.post(url, form_data(organiser_client.get(url), "talk_form", changes))

    assert public("lmcache") == ("LMCache: a KV cache layer", *AS_RELEASED[1:])


@pytest.mark.parametrize(
    ("action", "status", "before", "after"),
    [
        ("publish", "draft", None, "published"),
        ("cancel", "published", "published", "cancelled"),
        ("unpublish", "published", "published", None),
    ],
)
def test_a_bulk_action_waits_for_the_release(
    organiser_client, edition, ballroom, action, status, before, after
):
    talk = TalkFactory(conference=edition, room=ballroom, slug="ray", status=status)
    edition.holds_changes = True
    edition.save()

    organiser_client.post(admin_url("talk"), {"action": action, "_selected_action": [talk.pk]})

    assert Talk.objects.get(slug="ray").status != status
    shown = public("ray")
    assert (shown and shown[1]) == before
    release(edition, name="Final")
    shown = public("ray")
    assert (shown and shown[1]) == after


# Deleting -----------------------------------------------------------------------------------


def test_the_delete_page_refuses_a_talk_public_until_the_release(organiser_client, lmcache):
    url = admin_url("talk", "delete", lmcache.pk)

    page = organiser_client.get(url)
    response = organiser_client.post(url, {"post": "yes"})

    assert messages_of(page) == [(40, REFUSAL)]
    assert kept(page) == (KEPT, ["LMCache"])
    assert response.status_code == 200
    assert messages_of(response) == [(40, REFUSAL)]
    assert Talk.objects.filter(slug="lmcache").exists()


def test_bulk_delete_refuses_every_talk_if_one_is_public_until_the_release(
    organiser_client, lmcache
):
    draft = TalkFactory(conference=lmcache.conference, room=lmcache.room, status="draft")

    response = organiser_client.post(
        admin_url("talk"),
        {"action": "delete_selected", "_selected_action": [lmcache.pk, draft.pk], "post": "yes"},
    )

    assert response.status_code == 200
    assert messages_of(response) == [(40, REFUSAL)]
    assert kept(response) == (KEPT, ["LMCache"])
    assert Talk.objects.count() == 2


def test_a_talk_set_to_draft_and_released_can_be_deleted(organiser_client, lmcache):
    Talk.objects.filter(pk=lmcache.pk).update(status="draft")
    release(lmcache.conference, name="Without LMCache")

    response = organiser_client.post(admin_url("talk", "delete", lmcache.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Talk.objects.exists()


def test_a_held_edition_is_deleted_whole_with_its_public_talks(organiser_client, lmcache):
    url = admin_url("conference", "delete", lmcache.conference_id)

    response = organiser_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert (Conference.objects.count(), Talk.objects.count()) == (0, 0)
