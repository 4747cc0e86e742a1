"""Text as people type it and as the site keeps it.

Everything that enters (admin forms, imports) is stored in Unicode NFC with its outer
whitespace trimmed (CONTRACT.md "Data"): "é" typed as one code point or as "e" plus a
combining accent is then the same string. Search compares a further folded form.
"""

import re
import unicodedata

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


def entered_text(text):
    """Text as stored: NFC, outer whitespace trimmed, web-form line ends (CRLF) as "\\n"."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text).strip()


def single_line(text):
    """Names and titles: entered text with runs of whitespace as one space."""
    return " ".join(entered_text(text).split())


def name_key(name):
    """What makes two spellings of a name one person: NFC, letter case and spacing ignored.

    Accents still count ("Perez" and "Pérez" may be two people).
    """
    return unicodedata.normalize("NFC", single_line(name).casefold())


def search_text(*parts):
    """The folded form search compares: case folded, accents and other marks removed.

    Unicode's full case folding (``str.casefold``: "ß" is "ss", "İ" is "i̇"), then the
    compatibility decomposition (NFKD: "é" is "e" plus a combining accent, "ﬁ" is "fi"),
    then every nonspacing mark (category Mn) dropped. Parts are joined by line breaks, which
    no search word contains, so a word never matches across two fields.
    """
    folded = unicodedata.normalize("NFKD", "\n".join(parts).casefold())
    return "".join(char for char in folded if unicodedata.category(char) != "Mn")


def search_words(query):
    """The words of a search query in the folded form of ``search_text``."""
    return search_text(query).split()
