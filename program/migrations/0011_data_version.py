# The data version the response cache keys its copies by, kept by the database itself
# (program/machinery/data_version.py): a table of one row and the triggers that move it.

import time

from django.db import migrations, models

from program.machinery.data_version import drop_triggers, install_triggers


def first_version(apps, schema_editor):
    """The row the triggers move, numbered as they number it: microseconds since 1970."""
    DataVersion = apps.get_model("program", "DataVersion")
    DataVersion.objects.using(schema_editor.connection.alias).create(
        id=1, number=time.time_ns() // 1000
    )


class Migration(migrations.Migration):

    dependencies = [
        ('program', '0010_protect_rooms_and_speakers_with_talks'),
    ]

    operations = [
        migrations.CreateModel(
            name='DataVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.BigIntegerField()),
            ],
            options={
                'db_table': 'program_dataversion',
            },
        ),
        migrations.RunPython(first_version, migrations.RunPython.noop),
        migrations.RunPython(install_triggers, drop_triggers),
    ]
