# A talk's room and track are of its own edition, for every path that writes: triggers
# (program/models/edition_rules.py), as a CHECK cannot read another table.

from django.db import migrations

from program.models.edition_rules import drop_edition_rules, install_edition_rules


class Migration(migrations.Migration):

    dependencies = [
        ("program", "0015_search_words"),
    ]

    operations = [
        migrations.RunPython(install_edition_rules, drop_edition_rules),
    ]
