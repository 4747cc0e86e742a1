"""A talk's room and track, and a session's room, belong to its own edition: kept by
database triggers.

``Talk.clean`` tells the admin and the importers' users why, but ``QuerySet.update()``, a
shell or a script skip it, and a talk in another edition's room would show on a timetable
whose columns lack that room, and clash with talks it cannot meet. A ``CHECK`` constraint
cannot read another table, so triggers (created by migration 0016) refuse, on both
databases, with an IntegrityError naming the rule:

- a talk written with a room or a track of another edition (insert, or an update of its
  room, track or edition);
- a room or a track moved to another edition while talks of their edition use it;
- the same for a session's room (migration 0020).

Both sides are checked so that the order rows arrive in (a fixture, a restore) does not
matter: a talk may be written before its room, and the room's insert then checks it.
"""

from program.machinery.data_version import run_statements

# (the row, what it refers to, its column naming it, that table)
RULES = [
    ("talk", "room", "room_id", "program_room"),
    ("talk", "track", "track_id", "program_track"),
    ("session", "room", "room_id", "program_room"),
]


def sqlite_statements(rules):
    for owner, name, column, table in rules:
        rule = f"{owner}_{name}_of_its_edition"
        for event in ("INSERT", f"UPDATE OF {column}, conference_id"):
            suffix = event.split()[0].lower()
            yield f"""
                CREATE TRIGGER IF NOT EXISTS {rule}_{suffix} BEFORE {event} ON program_{owner}
                WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.{column}
                             AND conference_id != NEW.conference_id)
                BEGIN SELECT RAISE(ABORT, '{rule}: a {owner}''s {name} is of its own edition');
                END
            """
            yield f"""
                CREATE TRIGGER IF NOT EXISTS {rule}_{name}_{suffix}
                AFTER {event.replace(f"{column}, ", "")} ON {table}
                WHEN EXISTS (SELECT 1 FROM program_{owner} WHERE {column} = NEW.id
                             AND conference_id != NEW.conference_id)
                BEGIN SELECT RAISE(ABORT, '{rule}: a {name} in use stays in its edition'); END
            """


def postgresql_statements(rules):
    for owner, name, column, table in rules:
        rule = f"{owner}_{name}_of_its_edition"
        yield f"""
            CREATE OR REPLACE FUNCTION {rule}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_TABLE_NAME = 'program_{owner}' THEN
                    IF EXISTS (SELECT 1 FROM {table} WHERE id = NEW.{column}
                               AND conference_id != NEW.conference_id) THEN
                        RAISE EXCEPTION '{rule}: a {owner}''s {name} is of its own edition'
                            USING ERRCODE = 'check_violation', CONSTRAINT = '{rule}';
                    END IF;
                ELSIF EXISTS (SELECT 1 FROM program_{owner} WHERE {column} = NEW.id
                              AND conference_id != NEW.conference_id) THEN
                    RAISE EXCEPTION '{rule}: a {name} in use stays in its edition'
                        USING ERRCODE = 'check_violation', CONSTRAINT = '{rule}';
                END IF;
                RETURN NEW;
            END $$
        """
        yield f"""
            CREATE OR REPLACE TRIGGER {rule} BEFORE INSERT OR UPDATE OF {column}, conference_id
            ON program_{owner} FOR EACH ROW EXECUTE FUNCTION {rule}()
        """
        yield f"""
            CREATE OR REPLACE TRIGGER {rule}_{name} AFTER INSERT OR UPDATE OF conference_id
            ON {table} FOR EACH ROW EXECUTE FUNCTION {rule}()
        """


def install_edition_rules(apps, schema_editor):
    """A migration's RunPython: create the triggers (again after SQLite rebuilt a table),
    for the rows whose table exists at that migration (sessions came with 0020)."""
    connection = schema_editor.connection
    tables = set(connection.introspection.table_names())
    rules = [rule for rule in RULES if f"program_{rule[0]}" in tables]
    run_statements(
        connection, {"postgresql": postgresql_statements, "sqlite": sqlite_statements}, rules
    )


def drop_edition_rules(apps, schema_editor):
    """The reverse of install_edition_rules."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for owner, name, _column, table in RULES:
            rule = f"{owner}_{name}_of_its_edition"
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {rule} ON program_{owner}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {rule}_{name} ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {rule}()")
            elif connection.vendor == "sqlite":
                for suffix in ("insert", "update"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {rule}_{suffix}")
                    cursor.execute(f"DROP TRIGGER IF EXISTS {rule}_{name}_{suffix}")
