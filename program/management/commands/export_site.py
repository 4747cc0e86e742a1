from django.core.management.base import BaseCommand, CommandError

from program.archive import (
    Addresses,
    ArchiveError,
    open_photo,
    open_static,
    own_address,
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
        "day, talk and speaker pages, photos, static files and feeds (program.ics, "
        "schedule.xml, schedule.json), with relative links, for a static host or the local "
        "disk; what needs the server is left out, or with --site-url linked on the live "
        "site (docs/operators/archive.md)."
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
            help="The live site's root, e.g. https://program.example.org/: the copy keeps the "
            "yearly menu, Now, My agenda and Changes, and links what it lacks (filtered "
            "views, other editions) there; og:url and the feeds name it. Without it the "
            "feeds name the site's own address (DJANGO_HTTPS, the first host of "
            "DJANGO_ALLOWED_HOSTS).",
        )

    def handle(self, *args, edition, directory, site_url, **options):
        conference = Conference.objects.published().filter(slug=edition).first()
        if conference is None:
            known = ", ".join(Conference.objects.published().values_list("slug", flat=True))
            raise CommandError(
                f"No published edition is called {edition!r} (published: {known or 'none'})."
            )
        try:
            live_url = site_address(site_url)
            feeds_url = live_url or own_address()
            addresses = Addresses(conference, live_url)
            target = prepare_directory(directory)
            files = archive_pages(conference, addresses)
            files.update(archive_feeds(conference, feeds_url))
            files.update({f"static/{name}": open_static(name) for name in addresses.static_files})
            files.update({f"media/{name}": open_photo(name) for name in addresses.photos})
            missing = addresses.linked - set(files)
            if missing:
                raise ArchiveError(f"The pages link to files the copy lacks: {sorted(missing)}")
            names = write_files(target, files)
        except ArchiveError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Wrote {len(names)} files of {conference.name} to {target}.")
        if live_url:
            self.stdout.write(f"The feeds and the links to the live site name {live_url}.")
        else:
            self.stdout.write(
                f"The feeds name {feeds_url} (from DJANGO_HTTPS and DJANGO_ALLOWED_HOSTS); "
                "give --site-url to name another."
            )
