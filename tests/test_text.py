import pytest

from program.text import clean_spreadsheet_text


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
