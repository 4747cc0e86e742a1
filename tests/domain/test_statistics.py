"""The planner's statistics are refreshed after every bulk write: an import, a generated
edition, a restore (program/statistics.py), so that a fresh edition is not planned as an
empty one (PostgreSQL without autovacuum took 19 s for the now page until ANALYZE)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from program.statistics import program_tables
from tests.factories import ConferenceFactory, TalkFactory, TalkTypeFactory

# Committed transactions: PostgreSQL's statistics views show what committed work did.
pytestmark = pytest.mark.django_db(transaction=True)

# What the planner reads: every table of the program, history and links between rows included.
PROGRAM_TABLES = [
    "program_conference",
    "program_dataversion",
    "program_historicalresource",
    "program_historicalspeaker",
    "program_historicaltalk",
    "program_release",
    "program_resource",
    "program_room",
    "program_session",
    "program_session_chairs",
    "program_speaker",
    "program_talk",
    "program_talkspeaker",
    "program_talktype",
    "program_track",
]


def forget_statistics():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE sqlite_schema")  # makes sqlite_stat1 if it is not there
            cursor.execute("DELETE FROM sqlite_stat1")
        else:
            cursor.execute("SELECT pg_stat_reset()")


def analysed_tables():
    """Tables whose statistics the database holds: sqlite_stat1 on SQLite, a last ANALYZE in
    pg_stat_user_tables on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        else:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL")
        return sorted(row[0] for row in cursor.fetchall())


@pytest.fixture
def no_statistics():
    forget_statistics()
    assert analysed_tables() == []


def test_program_tables_are_the_program_s_tables():
    assert program_tables(connection) == PROGRAM_TABLES


def test_import_analyses_the_program_tables(tmp_path, no_statistics):
    ConferenceFactory(slug="2026")
    TalkTypeFactory(slug="keynote", name="Keynote")
    path = tmp_path / "program.csv"
    path.write_text(
        "title,type,date,start,end,room,speakers,abstract\n"
        "Opening,keynote,2026-05-18,09:00,09:45,Grand Ballroom 1,Ion Stoica,\n"
    )

    call_command("import_schedule", str(path), "--conference", "2026", stdout=io.StringIO())

    assert analysed_tables() == analysed_after_writes()
    assert "program_talk" in analysed_tables()


def test_a_dry_run_analyses_nothing(tmp_path, no_statistics):
    ConferenceFactory(slug="2026")
    TalkTypeFactory(slug="keynote", name="Keynote")
    path = tmp_path / "program.csv"
    path.write_text(
        "title,type,date,start,end,room,speakers,abstract\n"
        "Opening,keynote,2026-05-18,09:00,09:45,Grand Ballroom 1,Ion Stoica,\n"
    )

    call_command(
        "import_schedule", str(path), "--conference", "2026", "--dry-run", stdout=io.StringIO()
    )

    assert analysed_tables() == []


def test_generate_program_analyses_the_program_tables(no_statistics):
    call_command("generate_program", "--conference", "2031", "--talks", "40", stdout=io.StringIO())

    assert analysed_tables() == analysed_after_writes()


def test_restore_analyses_the_program_tables(tmp_path, media_root):
    TalkFactory(conference=ConferenceFactory(slug="2026"))
    path = tmp_path / "backup.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)
    forget_statistics()

    call_command("restore", str(path), stdout=io.StringIO())

    assert analysed_tables() == analysed_after_writes()


def analysed_after_writes():
    """PostgreSQL keeps a last ANALYZE for every table it analysed; SQLite writes rows into
    sqlite_stat1 only for a table that has rows."""
    if connection.vendor != "sqlite":
        return PROGRAM_TABLES
    with connection.cursor() as cursor:
        return [
            table
            for table in PROGRAM_TABLES
            if cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0]
        ]
