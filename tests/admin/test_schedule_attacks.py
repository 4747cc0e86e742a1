"""The schedule editor's endpoints against bad input, forged requests and clock changes:
what a careless organiser or a hostile staff account may send them."""

import json

import pytest
from django.test import Client

from program.models import Room, Talk
from tests.factories import ConferenceFactory, RoomFactory, TalkFactory, local

pytestmark = pytest.mark.django_db


def place_url(edition):
    return f"/admin/program/conference/{edition.pk}/schedule/place/"


def post_placements(client, edition, placements):
    return client.post(
        place_url(edition), json.dumps({"placements": placements}), content_type="application/json"
    )


@pytest.fixture
def opening(edition, ballroom):
    return TalkFactory(
        conference=edition,
        title="Opening keynote",
        room=ballroom,
        start=local("2026-05-18", 9),
        end=local("2026-05-18", 10),
    )


@pytest.mark.parametrize(
    ("room", "message"),
    [
        ([1], "“Opening keynote”: room [1] is no room of MLSys 2026."),
        ({"id": 1}, "“Opening keynote”: room {'id': 1} is no room of MLSys 2026."),
        (True, "“Opening keynote”: room True is no room of MLSys 2026."),
        ("BALLROOM", "“Opening keynote”: room BALLROOM is no room of MLSys 2026."),
        (1.0, "“Opening keynote”: room 1.0 is no room of MLSys 2026."),
    ],
    ids=["list", "object", "true", "string-id", "float"],
)
def test_place_refuses_a_room_that_is_no_id(organiser_client, edition, opening, room, message):
    if room == "BALLROOM":
        room = str(opening.room_id)
        message = message.replace("BALLROOM", room)
    elif not Room.objects.filter(pk=1).exists():  # true and 1.0 would have named room 1
        RoomFactory(pk=1, conference=edition, name="Room one", slug="room-one")

    response = post_placements(
        organiser_client,
        edition,
        [{"talk": opening.pk, "day": "2026-05-18", "start": "11:00", "room": room}],
    )

    assert response.status_code == 400
    assert response.json() == {"errors": {"__all__": [message]}}
    assert Talk.objects.get(pk=opening.pk).start == local("2026-05-18", 9)


@pytest.mark.parametrize(
    ("talk", "message"),
    [
        (2**70, f"Talk {2**70} is no talk of MLSys 2026."),
        (-1, "Talk -1 is no talk of MLSys 2026."),
        (1.5, "Each placement names its talk by id."),
        ("7", "Each placement names its talk by id."),
        ([7], "Each placement names its talk by id."),
    ],
    ids=["huge", "negative", "float", "string", "list"],
)
def test_place_refuses_a_talk_that_is_no_id(organiser_client, edition, opening, talk, message):
    response = post_placements(organiser_client, edition, [{"talk": talk, "room": None}])

    assert response.status_code == 400
    assert response.json() == {"errors": {"__all__": [message]}}


def test_place_refuses_a_talk_and_a_room_of_another_edition(
    organiser_client, edition, opening, ballroom
):
    other = ConferenceFactory(slug="2025", name="MLSys 2025")
    theirs = TalkFactory(
        conference=other,
        title="Their keynote",
        room=RoomFactory(conference=other, name="Their hall", slug="their-hall"),
        start=local("2025-05-18", 9),
        end=local("2025-05-18", 10),
    )

    talk_refused = post_placements(
        organiser_client,
        edition,
        [
            {"talk": opening.pk, "day": "2026-05-18", "start": "11:00", "room": ballroom.pk},
            {"talk": theirs.pk, "day": "2026-05-18", "start": "09:00", "room": ballroom.pk},
        ],
    )
    room_refused = post_placements(
        organiser_client,
        edition,
        [{"talk": opening.pk, "day": "2026-05-18", "start": "11:00", "room": theirs.room_id}],
    )

    assert talk_refused.json() == {
        "errors": {"__all__": [f"Talk {theirs.pk} is no talk of MLSys 2026."]}
    }
    assert room_refused.json() == {
        "errors": {
            "__all__": [f"“Opening keynote”: room {theirs.room_id} is no room of MLSys 2026."]
        }
    }
    assert Talk.objects.get(pk=opening.pk).start == local("2026-05-18", 9)
    assert Talk.objects.get(pk=theirs.pk).start == local("2025-05-18", 9)


def test_place_refuses_a_talk_placed_twice(organiser_client, edition, opening, ballroom):
    placement = {"talk": opening.pk, "day": "2026-05-18", "start": "11:00", "room": ballroom.pk}

    response = post_placements(organiser_client, edition, [placement, placement])

    assert response.json() == {
        "errors": {"__all__": ["A talk can be placed only once in one move."]}
    }


@pytest.mark.parametrize(
    "body",
    [
        '{"placements": {"talk": 1}}',
        '{"placements": [[1]]}',
        "[]",
        '"x"',
        "1e999",
        '{"placements": []}',
    ],
)
def test_place_refuses_bodies_of_another_shape(organiser_client, edition, body):
    response = organiser_client.post(place_url(edition), body, content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()) == ["errors"]


def test_place_and_release_refuse_a_post_without_the_csrf_token(
    django_user_model, edition, opening, ballroom
):
    organiser = django_user_model.objects.create_superuser("organiser", "org@example.org", None)
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)
    edition.holds_changes = True
    edition.save()

    placed = post_placements(
        client,
        edition,
        [{"talk": opening.pk, "day": "2026-05-18", "start": "11:00", "room": ballroom.pk}],
    )
    released = client.post(
        f"/admin/program/conference/{edition.pk}/release/", {"name": "Final", "seen": "x"}
    )
    moved = client.post(
        f"/admin/program/talk/{opening.pk}/move/",
        {"day": "2026-05-18", "start": "11:00", "room": ballroom.pk},
    )

    assert (placed.status_code, released.status_code, moved.status_code) == (403, 403, 403)
    assert Talk.objects.get(pk=opening.pk).start == local("2026-05-18", 9)
    assert edition.releases.count() == 1  # the one switching holding on made


def test_move_form_refuses_a_day_outside_the_edition(organiser_client, edition, opening, ballroom):
    response = organiser_client.post(
        f"/admin/program/talk/{opening.pk}/move/",
        {"day": "2027-01-01", "start": "09:00", "room": ballroom.pk},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "errors": {"day": ["Choose a day of MLSys 2026: Monday, May 18 to Friday, May 22, 2026."]}
    }
    assert Talk.objects.get(pk=opening.pk).start == local("2026-05-18", 9)


def test_place_on_the_day_the_clocks_go_back_keeps_the_length_in_elapsed_time(
    organiser_client,
):
    edition = ConferenceFactory(
        slug="fall",
        name="Fall",
        start_date=local("2026-11-01", 0).date(),
        end_date=local("2026-11-02", 0).date(),
    )
    room = RoomFactory(conference=edition, name="Hall", slug="hall")
    talk = TalkFactory(
        conference=edition, room=room, start=local("2026-11-02", 9), end=local("2026-11-02", 11)
    )

    late = post_placements(
        organiser_client,
        edition,
        [{"talk": talk.pk, "day": "2026-11-01", "start": "00:30", "room": room.pk}],
    )
    skipped_day = post_placements(
        organiser_client,
        edition,
        [{"talk": talk.pk, "day": "2026-11-01", "start": "23:00", "end": "24:00", "room": room.pk}],
    )

    assert late.status_code == 200, late.content
    # 00:30 PDT plus two hours is 1:30 PST: the clocks went back at 2:00 PDT.
    assert (late.json()["talks"][0]["start_iso"], late.json()["talks"][0]["end_iso"]) == (
        "2026-11-01T00:30:00-07:00",
        "2026-11-01T01:30:00-08:00",
    )
    assert skipped_day.json()["talks"][0]["end_iso"] == "2026-11-02T00:00:00-08:00"
    assert skipped_day.json()["talks"][0]["end"] == "00:00"


def test_move_form_takes_an_end_at_midnight_as_the_editor_sends_it(
    organiser_client, edition, opening, ballroom
):
    response = organiser_client.post(
        f"/admin/program/talk/{opening.pk}/move/",
        {"day": "2026-05-18", "start": "23:00", "end": "24:00", "room": ballroom.pk},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 200, response.content
    assert (response.json()["talk"]["start_iso"], response.json()["talk"]["end_iso"]) == (
        "2026-05-18T23:00:00-07:00",
        "2026-05-19T00:00:00-07:00",
    )
    assert Talk.objects.get(pk=opening.pk).end == local("2026-05-19", 0)


@pytest.fixture
def spring(organiser_client):
    """An edition over the night the clocks go forward, a talk across the skipped hour."""
    edition = ConferenceFactory(
        slug="spring",
        name="Spring",
        start_date=local("2026-03-07", 0).date(),
        end_date=local("2026-03-08", 0).date(),
    )
    room = RoomFactory(conference=edition, name="Hall", slug="hall")
    talk = TalkFactory(
        conference=edition,
        title="Night owls",
        room=room,
        start=local("2026-03-08", 1, 30),
        end=local("2026-03-08", 3, 30),
    )
    return edition, room, talk


def test_place_refuses_a_start_the_clocks_skip(organiser_client, spring):
    edition, room, talk = spring

    response = post_placements(
        organiser_client,
        edition,
        [{"talk": talk.pk, "day": "2026-03-08", "start": "02:30", "room": room.pk}],
    )

    assert response.json() == {
        "errors": {
            "__all__": [
                "2:30 AM on Sunday, March 8, 2026 does not exist in America/Los_Angeles: the "
                "clocks go forward an hour then. Choose a time before or after the change."
            ]
        }
    }


def test_editor_shows_the_night_the_clocks_go_forward(organiser_client, spring):
    edition, _room, talk = spring

    response = organiser_client.get(
        f"/admin/program/conference/{edition.pk}/schedule/?day=2026-03-08"
    )

    assert response.status_code == 200
    block = response.content.decode().split(f'id="talk-{talk.pk}"')[1].split(">")[0]
    # Wall-clock minutes: 1:30 to 3:30 reads two hours, one of which the clocks skipped.
    assert 'data-start="90" data-end="210"' in block


def test_place_refuses_a_body_past_the_upload_limit_in_json(organiser_client, edition, opening):
    body = json.dumps({"placements": [{"talk": opening.pk, "room": None, "pad": "x" * 10**7}]})

    response = organiser_client.post(place_url(edition), body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "__all__": [
                "The body is too large for a move: send the placements of one day's talks at most."
            ]
        }
    }
