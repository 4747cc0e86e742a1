"""Work bounded by a file's content, not only its size (issue 20, item 7): talks that all
overlap are counted, not compared pair by pair; a huge cell is refused before it is held."""

import csv
import tracemalloc
import zoneinfo

import pytest
from django.core.files.base import ContentFile

from program import clashes
from program.importers import ImportFailed, import_schedule, spreadsheet, writer
from program.importers.records import MESSAGE_MAX
from program.importers.xlsx_parts import MAX_CELL_CHARACTERS
from program.models import Speaker, Talk
from tests.factories import ConferenceFactory, TalkTypeFactory
from tests.importers.test_import_hostile import (
    SST,
    huge_shared_string,
    with_shared_strings,
    with_sheet,
    workbook,
)
from tests.importers.test_imports import HEADER

pytestmark = pytest.mark.django_db

UTC = zoneinfo.ZoneInfo("UTC")


@pytest.fixture
def edition():
    TalkTypeFactory(slug="keynote", name="Keynote")
    return ConferenceFactory(slug="2026", name="MLSys 2026", timezone="UTC")


def all_at_once(rows=2000):
    """``rows`` sessions of 24 hours, all at once, in 50 rooms, each with one of 100
    speakers: 58,000 clashes in 2,000 rows (the file that held a worker for minutes)."""
    lines = ["title,type,date,start,end,end_date,room,speakers,abstract\n"]
    lines += [
        f"Session {n},Keynote,2026-05-18,00:00,00:00,2026-05-19,Room {n % 50},Speaker {n % 100},"
        "All day.\n"
        for n in range(rows)
    ]
    return "".join(lines).encode()


def test_a_file_of_talks_all_at_once_lists_100_clashes_and_counts_the_rest(edition, monkeypatch):
    comparisons = []
    still_running = clashes._still_running

    def counted(*args):
        comparisons.append(args)
        return still_running(*args)

    monkeypatch.setattr(clashes, "_still_running", counted)

    result = import_schedule(
        path_or_file=ContentFile(all_at_once(), name="program.csv"),
        conference_slug="2026",
        dry_run=True,
    )

    assert result.counts_line() == "Talks: 2000 created, 0 updated, 0 unchanged."
    assert len(result.warnings) == 101
    assert result.warnings[:2] == [
        "“Session 0”: Room clash: “Session 50” is also in Room 0 at Monday, May 18, 12:00 AM UTC.",
        "“Session 1”: Room clash: “Session 51” is also in Room 1 at Monday, May 18, 12:00 AM UTC.",
    ]
    assert result.warnings[-1] == (
        "57,900 more clashes, not listed (58,000 in all): the first are above."
    )
    # Every pair compared: 1,999,000 (tests/domain/test_clashes.py says where 330 comes from).
    assert len(comparisons) == 330
    assert Talk.objects.count() == 0


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(lambda: with_shared_strings(workbook(), huge_shared_string()), id="shared"),
        pytest.param(
            lambda: with_sheet(
                workbook(), lambda xml: xml.replace(">Welcome.<", f">{'x' * 40_000_000}<")
            ),
            id="inline",
        ),
    ],
)
def test_a_40_megabyte_cell_is_refused_without_being_held(data):
    """openpyxl held the text whole, then copies of it: 1.8 GB for this 44 KB file. Read in
    chunks, the most Python holds at once is a small part of the one cell (here under 2 MB:
    openpyxl's other parts and the chunks)."""
    workbook_bytes = data()
    tracemalloc.start()
    try:
        parsed = spreadsheet.parse_xlsx(workbook_bytes, "program.xlsx", UTC)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert len(parsed.problems) == 1
    assert "40,000,000 characters; a cell holds at most 131,072" in parsed.problems[0]
    assert peak < 2_000_000


def test_a_cell_of_the_longest_length_is_read_one_longer_is_refused():
    longest = with_shared_strings(workbook(), huge_shared_string(MAX_CELL_CHARACTERS))
    too_long = with_shared_strings(workbook(), huge_shared_string(MAX_CELL_CHARACTERS + 1))

    read = spreadsheet.parse_xlsx(longest, "program.xlsx", UTC)
    refused = spreadsheet.parse_xlsx(too_long, "program.xlsx", UTC)

    assert read.problems == ["Row 2, title: 131072 characters; at most 300 fit"]
    assert refused.problems == [
        f"Row 2, title: 131,073 characters; a cell holds at most 131,072 (“{'x' * 59}…”)"
    ]


def test_shared_strings_are_read_as_excel_shows_them():
    """A string's plain text and rich-text runs, not its phonetic guide (a reading aid for
    Japanese names), "_x005F_" as Excel escapes an underscore: what openpyxl read."""
    strings = (
        f"{SST}{'<si><t>a</t></si>' * 7}<si><r><t>Open</t></r><r><rPr><b/></rPr>"
        "<t xml:space='preserve'>ing _x005F_day</t></r><rPh sb='0' eb='1'><t>オープニング</t>"
        "</rPh></si></sst>"
    )

    parsed = spreadsheet.parse_xlsx(with_shared_strings(workbook(), strings), "program.xlsx", UTC)

    assert parsed.problems == []
    assert [talk.title for talk in parsed.talks] == ["Opening _day"]


def test_a_problem_is_cut_at_500_characters():
    """Values are quoted shortened; a library's reason might still hold a file's text."""
    failure = ImportFailed(["program.xlsx: not a readable .xlsx workbook (" + "x" * 5000, "Row 2"])

    assert failure.problems == [
        f"program.xlsx: not a readable .xlsx workbook ({'x' * 454}…",
        "Row 2",
    ]
    assert len(failure.problems[0]) == MESSAGE_MAX == 500


def test_a_thousand_talks_of_one_title_are_numbered_in_linear_work(edition, monkeypatch):
    """Each new slug counted up from 1 again: 1,000 talks called "Break" took 499,500 slugs
    tried, 18 million for 6,000 (103 s). Each title's count now goes on where it stopped:
    one numbered slug for the second talk, two (the last one given, then the next) for
    each later one."""
    rows = [
        f"Break,Keynote,2026-05-18,{n // 60:02d}:{n % 60:02d},{(n + 1) // 60:02d}:"
        f"{(n + 1) % 60:02d},Hall,{'Ann' + '.' * (n % 3)},Coffee.\n"
        for n in range(1000)
    ]
    numbered = []
    numbering = writer._numbered

    def counted(*args):
        numbered.append(args)
        return numbering(*args)

    monkeypatch.setattr(writer, "_numbered", counted)

    import_schedule(
        path_or_file=ContentFile((HEADER + "".join(rows)).encode(), name="program.csv"),
        conference_slug="2026",
    )

    slugs = list(Talk.objects.order_by("start").values_list("slug", flat=True))
    assert slugs[:3] + slugs[-1:] == ["break", "break-2", "break-3", "break-1000"]
    assert len(set(slugs)) == 1000
    assert list(Speaker.objects.order_by("slug").values_list("name", "slug")) == [
        ("Ann", "ann"),
        ("Ann.", "ann-2"),
        ("Ann..", "ann-3"),
    ]
    talk_slugs_tried = 1 + 2 * (1000 - 2)
    speaker_slugs_tried = 1 + 2
    assert len(numbered) == talk_slugs_tried + speaker_slugs_tried == 2000


def test_the_delimiter_is_guessed_from_the_start_of_a_long_header(edition, monkeypatch):
    """csv.Sniffer is quadratic on some headers (32 KB of ," took 13 s; this 400 KB one,
    hours): it reads the header's first 2,000 characters, as many as 50 named columns."""
    sniffed = []
    sniff = csv.Sniffer.sniff

    def counted(self, sample, *args, **kwargs):
        sniffed.append(len(sample))
        return sniff(self, sample, *args, **kwargs)

    monkeypatch.setattr(csv.Sniffer, "sniff", counted)
    data = (',"' * 200_000 + "\n" + "Opening,Keynote\n").encode()

    with pytest.raises(ImportFailed) as failed:
        import_schedule(path_or_file=ContentFile(data, name="program.csv"), conference_slug="2026")

    assert sniffed == [2000]
    assert failed.value.problems[0] == "Row 1, title: the header row has no column “title”"
