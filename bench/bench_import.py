"""Seconds and rows per second of a spreadsheet import's preview (a dry run), as the admin's
import page runs it, for 1,000 and 25,000 rows.

Run: .venv/bin/python bench/bench_import.py [--rows 1000 25000] [--repeat 1]
The baseline is reading the same CSV file with the csv module alone, measured in the same
run. "new" previews a file into an edition without talks (every row a new talk, speaker
and, for the first rows, room); "again" previews it once more after importing it (every row
matched to its talk and unchanged), as an organiser re-checks a corrected file. A preview
must finish well within gunicorn's worker timeout (30 s). "writing" is the part spent in
the write transaction (on SQLite other writers wait meanwhile); the rest reads and checks
the file outside any transaction.
"""

import argparse
import csv
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import setup_django

ROOMS = 12
DAYS = ("2026-05-18", "2026-05-19", "2026-05-20", "2026-05-21", "2026-05-22")
HEADER = "title,type,date,start,end,room,speakers,abstract,track\n"


def program_csv(rows):
    """``rows`` talks over five days in ROOMS rooms, ten-minute slots from 08:00, each with
    two speakers of a pool of rows / 2 people, a type, a track and a short abstract."""
    lines = [HEADER]
    for number in range(rows):
        slot = number // ROOMS
        day, slot = DAYS[slot % len(DAYS)], slot // len(DAYS)
        minutes = 8 * 60 + (slot % 90) * 10
        start, end = f"{minutes // 60:02d}:{minutes % 60:02d}", minutes + 10
        speakers = f"Speaker {number % (rows // 2)};Speaker {(number * 7 + 1) % (rows // 2)}"
        lines.append(
            f"Talk {number} on caches,{('Keynote', 'Oral', 'Poster')[number % 3]},{day},"
            f"{start},{end // 60:02d}:{end % 60:02d},Room {number % ROOMS},{speakers},"
            f"An abstract of talk {number}.,{('Systems', 'ML')[number % 2]}\n"
        )
    return "".join(lines).encode()


def timed(function):
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 25000])
    parser.add_argument("--repeat", type=int, default=1)
    options = parser.parse_args()
    setup_django()
    from django.core.files.base import ContentFile

    from program.importers import import_schedule, writer
    from program.models import Conference, TalkType, Track

    writing = []
    write = writer.ScheduleImport.write

    def timed_write(self):
        started = time.perf_counter()
        try:
            return write(self)
        finally:
            writing.append(time.perf_counter() - started)

    writer.ScheduleImport.write = timed_write

    for slug, name in (("keynote", "Keynote"), ("oral", "Oral"), ("poster", "Poster")):
        TalkType.objects.get_or_create(slug=slug, defaults={"name": name})

    print(f"{'':22}{'rows':>8}{'seconds':>10}{'rows/s':>10}{'x baseline':>12}{'writing':>10}")
    for rows in options.rows:
        data = program_csv(rows)
        edition = Conference.objects.create(
            slug=f"bench-{rows}",
            name=f"Bench {rows}",
            start_date="2026-05-18",
            end_date="2026-05-22",
            timezone="America/Los_Angeles",
        )
        for track in ("Systems", "ML"):
            Track.objects.create(conference=edition, name=track, slug=track.lower())

        def parse(data=data):
            list(csv.reader(io.StringIO(data.decode(), newline="")))

        def preview(data=data, edition=edition, dry_run=True):
            import_schedule(
                path_or_file=ContentFile(data, name="program.csv"),
                conference_slug=edition.slug,
                dry_run=dry_run,
            )

        baseline = min(timed(parse) for _ in range(options.repeat))
        writing.clear()
        new = min(timed(preview) for _ in range(options.repeat)), min(writing)
        preview(dry_run=False)
        writing.clear()
        again = min(timed(preview) for _ in range(options.repeat)), min(writing)
        print(f"{'csv module (baseline)':22}{rows:>8,}{baseline:>10.2f}{rows / baseline:>10,.0f}")
        for label, (seconds, written) in (("preview, new", new), ("preview, again", again)):
            print(f"{label:22}{rows:>8,}{seconds:>10.2f}{rows / seconds:>10,.0f}", end="")
            print(f"{seconds / baseline:>11,.0f}x{written:>10.2f}")


if __name__ == "__main__":
    main()
