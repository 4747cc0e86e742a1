"""`make backup` / `make restore`: a ZIP round-trips every edition exactly, photos included,
into an empty database (SQLite and PostgreSQL alike)."""

import io
import json
import os
import shutil
import stat
import zipfile

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from program.backups import dumped_rows
from program.models import Room, Speaker, Talk
from program.photos import photo_files, prepare_photo, set_photo
from tests.domain.test_photos import image_bytes
from tests.factories import (
    ConferenceFactory,
    ResourceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkTypeFactory,
    TrackFactory,
)
from tests.importers.test_imports import database_snapshot

# Committed transactions: the database stamps rows at commit, and restore must keep stamps.
pytestmark = pytest.mark.django_db(transaction=True)


def everything():
    """Every row a backup holds but history, as the backup writes it."""
    rows = json.loads(dumped_rows())
    return sorted(rows, key=lambda row: (row["model"], str(row["pk"])))


def media(root):
    return {
        str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }


@pytest.fixture
def editions():
    """Two editions with what organisers make: rooms, tracks, talks in each status, a
    resource, speakers shared between editions, a photo, a custom talk type, a login, an
    admin log entry, history with a deleted talk and a room deleted since."""
    # History ids start past those the restore's own records would take in a database
    # flushed afresh, so such a record could not hide under a restored one of the same id.
    warm_up = TalkFactory()
    for _ in range(20):
        warm_up.save()
    warm_up.conference.delete()
    Talk.history.all().delete()
    organiser = User.objects.create_superuser("organiser", password="organiser-password")
    panel = TalkTypeFactory(slug="fireside", name="Fireside chat")
    ion = SpeakerFactory(name="Ion Stoica", slug="ion-stoica", bio="Works on systems.")
    set_photo(speaker=ion, photo=prepare_photo(ContentFile(image_bytes("JPEG"), name="a.jpg")))
    yuhan = SpeakerFactory(name="Yuhan Liu", slug="yuhan-liu")
    for slug, year in (("2025", 2025), ("2026", 2026)):
        edition = ConferenceFactory(slug=slug, name=f"MLSys {year}")
        hall = RoomFactory(conference=edition, name="Hall", slug="hall")
        track = TrackFactory(conference=edition, name="Systems", slug="systems")
        moved = RoomFactory(conference=edition, name="Annex", slug="annex")
        for status in Talk.Status.values:
            talk = TalkFactory(
                conference=edition, title=f"{status} talk", room=moved, status=status,
                track=track, type=panel, speakers=[ion, yuhan],
            )  # fmt: skip
            ResourceFactory(talk=talk)
            talk.room = hall
            talk.save()  # history keeps the room it was in
        TalkFactory(conference=edition, room=hall, speakers=[yuhan]).delete()
        moved.delete()
    LogEntry.objects.log_actions(
        user_id=organiser.pk,
        queryset=[Talk.objects.first()],
        action_flag=CHANGE,
        change_message="Status set to Published (bulk action).",
    )
    return ion


def test_backup_and_restore_round_trip_every_edition_exactly(editions, tmp_path, media_root):
    before, rows, files = everything(), database_snapshot(), media(media_root)
    history = list(Talk.history.order_by("pk").values_list())
    path = tmp_path / "backup.zip"

    call_command("backup", str(path), stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media_root)
    assert not Speaker.objects.exists()
    out = io.StringIO()
    call_command("restore", str(path), stdout=out)

    assert out.getvalue() == f"Restored {path}: the data and 3 photo files.\n"
    assert everything() == before
    assert database_snapshot() == rows
    assert list(Talk.history.order_by("pk").values_list()) == history
    assert media(media_root) == files
    assert sorted(files) == sorted(photo_files(Speaker.objects.get(slug="ion-stoica")))
    assert Room.objects.filter(slug="annex").count() == 0
    restored = User.objects.get(username="organiser")
    assert restored.check_password("organiser-password")
    assert restored.is_superuser
    assert LogEntry.objects.get().get_edited_object() == Talk.objects.first()
    # New rows take new keys: the database's sequences were moved past the restored ones.
    assert TalkFactory(conference=Talk.objects.first().conference).pk > max(row[0] for row in
                                                                         rows["Talk"])  # fmt: skip


def test_backup_holds_data_history_and_photos(editions, tmp_path):
    path = tmp_path / "backup.zip"
    out = io.StringIO()

    call_command("backup", str(path), stdout=out)

    names = zipfile.ZipFile(path).namelist()
    assert names[:2] == ["data.json", "history.json"]
    assert sorted(names[2:]) == sorted(f"media/{name}" for name in photo_files(editions))
    data = json.loads(zipfile.ZipFile(path).read("data.json"))
    talk = next(row for row in data if row["model"] == "program.talk")
    assert talk["fields"]["type"] == ["fireside"]  # a natural key
    assert out.getvalue().startswith(f"Saved {path}: ")
    assert out.getvalue().endswith(" bytes of data and 3 photo files.\n")


@pytest.fixture
def open_umask():
    """A umask that takes nothing away: a file's mode is what its creator asked for."""
    before = os.umask(0)
    yield
    os.umask(before)


def test_a_backup_is_readable_by_its_owner_alone_whatever_the_umask(
    editions, tmp_path, open_umask, monkeypatch
):
    made = tmp_path / "made.zip"
    replaced = tmp_path / "replaced.zip"
    replaced.write_bytes(b"an older backup")
    replaced.chmod(0o644)
    monkeypatch.chdir(tmp_path)

    for path in (made, replaced):
        call_command("backup", str(path), stdout=io.StringIO())
    call_command("backup", stdout=io.StringIO())  # into backups/, made here

    (default,) = (tmp_path / "backups").iterdir()
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in (made, replaced, default)}
    assert modes == {"made.zip": 0o600, "replaced.zip": 0o600, default.name: 0o600}
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700
    assert zipfile.ZipFile(replaced).namelist()[:2] == ["data.json", "history.json"]
    partial = [path.name for path in tmp_path.rglob(".*.tmp")]
    assert partial == []


def test_restore_refuses_a_database_with_editions(editions, tmp_path):
    path = tmp_path / "backup.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    before = everything()

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path))

    assert str(refused.value) == (
        "The database is not empty: it has editions, speakers, talks or logins. Restore into "
        "an empty one (a new DATABASE_URL, migrated, or after `python manage.py flush`), so "
        "that nothing is mixed or overwritten."
    )
    assert everything() == before


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("notes.txt", "hello")
    text = tmp_path / "backup.zip"
    text.write_text("not a zip")

    with pytest.raises(CommandError) as not_backup:
        call_command("restore", str(other))
    with pytest.raises(CommandError) as not_zip:
        call_command("restore", str(text))

    assert str(not_backup.value) == (
        f"{other} is not a backup made by `make backup`: no data.json and history.json in it."
    )
    assert str(not_zip.value) == f"{text} is not a backup ZIP: File is not a zip file"
