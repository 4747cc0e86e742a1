"""The query planner's statistics of the program's tables, refreshed after bulk writes.

PostgreSQL plans from statistics that autovacuum refreshes in the background; where it is
off or has not yet come round, a freshly generated, imported or restored edition is planned
as if its tables were empty (the now page took 19 s until ``ANALYZE``). SQLite keeps no
statistics until ``ANALYZE`` writes them into ``sqlite_stat1``. ``import_schedule``,
``generate_edition`` and ``restore_backup`` call ``analyse_program_tables`` once, after
their write transaction has committed.
"""

from django.db import connections

from program.machinery.data_version import TABLE
from program.machinery.data_version import program_tables as versioned_tables

# On SQLite, rows read per index (as PRAGMA optimize does): statistics good enough for the
# planner in milliseconds, whatever the size of the tables.
SQLITE_ANALYSIS_LIMIT = 1000


def program_tables(connection):
    """The program's tables, sorted: those the data version's triggers watch, and its own."""
    return sorted([*versioned_tables(connection), TABLE])


def analyse_program_tables(using="default"):
    """``ANALYZE`` each of ``program_tables`` on the database ``using``."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
        for table in program_tables(connection):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
