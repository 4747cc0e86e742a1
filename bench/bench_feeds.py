"""Server time and SQL queries of the feeds (iCalendar, frab) on a 2,000-talk edition.

Run: .venv/bin/python bench/bench_feeds.py [--talks N]
Edition-wide feeds are built once per version of the edition's data, then answered from the
"feeds" cache or with a 304; "built" rows empty the cache before every request.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    WsgiClient,
    arguments,
    generated_edition,
    measure,
    report,
    setup_django,
)


def main():
    options = arguments(__doc__, repeat=10)
    setup_django()
    from django.core.cache import caches
    from django.test.utils import override_settings

    from program.models import Talk

    edition = generated_edition("bench", options.talks).slug
    talks = Talk.objects.published().filter(conference__slug=edition).order_by("public_start")
    talk = talks[talks.count() // 2]
    common_type = talk.type.slug

    with override_settings(ROOT_URLCONF="bench.urls"):
        client = WsgiClient()
        repeat = options.repeat
        baseline = measure(client, "empty Django view", "/bench/empty/", repeat=repeat)
        ics = f"/{edition}/program.ics"
        typed = f"{ics}?type={common_type}"
        etag = client.get(ics)["ETag"]
        build = {"before_each": caches["editions"].clear, "repeat": repeat}
        measurements = [
            measure(client, f"program.ics, {talks.count()} talks, built", ics, **build),
            measure(client, f"program.ics, {talks.count()} talks, cached", ics, repeat=repeat),
            measure(client, "program.ics, 304", ics, repeat=repeat, HTTP_IF_NONE_MATCH=etag),
            measure(client, f"program.ics ?type={common_type}, built", typed, **build),
            measure(client, "talk .ics", f"/{edition}/talks/{talk.slug}.ics", repeat=repeat),
            measure(client, "schedule.xml, built", f"/{edition}/schedule.xml", **build),
            measure(client, "schedule.xml, cached", f"/{edition}/schedule.xml", repeat=repeat),
            measure(client, "schedule.json, built", f"/{edition}/schedule.json", **build),
            measure(client, "schedule.json, cached", f"/{edition}/schedule.json", repeat=repeat),
        ]
    report(f"Feeds ({options.talks} talks)", measurements, baseline)


if __name__ == "__main__":
    main()
