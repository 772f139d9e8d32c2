"""The fonts every PDF embeds (DejaVu Sans, shipped in resources/fonts with its licence).

reportlab's built-in Helvetica is not embedded and has no glyphs for Ł, ř or ź; DejaVu has.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

FONT_DIR = files("resources") / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"


@cache
def register() -> str:
    """Register the family once; returns the regular font's name for styles."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name in (REGULAR, BOLD, ITALIC):
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / f"{name}.ttf")))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD)
    return REGULAR
