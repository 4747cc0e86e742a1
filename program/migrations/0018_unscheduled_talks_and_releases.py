# Unscheduled talks (no start, end nor room, drafts only) and releases: each talk's public
# status, start, end and room, the working ones for every talk so far (no edition held
# changes before), and the editions' releases (program/releases.py).

import datetime
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F

from program.machinery.data_version import drop_triggers, install_triggers
from program.models.edition_rules import drop_edition_rules, install_edition_rules


def public_as_working(apps, schema_editor):
    """No edition held changes before: what the public saw was the working values."""
    Talk = apps.get_model("program", "Talk")
    Talk._base_manager.update(
        public_status=F("status"),
        public_start=F("start"),
        public_end=F("end"),
        public_room=F("room"),
    )


def history_public_as_working(apps, schema_editor):
    """The talks' history records written before hold the defaults of the public fields (a
    draft, nowhere); the changes page reads those fields (program/changes.py): copy the
    working values into them, as for the talks themselves."""
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
        ("program", "0017_conference_public_history_after"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The rooms' and tracks' triggers read the talks' table, which SQLite rebuilds below.
        migrations.RunPython(drop_edition_rules, install_edition_rules),
        migrations.CreateModel(
            name="Release",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                (
                    "name",
                    models.CharField(
                        help_text="Shown to the public, e.g. “Final”.", max_length=200
                    ),
                ),
                (
                    "note",
                    models.TextField(
                        blank=True,
                        help_text="Optional: what changed and why, shown on the changes page.",
                    ),
                ),
                ("released_at", models.DateTimeField()),
                (
                    "changes",
                    models.PositiveIntegerField(
                        default=0,
                        help_text="How many visible changes it made (talks added, moved...).",
                    ),
                ),
            ],
            options={
                "ordering": ["conference", "-number"],
            },
        ),
        migrations.AddField(
            model_name="conference",
            name="holds_changes",
            field=models.BooleanField(
                default=False,
                help_text="Moves, new, cancelled and removed talks wait until you release them from the edition's Release page; titles, abstracts, speakers and materials are public at once. Switching it on makes the program as it stands release 1; switching it off makes every waiting change public at once.",
                verbose_name="hold changes for release",
            ),
        ),
        migrations.AddField(
            model_name="historicaltalk",
            name="duration",
            field=models.DurationField(
                blank=True,
                help_text="How long an unscheduled talk lasts once placed (else 30 minutes); a placed talk lasts from its start to its end.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="historicaltalk",
            name="public_end",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicaltalk",
            name="public_room",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="program.room",
            ),
        ),
        migrations.AddField(
            model_name="historicaltalk",
            name="public_start",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicaltalk",
            name="public_status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("published", "Published"),
                    ("cancelled", "Cancelled"),
                ],
                default="draft",
                editable=False,
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="talk",
            name="duration",
            field=models.DurationField(
                blank=True,
                help_text="How long an unscheduled talk lasts once placed (else 30 minutes); a placed talk lasts from its start to its end.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="talk",
            name="public_end",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="talk",
            name="public_room",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="+",
                to="program.room",
            ),
        ),
        migrations.AddField(
            model_name="talk",
            name="public_start",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="talk",
            name="public_status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("published", "Published"),
                    ("cancelled", "Cancelled"),
                ],
                default="draft",
                editable=False,
                max_length=10,
            ),
        ),
        migrations.RunPython(public_as_working, migrations.RunPython.noop),
        migrations.RunPython(history_public_as_working, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="historicaltalk",
            name="end",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="historicaltalk",
            name="start",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="talk",
            name="end",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="talk",
            name="room",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="talks",
                to="program.room",
            ),
        ),
        migrations.AlterField(
            model_name="talk",
            name="start",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="talk",
            index=models.Index(
                fields=["conference", "public_status", "public_start"], name="talk_public_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="talk",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("end__isnull", True), ("room__isnull", True), ("start__isnull", True)
                    ),
                    models.Q(
                        ("end__isnull", False), ("room__isnull", False), ("start__isnull", False)
                    ),
                    _connector="OR",
                ),
                name="talk_slot_whole",
            ),
        ),
        migrations.AddConstraint(
            model_name="talk",
            constraint=models.CheckConstraint(
                condition=models.Q(("status", "draft"), ("start__isnull", False), _connector="OR"),
                name="talk_public_has_slot",
            ),
        ),
        migrations.AddConstraint(
            model_name="talk",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("duration__gt", datetime.timedelta(0)),
                        ("duration__lte", datetime.timedelta(days=4, seconds=14340)),
                    ),
                    ("duration__isnull", True),
                    _connector="OR",
                ),
                name="talk_duration_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="talk",
            constraint=models.CheckConstraint(
                condition=models.Q(("public_status__in", ["draft", "published", "cancelled"])),
                name="talk_public_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="talk",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("public_status", "draft"),
                    models.Q(
                        ("public_end__isnull", False),
                        ("public_room__isnull", False),
                        ("public_start__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="talk_released_has_slot",
            ),
        ),
        migrations.AddField(
            model_name="release",
            name="conference",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="releases",
                to="program.conference",
            ),
        ),
        migrations.AddField(
            model_name="release",
            name="released_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="release",
            constraint=models.UniqueConstraint(
                fields=("conference", "number"), name="release_unique_number_per_conference"
            ),
        ),
        migrations.AddConstraint(
            model_name="release",
            constraint=models.CheckConstraint(
                condition=models.Q(("number__gte", 1)), name="release_number_positive"
            ),
        ),
        # SQLite rebuilt the talks' table, which drops its triggers; the releases are new.
        migrations.RunPython(install_triggers, drop_triggers),
        migrations.RunPython(install_edition_rules, drop_edition_rules),
    ]
