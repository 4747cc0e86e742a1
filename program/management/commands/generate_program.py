from django.core.management.base import BaseCommand, CommandError

from program.models import Talk
from program.synthetic import InvalidEdition, generate_edition


class Command(BaseCommand):
    help = (
        "Create a deterministic synthetic edition (published, never current) for demos, "
        "tests and benchmarks, replacing the edition with that slug if it exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--conference", required=True, help="Edition slug, e.g. 2030.")
        parser.add_argument("--talks", type=int, required=True, help="Number of talks.")
        parser.add_argument("--rooms", type=int, default=6, help="Number of rooms (6).")
        parser.add_argument("--days", type=int, default=5, help="Number of days (5).")
        parser.add_argument("--seed", type=int, default=0, help="Same seed, same edition (0).")
        parser.add_argument(
            "--unscheduled",
            type=int,
            default=0,
            help="Draft talks without a slot, beside the scheduled ones (0).",
        )

    def handle(self, *args, conference, talks, rooms, days, seed, unscheduled, **options):
        try:
            edition, replaced = generate_edition(
                slug=conference,
                talks=talks,
                rooms=rooms,
                days=days,
                seed=seed,
                unscheduled=unscheduled,
            )
        except InvalidEdition as error:
            raise CommandError(str(error)) from error
        cancelled = edition.talks.filter(status=Talk.Status.CANCELLED).count()
        waiting = edition.talks.unscheduled().count()
        verb = "Replaced" if replaced else "Created"
        more = f"; {waiting} more wait unscheduled, as drafts" if waiting else ""
        self.stdout.write(
            f"{verb} edition {edition.slug} with {talks} talks in {rooms} rooms over "
            f"{days} days ({cancelled} cancelled{more})."
        )
