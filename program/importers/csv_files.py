"""CSV files as spreadsheet programs write them, in any locale.

Excel saves "CSV UTF-8" (with a byte-order mark), plain "CSV" in the Windows code page
(Windows-1252 for Western European languages) and "Unicode Text" (UTF-16, tab-separated);
locales whose decimal mark is a comma separate cells with semicolons. The encoding is
guessed by charset-normalizer among those encodings only (free guessing reads a short
Windows-1252 file as some other code page), and the delimiter by csv.Sniffer from the
header row.
"""

import csv
import io

from charset_normalizer import from_bytes

ENCODINGS = {"utf_8": "UTF-8", "cp1252": "Windows-1252", "utf_16": "UTF-16"}
DELIMITERS = ",;\t"
# Text holds no control characters but tab and line ends; binary files do.
CONTROL_CHARACTERS = {chr(code) for code in range(32)} - {"\t", "\n", "\r"}


class NotText(ValueError):
    """The bytes are not text in any encoding spreadsheet programs write."""


class UnreadableRow(ValueError):
    """A row the csv module cannot read; ``args`` are its number and the reason."""


def decode(data):
    """(text, encoding name) of a CSV file's bytes, byte-order mark removed.

    Raises NotText for a file that is not text: a binary file, one that no listed encoding
    reads, or one with control characters in its header row, or more than 10 of them making
    more than 1 character in 100. A few stray ones further down are the importer's to name,
    cell by cell.
    """
    match = from_bytes(data, cp_isolation=list(ENCODINGS)).best()
    if match is None:
        raise NotText()
    text = str(match)
    controls = sum(text.count(character) for character in CONTROL_CHARACTERS)
    header = text.split("\n", 1)[0]
    if CONTROL_CHARACTERS.intersection(header) or (controls > 10 and controls > len(text) / 100):
        raise NotText()
    return text, ENCODINGS[match.encoding]


# The start of the header row the delimiter is guessed from: a header of 50 named columns
# fits. csv.Sniffer's patterns are quadratic on some text: a 32 KB header of ," took 13 s.
SNIFFED_CHARACTERS = 2_000


def delimiter(text):
    """The delimiter of the header row: comma, semicolon or tab (comma when unclear), guessed
    from its first SNIFFED_CHARACTERS characters."""
    header = text[:SNIFFED_CHARACTERS].splitlines()[0] if text else ""
    try:
        return csv.Sniffer().sniff(header, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def read_rows(text, limit):
    """The rows of CSV text, with the header's delimiter and Excel's quoting ("" for "),
    at most ``limit`` + 1 of them (enough to tell that there are too many).

    Raises UnreadableRow for a row the csv module refuses, such as one with a cell longer
    than ``csv.field_size_limit()`` (131,072 characters)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text))
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > limit:
                break
    except csv.Error as error:
        raise UnreadableRow(len(rows) + 1, str(error)) from error
    return rows
