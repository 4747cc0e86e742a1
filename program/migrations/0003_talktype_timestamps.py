import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("program", "0002_talk_types")]

    operations = [
        migrations.AddField(
            model_name="talktype",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="talktype",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
    ]
