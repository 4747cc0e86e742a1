from django.db import migrations, models

from program.text import search_text

SEARCHED_FIELDS = {"Talk": ("title", "abstract"), "Speaker": ("name", "affiliation", "bio")}


def fold_existing_rows(apps, schema_editor):
    """Rows written before search_text existed get it once, as every later write does."""
    for model_name, fields in SEARCHED_FIELDS.items():
        model = apps.get_model("program", model_name)
        rows = [
            model(pk=pk, search_text=search_text(*texts))
            for pk, *texts in model.objects.values_list("pk", *fields)
        ]
        model.objects.bulk_update(rows, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("program", "0007_resources_and_speaker_photos")]

    operations = [
        migrations.AddField(
            model_name="speaker",
            name="search_text",
            field=models.TextField(
                default="", editable=False, help_text="The searched fields, folded for search."
            ),
        ),
        migrations.AddField(
            model_name="talk",
            name="search_text",
            field=models.TextField(
                default="", editable=False, help_text="The searched fields, folded for search."
            ),
        ),
        migrations.RunPython(fold_existing_rows, migrations.RunPython.noop),
    ]
