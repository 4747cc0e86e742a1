"""Seconds and memory of reading a small XLSX workbook holding one huge cell, against
openpyxl reading the same workbook as the importer did before issue 20, in the same run.

Run: .venv/bin/python bench/bench_huge_cells.py [--megabytes 40]
The workbook's sheet "Talks" has a header and one row whose title is a shared string of
``--megabytes`` million characters: "x" repeated, then Excel's line-break escape "_x000D_"
repeated (which the cleaning of spreadsheet text rewrites). "importer" is
program.importers.spreadsheet.parse_xlsx (the cell refused, its start quoted); "openpyxl" is
openpyxl.load_workbook in read-only mode, the rows read and each cell's text cleaned, as
before. "peak MB" is the most
memory Python held at once (tracemalloc), which the file's size (KB) does not bound.
"""

import argparse
import io
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import setup_django

SST = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)


def workbook_with(text):
    """A workbook whose sheet Talks has the importer's header and one row titled ``text``
    (a shared string, as Excel writes text)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Talks"
    sheet.append(["title", "type", "date", "start", "end", "room", "speakers", "abstract"])
    sheet.append(["TITLE", "Keynote", "2026-05-18", "09:00", "09:45", "Hall", "Ion", "Hi."])
    saved = io.BytesIO()
    book.save(saved)
    with zipfile.ZipFile(io.BytesIO(saved.getvalue())) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
    start = sheet_xml.index('<c r="A2"')
    end = sheet_xml.index("</c>", start) + len("</c>")
    parts["xl/worksheets/sheet1.xml"] = (
        sheet_xml[:start] + '<c r="A2" t="s"><v>0</v></c>' + sheet_xml[end:]
    ).encode()
    override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS_TYPE}"/>'
    types = parts["[Content_Types].xml"].decode().replace("</Types>", f"{override}</Types>")
    parts["[Content_Types].xml"] = types.encode()
    parts["xl/sharedStrings.xml"] = f"{SST}<si><t>{text}</t></si></sst>".encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def measured(function, *args):
    """(seconds, peak MB Python held, the value) of calling ``function``."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        value = function(*args)
        return time.perf_counter() - started, tracemalloc.get_traced_memory()[1] / 1e6, value
    finally:
        tracemalloc.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=40)
    options = parser.parse_args()
    setup_django()
    import zoneinfo

    import openpyxl

    from program.importers import spreadsheet

    def with_openpyxl(data):
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = list(book["Talks"].iter_rows(values_only=True))
        book.close()
        # Each cell's text cleaned, as the importer then did before checking its length.
        return [[spreadsheet._cell_text(cell) for cell in row] for row in rows]

    def with_importer(data):
        return spreadsheet.parse_xlsx(data, "program.xlsx", zoneinfo.ZoneInfo("UTC")).problems

    length = options.megabytes * 1_000_000
    print(f"{'':24}{'KB':>6}{'seconds':>9}{'peak MB':>9}   x importer (time, memory)")
    for unit in ("x", "_x000D_"):
        data = workbook_with(unit * (length // len(unit)))
        importer = measured(with_importer, data)
        baseline = measured(with_openpyxl, data)
        for label, (seconds, peak, _) in (("importer", importer), ("openpyxl", baseline)):
            print(f"{label + ', ' + unit + '…':24}{len(data) // 1024:>6,}{seconds:>9.2f}", end="")
            if label == "openpyxl":
                print(f"{peak:>9.1f}{seconds / importer[0]:>10.1f}x{peak / importer[1]:>9.0f}x")
            else:
                print(f"{peak:>9.1f}")
        print(f"  {importer[2][0][:90]}…")


if __name__ == "__main__":
    main()
