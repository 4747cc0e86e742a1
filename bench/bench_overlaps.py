"""Seconds and memory of importing a file whose talks all overlap (24-hour sessions, at
once, in 50 rooms), against an ordinary program of as many rows, in the same run.

Run: .venv/bin/python bench/bench_overlaps.py [--rows 2000 21500] [--old-up-to 2000]
Each row has two speakers, of 100 and of 7 (every talk of a speaker clashes with all the
others): 2,000 rows (211 KB) make 342,715 clashes, 21,500 rows (a 2.3 MB file) 39.9
million. "preview" is the admin's dry run, "import" the real import (into a fresh edition);
"clashes" is the clash check alone (program.clashes.first_clashes, as the import calls it),
and "old sweep" the check before issue 20, kept below as the baseline: every talk compared
with every earlier one still running, each clash built (as tuples, without the messages the
import then wrote), for files up to --old-up-to rows (it takes minutes beyond). The
ordinary program is bench_import.py's (12 rooms, ten-minute talks). "MB" is the largest
resident size of the process so far.
"""

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_import import program_csv
from bench.harness import setup_django

HEADER = "title,type,date,start,end,end_date,room,speakers,abstract\n"
# Each figure's baseline, measured in the same run.
BASELINES = {
    "overlapping preview": "ordinary preview",
    "overlapping import": "ordinary import",
    "overlapping old sweep": "overlapping clashes",
}


def overlapping_csv(rows):
    """``rows`` sessions from 00:00 to 00:00 the next day, all on 18 May, in 50 rooms."""
    lines = [HEADER]
    lines += [
        f"Session {n} on caches,Keynote,2026-05-18,00:00,00:00,2026-05-19,Room {n % 50},"
        f"Speaker {n % 100};Person {n % 7},A day of talks.\n"
        for n in range(rows)
    ]
    return "".join(lines).encode()


def old_sweep(talks):
    """The clash check before issue 20 (program/clashes.py then), on talks in time order."""
    clashes = []
    running = []
    for current in talks:
        running = [earlier for earlier in running if earlier.end > current.start]
        for earlier in running:
            if earlier.room_id == current.room_id:
                clashes.append((earlier, current, None))
            current_speakers = {speaker.pk for speaker in current.ordered_speakers}
            clashes += [
                (earlier, current, speaker)
                for speaker in earlier.ordered_speakers
                if speaker.pk in current_speakers
            ]
        running.append(current)
    return clashes


def timed(function, *args, **kwargs):
    """(seconds, the value) of calling ``function``."""
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return time.perf_counter() - started, value


def megabytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[2000, 21500])
    parser.add_argument("--old-up-to", type=int, default=2000)
    options = parser.parse_args()
    setup_django()
    from django.core.files.base import ContentFile

    from program.clashes import first_clashes
    from program.importers import import_schedule, writer
    from program.models import Conference, Talk, TalkType, Track

    for slug, name in (("keynote", "Keynote"), ("oral", "Oral"), ("poster", "Poster")):
        TalkType.objects.get_or_create(slug=slug, defaults={"name": name})
    writing = []
    write = writer.ScheduleImport.write

    def timed_write(self):
        seconds, result = timed(write, self)
        writing.append(seconds)
        return result

    writer.ScheduleImport.write = timed_write

    def edition(slug):
        conference = Conference.objects.create(
            slug=slug,
            name=slug,
            start_date="2026-05-18",
            end_date="2026-05-22",
            timezone="America/Los_Angeles",
        )
        for track in ("Systems", "ML"):
            Track.objects.create(conference=conference, name=track, slug=track.lower())
        return conference

    def run(data, conference, dry_run):
        writing.clear()
        seconds, _ = timed(
            import_schedule,
            path_or_file=ContentFile(data, name="program.csv"),
            conference_slug=conference.slug,
            dry_run=dry_run,
        )
        return seconds, writing[0]

    print(f"{'':28}{'rows':>8}{'KB':>7}{'seconds':>9}{'x baseline':>11}{'writing':>9}{'MB':>7}")
    for rows in options.rows:
        figures = {}
        for label, data in (
            ("ordinary", program_csv(rows)),
            ("overlapping", overlapping_csv(rows)),
        ):
            conference = edition(f"{label}-{rows}")
            figures[f"{label} preview"] = (len(data), *run(data, conference, True), megabytes())
            seconds, written = run(data, conference, False)
            figures[f"{label} import"] = (len(data), seconds, written, megabytes())
        talks = list(
            Talk.objects.filter(conference=conference).for_clashes().order_by("start", "pk")
        )
        involving = {talk.pk for talk in talks}
        seconds, (listed, count) = timed(
            first_clashes, conference, involving=involving, limit=writer.LISTED_CLASHES
        )
        figures["overlapping clashes"] = (len(data), seconds, None, megabytes())
        if rows <= options.old_up_to:
            seconds, old = timed(old_sweep, talks)
            assert len(old) == count, (len(old), count)
            del old
            figures["overlapping old sweep"] = (len(data), seconds, None, megabytes())
        for label, (size, seconds, written, mb) in figures.items():
            baseline = figures.get(BASELINES.get(label, ""))
            ratio = f"{seconds / baseline[1]:>10.1f}x" if baseline else f"{'':>11}"
            written = f"{written:>9.2f}" if written is not None else f"{'':>9}"
            print(
                f"{label:28}{rows:>8,}{size // 1024:>7,}{seconds:>9.2f}{ratio}{written}{mb:>7,.0f}"
            )
        print(f"{'':28}{count:,} clashes, {len(listed)} listed")


if __name__ == "__main__":
    main()
