"""Every write to a talk leaves a history record, whatever path it takes (program/changes.py
reads them): admin forms and bulk actions, QuerySet.update(), bulk_update(), bulk_create(),
imports, a shell script through the ORM, deletes (cascades too) and fixtures."""

import datetime as dt
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from program.changes import Kind, edition_changes, slugs_ever_public
from program.models import Conference, Talk
from tests.admin.conftest import organiser_client  # noqa: F401
from tests.admin.helpers import admin_url, new_talk_data
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkTypeFactory,
    local,
)

pytestmark = pytest.mark.django_db

History = Talk.history.model


@pytest.fixture
def edition():
    return ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)


@pytest.fixture
def ballroom(edition):
    return RoomFactory(conference=edition, name="Grand Ballroom 1", slug="grand-ballroom-1")


def changes(conference):
    """(kind, title) of each visible change, newest first."""
    return [(row["kind"], row["title"]) for row in edition_changes(conference)]


def records(talk_id):
    """(history type, status) of each record of a talk, oldest first."""
    return list(
        History.objects.filter(id=talk_id)
        .order_by("history_date", "history_id")
        .values_list("history_type", "status")
    )


def test_save_and_delete_are_recorded(edition, ballroom):
    talk = TalkFactory(conference=edition, room=ballroom, title="Opening")
    talk.start += dt.timedelta(hours=1)
    talk.end += dt.timedelta(hours=1)
    talk.save()
    talk_id = talk.pk
    talk.delete()

    assert records(talk_id) == [("+", "published"), ("~", "published"), ("-", "published")]
    assert changes(edition) == [
        (Kind.DELETED, "Opening"),
        (Kind.MOVED, "Opening"),
        (Kind.ADDED, "Opening"),
    ]


def test_queryset_update_records_each_talk_as_updated(edition, ballroom):
    drafts = [
        TalkFactory(conference=edition, room=ballroom, title=title, status="draft")
        for title in ("First", "Second")
    ]
    untouched = TalkFactory(conference=edition, room=ballroom, title="Third", status="draft")

    # The filter matches on the field the update changes: the talks are read before.
    drafts_chosen = Talk.objects.filter(status="draft").exclude(pk=untouched.pk)
    updated = drafts_chosen.update(status="published")

    assert updated == 2
    assert [records(talk.pk) for talk in drafts] == [[("+", "draft"), ("~", "published")]] * 2
    assert records(untouched.pk) == [("+", "draft")]
    assert sorted(changes(edition)) == [(Kind.ADDED, "First"), (Kind.ADDED, "Second")]


def test_set_status_and_bulk_update_are_recorded(edition, ballroom):
    talk = TalkFactory(conference=edition, room=ballroom, title="Kernels")
    Talk.objects.filter(pk=talk.pk).set_status(Talk.Status.CANCELLED)
    talk.refresh_from_db()
    talk.start, talk.end = local("2026-05-19", 9), local("2026-05-19", 10)

    Talk.objects.bulk_update([talk], ["start", "end"])

    assert records(talk.pk) == [("+", "published"), ("~", "cancelled"), ("~", "cancelled")]
    # A cancelled talk stays listed, so its move shows too.
    assert changes(edition) == [
        (Kind.MOVED, "Kernels"),
        (Kind.CANCELLED, "Kernels"),
        (Kind.ADDED, "Kernels"),
    ]


def test_bulk_create_records_the_new_talks(edition, ballroom):
    type_ = TalkFactory(conference=edition, room=ballroom, title="Existing").type
    start = local("2026-05-18", 14)
    talks = [
        Talk(
            conference=edition,
            room=ballroom,
            type=type_,
            slug=f"bulk-{index}",
            title=f"Bulk {index}",
            start=start,
            end=start + dt.timedelta(minutes=20),
            status="published",
        )
        for index in range(3)
    ]

    Talk.objects.bulk_create(talks)

    assert [records(talk.pk) for talk in talks] == [[("+", "published")]] * 3
    assert {kind for kind, _ in changes(edition)} == {Kind.ADDED}
    assert len(changes(edition)) == 4


def test_admin_add_bulk_cancel_and_delete_are_recorded(
    organiser_client,  # noqa: F811
    edition,
    ballroom,
):
    page = organiser_client.get(admin_url("talk", "add"))
    organiser_client.post(
        admin_url("talk", "add"), new_talk_data(page, edition, ballroom, [SpeakerFactory()])
    )
    talk = Talk.objects.get()

    organiser_client.post(
        admin_url("talk"), {"action": "cancel", "_selected_action": [talk.pk]}, follow=True
    )
    organiser_client.post(admin_url("talk", "delete", talk.pk), {"post": "yes"})

    assert not Talk.objects.exists()
    assert changes(edition) == [
        (Kind.DELETED, "Systems for Agents"),
        (Kind.CANCELLED, "Systems for Agents"),
        (Kind.ADDED, "Systems for Agents"),
    ]


def test_import_is_recorded(edition, ballroom, tmp_path):
    TalkFactory(
        conference=edition,
        room=ballroom,
        slug="lmcache",
        title="LMCache",
        start=local("2026-05-18", 9),
        end=local("2026-05-18", 9, 25),
        speakers=[SpeakerFactory(name="Yuhan Liu")],
    )
    sheet = tmp_path / "program.csv"
    sheet.write_text(
        "title,type,date,start,end,room,speakers,abstract,slug\n"
        "LMCache,invited-talk,2026-05-18,11:00,11:25,Grand Ballroom 1,Yuhan Liu,,lmcache\n"
        "Sparse kernels,invited-talk,2026-05-18,12:00,12:20,Grand Ballroom 1,Ana Solo,,\n",
        encoding="utf-8",
    )

    call_command("import_schedule", str(sheet), "--conference", "2026", stdout=io.StringIO())

    assert changes(edition) == [
        (Kind.ADDED, "Sparse kernels"),
        (Kind.MOVED, "LMCache"),
        (Kind.ADDED, "LMCache"),
    ]


def test_shell_script_through_the_orm_is_recorded(edition, ballroom):
    TalkFactory(conference=edition, room=ballroom, slug="opening", title="Opening")
    script = (
        "from program.models import Talk; "
        "Talk.objects.filter(slug='opening').update(status='cancelled'); "
        "Talk.objects.filter(slug='opening').delete()"
    )

    call_command("shell", command=script)

    assert changes(edition) == [
        (Kind.DELETED, "Opening"),
        (Kind.CANCELLED, "Opening"),
        (Kind.ADDED, "Opening"),
    ]


def test_deleting_through_a_queryset_leaves_a_record_of_each_talk():
    edition = ConferenceFactory(slug="2030")
    talks = [TalkFactory(conference=edition) for _ in range(2)]

    Talk.objects.filter(conference=edition).delete()

    # Written in bulk before the delete, and not again by the library's delete signal.
    assert [records(talk.pk) for talk in talks] == [[("+", "published"), ("-", "published")]] * 2


def load_seed():
    """``loaddata mlsys2026``; its types come from a migration, which a transactional test
    may have flushed."""
    TalkTypeFactory(slug="invited-talk")
    TalkTypeFactory(slug="keynote")
    call_command("loaddata", "mlsys2026", verbosity=0)


def test_loading_the_seed_fixture_twice_records_its_talks_but_lists_no_change():
    load_seed()
    load_seed()

    edition = Conference.objects.get(slug="2026")
    first_records = History.objects.filter(conference=edition, history_type="+")
    assert list(first_records.values_list("history_change_reason", flat=True)) == ["loaded"] * 9
    assert History.objects.filter(conference=edition, history_type="~").count() == 9
    # Loading the edition is its starting state, and the second load changed nothing that
    # attendees see.
    assert changes(edition) == []


# Each command commits, as it does when run: within one open transaction, PostgreSQL's
# commit-order stamps of history_date (machinery/stamps.py) would fire at the next loaddata.
@pytest.mark.django_db(transaction=True)
def test_an_edit_after_the_seed_is_loaded_is_listed_and_a_reload_undoing_it_too():
    load_seed()
    edition = Conference.objects.get(slug="2026")
    talk = edition.talks.order_by("start").first()
    talk.start, talk.end = talk.start + dt.timedelta(hours=1), talk.end + dt.timedelta(hours=1)
    talk.save()

    assert changes(edition) == [(Kind.MOVED, talk.title)]
    load_seed()
    assert changes(edition) == [(Kind.MOVED, talk.title), (Kind.MOVED, talk.title)]


def test_a_seed_talk_taken_out_and_put_back_is_removed_then_added():
    load_seed()
    edition = Conference.objects.get(slug="2026")
    talk = edition.talks.order_by("start").first()
    talk.status = Talk.Status.DRAFT
    talk.save()
    Talk.objects.filter(pk=talk.pk).set_status(Talk.Status.PUBLISHED)

    assert changes(edition) == [(Kind.ADDED, talk.title), (Kind.REMOVED, talk.title)]


def test_talks_older_than_the_history_get_their_creation_as_a_first_record(edition, ballroom):
    talk = TalkFactory(conference=edition, room=ballroom, title="Before history")
    History.objects.all().delete()
    migration = __import__("program.migrations.0004_talk_history", fromlist=["x"])

    migration.record_existing_talks(apps, None)
    # Records older than the public values get them from the working ones, as they were.
    later = __import__("program.migrations.0018_unscheduled_talks_and_releases", fromlist=["x"])
    later.history_public_as_working(apps, None)
    Talk.objects.filter(pk=talk.pk).set_status(Talk.Status.CANCELLED)

    (first,) = History.objects.filter(id=talk.pk, history_type="+")
    assert first.history_date == talk.created_at
    # A later change reads as a change, not as a new talk.
    assert changes(edition) == [(Kind.CANCELLED, "Before history"), (Kind.ADDED, "Before history")]


def test_each_kind_of_visible_change(edition, ballroom):
    hall = RoomFactory(conference=edition, name="Hall B")
    talk = TalkFactory(conference=edition, room=ballroom, title="Kernels", status="draft")
    steps = [
        {"status": "published"},
        {"abstract": "A new abstract"},  # invisible here
        {"room": hall},
        {"status": "cancelled"},
        {"status": "published"},
        {"status": "draft"},
    ]
    for fields in steps:
        for name, value in fields.items():
            setattr(talk, name, value)
        talk.save()

    rows = list(edition_changes(edition))
    assert [row["kind"] for row in rows] == [
        Kind.REMOVED,
        Kind.REINSTATED,
        Kind.CANCELLED,
        Kind.MOVED,
        Kind.ADDED,
    ]
    moved = rows[3]
    assert (moved["before_room"], moved["public_room_id"]) == (ballroom.pk, hall.pk)


def test_changes_since_a_moment_still_compare_with_older_records(edition, ballroom):
    talk = TalkFactory(conference=edition, room=ballroom, title="Kernels")
    since = timezone.now()
    Talk.objects.filter(pk=talk.pk).set_status(Talk.Status.CANCELLED)

    rows = list(edition_changes(edition, since=since))

    assert [row["kind"] for row in rows] == [Kind.CANCELLED]


def test_slugs_ever_public_know_renamed_and_deleted_talks_but_not_drafts(edition, ballroom):
    renamed = TalkFactory(conference=edition, room=ballroom, slug="old-name")
    renamed.slug = "new-name"
    renamed.save()
    gone = TalkFactory(conference=edition, room=ballroom, slug="gone")
    gone_id = gone.pk
    gone.delete()
    TalkFactory(conference=edition, room=ballroom, slug="secret", status="draft")

    known = slugs_ever_public({"old-name", "gone", "secret", "never"}, edition)

    assert known == {"old-name": renamed.pk, "gone": gone_id}
