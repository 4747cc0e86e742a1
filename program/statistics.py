"""The query planner's statistics of the program's tables, refreshed after bulk writes.

PostgreSQL plans from statistics that autovacuum refreshes in the background; where it is
off or has not yet come round, a freshly generated, imported or restored edition is planned
as if its tables were empty (the now page took 19 s until ``ANALYZE``). SQLite keeps no
statistics until ``ANALYZE`` writes them into ``sqlite_stat1``. ``import_schedule``,
``generate_edition`` and ``restore_backup`` call ``analyse_program_tables`` once, after
their write transaction has committed.
"""

from django.apps import apps
from django.db import connections

# On SQLite, rows read per index (as PRAGMA optimize does): statistics good enough for the
# planner in milliseconds, whatever the size of the tables.
SQLITE_ANALYSIS_LIMIT = 1000


def program_tables():
    """The names of the program app's tables (models, many-to-many and history), sorted."""
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_app_config("program").get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
    )


def analyse_program_tables(using="default"):
    """``ANALYZE`` each of ``program_tables()`` on the database ``using``."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
        for table in program_tables():
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
