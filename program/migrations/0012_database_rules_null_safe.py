# Rules the pages and feeds rely on, NULL-safe in the database: a speaker's photo has a size
# (a CHECK whose comparison is NULL passed a photo without one, and its pages gave 500), and a
# talk lasts at most 99:59, the longest a frab file can write.

import datetime
import django.db.models.expressions
from django.db import migrations, models

from program.machinery.data_version import drop_triggers, install_triggers

MAX_DURATION = datetime.timedelta(hours=99, minutes=59)


def rows_the_rules_refuse(apps, schema_editor):
    """A photo without a size is forgotten (its pages could not show it); a talk longer than
    99:59 stops the migration, naming it, for an organiser to shorten it first."""
    Speaker = apps.get_model("program", "Speaker")
    Talk = apps.get_model("program", "Talk")
    sizeless = Speaker.objects.exclude(photo="").filter(
        models.Q(photo_width=None) | models.Q(photo_height=None)
    )
    sizeless.update(photo="", photo_width=None, photo_height=None)
    too_long = [
        f"{talk.conference.slug}/{talk.slug}"
        for talk in Talk.objects.select_related("conference")
        if talk.end - talk.start > MAX_DURATION
    ]
    if too_long:
        raise RuntimeError(
            "These talks last longer than 99:59, which the database now refuses: shorten "
            f"them in the admin, then migrate again: {', '.join(too_long)}"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('program', '0011_data_version'),
    ]

    operations = [
        migrations.RunPython(rows_the_rules_refuse, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='speaker',
            name='speaker_photo_has_size',
        ),
        migrations.AddConstraint(
            model_name='speaker',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('photo', ''), ('photo_height', None), ('photo_width', None)), models.Q(models.Q(('photo', ''), _negated=True), ('photo_height__isnull', False), ('photo_width__isnull', False), ('photo_height__gt', 0), ('photo_width__gt', 0)), _connector='OR'), name='speaker_photo_has_size'),
        ),
        migrations.AddConstraint(
            model_name='talk',
            constraint=models.CheckConstraint(condition=models.Q(('end__lte', django.db.models.expressions.CombinedExpression(models.F('start'), '+', models.Value(datetime.timedelta(days=4, seconds=14340))))), name='talk_at_most_99_59'),
        ),
        # SQLite rebuilt the two tables, and a rebuilt table has lost its triggers.
        migrations.RunPython(install_triggers, drop_triggers),
    ]
