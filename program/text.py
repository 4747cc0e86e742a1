"""Text as people type it and as the site keeps it.

Everything that enters (admin forms, imports) is stored in Unicode NFC with its outer
whitespace trimmed (docs/organisers/imports.md): "é" typed as one code point or as "e" plus a
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


# Characters no stored text may hold: control characters but tab and line ends (C0, DEL,
# C1: PostgreSQL refuses NUL, XML 1.0 cannot carry most of the others, none is typed on
# purpose) and lone surrogates (halves of a UTF-16 pair, which no encoding can write).
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def unstorable_character(text):
    """A description of the first character of ``text`` that no stored text may hold
    ("the control character U+0000"), or None."""
    match = _UNSTORABLE.search(text)
    if match is None:
        return None
    code = ord(match[0])
    kind = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "the control character"
    return f"{kind} U+{code:04X}"


def shown(text):
    """Text to show in a message: each character no stored text may hold as U+FFFD (�)."""
    return _UNSTORABLE.sub("\ufffd", text)
