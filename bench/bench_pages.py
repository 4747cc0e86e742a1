"""Server time and SQL queries of the public pages on a 2,000-talk edition.

Run: .venv/bin/python bench/bench_pages.py [--talks N]
Target: the unfiltered program page of 2,000 talks under 150 ms of server time, when built
(the versioned-response cache empty) as well as from the cache; a day of the timetable of a
2,000-talk, 20-room edition (400 talks) within the same budget.
"""

import datetime as dt
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
    from unittest import mock

    from django.core.cache import caches
    from django.test.utils import override_settings

    from program.agenda import agenda_query
    from program.models import Talk

    conference = generated_edition("bench", options.talks)
    wide = generated_edition("wide", options.talks, rooms=20)
    edition = conference.slug
    talks = Talk.objects.published().filter(conference=conference)
    common_type = (
        talks.values_list("type__slug", flat=True).order_by("type__slug").distinct().first()
    )
    word = talks.order_by("public_start").first().title.split()[0]
    talk = talks.order_by("start")[talks.count() // 2]
    speaker = talk.ordered_speakers[0]
    # Now and next in the middle of the edition's first day; an agenda of 20 talks.
    first = talks.order_by("start").first()
    during = first.start + dt.timedelta(hours=3)
    agenda = f"/{edition}/agenda/?{agenda_query(talks.values_list('pk', flat=True)[:20])}"

    # Static files are not collected here: plain storage, as the development server uses.
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(ROOT_URLCONF="bench.urls", STORAGES=storages):
        client = WsgiClient()
        repeat = options.repeat
        baseline = measure(client, "empty Django view", "/bench/empty/", repeat=repeat)
        program = f"/{edition}/program/"
        typed, searched = f"{program}?type={common_type}", f"{program}?q={word}"
        # "built": the versioned-response cache is emptied before every request.
        built = {"before_each": caches["editions"].clear, "repeat": repeat}
        etag = client.get(program)["ETag"]
        measurements = [
            measure(client, f"program, {talks.count()} talks, built", program, **built),
            measure(client, f"program, {talks.count()} talks, cached", program, repeat=repeat),
            measure(client, "program, 304", program, repeat=repeat, HTTP_IF_NONE_MATCH=etag),
            # Any client may send a session cookie: it must not cost a build, nor compression.
            *cookie_measurements(client, program, repeat),
            *cookie_measurements(client, f"/{edition}/program.ics", repeat),
            measure(client, f"program ?type={common_type}, built", typed, **built),
            measure(client, f"program ?q={word}, built", searched, **built),
            measure(client, "talk page", talk.get_absolute_url(), repeat=repeat),
            measure(
                client,
                "speaker page",
                speaker.get_absolute_url(conference),
                repeat=repeat,
            ),
            measure(client, "speakers list, built", f"/{edition}/speakers/", **built),
            measure(client, "speakers list, cached", f"/{edition}/speakers/", repeat=repeat),
            measure(client, "agenda of 20 talks", agenda, repeat=repeat),
            # A generated edition is its starting state: no change (bench_changes.py has some).
            measure(client, "changes page (none)", f"/{edition}/changes/", repeat=repeat),
            measure(client, "changes.atom (no entry)", f"/{edition}/changes.atom", repeat=repeat),
            *timetable_measurements(client, conference, built),
            *timetable_measurements(client, wide, built),
        ]
        with mock.patch("program.machinery.clock.now", return_value=during):
            measurements.append(measure(client, "now and next", f"/{edition}/now/", repeat=repeat))
    report(f"Public pages ({options.talks} talks)", measurements, baseline)


def cookie_measurements(client, url, repeat):
    """``url`` from the cache in brotli, without a cookie and with a made-up session cookie."""
    name = url.rsplit("/", 2)[-2] if url.endswith("/") else url.rsplit("/", 1)[-1]
    brotli = {"repeat": repeat, "HTTP_ACCEPT_ENCODING": "br"}
    return [
        measure(client, f"{name}, cached, br", url, **brotli),
        measure(
            client, f"{name}, br, made-up session cookie", url, HTTP_COOKIE="sessionid=x", **brotli
        ),
    ]


def timetable_measurements(client, conference, built):
    """The timetable's first day (it opens with a keynote): built, whole and for one track,
    and from its version. ``built`` are measure()'s options that empty the cache."""
    from program.models import Talk

    first, last = conference.day_bounds(conference.start_date)
    talks = Talk.objects.published().filter(
        conference=conference, public_start__gte=first, public_start__lt=last
    )
    track = conference.tracks.order_by("name").first()
    label = f"timetable, {conference.rooms.count()} rooms"
    url = f"/{conference.slug}/timetable/?day={conference.start_date}"
    return [
        measure(client, f"{label}, {talks.count()} talks, built", url, **built),
        measure(client, f"{label}, one track, built", f"{url}&track={track.slug}", **built),
        measure(client, f"{label}, cached", url, repeat=built["repeat"]),
    ]


if __name__ == "__main__":
    main()
