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


def decode(data):
    """(text, encoding name) of a CSV file's bytes, byte-order mark removed.

    Raises NotText for a file that is not text (a binary file, or one that no listed
    encoding reads without control characters).
    """
    match = from_bytes(data, cp_isolation=list(ENCODINGS)).best()
    if match is None:
        raise NotText()
    text = str(match)
    if CONTROL_CHARACTERS.intersection(text):
        raise NotText()
    return text, ENCODINGS[match.encoding]


def delimiter(text):
    """The delimiter of the header row: comma, semicolon or tab (comma when unclear)."""
    header = text.splitlines()[0] if text else ""
    try:
        return csv.Sniffer().sniff(header, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def read_rows(text):
    """The rows of CSV text, with the header's delimiter and Excel's quoting ("" for ")."""
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text)))
