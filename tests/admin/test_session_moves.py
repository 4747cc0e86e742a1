"""Sessions in the schedule editor: shown in their rooms, and moved with their talks
(program/session_moves.py, program/admin/session_moves.py)."""

import datetime as dt

import lxml.html
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from program.models import Session, Talk
from program.session_moves import move_session
from tests.factories import ConferenceFactory, RoomFactory, SpeakerFactory, TalkFactory, local

pytestmark = pytest.mark.django_db


def page(response):
    assert response.status_code == 200, response.content[:500]
    return lxml.html.fromstring(response.content.decode())


@pytest.fixture
def hall(edition):
    return RoomFactory(conference=edition, name="Hall B", slug="hall-b", position=1)


@pytest.fixture
def session(edition, ballroom):
    """Session 3 in Grand Ballroom 1, Monday 9:00 to 10:00, with two talks and a chair; a
    talk right after it, in its room but not in it."""
    for title, hour, minute in [("KV cache", 9, 0), ("Batching", 9, 30), ("After", 10, 0)]:
        start = local("2026-05-18", hour, minute)
        TalkFactory(
            conference=edition, room=ballroom, title=title,
            start=start, end=start + dt.timedelta(minutes=30),
        )  # fmt: skip
    session = Session.objects.create(
        conference=edition, room=ballroom, title="Session 3: Systems for LLMs",
        start=local("2026-05-18", 9), end=local("2026-05-18", 10),
    )  # fmt: skip
    session.chairs.set([SpeakerFactory(name="Ana Chair")])
    return session


def slots(edition):
    """(title, local start, room slug) of the edition's talks, by title."""
    return sorted(
        (talk.title, f"{talk.local_start:%a %H:%M}", talk.room.slug)
        for talk in Talk.objects.filter(conference=edition).select_related("room")
    )


def move_url(session):
    return f"/admin/program/conference/{session.conference_id}/schedule/sessions/{session.pk}/move/"


def test_editor_shows_the_session_in_its_room_before_its_talks(organiser_client, session):
    tree = page(
        organiser_client.get(f"/admin/program/conference/{session.conference_id}/schedule/")
    )

    (item,) = tree.xpath("//section[@data-room]//li[@class='editor-session']")
    assert item.xpath("ancestor::section/@data-room") == [str(session.room_id)]
    assert (item.get("data-start"), item.get("data-end")) == ("540", "600")
    assert " ".join(item.text_content().split()) == (
        "Move session… 09:00–10:00 Session 3: Systems for LLMs (talk session; chairs: Ana Chair)"
    )
    assert item.xpath("a/@href") == [move_url(session)]
    # Then the room's talks, as before.
    assert item.xpath("following-sibling::li/@data-title") == ["KV cache", "Batching", "After"]


def test_moving_a_session_moves_its_talks_with_it(organiser_client, edition, session, hall):
    response = organiser_client.post(
        move_url(session), {"day": "2026-05-19", "start": "14:00", "room": hall.pk}
    )

    assert response.status_code == 302
    assert response["Location"] == (
        f"/admin/program/conference/{edition.pk}/schedule/?day=2026-05-19#session-{session.pk}"
    )
    session.refresh_from_db()
    assert (session.start, session.end, session.room) == (
        local("2026-05-19", 14), local("2026-05-19", 15), hall,
    )  # fmt: skip
    assert slots(edition) == [
        ("After", "Mon 10:00", "grand-ballroom-1"),
        ("Batching", "Tue 14:30", "hall-b"),
        ("KV cache", "Tue 14:00", "hall-b"),
    ]
    # Each talk's move is logged as any move is.
    assert sorted(LogEntry.objects.values_list("object_repr", "change_message")) == [
        ("Batching", "Moved from Monday, May 18, 9:30 AM PDT in Grand Ballroom 1 to "
         "Tuesday, May 19, 2:30 PM PDT in Hall B."),
        ("KV cache", "Moved from Monday, May 18, 9:00 AM PDT in Grand Ballroom 1 to "
         "Tuesday, May 19, 2:00 PM PDT in Hall B."),
    ]  # fmt: skip
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "“Session 3: Systems for LLMs” and its 2 talks moved to "
        "Tuesday, May 19, 2:00–3:00 PM PDT in Hall B."
    ]


def test_moving_a_session_onto_other_talks_says_which_clash(
    organiser_client, edition, session, hall
):
    TalkFactory(conference=edition, room=hall, title="Hall talk",
                start=local("2026-05-18", 9, 15), end=local("2026-05-18", 9, 45))  # fmt: skip

    response = organiser_client.post(
        move_url(session), {"day": "2026-05-18", "start": "09:00", "room": hall.pk}, follow=True
    )

    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 2
    assert all("Hall talk" in warning for warning in warnings)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"day": "2026-06-01", "start": "09:00"},
            "day",
            "Choose a day of MLSys 2026: Monday, May 18 to Friday, May 22, 2026.",
        ),
        ({"day": "2026-05-18", "start": "9h"}, "start", "Enter the start as HH:MM"),
        ({"day": "2026-05-18", "start": "09:00", "room": "x"}, "room", "Choose a room of"),
    ],
)
def test_bad_session_move_changes_nothing(
    organiser_client, edition, session, hall, data, field, message
):
    data = {"room": hall.pk, **data}
    before = slots(edition)

    response = organiser_client.post(move_url(session), data)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert slots(edition) == before
    session.refresh_from_db()
    assert (session.start, session.room_id) == (local("2026-05-18", 9), session.room_id)


def test_a_room_of_another_edition_is_refused(session):
    other = RoomFactory(conference=ConferenceFactory(slug="2027"), slug="elsewhere")

    with pytest.raises(ValidationError, match="Choose a room of MLSys 2026"):
        move_session(session, start=local("2026-05-18", 11), room=other, by=None)

    session.refresh_from_db()
    assert session.room.slug == "grand-ballroom-1"


def test_session_move_needs_both_permissions(client, django_user_model, session, hall):
    user = django_user_model.objects.create_user("helper", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_talk"))
    client.force_login(user)

    response = client.post(
        move_url(session), {"day": "2026-05-19", "start": "14:00", "room": hall.pk}
    )

    assert response.status_code == 403
    session.refresh_from_db()
    assert session.room.slug == "grand-ballroom-1"


def test_in_an_edition_that_holds_changes_the_talks_wait_for_release(
    organiser_client, edition, session, hall
):
    edition.holds_changes = True
    edition.save()

    organiser_client.post(
        move_url(session), {"day": "2026-05-19", "start": "14:00", "room": hall.pk}
    )

    public = Talk.objects.published().filter(conference=edition).order_by("public_start")
    # The public still sees the talks where they were, in the session's old span.
    assert [(t.title, f"{t.start:%H:%M}", t.room.slug) for t in public] == [
        ("KV cache", "16:00", "grand-ballroom-1"),
        ("Batching", "16:30", "grand-ballroom-1"),
        ("After", "17:00", "grand-ballroom-1"),
    ]
    assert slots(edition)[1:] == [
        ("Batching", "Tue 14:30", "hall-b"),
        ("KV cache", "Tue 14:00", "hall-b"),
    ]
