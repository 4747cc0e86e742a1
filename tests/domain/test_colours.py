"""Track label colours: the text on a label meets WCAG 2.2 contrast whatever the colour."""

import itertools

import pytest

from program.colours import BLACK, PALETTE, WHITE, contrast_ratio, label_ink, relative_luminance


def test_relative_luminance_of_known_colours():
    assert relative_luminance("#000000") == 0
    assert relative_luminance("#ffffff") == pytest.approx(1)
    assert relative_luminance("#ff0000") == pytest.approx(0.2126)
    assert relative_luminance("#808080") == pytest.approx(0.2158605, abs=1e-6)


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#000000", 21.0),
        ("#777777", "#ffffff", 4.48),  # the grey famously just below AA
        ("#767676", "#ffffff", 4.54),
        ("#1d4ed8", "#ffffff", 6.70),
        ("#123456", "#123456", 1.0),
    ],
)
def test_contrast_ratio_matches_wcag(first, second, ratio):
    assert contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize(
    ("background", "ink"),
    [
        ("#1d4ed8", WHITE),  # blue
        ("#fde68a", BLACK),  # pale yellow
        ("#ffff00", BLACK),
        ("#000080", WHITE),
        ("#808080", BLACK),  # mid grey: black reads better (5.32 against 3.95)
        ("#ff0000", BLACK),  # red: 5.25 against 4.00
        ("#b91c1c", WHITE),
    ],
)
def test_label_ink_is_black_or_white_whichever_reads_better(background, ink):
    assert label_ink(background) == ink


def test_every_colour_gets_text_of_at_least_4_5_to_1():
    # Every colour of a 16-step grid per channel (4,096 colours, the extremes included).
    steps = [f"{value:02x}" for value in range(0, 256, 17)]
    worst = min(
        contrast_ratio(colour, label_ink(colour))
        for colour in ("#" + "".join(rgb) for rgb in itertools.product(steps, repeat=3))
    )

    assert worst >= 4.5


def test_import_palette_reads_with_white_text():
    assert [label_ink(colour) for colour in PALETTE] == [WHITE] * len(PALETTE)
    assert min(contrast_ratio(colour, WHITE) for colour in PALETTE) >= 4.5
