import pytest

from program.text import (
    clean_spreadsheet_text,
    entered_text,
    name_key,
    search_text,
    search_words,
)


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        (
            "transferring KV caches._x000D_ _x000D_ In this talk",
            "transferring KV caches.\n\nIn this talk",
        ),
        ("zero._x000D__x000D_We will", "zero.\n\nWe will"),
        ("pipeline:_x000D_ tokenization, pretraining", "pipeline: tokenization, pretraining"),
        ("little_x000D_ about this recipe", "little about this recipe"),
        ("one\r\ntwo", "one two"),
        ("one\r\n\r\ntwo", "one\n\ntwo"),
        ("one\rtwo", "one two"),
        ("plain text\n\nwith paragraphs", "plain text\n\nwith paragraphs"),
        ("", ""),
    ],
)
def test_clean_spreadsheet_text(raw, cleaned):
    assert clean_spreadsheet_text(raw) == cleaned


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Guillermo Pe\u0301rez \n", "Guillermo P\u00e9rez"),  # decomposed becomes composed
        ("Line one\r\nLine two\r\rthree", "Line one\nLine two\n\nthree"),
        ("Ｗｉｄｅ", "Ｗｉｄｅ"),  # NFC keeps compatibility characters (NFKC would not)
        ("", ""),
    ],
)
def test_entered_text_is_nfc_and_trimmed(typed, stored):
    assert entered_text(typed) == stored


def test_name_key_ignores_form_case_and_spacing_but_not_accents():
    composed, decomposed = "Guillermo P\u00e9rez", "GUILLERMO  PE\u0301REZ "

    assert name_key(composed) == name_key(decomposed) == "guillermo p\u00e9rez"
    assert name_key("Guillermo Perez") != name_key(composed)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Elena DÍAZ", "elena diaz"),
        ("E\u0301cole d’e\u0301te\u0301", "ecole d’ete"),
        ("Straße", "strasse"),
        ("İstanbul", "istanbul"),
        ("ΣΟΦΊΑ Σοφία", "σοφια σοφια"),
        ("ﬁle", "file"),  # compatibility ligature
    ],
)
def test_search_text_folds_case_and_accents(text, folded):
    assert search_text(text) == folded


def test_search_text_keeps_fields_apart():
    assert search_text("Title", "Abstract") == "title\nabstract"
    assert search_words("  École   d'été ") == ["ecole", "d'ete"]
