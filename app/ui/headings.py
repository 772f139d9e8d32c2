"""The heading every page starts with: a title in one size and weight, and an optional short
explanation in the muted colour, with the same spacing below on every page."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout

from app.ui.palette import MUTED

TITLE_SCALE = 1.5
SPACING = 8  # pixels between heading, explanation and the page's content


def page_title(text: str) -> QLabel:
    """A page's title: bold, one and a half times the text size."""
    label = QLabel(text)
    label.setObjectName("pageTitle")
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * TITLE_SCALE)
    font.setBold(True)
    label.setFont(font)
    return label


def explanation(text: str) -> QLabel:
    """A sentence or two under the title: what the page is for."""
    label = QLabel(text)
    label.setObjectName("pageExplanation")
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {MUTED};")
    return label


def page_heading(title: str, text: str = "") -> QVBoxLayout:
    """Title and explanation as one block to put at the top of a page's layout."""
    block = QVBoxLayout()
    block.setSpacing(SPACING // 2)
    block.setContentsMargins(0, 0, 0, SPACING)
    block.addWidget(page_title(title))
    if text:
        block.addWidget(explanation(text))
    return block
