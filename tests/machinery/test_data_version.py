"""The data version (program/machinery/data_version.py): triggers on every program table move
it with every write, in the write's own transaction, whoever writes; reads and rolled-back
writes leave it."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from program.machinery.data_version import current as data_version
from program.machinery.data_version import program_tables
from program.models import Room, Speaker, Talk, TalkType, Track
from tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def moved(write):
    before = data_version()
    write()
    return data_version() != before


def test_the_version_moves_on_save_and_delete(program):
    program.title = "KV caches, revised"
    assert moved(program.save)
    assert moved(lambda: ResourceFactory(talk=program))
    assert moved(lambda: program.resources.first().delete())
    assert moved(program.delete)


@pytest.mark.parametrize(
    "write",
    [
        lambda: Talk.objects.filter(slug="kv-caches").update(title="Retitled"),
        lambda: Talk.objects.filter(slug="kv-caches").set_status(Talk.Status.CANCELLED),
        lambda: Speaker.objects.filter(slug="yuhan-liu").update(affiliation="CMU"),
        lambda: Room.objects.filter(slug="hall-a").update(name="Hall A (upstairs)"),
        lambda: Track.objects.filter(slug="serving").update(colour="#000000"),
        lambda: TalkType.objects.filter(slug="keynote").update(name="Keynote address"),
        lambda: Speaker.objects.bulk_create([Speaker(name="New", slug="new")]),
        lambda: Talk.objects.get(slug="kv-caches").speakers.clear(),
    ],
    ids=["update", "bulk-status", "speaker", "room", "track", "type", "bulk-create", "m2m"],
)
def test_the_version_moves_on_every_queryset_write(program, write):
    assert moved(write)


def test_reads_do_not_move_the_version(client, program):
    assert not moved(lambda: list(Talk.objects.all()))
    assert not moved(lambda: client.get("/2026/program/"))


def test_the_version_moves_with_the_writes_own_transaction(program):
    # Other connections see the new number when the write commits, never before (the
    # database's isolation); the writer itself sees it at once.
    before = data_version()

    with transaction.atomic():
        Talk.objects.filter(slug="kv-caches").update(title="Retitled")
        inside = data_version()
        Speaker.objects.filter(slug="yuhan-liu").update(affiliation="CMU")
        later = data_version()

    assert before != inside != later
    assert data_version() == later


def test_writes_the_orm_never_sees_move_the_version(program):
    """A fixture, or SQL from a script or another program, moves it too: the database
    watches its tables, not the code that writes them."""
    before = data_version()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE program_talk SET title = 'Retitled' WHERE slug = 'kv-caches'")
    after_sql = data_version()
    call_command("loaddata", "mlsys2026", verbosity=0)

    assert before != after_sql != data_version()


def test_every_program_table_has_the_triggers_that_move_the_version():
    # A migration that adds a table, or rebuilds one on SQLite, must install them again
    # (program/machinery/data_version.py install_triggers).
    tables = program_tables(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
            names = ["_version_insert", "_version_update", "_version_delete"]
        else:
            cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger")
            names = ["_version", "_version_truncate"]
        triggers = set(cursor.fetchall())

    expected = {(table, f"{table}{name}") for table in tables for name in names}
    assert "program_talk" in tables
    assert "program_dataversion" not in tables
    assert expected <= triggers


def test_a_rolled_back_write_leaves_the_version(program):
    before = data_version()

    def write_then_fail():
        with transaction.atomic():
            Talk.objects.filter(slug="kv-caches").update(title="Retitled")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()

    assert data_version() == before


def test_a_speaker_opening_their_link_or_waiting_for_approval_leaves_the_version(program):
    """Links and pending changes are in no public answer: writing them must not make every
    cached page stale (PRIVATE_TABLES)."""
    from program import speaker_changes, speaker_links

    speaker = program.speakers.first()
    before = data_version()
    token = speaker_links.issue(speaker, program.conference)
    link = speaker_links.find(program.conference.slug, token)
    speaker_links.mark_used(link)
    speaker_changes.submit(link, values={"bio": "A bio waiting for approval."})
    speaker_links.revoke(speaker.links.all())

    assert data_version() == before
    assert "program_speakerlink" not in program_tables(connection)
    assert "program_speakerchange" not in program_tables(connection)


def test_an_approved_change_moves_the_version(program):
    from program import speaker_changes, speaker_links
    from program.models import SpeakerChange

    speaker = program.speakers.first()
    link = speaker_links.find(
        program.conference.slug, speaker_links.issue(speaker, program.conference)
    )
    speaker_changes.submit(link, values={"bio": "Approved bio."})

    assert moved(lambda: speaker_changes.approve(SpeakerChange.objects.all(), user=None))
