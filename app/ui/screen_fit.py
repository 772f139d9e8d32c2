"""Window sizes that fit the screen: a 1366×768 laptop or a 1280×720 projector included.

A window asks for the size it would like; it gets at most what the screen offers once the
task bar (outside the available geometry) and the window's own title bar and frame
(outside the size given to `resize`) are taken off.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# Title bar and frame that the window manager adds around the size a window is given.
FRAME = QSize(16, 40)
# The smallest screens the program is laid out for, with a 40 px task bar.
SMALL_SCREENS = (QRect(0, 0, 1366, 728), QRect(0, 0, 1280, 680))


def fitted_size(wanted: QSize, available: QRect) -> QSize:
    """`wanted`, shrunk to what fits on `available` with the frame around it."""
    return wanted.boundedTo(available.size() - FRAME)


def fits(size: QSize, available: QRect) -> bool:
    """Whether a window of `size` (without its frame) fits on `available`."""
    room = available.size() - FRAME
    return size.width() <= room.width() and size.height() <= room.height()


def resize_to_fit(window: QWidget, wanted: QSize) -> None:
    """Resize a top-level window to `wanted`, or less where its screen is smaller."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    window.resize(fitted_size(wanted, screen.availableGeometry()))
