from django.core.management.base import BaseCommand, CommandError

from program.archive import (
    Addresses,
    ArchiveError,
    open_photo,
    open_static,
    prepare_directory,
    site_address,
    write_files,
)
from program.feeds.archive import archive_feeds
from program.models import Conference
from program.pages.archive import archive_pages


class Command(BaseCommand):
    help = (
        "Write a static copy of a published edition into DIR: its program, timetable per "
        "day, talk and speaker pages, photos and static files, with relative links, for a "
        "static host or the local disk (docs/operators/archive.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("edition", help="The edition's slug, e.g. mlsys2026.")
        parser.add_argument(
            "directory",
            help="A new or empty folder, or one holding an earlier copy (which is replaced).",
        )
        parser.add_argument(
            "--site-url",
            default="",
            help="The address the copy will be published at, e.g. "
            "https://example.org/archive/2026/; needed for the feeds and og:url.",
        )

    def handle(self, *args, edition, directory, site_url, **options):
        conference = Conference.objects.published().filter(slug=edition).first()
        if conference is None:
            known = ", ".join(Conference.objects.published().values_list("slug", flat=True))
            raise CommandError(
                f"No published edition is called {edition!r} (published: {known or 'none'})."
            )
        try:
            addresses = Addresses(conference, site_address(site_url), feeds=bool(site_url))
            target = prepare_directory(directory)
            files = archive_pages(conference, addresses)
            if addresses.feeds:
                files.update(archive_feeds(conference, addresses))
            files.update({f"static/{name}": open_static(name) for name in addresses.static_files})
            files.update({f"media/{name}": open_photo(name) for name in addresses.photos})
            missing = addresses.linked - set(files)
            if missing:
                raise ArchiveError(f"The pages link to files the copy lacks: {sorted(missing)}")
            names = write_files(target, files)
        except ArchiveError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Wrote {len(names)} files of {conference.name} to {target}.")
        if not addresses.feeds:
            self.stdout.write(
                "No feeds (program.ics, schedule.xml, schedule.json): their formats need "
                "absolute links; give --site-url to include them."
            )
