"""Server time and SQL queries of what reads the talks' history, built (cache emptied).

Run: .venv/bin/python bench/bench_changes.py [--talks N]
An edition of N talks (generate_program) in which, once published, every talk moved an hour,
every tenth was cancelled, every twentieth deleted and every fiftieth moved to another
edition: about 1.2 N history records after the N of its starting state. Measures the changes
page, its Atom feed, the API's changes (all, and since the last tenth), and an agenda naming
20 talks that are gone; on SQLite, also the instructions its changes query takes (a count
that load does not disturb).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import WsgiClient, arguments, generated_edition, measure, report, setup_django


def main():
    options = arguments(__doc__)
    setup_django()
    import datetime as dt

    from django.core.cache import caches
    from django.db.models import F
    from django.test.utils import override_settings

    from program.models import Room, Talk

    conference = generated_edition("history", options.talks)
    other = generated_edition("history-next", 10)
    talks = Talk.objects.filter(conference=conference)
    pks = list(talks.order_by("pk").values_list("pk", flat=True))
    hour = dt.timedelta(hours=1)
    talks.update(start=F("start") + hour, end=F("end") + hour)
    Talk.objects.filter(pk__in=pks[::10]).set_status(Talk.Status.CANCELLED)
    moved_away = pks[1::50]
    Talk.objects.filter(pk__in=moved_away).update(
        conference=other, room=Room.objects.filter(conference=other).first(), track=None
    )
    since = Talk.history.order_by("-history_id")[len(pks) // 10].history_date
    gone = pks[::20][:10] + moved_away[:10]
    Talk.objects.filter(pk__in=pks[::20]).delete()
    slugs = "&".join(
        f"talk={slug}"
        for slug in Talk.history.filter(id__in=gone).values_list("slug", flat=True).distinct()
    )

    edition = conference.slug
    built = {"before_each": caches["editions"].clear, "repeat": options.repeat}
    # Static files are not collected here: plain storage, as the development server uses.
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(ROOT_URLCONF="bench.urls", STORAGES=storages):
        client = WsgiClient()
        baseline = measure(client, "empty Django view", "/bench/empty/", repeat=options.repeat)
        since_text = since.isoformat().replace("+00:00", "Z")
        measurements = [
            measure(client, "changes page, built", f"/{edition}/changes/", **built),
            measure(client, "changes page 10, built", f"/{edition}/changes/?page=10", **built),
            measure(client, "changes.atom, built", f"/{edition}/changes.atom", **built),
            measure(
                client, "API changes, built", f"/api/v1/conferences/{edition}/changes/", **built
            ),
            measure(
                client,
                "API changes since, built",
                f"/api/v1/conferences/{edition}/changes/?since={since_text}",
                **built,
            ),
            measure(client, "agenda, 20 gone talks, built", f"/{edition}/agenda/?{slugs}", **built),
        ]
    report(f"History reads ({options.talks} talks)", measurements, baseline)
    sqlite_steps(conference)


def sqlite_steps(conference):
    """Print the SQLite virtual machine instructions that counting the edition's changes and
    reading their first page take: the work, counted, whatever else loads the machine."""
    from django.db import connection

    from program.changes import edition_changes

    if connection.vendor != "sqlite":
        return
    connection.ensure_connection()
    counter = [0]

    def count():
        counter[0] += 1
        return 0  # go on

    connection.connection.set_progress_handler(count, 100)
    for name, read in [
        ("count", lambda: edition_changes(conference).count()),
        ("first page", lambda: list(edition_changes(conference)[:50])),
    ]:
        counter[0] = 0
        read()
        print(f"changes, {name}: {counter[0] * 100:,} SQLite instructions (to the hundred)")
    connection.connection.set_progress_handler(None, 100)


if __name__ == "__main__":
    main()
