"""Icons for pages and actions, from the one bundled open icon set (Lucide, `resources/icons`,
licence beside the files). Lucide draws with `currentColor`; we draw it in the text colour."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from app.ui.palette import SELECTED_TEXT, TEXT

ICON_DIR = files("resources") / "icons"
_SIZES = (16, 20, 24, 32, 48)


@cache
def icon(name: str) -> QIcon:
    """The icon `name` (a file name in resources/icons without `.svg`), sharp at every size.

    An unknown name raises FileNotFoundError: a typo shows up in the first test, not as an
    empty space in the menu."""
    svg = (ICON_DIR / f"{name}.svg").read_bytes()
    result = QIcon()
    # Dark on the window, light on the blue of a selected list entry.
    for mode, colour in ((QIcon.Mode.Normal, TEXT), (QIcon.Mode.Selected, SELECTED_TEXT)):
        renderer = QSvgRenderer(QByteArray(svg.replace(b"currentColor", colour.encode())))
        if not renderer.isValid():
            raise ValueError(f"{name}.svg ist keine gültige SVG-Datei")
        for size in _SIZES:
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            renderer.render(painter, QRectF(0, 0, size, size))
            painter.end()
            result.addPixmap(pixmap, mode)
    return result
