"""``updated_at`` is when a change became visible: the database stamps every write in commit order.

API clients sync with ``updated_since``, keeping the largest ``updated_at`` they received: they
need stamps in the order changes become visible. The application's stamp (``auto_now``) is
the moment of the save, which can be long before its transaction commits: talks saved early
in a minute-long import carried older times than an edit committed during it, so a client
that synced in between never saw them. (Cached responses follow a data version that moves
after each commit instead: program/machinery/responses.py.)

So the database stamps each written row, overwriting the application's value:

- PostgreSQL runs several writers at once. A DEFERRABLE INITIALLY DEFERRED constraint trigger
  on each table fires at commit; the transaction's first one takes a transaction-level
  advisory lock, held until the commit is visible, and reads ``clock_timestamp()``. Stamps are
  taken one transaction at a time, in commit order, and every row a transaction wrote gets
  its one stamp.
- SQLite lets one transaction write at a time, from its first write to its commit, so a stamp
  taken while writing is already in commit order: triggers stamp each row as it is written.
  They call ``program_now()`` (microseconds, never twice the same in a process), a function of
  Django's connection, so they are TEMP triggers made on each connection: writes from other
  programs (the sqlite3 shell) keep the time they give.

A write also moves ``updated_at`` of the talks that show what it changed (STAMPED_BY): a
talk's speaker links and resources, and the talks of a speaker, room, talk type, track or
edition.
So ``updated_since`` finds every talk whose API representation changed. A talk's history
records (the changes page and API, ``since``) get their ``history_date`` the same way.

``keep_given_stamps()`` lets writes keep the ``updated_at`` they give: ``loaddata`` uses it,
so fixtures and backups keep their times. Triggers are installed again after every
``migrate`` (a migration that rebuilds a table, as SQLite does for most column changes,
drops its triggers) and, on SQLite, on every new connection.
"""

import contextlib
import datetime as dt
import threading

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.transaction import TransactionManagementError

OWN_ROW = "id = {row}.id"
INSERT_OR_UPDATE = ("INSERT", "UPDATE")


def moves(table, where=OWN_ROW, column="updated_at"):
    """A stamped column: ``table.column`` of the rows ``where`` selects, given the written row."""
    return (table, column, where)


# Written table -> (events, what each written row stamps).
STAMPED_BY = {
    "program_conference": (
        INSERT_OR_UPDATE,
        [moves("program_conference"), moves("program_talk", "conference_id = {row}.id")],
    ),
    "program_room": (
        INSERT_OR_UPDATE,
        [moves("program_room"), moves("program_talk", "room_id = {row}.id")],
    ),
    "program_talktype": (
        INSERT_OR_UPDATE,
        [moves("program_talktype"), moves("program_talk", "type_id = {row}.id")],
    ),
    "program_track": (
        INSERT_OR_UPDATE,
        [moves("program_track"), moves("program_talk", "track_id = {row}.id")],
    ),
    "program_speaker": (
        INSERT_OR_UPDATE,
        [
            moves("program_speaker"),
            moves(
                "program_talk",
                "id IN (SELECT talk_id FROM program_talkspeaker WHERE speaker_id = {row}.id)",
            ),
        ],
    ),
    "program_talk": (INSERT_OR_UPDATE, [moves("program_talk")]),
    "program_session": (INSERT_OR_UPDATE, [moves("program_session")]),
    "program_talkspeaker": (
        ("INSERT", "UPDATE", "DELETE"),
        [moves("program_talk", "id = {row}.talk_id")],
    ),
    "program_resource": (
        ("INSERT", "UPDATE", "DELETE"),
        [moves("program_resource"), moves("program_talk", "id = {row}.talk_id")],
    ),
    # The changes page and API list a talk's history by history_date (``since``).
    "program_historicaltalk": (
        ("INSERT",),
        [moves("program_historicaltalk", "history_id = {row}.history_id", "history_date")],
    ),
}

# Any fixed number: the advisory lock that orders commit stamps.
ADVISORY_LOCK = 0x70726F6772616D  # "program"


def install(connection):
    """Create or replace the stamping triggers on ``connection`` (PostgreSQL or SQLite)."""
    tables = set(connection.introspection.table_names())
    if not set(STAMPED_BY) <= tables:
        return  # not migrated yet
    if connection.vendor == "postgresql":
        statements = postgresql_statements()
    elif connection.vendor == "sqlite":
        _register_sqlite_functions(connection)
        statements = sqlite_statements()
    else:
        return
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@contextlib.contextmanager
def keep_given_stamps(using=DEFAULT_DB_ALIAS):
    """Within it, rows keep the ``updated_at`` they are written with.

    For writes that carry their own times (fixtures, backups, tests). Must run inside
    ``transaction.atomic()``: it applies to this connection's transaction only.
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        raise TransactionManagementError("keep_given_stamps() needs transaction.atomic().")
    depth = getattr(connection, "keep_given_stamps_depth", 0)
    connection.keep_given_stamps_depth = depth + 1
    if depth == 0:
        _set_postgresql_keep(connection, "on")
    try:
        yield
    finally:
        connection.keep_given_stamps_depth = depth
        if depth == 0 and not connection.needs_rollback:
            _set_postgresql_keep(connection, "off")


def _set_postgresql_keep(connection, value):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('program.keep_given_stamps', %s, true)", [value])


# PostgreSQL ------------------------------------------------------------------------------


def postgresql_statements():
    yield f"""
        CREATE OR REPLACE FUNCTION program_commit_stamp() RETURNS timestamptz
        LANGUAGE plpgsql AS $$
        DECLARE
            stamp text := current_setting('program.commit_stamp', true);
        BEGIN
            IF stamp IS NULL OR stamp = '' THEN
                -- Held until this commit is visible: the next transaction stamps after it.
                PERFORM pg_advisory_xact_lock({ADVISORY_LOCK});
                stamp := clock_timestamp()::text;
                PERFORM set_config('program.commit_stamp', stamp, true);
            END IF;
            RETURN stamp::timestamptz;
        END $$
    """
    for table, (events, stamped) in STAMPED_BY.items():
        updates = "\n".join(
            f"UPDATE {target} SET {column} = stamp "
            f"WHERE {rows.format(row='written')} AND {column} IS DISTINCT FROM stamp;"
            for target, column, rows in stamped
        )
        yield f"""
            CREATE OR REPLACE FUNCTION {table}_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                stamp timestamptz := program_commit_stamp();
                written {table};
            BEGIN
                IF TG_OP = 'DELETE' THEN written := OLD; ELSE written := NEW; END IF;
                {updates}
                RETURN NULL;
            END $$
        """
        yield f"DROP TRIGGER IF EXISTS {table}_stamp ON {table}"
        # WHEN is evaluated at the write, not at commit: the trigger's own updates (depth 1)
        # and writes inside keep_given_stamps() queue nothing.
        yield f"""
            CREATE CONSTRAINT TRIGGER {table}_stamp AFTER {" OR ".join(events)} ON {table}
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
            WHEN (
                pg_trigger_depth() = 0
                AND current_setting('program.keep_given_stamps', true) IS DISTINCT FROM 'on'
            )
            EXECUTE FUNCTION {table}_stamp()
        """


# SQLite ----------------------------------------------------------------------------------


def sqlite_statements():
    for table, (events, stamped) in STAMPED_BY.items():
        for event in events:
            row = "OLD" if event == "DELETE" else "NEW"
            updates = " ".join(
                f"UPDATE {target} SET {column} = program_now() WHERE {rows.format(row=row)};"
                for target, column, rows in stamped
            )
            yield f"DROP TRIGGER IF EXISTS temp.{table}_stamp_{event.lower()}"
            yield f"""
                CREATE TEMP TRIGGER {table}_stamp_{event.lower()} AFTER {event} ON {table}
                FOR EACH ROW WHEN NOT program_keeping_stamps()
                BEGIN {updates} END
            """


class _SqliteClock:
    """UTC now as Django stores it in SQLite, later than any stamp this process gave before."""

    def __init__(self):
        self.lock = threading.Lock()
        self.last = dt.datetime.min

    def __call__(self):
        with self.lock:
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            self.last = max(now, self.last + dt.timedelta(microseconds=1))
            return str(self.last)


_sqlite_now = _SqliteClock()


def _register_sqlite_functions(connection):
    raw = connection.connection
    raw.create_function("program_now", 0, _sqlite_now)
    raw.create_function(
        "program_keeping_stamps",
        0,
        lambda: getattr(connection, "keep_given_stamps_depth", 0) > 0,
    )


def install_on_new_connection(sender, connection, **kwargs):
    """connection_created: SQLite's TEMP triggers live as long as the connection."""
    if connection.vendor == "sqlite":
        install(connection)


def drop_before_migrate(sender, using, **kwargs):
    """pre_migrate: SQLite rebuilds a table by dropping it and renaming a copy, which fails
    while a TEMP trigger of this connection names it (``program_room``'s names
    ``program_talk``). post_migrate installs them again."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for table, (events, _stamped) in STAMPED_BY.items():
            for event in events:
                cursor.execute(f"DROP TRIGGER IF EXISTS temp.{table}_stamp_{event.lower()}")


def install_after_migrate(sender, using, **kwargs):
    """post_migrate: tables may have been rebuilt or added."""
    install(connections[using])
