# An edition's public history starts when it is published (program/machinery/history.py
# start_public_history). Editions published before keep all their history (0).

from django.db import migrations, models

from program.machinery.data_version import drop_triggers, install_triggers


class Migration(migrations.Migration):

    dependencies = [
        ("program", "0016_talk_room_and_track_of_its_edition"),
    ]

    operations = [
        migrations.AddField(
            model_name="conference",
            name="public_history_after",
            field=models.PositiveBigIntegerField(
                default=0,
                editable=False,
                help_text="The last talk history record (history_id) written before the "
                "edition was last published.",
            ),
        ),
        # SQLite adds a column with a default by copying the table, which drops its triggers.
        migrations.RunPython(install_triggers, drop_triggers),
    ]
