"""``python manage.py backup [PATH]``: every edition and the speaker photos in one ZIP."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from program.backups import create_backup


class Command(BaseCommand):
    help = "Save every edition, speaker, login, history and speaker photo in one ZIP file."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="the ZIP to write (default: backups/program-<UTC date and time>.zip)",
        )

    def handle(self, *args, path=None, **options):
        if not path:
            # Its backups are the owner's alone (program/backups.py); so is the folder.
            Path("backups").mkdir(mode=0o700, exist_ok=True)
            path = f"backups/program-{timezone.now():%Y%m%d-%H%M%S}.zip"
        size, files = create_backup(path)
        self.stdout.write(f"Saved {path}: {size:,} bytes of data and {files} photo files.")
