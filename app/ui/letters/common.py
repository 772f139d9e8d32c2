"""What the tabs of the Briefe page share: the translation context and compact widgets."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QListWidget, QSplitter, QWidget

from app.services.formatting import format_points


def tr(text: str) -> str:
    return QCoreApplication.translate("Briefe", text)


def points_text(diff: float) -> str:
    """Percentage points; the no-break space keeps the unit with its number when a narrow
    column wraps."""
    return format_points(diff).replace(" ", "\u00a0")


def elided_list() -> QListWidget:
    """A list whose long entries end in "…" (full text in the tooltip) instead of scrolling
    sideways, so a narrow column stays readable."""
    widget = QListWidget()
    widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.setTextElideMode(Qt.TextElideMode.ElideRight)
    widget.setUniformItemSizes(True)
    return widget


def splitter_of(*panes: tuple[QWidget, int]) -> QSplitter:
    """Side-by-side panes that share extra width by their stretch factor and never collapse
    below what they need (a collapsed pane looks like a bug, not a choice)."""
    splitter = QSplitter()
    splitter.setChildrenCollapsible(False)
    for index, (pane, stretch) in enumerate(panes):
        splitter.addWidget(pane)
        splitter.setStretchFactor(index, stretch)
    return splitter


def compact(combo: QComboBox, characters: int = 16) -> QComboBox:
    """A combo box whose longest entry does not set the width of its whole column."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    return combo
