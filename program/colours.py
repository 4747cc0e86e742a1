"""Track colours: a label's text stays readable on whatever colour organisers choose.

WCAG 2.2 success criterion 1.4.3 asks for a contrast ratio of at least 4.5:1 between text
and its background. Black or white, whichever contrasts more, always reaches it: the worst
background (relative luminance about 0.18) still gives 4.58:1 with both.
"""

import re

from django.core.exceptions import ValidationError

COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# Colours of tracks an import creates without one, in turn: distinct hues, mid to dark.
PALETTE = (
    "#1d4ed8",
    "#b45309",
    "#047857",
    "#be185d",
    "#6d28d9",
    "#0e7490",
    "#b91c1c",
    "#4d7c0f",
)
BLACK = "#000000"
WHITE = "#ffffff"


def validate_colour(value):
    if not COLOUR.fullmatch(str(value)):
        raise ValidationError(
            "“%(value)s” is not a colour written #rrggbb, such as #1d4ed8.",
            params={"value": value},
        )


def relative_luminance(colour):
    """The relative luminance (0 black to 1 white) of ``#rrggbb`` (WCAG 2.2, definitions)."""
    channels = []
    for start in (1, 3, 5):
        value = int(colour[start : start + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first, second):
    """The contrast ratio of two ``#rrggbb`` colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def label_ink(background):
    """The text colour of a label on ``background``: black or white, whichever reads better."""
    if contrast_ratio(background, BLACK) >= contrast_ratio(background, WHITE):
        return BLACK
    return WHITE
