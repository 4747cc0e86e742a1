"""Server time and SQL queries of the JSON API on a 2,000-talk edition.

Run: .venv/bin/python bench/bench_api.py [--talks N]
Target: /api/v1/talks/?conference=2030&page_size=500 under 150 ms of server time.
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
    options = arguments(__doc__)
    setup_django()
    from django.test.utils import override_settings

    from program.models import Talk

    edition = generated_edition("2030", options.talks).slug
    talks = Talk.objects.published().filter(conference__slug=edition)
    talk = talks.order_by("public_start").first()
    # Throttling still runs (its cache round trips are part of each request), but never refuses.
    with override_settings(ROOT_URLCONF="bench.urls", API_ANONYMOUS_RATE="1000000/minute"):
        client = WsgiClient()
        repeat = options.repeat
        baseline = measure(client, "empty DRF view", "/bench/empty-api/", repeat=repeat)
        talks = f"/api/v1/talks/?conference={edition}"
        measurements = [
            measure(client, "talks, page_size=500", f"{talks}&page_size=500", repeat=repeat),
            measure(client, "talks, default page (50)", talks, repeat=repeat),
            measure(client, "one talk", f"/api/v1/talks/{talk.pk}/", repeat=repeat),
            measure(
                client,
                "speakers, page_size=500",
                f"/api/v1/speakers/?conference={edition}&page_size=500",
                repeat=repeat,
            ),
            measure(client, "rooms", f"/api/v1/rooms/?conference={edition}", repeat=repeat),
        ]
    report(f"JSON API ({options.talks} talks)", measurements, baseline)


if __name__ == "__main__":
    main()
