"""The time of a change is the time it became visible (program/machinery/stamps.py).

These tests commit for real (``transaction=True``): the database stamps rows at commit.
"""

import csv
import datetime as dt
import io
import threading

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Value
from django.db.models.functions import Concat
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from program.importers import import_schedule
from program.machinery.stamps import STAMPED_BY, install, keep_given_stamps
from program.models import (
    Conference,
    Resource,
    Room,
    Speaker,
    Talk,
    TalkSpeaker,
    TalkType,
    TimestampedModel,
    Track,
)
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkTypeFactory,
    TrackFactory,
    local,
)

pytestmark = pytest.mark.django_db(transaction=True)

IMPORTED = [f"imported-{n}" for n in range(10)]


@pytest.fixture
def edition():
    """MLSys 2026: ten talks an import will change, and two that organisers edit (one in a
    track)."""
    conference = ConferenceFactory(slug="2026", name="MLSys 2026")
    room = RoomFactory(conference=conference, name="Grand Ballroom 1")
    talk_type = TalkTypeFactory(slug="invited-talk", name="Invited Talk")
    yuhan = SpeakerFactory(name="Yuhan Liu")
    for n, slug in enumerate(IMPORTED):
        TalkFactory(
            conference=conference,
            room=room,
            type=talk_type,
            title=f"Imported {n}",
            slug=slug,
            start=local("2026-05-18", 9) + dt.timedelta(minutes=30 * n),
            speakers=[yuhan],
        )
    systems = TrackFactory(conference=conference, name="Systems")
    for slug, track in (("edited", None), ("other", systems)):
        TalkFactory(
            conference=conference, room=room, type=talk_type, slug=slug, title=slug, track=track
        )
    return conference


def schedule_csv(abstract):
    """A spreadsheet giving the IMPORTED talks a new abstract."""
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(
        ["slug", "title", "type", "date", "start", "end", "room", "speakers", "abstract"]
    )
    for talk in Talk.objects.filter(slug__in=IMPORTED).select_related("room", "type"):
        start, end = talk.local_start, talk.local_end
        writer.writerow(
            [
                talk.slug,
                talk.title,
                talk.type.slug,
                start.date(),
                f"{start:%H:%M}",
                f"{end:%H:%M}",
                talk.room.name,
                "Yuhan Liu",
                abstract,
            ]
        )
    return ContentFile(rows.getvalue().encode(), name="program.csv")


def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs two writers at once, which SQLite never allows: a transaction cannot "
            "commit while another one that wrote is open (the stamping itself is tested on "
            "SQLite by test_a_write_is_stamped_when_it_commits_*)"
        )


class OpenTransaction:
    """``write()`` in a transaction of its own, on its own connection, held open until
    ``commit()``: a long import, or an organiser's slow save."""

    def __init__(self, write):
        self.written, self.release, self.errors = threading.Event(), threading.Event(), []
        self.thread = threading.Thread(target=self.run, args=(write,))

    def run(self, write):
        try:
            with transaction.atomic():
                write()
                self.written.set()
                assert self.release.wait(timeout=30)
        except Exception as error:  # reported by commit()
            self.errors.append(error)
        finally:
            self.written.set()
            connection.close()

    def __enter__(self):
        self.thread.start()
        assert self.written.wait(timeout=30)
        return self

    def commit(self):
        self.release.set()
        self.thread.join(timeout=30)
        assert not self.thread.is_alive()
        assert self.errors == []

    def __exit__(self, *exc_info):
        if self.thread.is_alive():
            self.commit()


def sync(client, since=None):
    """One sync of an API client: the talks changed since ``since``, by slug, and the
    largest updated_at received (the next ``since``)."""
    query = {"conference": "2026", "page_size": 500}
    if since is not None:
        query["updated_since"] = since
    talks = client.get("/api/v1/talks/", query).json()["results"]
    return {talk["slug"]: talk for talk in talks}, max(talk["updated_at"] for talk in talks)


# ---------------------------------------------------------------------------- two transactions


def test_an_edit_committed_during_a_long_import_does_not_hide_the_import(client, edition):
    postgresql_only()
    _, since = sync(client)

    with OpenTransaction(
        lambda: import_schedule(
            path_or_file=schedule_csv("Changed by the import."), conference_slug="2026"
        )
    ) as long_import:
        Talk.objects.filter(slug="edited").update(title="Edited during the import")
        during, since = sync(client, since)
        long_import.commit()
    after, _ = sync(client, since)

    # "At or after" the last stamp seen: "other", created last, comes again.
    assert sorted(during) == ["edited", "other"]
    # Every change of the import reaches the client that synced while it ran.
    assert sorted(after) == sorted([*IMPORTED, "edited"])
    assert {after[slug]["abstract"] for slug in IMPORTED} == {"Changed by the import."}
    assert min(after[slug]["updated_at"] for slug in IMPORTED) > during["edited"]["updated_at"]


def test_a_page_version_taken_during_a_transaction_changes_when_it_commits(client, edition):
    postgresql_only()

    def retitle():
        talk = Talk.objects.get(slug="other")
        talk.title = "Retitled in a slow save"
        talk.save()

    with OpenTransaction(retitle) as slow_save:
        Talk.objects.filter(slug="edited").update(title="Edited meanwhile")
        seen = client.get("/2026/program/")
        slow_save.commit()
    again = client.get("/2026/program/", HTTP_IF_NONE_MATCH=seen["ETag"])

    assert b"Edited meanwhile" in seen.content
    assert b"Retitled in a slow save" not in seen.content
    assert again.status_code == 200
    assert again["ETag"] != seen["ETag"]
    assert b"Retitled in a slow save" in again.content


def test_a_cancellation_committed_late_reaches_an_app_syncing_the_changes(client, edition):
    postgresql_only()

    def changes_since(since):
        query = {"since": since} if since else {}
        results = client.get("/api/v1/conferences/2026/changes/", query).json()["results"]
        return [(change["kind"], change["talk"]["slug"]) for change in results], max(
            (change["changed_at"] for change in results), default=since
        )

    _, since = changes_since(None)
    with OpenTransaction(
        lambda: Talk.objects.filter(slug="other").set_status(Talk.Status.CANCELLED)
    ) as slow_cancel:
        Talk.objects.filter(slug="edited").set_status(Talk.Status.CANCELLED)
        during, since = changes_since(since)
        slow_cancel.commit()
    after, _ = changes_since(since)

    # At or after the last time seen: "other", added last, comes again.
    assert during == [("cancelled", "edited"), ("added", "other")]
    assert after == [("cancelled", "other"), ("cancelled", "edited")]


def test_stamps_follow_commit_order_not_the_order_of_the_writes(edition):
    postgresql_only()

    with OpenTransaction(lambda: Talk.objects.filter(slug="other").update(title="First written")):
        Talk.objects.filter(slug="edited").update(title="Written second, committed first")
    stamps = dict(
        Talk.objects.filter(slug__in=["edited", "other"]).values_list("slug", "updated_at")
    )

    assert stamps["edited"] < stamps["other"]


# ---------------------------------------------------------------------------- every kind of write


def save_talk(edition):
    talk = Talk.objects.get(slug="edited")
    talk.title = "Saved as the admin does"
    talk.save()
    return {"edited"}


def update_talks(edition):
    Talk.objects.filter(slug__in=["edited", "other"]).set_status(Talk.Status.CANCELLED)
    return {"edited", "other"}


def change_speakers(edition):
    TalkSpeaker.objects.create(talk=Talk.objects.get(slug="edited"), speaker=SpeakerFactory())
    TalkSpeaker.objects.filter(talk__slug="imported-0").delete()
    return {"edited", "imported-0"}


def add_slides(edition):
    Resource.objects.create(
        talk=Talk.objects.get(slug="edited"), kind="slides", url="https://example.org/slides"
    )
    return {"edited"}


def rename_speaker(edition):
    Speaker.objects.filter(name="Yuhan Liu").update(name="Yuhan Liu-Chen")
    return set(IMPORTED) | {"yuhan-2025"}


def rename_room(edition):
    room = Room.objects.get(name="Grand Ballroom 1")
    room.name = "Ballroom One"
    room.save()
    return set(IMPORTED) | {"edited", "other"}


def rename_type(edition):
    TalkType.objects.filter(slug="invited-talk").update(name="Invited lecture")
    return set(IMPORTED) | {"edited", "other", "yuhan-2025"}


def recolour_track(edition):
    track = Track.objects.get(name="Systems")
    track.colour = "#b45309"
    track.save()
    return {"other"}


def edit_edition(edition):
    edition.timezone = "America/New_York"
    edition.save()
    return set(IMPORTED) | {"edited", "other"}


def import_spreadsheet(edition):
    import_schedule(path_or_file=schedule_csv("New abstract."), conference_slug="2026")
    return set(IMPORTED)


@pytest.mark.parametrize(
    "write",
    [
        save_talk,
        update_talks,
        change_speakers,
        add_slides,
        rename_speaker,
        rename_room,
        rename_type,
        recolour_track,
        edit_edition,
        import_spreadsheet,
    ],
)
def test_a_write_is_stamped_when_it_commits_and_moves_the_talks_showing_it(
    edition, monkeypatch, write
):
    # Yuhan Liu speaks at another edition too: speakers and types are shared.
    TalkFactory(
        conference=ConferenceFactory(slug="2025"),
        slug="yuhan-2025",
        type=TalkType.objects.get(slug="invited-talk"),
        speakers=[Speaker.objects.get(name="Yuhan Liu")],
    )
    before = timezone.now()
    # The application's clock says the write happened an hour ago, as auto_now would for a
    # save early in a long import: only the database's stamp can be trusted.
    an_hour_ago = before - dt.timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: an_hour_ago)

    with transaction.atomic():
        moved = write(edition)
    stamps = dict(Talk.objects.values_list("slug", "updated_at"))

    assert {slug for slug, stamp in stamps.items() if stamp > before} == moved
    assert all(stamp < before for slug, stamp in stamps.items() if slug not in moved)


def test_history_records_are_dated_when_they_commit(edition, monkeypatch):
    before = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: before - dt.timedelta(hours=1))

    with transaction.atomic():
        Talk.objects.filter(slug="edited").set_status(Talk.Status.CANCELLED)
        Talk.objects.get(slug="other").delete()

    dates = Talk.history.filter(history_type__in=["~", "-"]).values_list("history_date", flat=True)
    assert len(dates) == 2
    assert all(date > before for date in dates)


@pytest.mark.parametrize(
    ("model", "write"),
    [
        (Conference, lambda: Conference.objects.update(name="Renamed")),
        (Room, lambda: Room.objects.update(name="Renamed")),
        (Speaker, lambda: Speaker.objects.update(name="Renamed")),
        # Names stay unique whether or not the types migrations make are still there (a
        # transactional test before this one flushed them, or not).
        (TalkType, lambda: TalkType.objects.update(name=Concat("name", Value(" (renamed)")))),
        (Talk, lambda: Talk.objects.update(title="Renamed")),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_every_timestamped_row_is_stamped_by_the_database(edition, monkeypatch, model, write):
    before = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: before - dt.timedelta(hours=1))

    write()

    assert all(stamp > before for stamp in model.objects.values_list("updated_at", flat=True))


def test_every_timestamped_model_has_its_stamping_rule():
    timestamped = [
        model._meta.db_table
        for model in apps.get_app_config("program").get_models()
        if issubclass(model, TimestampedModel)
    ]

    assert set(timestamped) <= set(STAMPED_BY)


# ---------------------------------------------------------------------------- given stamps


def test_loaddata_keeps_the_fixture_times():
    TalkTypeFactory(slug="invited-talk")
    TalkTypeFactory(slug="keynote")

    call_command("loaddata", "mlsys2026", verbosity=0)

    april_20 = dt.datetime(2026, 4, 20, tzinfo=dt.UTC)
    for model in (Conference, Room, Speaker, Talk):
        assert set(model.objects.values_list("updated_at", flat=True)) == {april_20}


def test_keep_given_stamps_keeps_them_for_its_transaction_only(edition):
    given = dt.datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=dt.UTC)

    with transaction.atomic():
        with keep_given_stamps():
            Talk.objects.filter(slug="edited").update(updated_at=given)
        Talk.objects.filter(slug="other").update(updated_at=given)

    stamps = dict(
        Talk.objects.filter(slug__in=["edited", "other"]).values_list("slug", "updated_at")
    )
    assert stamps["edited"] == given
    assert stamps["other"] > given


def test_keep_given_stamps_needs_a_transaction():
    with (
        pytest.raises(TransactionManagementError, match=r"needs transaction\.atomic\(\)"),
        keep_given_stamps(),
    ):
        pass


def test_triggers_install_again_without_duplicates(edition, monkeypatch):
    install(connection)
    install(connection)
    before = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: before - dt.timedelta(hours=1))

    Talk.objects.filter(slug="edited").update(title="After reinstalling")

    assert Talk.objects.get(slug="edited").updated_at > before


@pytest.mark.django_db(transaction=True)
def test_a_migration_rebuilding_talks_runs_on_a_connection_with_the_stamping_triggers():
    """SQLite rebuilds program_talk for 0020's new column; the TEMP triggers this connection
    holds name program_talk (a room's stamps the room's talks), so pre_migrate drops them
    and post_migrate puts them back."""
    call_command("migrate", "program", "0019", verbosity=0)
    install(connection)

    call_command("migrate", "program", verbosity=0)

    room = RoomFactory()
    talk = TalkFactory(room=room, conference=room.conference)
    before = Talk.objects.get(pk=talk.pk).updated_at
    Room.objects.filter(pk=room.pk).update(name="Renamed")
    assert Talk.objects.get(pk=talk.pk).updated_at > before
