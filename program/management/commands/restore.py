"""``python manage.py restore PATH``: load a backup ZIP into an empty, migrated database."""

from django.core.management.base import BaseCommand

from program.backups import restore_backup


class Command(BaseCommand):
    help = "Load a ZIP made by `backup` into an empty, migrated database, photos included."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup ZIP")

    def handle(self, *args, path, **options):
        files = restore_backup(path)
        self.stdout.write(f"Restored {path}: the data and {files} photo files.")
