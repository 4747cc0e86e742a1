"""Cleaning text that comes out of spreadsheets."""

import re

# Excel writes a carriage return inside a cell as the escape "_x000D_"; exports also leave
# bare carriage returns. Two or more in a row (only spaces between) end a paragraph;
# a single one is a line wrap.
_BREAK = r"(?:_x000D_|\r\n?)"
_PARAGRAPH_BREAK = re.compile(rf"[ \t]*{_BREAK}(?:[ \t\n]*{_BREAK})+[ \t]*\n?")
_LINE_WRAP = re.compile(rf"[ \t]*{_BREAK}[ \t]*\n?[ \t]*")


def clean_spreadsheet_text(text):
    """Text with spreadsheet artefacts cleaned; nothing else is rewritten."""
    text = _PARAGRAPH_BREAK.sub("\n\n", text)
    return _LINE_WRAP.sub(" ", text)
