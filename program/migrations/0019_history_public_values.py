# The talks' history records written before 0018 hold the defaults of the public status,
# start, end and room (a draft, nowhere); the changes page reads those fields now
# (program/changes.py). No edition held changes then, so what the public saw was the
# working values: copied here, as 0018 copied them for the talks themselves.

from django.db import migrations
from django.db.models import F


def history_public_as_working(apps, schema_editor):
    HistoricalTalk = apps.get_model("program", "HistoricalTalk")
    HistoricalTalk._base_manager.filter(
        public_status="draft", public_start__isnull=True, public_room__isnull=True
    ).update(
        public_status=F("status"),
        public_start=F("start"),
        public_end=F("end"),
        public_room=F("room"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("program", "0018_unscheduled_talks_and_releases"),
    ]

    operations = [
        migrations.RunPython(history_public_as_working, migrations.RunPython.noop),
    ]
