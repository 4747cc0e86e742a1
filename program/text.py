"""Text as people type it and as the site keeps it.

Everything that enters (admin forms, imports) is stored in Unicode NFC with its outer
whitespace trimmed (docs/organisers/imports.md): "é" typed as one code point or as "e" plus a
combining accent is then the same string. Search compares a further folded form.
"""

import itertools
import re
import unicodedata

# Excel writes a carriage return inside a cell as the escape "_x000D_"; exports also leave
# bare carriage returns. Two or more in a row (only spaces between) end a paragraph;
# a single one is a line wrap.
# The spaces before a break are matched from their first only ((?<![ \t])): tried from each
# space of a run not followed by a break, a cell of 131,072 spaces took 6 minutes.
_BREAK = r"(?:_x000D_|\r\n?)"
_PARAGRAPH_BREAK = re.compile(rf"(?<![ \t])[ \t]*{_BREAK}(?:[ \t\n]*{_BREAK})+[ \t]*\n?")
_LINE_WRAP = re.compile(rf"(?<![ \t])[ \t]*{_BREAK}[ \t]*\n?[ \t]*")


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


def folded(text):
    """Text as search compares it: case folded, accents and other marks removed.

    Unicode's full case folding (``str.casefold``: "ß" is "ss", "İ" is "i̇"), then the
    compatibility decomposition (NFKD: "é" is "e" plus a combining accent, "ﬁ" is "fi"),
    then every nonspacing mark (category Mn) dropped.
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in text if unicodedata.category(char) != "Mn")


# A word: letters and digits of any script. Hyphens, apostrophes, other punctuation and
# spaces separate words.
_WORD = re.compile(r"[^\W_]+")
# Straight and typographic quotation marks open and close a phrase.
_QUOTE = re.compile(r"[\"“”„«»]")


def search_text(*parts):
    """The form search compares (docs/attendees/search.md): one line per part, then one more.

    Each part's line holds its folded words (``folded``), each after one space, so that a
    word's start is a space and its neighbours in the text are one space apart (phrases).
    The last line holds every two neighbouring words of a part written together, so that a
    word typed whole ("pretraining") finds it written apart ("pre-training", "pre training").
    Search words never hold a line break, so a match never spans two parts.
    """
    lines, joined = [], []
    for part in parts:
        words = _WORD.findall(folded(part))
        lines.append("".join(f" {word}" for word in words))
        joined.extend(first + second for first, second in itertools.pairwise(words))
    lines.append("".join(f" {word}" for word in joined))
    return "\n".join(lines)


def search_words(query):
    """The words of ``query`` as ``search_text`` writes them: folded, without punctuation."""
    return _WORD.findall(folded(query))


def plural_forms(word):
    """What a search word looks for in ``search_text`` to find its singular and plural.

    Each is matched anywhere, so a stem finds every longer form: "gpus" looks for "gpu"
    (GPU, GPUs), "boxes" for "box", "caches" for "cach" (cache, caches), "libraries" for
    "library" and "librarie", and "library" also for "libraries". Regular English plurals
    only; words of three letters or fewer, and "ss" ("class"), are left as typed.
    """
    if len(word) <= 3:
        return (word,)
    if word.endswith("ies"):
        return (word[:-3] + "y", word[:-1])
    if word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        return (word[:-2],)
    if word.endswith("s") and not word.endswith("ss"):
        return (word[:-1],)
    if word.endswith("y") and word[-2] not in "aeiou":
        return (word, word[:-1] + "ies")
    return (word,)


def search_terms(query):
    """The terms of a search query: each a tuple of texts, one of which a match holds.

    - a quoted phrase (straight or typographic quotes): its words in that order, the
      first at a word's start (``" kv cache"``);
    - a word of one letter or digit: a word starting with it (``" a"``);
    - a word joined by hyphens or other punctuation ("pre-training"): its parts apart or
      together (``"pre training"``, ``"pretraining"``);
    - any other word: itself, or its singular or plural (``plural_forms``).

    A query without a word (only punctuation) has no terms, as an empty one.
    """
    terms = []
    # Between quotes (odd pieces) a phrase; an unclosed quote runs to the end.
    for position, piece in enumerate(_QUOTE.split(folded(query))):
        if position % 2 and len(words := _WORD.findall(piece)) > 1:
            terms.append((" " + " ".join(words),))
            continue
        for typed in piece.split():
            parts = _WORD.findall(typed)
            if len(parts) > 1:
                *first, last = parts
                # Apart, a first part of one letter starts a word ("x-ray" is not "max ray").
                apart = " " if len(first[0]) == 1 else ""
                terms.append(
                    tuple(f"{apart}{' '.join([*first, form])}" for form in plural_forms(last))
                    + tuple("".join([*first, form]) for form in plural_forms(last))
                )
            elif parts and len(parts[0]) == 1:
                terms.append((" " + parts[0],))
            elif parts:
                terms.append(plural_forms(parts[0]))
    return terms


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


# A value quoted in a message, at most: a file's or a form's 5,000-character name is shown
# by its start, so that the list of problems stays readable.
QUOTED_MAX = 60


def shortened(value, limit=QUOTED_MAX):
    """``value`` as text, cut to ``limit`` characters (the last one "…") when longer."""
    text = str(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"
