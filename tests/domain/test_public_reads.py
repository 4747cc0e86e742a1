"""Talks read as the public sees them (program/models/public_reads.py): a public query that
names a working field refuses to run, whatever way it names it; a field left out by only()
loads its public value; the default order is the public one."""

import pytest
from django.db.models import Exists, F, Max, OuterRef

from program.models import Room, Talk
from program.models.public_reads import WorkingFieldRead
from tests.factories import ConferenceFactory, RoomFactory, TalkFactory, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def held():
    """An edition holding one move: "first" moved from 9:00 in Ballroom to 11:00 in Hall B."""
    edition = ConferenceFactory(slug="2026")
    ballroom = RoomFactory(conference=edition, name="Ballroom", slug="ballroom", position=0)
    hall = RoomFactory(conference=edition, name="Hall B", slug="hall-b", position=1)
    TalkFactory(conference=edition, slug="first", title="First", room=ballroom,
                start=local("2026-05-18", 9), end=local("2026-05-18", 9, 25))  # fmt: skip
    TalkFactory(conference=edition, slug="second", title="Second", room=ballroom,
                start=local("2026-05-18", 10), end=local("2026-05-18", 10, 25))  # fmt: skip
    edition.holds_changes = True
    edition.save()
    Talk.objects.filter(slug="first").update(
        start=local("2026-05-18", 11), end=local("2026-05-18", 11, 25), room=hall
    )
    return edition


def message(name, public, where):
    return (
        f"Talks read as the public sees them use “{public}”, not the working “{name}” "
        f"({where}); organisers' unreleased changes would show otherwise."
    )


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        (lambda talks: talks.filter(start__gte=local("2026-05-18", 10)),
         message("start", "public_start", "filter")),
        (lambda talks: talks.exclude(status="cancelled"),
         message("status", "public_status", "filter")),
        (lambda talks: talks.filter(room__slug="hall-b"), message("room", "public_room", "a join")),
        (lambda talks: talks.order_by("end"), message("end", "public_end", "ordering")),
        (lambda talks: talks.order_by(F("start").desc()),
         message("start", "public_start", "ordering")),
        (lambda talks: talks.order_by("room__position"),
         message("room", "public_room", "ordering")),
        (lambda talks: talks.values_list("start"), message("start", "public_start", "values")),
        (lambda talks: talks.annotate(last=Max("end")),
         message("end", "public_end", "annotation")),
        (lambda talks: talks.select_related("room"),
         message("room", "public_room", "select_related")),
        (lambda talks: talks.only("title", "start"),
         message("start", "public_start", "only() or defer() without the public field")),
        (lambda talks: talks.defer("public_room"),
         message("room_id", "public_room_id", "only() or defer() without the public field")),
        (lambda talks: Room.objects.filter(Exists(talks.filter(room=OuterRef("pk")))),
         message("room_id", "public_room_id", "filter")),
    ],
)  # fmt: skip
def test_a_public_read_naming_a_working_field_refuses_to_run(held, read, expected):
    with pytest.raises(WorkingFieldRead) as refused:
        list(read(Talk.objects.published()))

    assert str(refused.value) == expected


def test_counting_and_probing_public_talks_are_checked_too(held):
    talks = Talk.objects.published().filter(start__gte=local("2026-05-18", 10))

    for read in (talks.count, talks.exists):
        with pytest.raises(WorkingFieldRead):
            read()


def test_the_same_reads_by_the_public_names_show_the_last_release(held):
    talks = Talk.objects.published()

    assert list(talks.filter(public_start__gte=local("2026-05-18", 10))) == [
        Talk.objects.get(slug="second")
    ]
    assert list(talks.values_list("slug", "public_room__slug")) == [
        ("first", "ballroom"),
        ("second", "ballroom"),
    ]
    assert list(Talk.objects.filter(start__gte=local("2026-05-18", 10)).values_list("slug")) == [
        ("second",),
        ("first",),
    ]


def test_public_talks_come_in_their_public_order(held):
    # The working order has "second" (10:00) before "first" (11:00).
    assert [talk.slug for talk in Talk.objects.published()] == ["first", "second"]
    assert [talk.slug for talk in Talk.objects.all()] == ["second", "first"]


def test_a_field_left_out_of_a_public_read_loads_its_public_value(held, django_assert_num_queries):
    (talk,) = Talk.objects.published().filter(slug="first").only("slug", "title")

    # One query for the left-out field and its public copy, as Django loads a deferred one.
    with django_assert_num_queries(1):
        start = talk.start
    with django_assert_num_queries(2):  # its room id, then the room
        room = talk.room

    assert (start, room.slug) == (local("2026-05-18", 9), "ballroom")


def test_a_public_talk_refreshed_stays_public(held):
    talk = Talk.objects.published().get(slug="first")

    talk.refresh_from_db()

    assert (talk.start, talk.room.slug, talk.read_as_public) == (
        local("2026-05-18", 9),
        "ballroom",
        True,
    )
    with pytest.raises(TypeError):
        talk.save()
