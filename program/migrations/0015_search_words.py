# Search compares words: search_text is refolded in its new form (program.text.search_text).
from django.db import migrations

from program.text import search_text

SEARCHED_FIELDS = {"Talk": ("title", "abstract"), "Speaker": ("name", "affiliation", "bio")}


def refold_rows(apps, schema_editor):
    """Every row gets search_text in the form the new search compares, as every later
    write does."""
    for model_name, fields in SEARCHED_FIELDS.items():
        model = apps.get_model("program", model_name)
        rows = [
            model(pk=pk, search_text=search_text(*texts))
            for pk, *texts in model.objects.values_list("pk", *fields)
        ]
        model.objects.bulk_update(rows, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("program", "0014_reading_order")]

    operations = [migrations.RunPython(refold_rows, migrations.RunPython.noop)]
