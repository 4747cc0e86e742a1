"""The text of an XLSX workbook read in bounded memory: no cell over MAX_CELL_CHARACTERS is
ever held whole (docs/organisers/imports.md, "Bounds on the work").

openpyxl parses each XML part into elements, holding a text node whole, then copies it: a
40 KB workbook whose one shared string is 40 MB once took 1.8 GB. Here the parts that hold
cell text are streamed through expat in chunks, counting each text's characters and keeping
only its start once it is too long: the shared strings (read for openpyxl, oversized ones as
``Oversized``) and the sheets the import reads (checked before openpyxl parses them).
"""

import xml.parsers.expat
from xml.etree.ElementTree import ParseError

from openpyxl.reader.excel import ExcelReader

from program.text import QUOTED_MAX

# The longest cell read, as long as the csv module's longest field: an abstract of 20,000
# words fits.
MAX_CELL_CHARACTERS = 131_072
_CHUNK = 64 * 1024
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "


class Oversized:
    """A cell's text over MAX_CELL_CHARACTERS: its ``start`` (QUOTED_MAX + 1 characters) and
    its ``length``. Not a string, so that nothing reads it as the cell's text by mistake."""

    def __init__(self, start, length):
        self.start, self.length = start, length


class TooLongCell(ValueError):
    """A sheet's cell holds more than MAX_CELL_CHARACTERS characters; ``args``: the sheet's
    title, the cell's reference such as "H2" ("" for a text outside cells), the text's
    start (QUOTED_MAX + 1 characters) and its length."""


def load_workbook(file):
    """(the workbook, read-only and values only, as openpyxl.load_workbook gives it; a
    function of a sheet's title that raises TooLongCell for it, to call before reading it)."""
    reader = _BoundedReader(file, read_only=True, data_only=True)
    reader.read()
    parts = {sheet.name: rel.target for sheet, rel in reader.parser.find_sheets()}
    return reader.wb, lambda title: _check_sheet(reader.archive, parts[title], title)


def _check_sheet(archive, part, title):
    """Raise TooLongCell for the sheet part's first cell (its inline string, value and
    formula together) or other text over MAX_CELL_CHARACTERS, read in chunks before
    openpyxl holds any whole."""
    cell = {"ref": None}  # the cell being read, None between cells
    text = _Text()

    def start(name, attributes):
        if name == f"{_MAIN}c":
            cell["ref"] = attributes.get("r", "")
            text.reset()
        elif cell["ref"] is None:
            text.reset()

    def end(name):
        if text.length > MAX_CELL_CHARACTERS:
            raise TooLongCell(title, cell["ref"] or "", text.start(), text.length)
        if name == f"{_MAIN}c":
            cell["ref"] = None
        if cell["ref"] is None:
            text.reset()

    with archive.open(part) as source:
        _stream(source, start, end, text.add)


class _BoundedReader(ExcelReader):
    def read_strings(self):
        """The shared strings as openpyxl's read_string_table gives them (a string's plain
        text and its rich-text runs, not its phonetic guide; "x005F_" removed), except that
        one over MAX_CELL_CHARACTERS is an Oversized."""
        found = self.package.find(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
        )
        if found is None:
            return
        strings, path = [], []
        text = _Text()

        def start(name, attributes):
            path.append(name)
            if name == f"{_MAIN}si":
                text.reset()

        def end(name):
            path.pop()
            if name == f"{_MAIN}si":
                strings.append(text.value())

        def characters(data):
            # <si><t> and <si><r><t>; <si><rPh><t> is a reading aid, not the text.
            if path[-1:] == [f"{_MAIN}t"] and path[-2] in (f"{_MAIN}si", f"{_MAIN}r"):
                text.add(data)

        with self.archive.open(found.PartName[1:]) as source:
            _stream(source, start, end, characters)
        self.shared_strings = strings


class _Text:
    """A text arriving in pieces: kept up to MAX_CELL_CHARACTERS + 1 characters, counted."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.pieces, self.kept, self.length = [], 0, 0

    def add(self, data):
        self.length += len(data)
        if self.kept <= MAX_CELL_CHARACTERS:
            self.pieces.append(data)
            self.kept += len(data)

    def start(self):
        return "".join(self.pieces)[: QUOTED_MAX + 1]  # quoted() then shows it cut

    def value(self):
        if self.length > MAX_CELL_CHARACTERS:
            return Oversized(self.start(), self.length)
        return "".join(self.pieces).replace("x005F_", "")


def _stream(source, start, end, characters):
    """Parse the XML file ``source`` in chunks, calling the handlers (names are the
    namespace, a space, the local name); malformed XML or a DOCTYPE is a ParseError, as
    openpyxl's parser says."""

    def no_doctype(*_):
        raise ParseError("a document type declaration, which workbooks never hold")

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = characters
    parser.StartDoctypeDeclHandler = no_doctype
    try:
        while chunk := source.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except xml.parsers.expat.ExpatError as error:
        raise ParseError(str(error)) from None
