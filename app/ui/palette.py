"""Every colour the window draws text or a badge in, in one place.

Each text colour is paired with the surfaces it is drawn on, and each badge with its own
background, so `tests/ui/test_palette.py` can check every pair against WCAG 2.1 AA (contrast
ratio at least 4.5:1 for normal text). A widget never spells a colour itself: it takes one from
here (or a `Tone` through `app.ui.messages`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# The surfaces text sits on: the window (Qt's light Fusion/Windows grey) and tables/fields.
WINDOW = "#efefef"
BASE = "#ffffff"
SURFACES = (WINDOW, BASE)

TEXT = "#212121"
SELECTED_TEXT = "#ffffff"  # text and icons on a selected list entry
SELECTION = "#1f6fb5"  # selected rows; Qt's Fusion blue (#308cc6) reaches only 3.7:1
MUTED = "#455a64"  # explanations, captions, definitions under a figure


class Tone(StrEnum):
    """What a message says about the outcome of an action."""

    SUCCESS = "success"
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


TONE_COLOURS: dict[Tone, str] = {
    Tone.SUCCESS: "#1b5e20",  # dark green
    Tone.ERROR: "#b00020",  # red
    Tone.WARNING: "#7a4f00",  # dark amber: yellow itself is unreadable on light grey
    Tone.INFO: TEXT,
}


@dataclass(frozen=True)
class Badge:
    background: str
    foreground: str


# The A/B/C class as a coloured badge (customer list column, customer view header).
CLASS_BADGES: dict[str, Badge] = {
    "A": Badge("#2e7d32", "#ffffff"),
    "B": Badge("#f9a825", "#000000"),
    "C": Badge("#616161", "#ffffff"),
}
# Customers without a class in the dashboard's bars.
UNCLASSIFIED = Badge("#cfd8dc", "#000000")

# Lines and bars in charts carry no text; they only need to differ from each other.
CHART_LINE = "#c62828"
CHART_BARS = "#1565c0"
CHART_SECOND_LINE = "#6a1b9a"


def text_pairs() -> list[tuple[str, str, str]]:
    """(what, foreground, background) for every text colour on every surface and every badge."""
    pairs = [(f"Text {name}", colour, surface)
             for name, colour in [("normal", TEXT), ("gedämpft", MUTED),
                                  *((tone.value, TONE_COLOURS[tone]) for tone in Tone)]
             for surface in SURFACES]
    pairs += [(f"Klasse {name}", badge.foreground, badge.background)
              for name, badge in CLASS_BADGES.items()]
    pairs.append(("ohne Klasse", UNCLASSIFIED.foreground, UNCLASSIFIED.background))
    pairs.append(("Auswahl", SELECTED_TEXT, SELECTION))
    return pairs


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of an `#rrggbb` colour."""
    channels = []
    for start in (1, 3, 5):
        value = int(colour[start:start + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio, 1 (same colour) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)),
                             reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
