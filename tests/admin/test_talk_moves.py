"""The move page (program/admin/talk_moves.py): a talk's day, start time and room, its length
kept unless an end is given, as a form or as JSON for the schedule editor; the clashes it
makes; who may use it."""

import datetime as dt
import json

import lxml.html
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from program.models import Talk
from tests.admin.helpers import admin_url
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    local,
)

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def move_url(talk_pk):
    return admin_url("talk", "move", talk_pk)


def messages_of(response):
    return [(message.level_tag, message.message) for message in response.context["messages"]]


@pytest.fixture
def organiser(django_user_model):
    return django_user_model.objects.create_superuser("organiser", "org@example.org", None)


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


@pytest.fixture
def hall_b(edition):
    return RoomFactory(conference=edition, name="Hall B", slug="hall-b")


@pytest.fixture
def talk(edition, ballroom):
    return TalkFactory(
        conference=edition,
        room=ballroom,
        title="Systems for Agents",
        start=local("2026-05-18", 9),
        end=local("2026-05-18", 9, 25),
    )


def slot(talk_pk):
    """(local start, local end, room name) of the talk as stored."""
    talk = Talk.objects.select_related("conference", "room").get(pk=talk_pk)
    if not talk.is_scheduled:
        return None
    return (
        talk.local_start.replace(tzinfo=None),
        talk.local_end.replace(tzinfo=None),
        talk.room.name,
    )


# The form -----------------------------------------------------------------------------------


def test_form_shows_the_talks_slot_and_the_editions_days_and_rooms(
    organiser_client, edition, ballroom, hall_b, talk
):
    RoomFactory(conference=ConferenceFactory(slug="2025"), name="Elsewhere")

    response = organiser_client.get(move_url(talk.pk))

    assert response.status_code == 200
    page = lxml.html.fromstring(response.content.decode())
    assert page.xpath("string(//strong[@class='move-now'])") == (
        "Monday, May 18, 9:00–9:25 AM PDT in Grand Ballroom 1"
    )
    assert page.xpath("//select[@name='day']/option/text()") == [
        "Monday, May 18",
        "Tuesday, May 19",
        "Wednesday, May 20",
        "Thursday, May 21",
        "Friday, May 22",
    ]
    assert page.xpath("//select[@name='day']/option[@selected]/@value") == ["2026-05-18"]
    assert page.xpath("//input[@name='start']/@value") == ["09:00"]
    assert page.xpath("//input[@name='end']/@value") == []
    assert page.xpath("//select[@name='room']/option/text()") == [
        "Choose a room",
        "Grand Ballroom 1",
        "Hall B",
    ]
    assert page.xpath("//select[@name='room']/option[@selected]/text()") == ["Grand Ballroom 1"]
    assert "Leave it empty to keep the talk's length (25 minutes)." in page.text_content()


def test_form_of_an_unscheduled_talk_starts_on_the_first_day(organiser_client, edition):
    talk = TalkFactory(
        conference=edition, status="draft", start=None, end=None, room=None,
        duration=dt.timedelta(minutes=45),
    )  # fmt: skip

    response = organiser_client.get(move_url(talk.pk))

    page = lxml.html.fromstring(response.content.decode())
    assert (
        page.xpath("string(//strong[@class='move-now'])") == "Unscheduled (45 minutes once placed)"
    )
    assert page.xpath("//select[@name='day']/option[@selected]/@value") == ["2026-05-18"]
    assert page.xpath("//input[@name='start']/@value") == []


def test_move_keeps_the_length_and_redirects_to_the_editors_day(
    organiser_client, edition, hall_b, talk
):
    response = organiser_client.post(
        move_url(talk.pk), {"day": "2026-05-19", "start": "10:00", "room": hall_b.pk}
    )

    assert response.status_code == 302
    assert response["Location"] == (
        f"/admin/program/conference/{edition.pk}/schedule/?day=2026-05-19#talk-{talk.pk}"
    )
    assert slot(talk.pk) == (
        dt.datetime(2026, 5, 19, 10),
        dt.datetime(2026, 5, 19, 10, 25),
        "Hall B",
    )
    page = organiser_client.get(admin_url("talk"))
    assert messages_of(page) == [
        ("success", "“Systems for Agents” moved to Tuesday, May 19, 10:00 AM PDT in Hall B.")
    ]


def test_move_with_an_end_sets_the_length(organiser_client, hall_b, talk):
    organiser_client.post(
        move_url(talk.pk),
        {"day": "2026-05-18", "start": "14:00", "end": "15:30", "room": hall_b.pk},
    )

    assert slot(talk.pk) == (
        dt.datetime(2026, 5, 18, 14),
        dt.datetime(2026, 5, 18, 15, 30),
        "Hall B",
    )


@pytest.mark.parametrize(("duration", "end"), [(dt.timedelta(minutes=45), 45), (None, 30)])
def test_an_unscheduled_talk_takes_its_duration_or_30_minutes(
    organiser_client, edition, hall_b, duration, end
):
    talk = TalkFactory(
        conference=edition, status="draft", start=None, end=None, room=None, duration=duration
    )

    organiser_client.post(
        move_url(talk.pk), {"day": "2026-05-20", "start": "11:00", "room": hall_b.pk}
    )

    assert slot(talk.pk) == (
        dt.datetime(2026, 5, 20, 11),
        dt.datetime(2026, 5, 20, 11, end),
        "Hall B",
    )


def test_move_saves_a_clash_and_names_it(organiser_client, edition, hall_b, talk):
    speaker = SpeakerFactory(name="Ion Stoica")
    talk.speakers.add(speaker)
    TalkFactory(
        conference=edition, room=hall_b, title="LMCache", speakers=[speaker],
        start=local("2026-05-19", 10, 15), end=local("2026-05-19", 11),
    )  # fmt: skip

    organiser_client.post(
        move_url(talk.pk), {"day": "2026-05-19", "start": "10:00", "room": hall_b.pk}
    )

    assert slot(talk.pk)[2] == "Hall B"
    assert messages_of(organiser_client.get(admin_url("talk"))) == [
        ("success", "“Systems for Agents” moved to Tuesday, May 19, 10:00 AM PDT in Hall B."),
        ("warning", "Room clash: “LMCache” is also in Hall B at Tuesday, May 19, 10:15 AM PDT."),
        (
            "warning",
            "Speaker clash: Ion Stoica also speaks in “LMCache” in Hall B at Tuesday, May 19, "
            "10:15 AM PDT.",
        ),
    ]


def test_move_writes_the_admin_log_and_the_history_with_who(
    organiser_client, organiser, hall_b, talk
):
    organiser_client.post(
        move_url(talk.pk), {"day": "2026-05-19", "start": "10:00", "room": hall_b.pk}
    )

    entry = LogEntry.objects.get()
    assert (entry.user, entry.object_id, entry.get_change_message()) == (
        organiser,
        str(talk.pk),
        "Moved from Monday, May 18, 9:00 AM PDT in Grand Ballroom 1 to Tuesday, May 19, "
        "10:00 AM PDT in Hall B.",
    )
    record = Talk.history.filter(id=talk.pk).latest("history_id")
    assert (record.history_type, record.history_user, record.room_id) == ("~", organiser, hall_b.pk)


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"day": "2026-05-18", "start": "10:00", "end": "09:30"},
            {"end": ["The talk must end after it starts."]},
        ),
        (
            {"day": "18/05/2026", "start": "9am", "end": ""},
            {
                "day": ["Enter the day as YYYY-MM-DD, e.g. 2026-05-18."],
                "start": ["Enter the start as HH:MM (24-hour clock), e.g. 09:30."],
            },
        ),
    ],
)
def test_refused_move_keeps_the_input_and_changes_nothing(
    organiser_client, ballroom, talk, data, errors
):
    before = slot(talk.pk)

    response = organiser_client.post(move_url(talk.pk), {**data, "room": ballroom.pk})

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    page = lxml.html.fromstring(response.content.decode())
    assert page.xpath("//input[@name='start']/@value") == [data["start"]]
    assert page.xpath("//select[@name='room']/option[@selected]/text()") == ["Grand Ballroom 1"]
    assert page.xpath("string(//strong[@class='move-now'])") == (
        "Monday, May 18, 9:00–9:25 AM PDT in Grand Ballroom 1"
    )
    assert slot(talk.pk) == before
    assert not LogEntry.objects.exists()


def test_a_time_the_clocks_skip_is_refused_in_words(organiser_client):
    edition = ConferenceFactory(start_date=dt.date(2026, 3, 7), end_date=dt.date(2026, 3, 9))
    room = RoomFactory(conference=edition, name="Hall")
    talk = TalkFactory(
        conference=edition, room=room, start=local("2026-03-07", 9), end=local("2026-03-07", 10)
    )

    response = organiser_client.post(
        move_url(talk.pk), {"day": "2026-03-08", "start": "02:30", "room": room.pk}, **JSON
    )

    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "start": [
                "2:30 AM on Sunday, March 8, 2026 does not exist in America/Los_Angeles: the "
                "clocks go forward an hour then. Choose a time before or after the change."
            ]
        }
    }


def test_an_edition_that_holds_changes_keeps_the_public_slot_until_released(
    organiser_client, edition, hall_b, talk
):
    edition.holds_changes = True
    edition.save()

    page = organiser_client.get(move_url(talk.pk))
    organiser_client.post(
        move_url(talk.pk), {"day": "2026-05-19", "start": "10:00", "room": hall_b.pk}
    )

    assert "holds changes for release" in page.content.decode()
    stored = Talk.objects.get(pk=talk.pk)
    assert (stored.room_id, stored.public_room_id) == (hall_b.pk, talk.room_id)
    assert stored.public_start == local("2026-05-18", 9)


# JSON ---------------------------------------------------------------------------------------


def test_json_move_answers_the_talks_block_and_its_clashes(organiser_client, edition, hall_b, talk):
    other = TalkFactory(
        conference=edition, room=hall_b, title="LMCache",
        start=local("2026-05-19", 10, 15), end=local("2026-05-19", 11),
    )  # fmt: skip

    response = organiser_client.post(
        move_url(talk.pk), {"day": "2026-05-19", "start": "10:00", "room": hall_b.pk}, **JSON
    )

    assert response.status_code == 200
    assert response.json() == {
        "talk": {
            "id": talk.pk,
            "title": "Systems for Agents",
            "status": "published",
            "day": "2026-05-19",
            "start": "10:00",
            "end": "10:25",
            "room": hall_b.pk,
            "start_iso": "2026-05-19T10:00:00-07:00",
            "end_iso": "2026-05-19T10:25:00-07:00",
        },
        "clashes": [
            {
                "talk": talk.pk,
                "other": other.pk,
                "other_title": "LMCache",
                "kind": "room",
                "speaker": None,
                "message": (
                    "Room clash: “LMCache” is also in Hall B at Tuesday, May 19, 10:15 AM PDT."
                ),
            }
        ],
    }


def test_json_get_answers_the_talk_as_it_is(organiser_client, talk, ballroom):
    response = organiser_client.get(move_url(talk.pk), **JSON)

    assert response.json() == {
        "talk": {
            "id": talk.pk,
            "title": "Systems for Agents",
            "status": "published",
            "day": "2026-05-18",
            "start": "09:00",
            "end": "09:25",
            "room": ballroom.pk,
            "start_iso": "2026-05-18T09:00:00-07:00",
            "end_iso": "2026-05-18T09:25:00-07:00",
        },
        "clashes": [],
    }


def test_json_refusal_names_each_field(organiser_client, talk):
    elsewhere = RoomFactory(conference=ConferenceFactory(slug="2025"), name="Elsewhere")

    response = organiser_client.post(move_url(talk.pk), {"room": elsewhere.pk}, **JSON)

    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "day": ["This field is required."],
            "start": ["This field is required."],
            "room": ["Choose a room of MLSys 2026."],
        }
    }
    assert slot(talk.pk)[2] == "Grand Ballroom 1"


def test_json_move_with_the_csrf_header(organiser, hall_b, talk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)
    data = {"day": "2026-05-19", "start": "10:00", "room": hall_b.pk}

    without = client.post(move_url(talk.pk), data, **JSON)
    token = client.get(move_url(talk.pk)).cookies["csrftoken"].value
    moved = client.post(move_url(talk.pk), data, HTTP_X_CSRFTOKEN=token, **JSON)

    assert (without.status_code, moved.status_code) == (403, 200)
    assert moved.json()["talk"]["room"] == hall_b.pk


@pytest.mark.parametrize("clashing", [1, 3])
def test_json_move_query_count(
    organiser_client, edition, hall_b, talk, clashing, django_assert_num_queries
):
    for number in range(clashing):
        TalkFactory(
            conference=edition, room=hall_b, speakers=[SpeakerFactory()],
            start=local("2026-05-19", 10, 5 * number), end=local("2026-05-19", 11),
        )  # fmt: skip
    data = {"day": "2026-05-19", "start": "10:00", "room": hall_b.pk}
    ContentType.objects.get_for_model(Talk)  # the admin log's, cached once per process

    # The session, the user, the talk, the room; the move (savepoint, update, history,
    # admin log, release); the clashes (times, speakers, the talks named and their speakers).
    with django_assert_num_queries(13):
        response = organiser_client.post(move_url(talk.pk), data, **JSON)

    assert len(response.json()["clashes"]) == clashing


@pytest.mark.parametrize("rooms", [1, 3])
def test_form_page_query_count(organiser_client, edition, talk, rooms, django_assert_num_queries):
    RoomFactory.create_batch(rooms, conference=edition)

    with django_assert_num_queries(4):
        response = organiser_client.get(move_url(talk.pk))

    assert len(response.context["form"].fields["room"].choices) == rooms + 2


# Who may move -------------------------------------------------------------------------------


def staff_client(django_user_model, *codenames):
    user = django_user_model.objects.create_user("staff", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("codenames", "status"),
    [
        (["change_talk"], 302),
        (["view_talk"], 403),
        (["view_room", "change_room"], 403),
        ([], 403),
    ],
)
def test_staff_move_as_their_permissions_say(django_user_model, hall_b, talk, codenames, status):
    client = staff_client(django_user_model, *codenames)
    data = {"day": "2026-05-19", "start": "10:00", "room": hall_b.pk}

    page = client.get(move_url(talk.pk))
    posted = client.post(move_url(talk.pk), data)
    as_json = client.post(move_url(talk.pk), data, **JSON)

    assert (page.status_code, posted.status_code) == (200 if status == 302 else 403, status)
    moved = status == 302
    assert slot(talk.pk)[2] == ("Hall B" if moved else "Grand Ballroom 1")
    if not moved:
        assert "Moving a talk needs the permission “Can change talk”" in posted.content.decode()
        assert (as_json.status_code, json.loads(as_json.content)) == (
            403,
            {"errors": {"__all__": [
                "Moving a talk needs the permission “Can change talk”, which your account lacks."
            ]}},
        )  # fmt: skip


def test_superuser_may_move(organiser_client, hall_b, talk):
    assert organiser_client.get(move_url(talk.pk)).status_code == 200


def test_anonymous_visitor_is_sent_to_the_login(client, talk):
    response = client.post(move_url(talk.pk), {"day": "2026-05-19", "start": "10:00"})

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={move_url(talk.pk)}"


def test_an_unknown_talk_is_404_and_403_without_the_permission(
    organiser_client, django_user_model, talk
):
    viewer = staff_client(django_user_model, "view_talk")

    assert organiser_client.get(move_url(talk.pk + 1)).status_code == 404
    assert organiser_client.get(move_url("x1"), **JSON).json() == {
        "errors": {"__all__": ["No talk has the id “x1”."]}
    }
    assert viewer.get(move_url(talk.pk + 1)).status_code == 403


def test_talk_page_links_to_the_move_page_for_those_who_may_move(
    organiser_client, django_user_model, talk
):
    link = f'<a href="{move_url(talk.pk)}" class="movelink">Move to…</a>'
    viewer = staff_client(django_user_model, "view_talk")

    assert link in organiser_client.get(admin_url("talk", "change", talk.pk)).content.decode()
    assert link not in viewer.get(admin_url("talk", "change", talk.pk)).content.decode()
