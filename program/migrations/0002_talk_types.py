from django.db import migrations

# The talk types every site starts with (docs/organisers/admin.md); organisers add more.
TALK_TYPES = [
    ("keynote", "Keynote"),
    ("invited-talk", "Invited Talk"),
    ("oral", "Oral"),
    ("spotlight", "Spotlight"),
    ("poster", "Poster"),
    ("tutorial", "Tutorial"),
    ("workshop", "Workshop"),
    ("panel", "Panel"),
    ("social", "Social"),
    ("break", "Break"),
]


def add_talk_types(apps, schema_editor):
    TalkType = apps.get_model("program", "TalkType")
    for slug, name in TALK_TYPES:
        TalkType.objects.get_or_create(slug=slug, defaults={"name": name})


def remove_talk_types(apps, schema_editor):
    TalkType = apps.get_model("program", "TalkType")
    TalkType.objects.filter(slug__in=[slug for slug, _ in TALK_TYPES], talks=None).delete()


class Migration(migrations.Migration):
    dependencies = [("program", "0001_initial")]

    operations = [migrations.RunPython(add_talk_types, remove_talk_types)]
