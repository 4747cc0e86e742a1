"""The room admin (program/admin/rooms.py): the list by edition, the next free position, a
new room in the listed edition, and the talks in a room."""

import datetime as dt

import lxml.html
import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils.text import slugify

from program.models import Room, Talk
from tests.admin.helpers import (
    add_link,
    admin_url,
    form_data,
    inline_rows,
    prepopulated,
    selected_edition,
    titles,
)
from tests.factories import ConferenceFactory, RoomFactory, SpeakerFactory, TalkFactory, local

pytestmark = pytest.mark.django_db


def table_rows(response, table_class):
    """The cells of each body row of a table the page shows, as text."""
    page = lxml.html.fromstring(response.content.decode())
    rows = page.xpath(f"//table[@class='{table_class}']/tbody/tr")
    return [[cell.text_content().strip() for cell in row.xpath("td")] for row in rows]


def test_room_changelist_lists_rooms_by_edition_then_position(organiser_client, edition):
    older = ConferenceFactory(slug="2025", name="MLSys 2025", start_date=dt.date(2025, 5, 12))
    RoomFactory(conference=older, name="Old Hall", position=0)
    RoomFactory(conference=edition, name="Ballroom B", position=2)
    RoomFactory(conference=edition, name="Ballroom A", position=1)

    response = organiser_client.get(admin_url("room"))

    assert titles(response) == ["Ballroom A", "Ballroom B", "Old Hall"]
    assert '<td class="field-conference nowrap">MLSys 2025</td>' in response.content.decode()


def test_room_changelist_search_by_name(organiser_client, edition):
    RoomFactory(conference=edition, name="Ballroom A")
    RoomFactory(conference=edition, name="Hall B")

    response = organiser_client.get(admin_url("room"), {"q": "ballroom"})

    assert titles(response) == ["Ballroom A"]


def test_room_changelist_filters_by_edition(organiser_client, edition):
    older = ConferenceFactory(slug="2025", name="MLSys 2025", start_date=dt.date(2025, 5, 12))
    RoomFactory(conference=older, name="Old Hall")
    RoomFactory(conference=edition, name="Ballroom A")

    response = organiser_client.get(admin_url("room"), {"conference__id__exact": older.pk})

    assert titles(response) == ["Old Hall"]


def test_room_add_page_prepopulates_the_slug(organiser_client, edition):
    response = organiser_client.get(admin_url("room", "add"))

    content = response.content.decode()
    assert "<h1>Add room</h1>" in content
    assert prepopulated(response) == {"slug": ["name"]}


def test_new_room_from_a_list_filtered_by_edition_has_that_edition(organiser_client, edition):
    older = ConferenceFactory(slug="2025", name="MLSys 2025", start_date=dt.date(2025, 5, 12))
    filtered = organiser_client.get(admin_url("room"), {"conference__id__exact": older.pk})

    from_filtered = organiser_client.get(add_link(filtered))
    from_unfiltered = organiser_client.get(add_link(organiser_client.get(admin_url("room"))))

    assert selected_edition(from_filtered) == ["MLSys 2025"]
    assert selected_edition(from_unfiltered) == ["MLSys 2026"]  # the current edition


def test_new_room_gets_the_next_free_position_of_its_edition(organiser_client, edition):
    RoomFactory(conference=edition, name="Ballroom A", position=0)
    RoomFactory(conference=edition, name="Ballroom B", position=3)
    other = ConferenceFactory(slug="2025", name="MLSys 2025", start_date=dt.date(2025, 5, 12))
    page = organiser_client.get(admin_url("room", "add"))

    for conference, name in [(edition, "Hall C"), (other, "Old Hall")]:
        fields = {"conference": str(conference.pk), "name": name, "slug": slugify(name)}
        response = organiser_client.post(
            admin_url("room", "add"), form_data(page, "room_form", fields)
        )
        assert response.status_code == 302

    assert "Leave it empty to list the room after the edition's others." in page.content.decode()
    assert page.context["adminform"].form["position"].value() is None
    assert list(
        Room.objects.order_by("conference", "position").values_list("name", "position")
    ) == [
        ("Ballroom A", 0),
        ("Ballroom B", 3),
        ("Hall C", 4),
        ("Old Hall", 0),
    ]


def test_room_change_page_lists_its_talks(organiser_client, edition, ballroom):
    talk = TalkFactory(
        conference=edition,
        room=ballroom,
        title="Systems for Agents",
        start=local("2026-05-18", 9),
        end=local("2026-05-18", 9, 25),
    )
    TalkFactory(
        conference=edition,
        room=ballroom,
        title="Cancelled later",
        start=local("2026-05-19", 11, 30),
        end=local("2026-05-19", 12, 30),
        status=Talk.Status.CANCELLED,
    )
    TalkFactory(conference=edition, title="Elsewhere")

    response = organiser_client.get(admin_url("room", "change", ballroom.pk))

    content = response.content.decode()
    assert "<label>Talks in this room:</label>" in content
    assert table_rows(response, "room-talks") == [
        ["Systems for Agents", "Monday, May 18, 9:00–9:25 AM PDT", "Invited Talk", "Published"],
        ["Cancelled later", "Tuesday, May 19, 11:30 AM–12:30 PM PDT", "Invited Talk", "Cancelled"],
    ]
    assert f'<a href="/admin/program/talk/{talk.pk}/change/">Systems for Agents</a>' in content


def test_room_without_talks_says_so(organiser_client, ballroom):
    response = organiser_client.get(admin_url("room", "change", ballroom.pk))

    assert '<div class="readonly">None yet.</div>' in response.content.decode()


@pytest.mark.parametrize("item_count", [1, 3])
def test_room_and_speaker_pages_list_talks_in_constant_queries(
    organiser_client, edition, ballroom, item_count, django_assert_num_queries
):
    speaker = SpeakerFactory()
    for _ in range(item_count):
        TalkFactory(conference=edition, room=ballroom, speakers=[speaker])
    ContentType.objects.clear_cache()  # "View on site" looks it up once per process

    with django_assert_num_queries(6):
        room_page = organiser_client.get(admin_url("room", "change", ballroom.pk))
    ContentType.objects.clear_cache()
    with django_assert_num_queries(8):
        speaker_page = organiser_client.get(admin_url("speaker", "change", speaker.pk))

    assert len(table_rows(room_page, "room-talks")) == item_count
    assert len(inline_rows(speaker_page, "talk_links-group")) == item_count


def test_room_changelist_links_each_rooms_door_screen(organiser_client, edition, ballroom):
    unpublished = ConferenceFactory(slug="2027", name="MLSys 2027", is_published=False)
    RoomFactory(conference=unpublished, name="Hall Z")

    response = organiser_client.get(admin_url("room"))

    page = lxml.html.fromstring(response.content.decode())
    cells = page.xpath("//td[contains(@class, 'field-door_screen')]")
    assert [
        (cell.text_content(), cell.xpath("a/@href"), cell.xpath("a/@target")) for cell in cells
    ] == [
        ("Door screen", ["/2026/rooms/grand-ballroom-1/screen/"], ["_blank"]),
        ("Door screen (once the edition is published)", ["/2027/rooms/hall-z/screen/"], ["_blank"]),
    ]
    assert organiser_client.get("/2026/rooms/grand-ballroom-1/screen/").status_code == 200


def test_room_change_page_sets_the_stream_and_the_screen_notice(organiser_client, ballroom):
    page = organiser_client.get(admin_url("room", "change", ballroom.pk))
    door = lxml.html.fromstring(page.content.decode()).xpath(
        "//div[contains(@class, 'field-door_screen')]//a/@href"
    )
    changes = {
        "stream_url": "https://stream.example.org/ballroom",
        "screen_notice": "Room full: overflow in Hall B",
    }

    response = organiser_client.post(
        page.request["PATH_INFO"], form_data(page, "room_form", changes)
    )

    assert door == ["/2026/rooms/grand-ballroom-1/screen/"]
    assert response.status_code == 302
    ballroom.refresh_from_db()
    assert (ballroom.stream_url, ballroom.screen_notice) == tuple(changes.values())


@pytest.mark.parametrize(
    ("stream_url", "message"),
    [
        ("javascript:alert(1)", "Enter a valid URL."),
        ("ftp://stream.example.org/x", "Enter a web address that starts with http:// or https://."),
    ],
)
def test_room_stream_must_be_a_web_link(organiser_client, ballroom, stream_url, message):
    page = organiser_client.get(admin_url("room", "change", ballroom.pk))

    response = organiser_client.post(
        page.request["PATH_INFO"], form_data(page, "room_form", {"stream_url": stream_url})
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["stream_url"] == [message]


def test_edition_page_sets_each_rooms_stream_and_notice_inline(organiser_client, edition, ballroom):
    page = organiser_client.get(admin_url("conference", "change", edition.pk))
    changes = {
        "rooms-0-stream_url": "https://stream.example.org/ballroom",
        "rooms-0-screen_notice": "Room full",
    }

    response = organiser_client.post(
        page.request["PATH_INFO"], form_data(page, "conference_form", changes)
    )

    group = lxml.html.fromstring(page.content.decode()).get_element_by_id("rooms-group")
    assert group.xpath(".//td[contains(@class, 'field-door_screen')]//a/@href") == [
        "/2026/rooms/grand-ballroom-1/screen/"
    ]
    assert response.status_code == 302
    ballroom.refresh_from_db()
    assert (ballroom.stream_url, ballroom.screen_notice) == (
        "https://stream.example.org/ballroom",
        "Room full",
    )
