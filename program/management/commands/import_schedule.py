from django.core.management.base import BaseCommand, CommandError

from program.importers import ImportFailed, import_schedule


class Command(BaseCommand):
    help = (
        "Import a frab schedule (.xml or .json: pretalx, frab, wafer, FOSDEM exports) or a "
        "spreadsheet (.csv, .xlsx) into an edition. All or nothing: with any problem, nothing "
        "changes and every problem is listed with its row or event."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the file to import")
        parser.add_argument(
            "--conference",
            metavar="SLUG",
            help="the edition: required for spreadsheets (it must exist); for a frab file, "
            "the edition to import into or create (default: the file's acronym)",
        )
        parser.add_argument(
            "--name",
            help="for a frab file that creates the edition: its name (default: the file's "
            "title); no other edition may have it",
        )
        parser.add_argument(
            "--timezone",
            metavar="ZONE",
            help="the IANA zone of the file's times (e.g. Europe/Brussels): needed when a "
            "frab file names none and creates the edition, or names another zone than the "
            "edition's (default: the file's zone, else the edition's)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="show what would be created, updated and left alone; change nothing",
        )

    def handle(self, *args, path, conference, name, timezone, dry_run, **options):
        try:
            result = import_schedule(
                path_or_file=path,
                conference_slug=conference,
                conference_name=name,
                timezone=timezone,
                dry_run=dry_run,
            )
        except ImportFailed as failure:
            raise CommandError(failure.report()) from None
        self.stdout.write("\n".join(result.summary_lines()))
