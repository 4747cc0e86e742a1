"""The schedule editor's page without JavaScript, its permission, and its place endpoint
(program/admin/schedule.py)."""

import datetime as dt
import json

import lxml.html
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission

from program.models import Talk
from tests.factories import (
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkTypeFactory,
    TrackFactory,
    local,
)

pytestmark = pytest.mark.django_db


def editor_url(edition, day=None, suffix=""):
    url = f"/admin/program/conference/{edition.pk}/schedule/{suffix}"
    return f"{url}?day={day}" if day else url


def page(response):
    assert response.status_code == 200, response.content[:500]
    return lxml.html.fromstring(response.content.decode())


@pytest.fixture
def hall(edition):
    return RoomFactory(conference=edition, name="Hall B", slug="hall-b", position=1)


@pytest.fixture
def day_one(edition, ballroom, hall):
    """Two talks on the first day, one in each room, and one waiting to be placed."""
    ballroom.position = 0
    ballroom.save()
    keynote = TalkTypeFactory(slug="keynote", name="Keynote")
    serving = TrackFactory(conference=edition, name="LLM Serving", slug="llm-serving")
    ada = SpeakerFactory(name="Ada Byron", slug="ada-byron")
    opening = TalkFactory(
        conference=edition,
        title="Opening keynote",
        type=keynote,
        track=serving,
        room=ballroom,
        start=local("2026-05-18", 9),
        end=local("2026-05-18", 10),
        speakers=[ada],
    )
    caching = TalkFactory(
        conference=edition,
        title="Caching at scale",
        room=hall,
        start=local("2026-05-18", 9, 30),
        end=local("2026-05-18", 10),
        status=Talk.Status.DRAFT,
        speakers=[ada],
    )
    waiting = TalkFactory(
        conference=edition,
        title="Sparse attention",
        start=None,
        end=None,
        room=None,
        status=Talk.Status.DRAFT,
        duration=dt.timedelta(minutes=45),
        speakers=[SpeakerFactory(name="Grace Hopper", slug="grace-hopper")],
    )
    return opening, caching, waiting


def test_editor_lists_the_days_talks_by_room_and_time_without_javascript(
    organiser_client, edition, day_one
):
    opening, _caching, _waiting = day_one

    tree = page(organiser_client.get(editor_url(edition, "2026-05-18")))

    rooms = tree.xpath("//section[@class='editor-room']")
    assert [room.xpath("string(h3)") for room in rooms] == ["Grand Ballroom 1", "Hall B"]
    first = rooms[0].xpath(".//li[@data-talk]")[0]
    assert first.xpath("string(.//*[@class='block-title'])") == "Opening keynote"
    assert first.xpath("string(.//*[@class='block-time'])") == "09:00–10:00"
    assert first.xpath("string(.//*[@class='block-speakers'])") == "Ada Byron"
    assert first.xpath("string(.//*[@class='block-type'])") == "Keynote"
    assert first.get("data-start") == "540"
    assert first.get("data-end") == "600"
    assert first.get("data-track") == "llm-serving"
    assert first.xpath(".//a[@class='block-move']/@href") == [
        f"/admin/program/talk/{opening.pk}/move/"
        if has_move_form()
        else f"/admin/program/talk/{opening.pk}/change/"
    ]
    second = rooms[1].xpath(".//li[@data-talk]")[0]
    assert second.xpath("string(.//*[contains(@class, 'block-status')])") == "Draft"
    waiting_titles = tree.xpath("//ol[@class='editor-waiting-list']//*[@class='block-title']")
    assert [title.text for title in waiting_titles] == ["Sparse attention"]
    assert tree.xpath("string(//ol[@class='editor-waiting-list']//*[@class='block-time'])") == (
        "45 min"
    )
    days = tree.xpath("//nav[@class='editor-days']//a")
    assert [a.get("href") for a in days][:2] == ["?day=2026-05-18", "?day=2026-05-19"]
    assert len(days) == 5
    assert tree.xpath("//nav[@class='editor-days']//a[@aria-current='page']/text()") == [
        "Monday, May 18"
    ]
    hours = tree.xpath("//ol[@class='editor-hours']/li/text()")
    assert hours[0] == "08:00"
    assert hours[-1] == "17:00"


def has_move_form():
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("admin:program_talk_move", args=[1])
    except NoReverseMatch:
        return False
    return True


def test_editor_day_is_another_day_of_the_edition(organiser_client, edition, day_one):
    tree = page(organiser_client.get(editor_url(edition, "2026-05-19")))

    assert tree.xpath("//li[@data-start]") == []
    assert tree.xpath("//h2[@id='editor-day-heading']/text()") == ["Tuesday, May 19"]


def test_editor_refuses_a_day_outside_the_edition(organiser_client, edition):
    assert organiser_client.get(editor_url(edition, "2026-06-01")).status_code == 404
    assert organiser_client.get(editor_url(edition, "not-a-day")).status_code == 404


def test_editor_hides_the_rooms_and_tracks_not_picked(organiser_client, edition, day_one, hall):
    response = organiser_client.get(
        editor_url(edition) + f"?day=2026-05-18&pick=1&room={hall.pk}&track=-"
    )

    tree = page(response)
    hidden = tree.xpath("//section[@class='editor-room'][@hidden]/h3/text()")
    assert hidden == ["Grand Ballroom 1"]
    days = tree.xpath("//nav[@class='editor-days']//a/@href")
    assert days[1] == f"?day=2026-05-19&pick=1&room={hall.pk}&track=-"
    # The keynote's track is not picked; talks without a track are.
    assert tree.xpath("//li[@data-talk][@hidden]//*[@class='block-title']/text()") == [
        "Opening keynote"
    ]


def test_editor_searches_and_filters_the_unscheduled_talks(organiser_client, edition, day_one):
    TalkFactory(
        conference=edition,
        title="Quantised kernels",
        start=None,
        end=None,
        room=None,
        status=Talk.Status.DRAFT,
    )

    def listed(query):
        tree = page(organiser_client.get(editor_url(edition) + "?" + query))
        shown = "//ol[@class='editor-waiting-list']/li[not(@hidden)]"
        return tree.xpath(shown + "//*[@class='block-title']/text()")

    assert listed("") == ["Quantised kernels", "Sparse attention"]
    assert listed("q=sparse") == ["Sparse attention"]
    assert listed("type=keynote") == []
    assert listed("utrack=-") == ["Quantised kernels", "Sparse attention"]


def test_editor_links_the_release_page_when_the_edition_holds_changes(
    organiser_client, edition, day_one
):
    assert (
        page(organiser_client.get(editor_url(edition))).xpath("//*[@class='editor-release']") == []
    )

    edition.holds_changes = True
    edition.save()

    note = page(organiser_client.get(editor_url(edition))).xpath("//*[@class='editor-release']")
    assert note[0].text_content().startswith("This edition holds changes until they are released")


@pytest.mark.parametrize("item_count", [1, 3])
def test_editor_query_count_is_constant(
    organiser_client, edition, ballroom, item_count, django_assert_num_queries
):
    for number in range(item_count):
        TalkFactory(
            conference=edition,
            room=RoomFactory(conference=edition, name=f"Room {number}"),
            track=TrackFactory(conference=edition, name=f"Track {number}"),
            start=local("2026-05-18", 9 + number),
            end=local("2026-05-18", 9 + number, 45),
            speakers=[SpeakerFactory(), SpeakerFactory()],
        )
        TalkFactory(
            conference=edition,
            start=None,
            end=None,
            room=None,
            status=Talk.Status.DRAFT,
            speakers=[SpeakerFactory()],
        )

    # Session, user, the edition, the day's talks and their speakers, the rooms, the
    # tracks, the types, the unscheduled talks and their speakers, the day's sessions.
    with django_assert_num_queries(11):
        response = organiser_client.get(editor_url(edition))

    assert len(page(response).xpath("//li[@data-talk]")) == 2 * item_count


@pytest.fixture
def viewer_client(client, django_user_model):
    """A staff user who may view talks and editions but change nothing."""
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.set(
        Permission.objects.filter(codename__in=["view_talk", "view_conference"])
    )
    client.force_login(viewer)
    return client


def test_editor_refuses_a_user_who_may_only_view_talks(viewer_client, edition, day_one):
    opening = day_one[0]

    response = viewer_client.get(editor_url(edition))
    placed = viewer_client.post(
        editor_url(edition, suffix="place/"),
        json.dumps({"placements": [{"talk": opening.pk, "room": None}]}),
        content_type="application/json",
    )

    assert response.status_code == 403
    tree = lxml.html.fromstring(response.content.decode())
    assert tree.xpath("string(//p[@class='errornote'])") == (
        "Moving talks needs the permission “Can change talk”, which your account lacks."
    )
    assert tree.xpath("//*[@id='header']")  # in the admin's look
    assert placed.status_code == 403
    assert Talk.objects.get(pk=opening.pk).start == local("2026-05-18", 9)


def test_editor_sends_anyone_not_staff_to_the_login(client, edition):
    response = client.get(editor_url(edition))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_editor_tracks_stylesheet_names_every_track_of_the_edition(
    organiser_client, edition, day_one
):
    TrackFactory(conference=edition, name="Drafts only", slug="drafts-only", colour="#FFEE00")

    response = organiser_client.get(editor_url(edition, suffix="tracks.css"))

    assert response["Content-Type"].startswith("text/css")
    rules = response.content.decode()
    assert '[data-track="drafts-only"] { --track-colour: #ffee00; --track-ink: #000000; }' in rules
    assert '[data-track="llm-serving"] { --track-colour: #1d4ed8; --track-ink: #ffffff; }' in rules


# The place endpoint --------------------------------------------------------------------------


def post_placements(client, edition, placements):
    return client.post(
        editor_url(edition, suffix="place/"),
        json.dumps({"placements": placements}),
        content_type="application/json",
    )


def test_place_swaps_two_talks_in_one_request(organiser_client, edition, day_one, ballroom, hall):
    opening, caching, _ = day_one

    response = post_placements(
        organiser_client,
        edition,
        [
            {"talk": opening.pk, "day": "2026-05-18", "start": "09:30", "room": hall.pk},
            {"talk": caching.pk, "day": "2026-05-18", "start": "09:00", "room": ballroom.pk},
        ],
    )

    assert response.status_code == 200
    body = response.json()
    assert [(b["id"], b["start"], b["end"], b["room"]) for b in body["talks"]] == [
        (opening.pk, "09:30", "10:30", hall.pk),
        (caching.pk, "09:00", "09:30", ballroom.pk),
    ]
    # Ada Byron speaks in both, now overlapping from 9:30 to 10:00? No: 9:00-9:30 and
    # 9:30-10:30 only touch.
    assert body["clashes"] == []
    opening.refresh_from_db()
    assert (opening.start, opening.room) == (local("2026-05-18", 9, 30), hall)
    assert LogEntry.objects.filter(object_id=str(opening.pk)).get().change_message == (
        "Moved from Monday, May 18, 9:00 AM PDT in Grand Ballroom 1 to "
        "Monday, May 18, 9:30 AM PDT in Hall B."
    )


def test_place_answers_the_clashes_it_makes(organiser_client, edition, day_one, ballroom):
    opening, _caching, waiting = day_one

    response = post_placements(
        organiser_client,
        edition,
        [{"talk": waiting.pk, "day": "2026-05-18", "start": "09:15", "room": ballroom.pk}],
    )

    body = response.json()
    assert body["talks"][0]["start"] == "09:15"
    assert body["talks"][0]["end"] == "10:00"  # its duration, 45 minutes
    assert body["clashes"] == [
        {
            "talk": waiting.pk,
            "other": opening.pk,
            "other_title": "Opening keynote",
            "kind": "room",
            "speaker": None,
            "message": body["clashes"][0]["message"],
        }
    ]
    assert "Opening keynote" in body["clashes"][0]["message"]


def test_place_with_an_end_sets_the_length(organiser_client, edition, day_one, ballroom):
    opening = day_one[0]

    response = post_placements(
        organiser_client,
        edition,
        [
            {
                "talk": opening.pk,
                "day": "2026-05-18",
                "start": "09:00",
                "end": "09:45",
                "room": ballroom.pk,
            }
        ],
    )

    assert response.json()["talks"][0]["end"] == "09:45"
    assert Talk.objects.get(pk=opening.pk).end == local("2026-05-18", 9, 45)


def test_place_sends_a_draft_back_to_the_unscheduled_list(organiser_client, edition, day_one):
    caching = day_one[1]

    response = post_placements(organiser_client, edition, [{"talk": caching.pk, "room": None}])

    assert response.json()["talks"][0] | {"title": ""} == {
        "id": caching.pk,
        "title": "",
        "status": "draft",
        "day": None,
        "start": None,
        "end": None,
        "room": None,
        "start_iso": None,
        "end_iso": None,
    }
    caching.refresh_from_db()
    assert (caching.start, caching.duration) == (None, dt.timedelta(minutes=30))


def test_place_refuses_a_published_talk_without_a_slot_and_saves_nothing(
    organiser_client, edition, day_one, ballroom
):
    opening, caching, _ = day_one

    response = post_placements(
        organiser_client,
        edition,
        [
            {"talk": caching.pk, "day": "2026-05-18", "start": "11:00", "room": ballroom.pk},
            {"talk": opening.pk, "room": None},
        ],
    )

    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "__all__": [
                "“Opening keynote”: Only a draft can wait without a slot: give the talk a "
                "day, time and room before it is public."
            ]
        }
    }
    assert Talk.objects.get(pk=caching.pk).start == local("2026-05-18", 9, 30)


@pytest.mark.parametrize(
    ("placement", "message"),
    [
        ({"talk": 0, "room": None}, "Talk 0 is no talk of MLSys 2026."),
        (
            {"talk": "OPENING", "day": "2026-05-18", "start": "09:00", "room": "BALLROOM"},
            "“Opening keynote”: room 999999 is no room of MLSys 2026.",
        ),
        (
            {"talk": "OPENING", "day": "2026-06-01", "start": "09:00", "room": "BALLROOM"},
            "“Opening keynote”: “2026-06-01” is no day of MLSys 2026.",
        ),
        (
            {"talk": "OPENING", "day": "2026-05-18", "start": "9am", "room": "BALLROOM"},
            "“9am” is no time written HH:MM.",
        ),
        (
            {
                "talk": "OPENING",
                "day": "2026-05-18",
                "start": "10:00",
                "end": "09:00",
                "room": "BALLROOM",
            },
            "“Opening keynote” must end after it starts.",
        ),
    ],
    ids=["unknown-talk", "unknown-room", "other-day", "bad-time", "end-before-start"],
)
def test_place_refuses_bad_placements_in_plain_words(
    organiser_client, edition, day_one, ballroom, placement, message
):
    opening = day_one[0]
    values = {"OPENING": opening.pk, "BALLROOM": ballroom.pk}
    if placement.get("room") == "BALLROOM" and message.endswith("no room of MLSys 2026."):
        values["BALLROOM"] = 999999
    placement = {key: values.get(value, value) for key, value in placement.items()}

    response = post_placements(organiser_client, edition, [placement])

    assert response.status_code == 400
    assert response.json() == {"errors": {"__all__": [message]}}
    assert Talk.objects.get(pk=opening.pk).start == local("2026-05-18", 9)


def test_place_refuses_a_body_that_is_not_json(organiser_client, edition):
    response = organiser_client.post(
        editor_url(edition, suffix="place/"), "placements", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"errors": {"__all__": ["The body is not JSON."]}}


def test_place_needs_post(organiser_client, edition):
    assert organiser_client.get(editor_url(edition, suffix="place/")).status_code == 405


def test_edition_change_form_links_its_schedule_editor(organiser_client, edition):
    response = organiser_client.get(f"/admin/program/conference/{edition.pk}/change/")

    assert page(response).xpath(
        "//ul[@class='object-tools']//a[text()='Schedule editor']/@href"
    ) == [f"/admin/program/conference/{edition.pk}/schedule/"]


def test_edition_change_form_offers_no_editor_to_who_may_not_move_talks(viewer_client, edition):
    response = viewer_client.get(f"/admin/program/conference/{edition.pk}/change/")

    assert page(response).xpath("//a[text()='Schedule editor']") == []
