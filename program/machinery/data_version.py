"""The data version: a number the database moves in the same transaction as every write to
the program's tables, which the response cache keys its copies by (machinery/responses.py).

One row (``program_dataversion``, id 1). Triggers on every other ``program_*`` table move its
``number`` for each row written, whatever wrote it: the admin, a bulk
action, an import, ``update()``, ``bulk_create()``, ``loaddata``, a restore, a shell script,
even another program on the same database. Migrations create the triggers
(install_triggers); a migration that adds a table, or rebuilds one on SQLite (most column
changes there copy the table and drop its triggers), runs install_triggers again, and
``tests/machinery/test_data_version.py`` fails when a table lacks them.

The number moves with the write's transaction: other connections see the new number only
once the write commits, and a rolled-back write leaves it as it was. On PostgreSQL the
triggers are deferred to the commit, where they take the lock the commit stamps take
(machinery/stamps.py), so writers of the program run side by side until they commit. A
reader reads the number before the data, so whatever it keeps under a number is at least
as new as the writes that number follows.

Each move sets the number to the current time in microseconds since 1970, or to the last
number plus one when that is larger: a number never repeats, even after the table was
emptied (a test's flush) or the database was rebuilt from a backup while the shared cache
(a Redis) kept the copies of an older one.
"""

from django.db import DatabaseError, connection, models

from program.machinery.stamps import ADVISORY_LOCK

ROW_ID = 1
TABLE = "program_dataversion"


class DataVersion(models.Model):
    """The one row whose ``number`` every write to the program moves (the triggers do)."""

    number = models.BigIntegerField()

    class Meta:
        db_table = TABLE

    def __str__(self):
        return str(self.number)


def current():
    """The current data version (a string), or None when the database cannot say (no row
    yet: nothing was written since the table was emptied; or the database does not answer).

    One read by primary key, in plain SQL: every answer from the cache makes it, and the ORM
    would take 15 times as long to build it (about 180 µs against 12 µs on SQLite).
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT number FROM {TABLE} WHERE id = %s", [ROW_ID])
            row = cursor.fetchone()
    except DatabaseError:
        return None
    return None if row is None else str(row[0])


# ----------------------------------------------------------------------------- the triggers


# Tables no public page, feed or API answer reads: writing them (a speaker opening their
# link, a change waiting for approval) must not make every cached response stale.
PRIVATE_TABLES = {"program_speakerlink", "program_speakerchange"}


def program_tables(connection):
    """Every table of the program but the version's own and PRIVATE_TABLES."""
    return sorted(
        table
        for table in connection.introspection.table_names()
        if table.startswith("program_") and table != TABLE and table not in PRIVATE_TABLES
    )


def run_statements(connection, by_vendor, *args):
    """Execute what ``by_vendor[connection.vendor](*args)`` yields: SQL statements written
    for each database; nothing on another database."""
    statements = by_vendor.get(connection.vendor)
    if statements is None:
        return
    with connection.cursor() as cursor:
        for statement in statements(*args):
            cursor.execute(statement)


def install_triggers(apps, schema_editor):
    """A migration's RunPython: create (or replace) the triggers on every program table."""
    connection = schema_editor.connection
    run_statements(
        connection,
        {"postgresql": postgresql_statements, "sqlite": sqlite_statements},
        program_tables(connection),
    )


def drop_triggers(apps, schema_editor):
    """The reverse of install_triggers."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in program_tables(connection):
            if connection.vendor == "postgresql":
                for name in (f"{table}_version", f"{table}_version_truncate"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            elif connection.vendor == "sqlite":
                for event in ("insert", "update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_version_{event}")


def postgresql_statements(tables):
    # The commit stamps' lock first, as their triggers take it (machinery/stamps.py): commits
    # that write the program take turns, and never wait for each other in opposite orders.
    yield f"""
        CREATE OR REPLACE FUNCTION program_move_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock({ADVISORY_LOCK});
            INSERT INTO {TABLE} (id, number)
            VALUES ({ROW_ID}, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)
            ON CONFLICT (id) DO UPDATE
            SET number = greatest({TABLE}.number + 1, excluded.number);
            RETURN NULL;
        END $$
    """
    for table in tables:
        yield f"DROP TRIGGER IF EXISTS {table}_version ON {table}"
        # At commit (DEFERRED), for rows the transaction itself wrote (depth 0: the
        # stamps' own updates are not counted twice).
        yield f"""
            CREATE CONSTRAINT TRIGGER {table}_version
            AFTER INSERT OR UPDATE OR DELETE ON {table}
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
            WHEN (pg_trigger_depth() = 0)
            EXECUTE FUNCTION program_move_version()
        """
        yield f"""
            CREATE OR REPLACE TRIGGER {table}_version_truncate AFTER TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION program_move_version()
        """


def postgresql_trigger_names(connection):
    """The deferred version triggers, which a test's own transaction (never committed) makes
    fire at each statement instead (``SET CONSTRAINTS ... IMMEDIATE``: tests/conftest.py)."""
    return [f"{table}_version" for table in program_tables(connection)]


# Microseconds since 1970 (julianday counts days since 4714 BC, to the millisecond).
SQLITE_NOW = "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)"


def sqlite_statements(tables):
    for table in tables:
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = f"{table}_version_{event.lower()}"
            yield f"DROP TRIGGER IF EXISTS {name}"
            yield f"""
                CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW
                BEGIN
                    INSERT INTO {TABLE} (id, number) VALUES ({ROW_ID}, {SQLITE_NOW})
                    ON CONFLICT (id) DO UPDATE SET number = max(number + 1, excluded.number);
                END
            """
