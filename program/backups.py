"""Backups: one ZIP with every edition, speaker, login and record, and the speaker photos.

``data.json`` is Django's ``dumpdata`` of the program, the logins and the admin log, with
references by natural key where the model has one (an edition's slug, a talk type's slug,
a content type's app and model, whose ids differ from one migrated database to another).
Rows keep their primary keys too, so ``history.json``, the talks' history, still points at
the same talks; history is dumped by primary key alone, as it may name rows deleted since.
``media/<name>`` holds each file of each speaker photo, by its storage name. A restore
goes into an empty database (migrated) and keeps every row's ``updated_at``.
"""

import io
import os
import tempfile
import zipfile
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import transaction
from simple_history.models import HistoricalChanges

from program.machinery.history import HISTORY_FROM_BACKUP
from program.models import Conference, Speaker, Talk, TalkType
from program.photos import photo_files
from program.statistics import analyse_program_tables

DATA = "data.json"
HISTORY = "history.json"
MEDIA = "media/"
# What a backup holds: what organisers made, and who may log in. Content types and
# permissions come from migrate; sessions and login attempts are transient.
MODELS = ["auth.group", "auth.user", "admin.logentry", "program"]


def dumped_rows():
    """``data.json``: every row but history, as JSON text (natural-key references)."""
    history = [model._meta.label for model in _history_models()]
    # The data version is the database's own (machinery/data_version.py): a restore moves it.
    return _dumped(*MODELS, exclude=[*history, "program.DataVersion"], natural_foreign=True)


def dumped_history():
    """``history.json``: every history record, as JSON text (primary-key references)."""
    return _dumped(*[model._meta.label for model in _history_models()])


def create_backup(path):
    """Write the ZIP to ``path`` (str or Path); returns (rows' JSON size in bytes, files).

    It holds every login's password hash: the file is readable by its owner alone (0600)
    from its creation, whatever the umask. It is written beside ``path`` under another
    name, created 0600 by mkstemp, then renamed over it: an existing file's wider mode is
    not kept, and no half-written backup ever carries the name.
    """
    data, history = dumped_rows(), dumped_history()
    names = sorted(
        name for speaker in Speaker.objects.exclude(photo="") for name in photo_files(speaker)
    )
    path = Path(path)
    descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with (
            os.fdopen(descriptor, "wb") as out,
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            archive.writestr(DATA, data)
            archive.writestr(HISTORY, history)
            for name in names:
                with default_storage.open(name) as file:
                    archive.writestr(MEDIA + name, file.read())
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return len(data.encode()) + len(history.encode()), len(names)


def _dumped(*labels, **options):
    output = io.StringIO()
    call_command("dumpdata", *labels, format="exactjson", stdout=output, verbosity=0, **options)
    return output.getvalue()


def _history_models():
    return [
        model
        for model in apps.get_app_config("program").get_models()
        if issubclass(model, HistoricalChanges)
    ]


def restore_backup(path):
    """Load a ZIP made by ``create_backup`` into this (empty, migrated) database and storage.

    Raises CommandError when the file is not such a backup or the database already holds
    editions, speakers, talks or logins (nothing is mixed or overwritten). All or nothing
    for the rows; photo files are written after the rows are committed.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise CommandError(f"{path} is not a backup ZIP: {error}") from error
    with archive:
        if not {DATA, HISTORY} <= set(archive.namelist()):
            raise CommandError(
                f"{path} is not a backup made by `make backup`: no {DATA} and {HISTORY} in it."
            )
        users = get_user_model().objects
        if any(model.exists() for model in (Conference.objects, Speaker.objects, Talk.objects,
                                            users)):  # fmt: skip
            raise CommandError(
                "The database is not empty: it has editions, speakers, talks or logins. "
                "Restore into an empty one (a new DATABASE_URL, migrated, or after "
                "`python manage.py flush`), so that nothing is mixed or overwritten."
            )
        with tempfile.TemporaryDirectory() as folder:
            fixtures = []
            for member in (DATA, HISTORY):
                fixtures.append(Path(folder) / member)
                fixtures[-1].write_bytes(archive.read(member))
            restoring = HISTORY_FROM_BACKUP.set(True)
            try:
                with transaction.atomic():
                    # Those migrate made: the backup's own come back with their primary keys.
                    TalkType.objects.all().delete()
                    call_command("loaddata", *map(str, fixtures), verbosity=0)
            finally:
                HISTORY_FROM_BACKUP.reset(restoring)
        analyse_program_tables()
        files = [name for name in archive.namelist() if name.startswith(MEDIA)]
        for entry in files:
            name = entry.removeprefix(MEDIA)
            if default_storage.exists(name):
                default_storage.delete(name)
            default_storage.save(name, ContentFile(archive.read(entry)))
    return len(files)
