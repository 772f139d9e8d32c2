"""Keys a Windows user expects that Qt does not give for free.

- Strg+Enter confirms a dialog from inside a multi-line field, where Enter starts a new line.
- Esc in a search field empties it (and only when it is empty does Esc go on to the window).
- Tab follows the reading order, also through fields built after the rest of a form.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QDialog, QLineEdit, QPushButton, QWidget

CONFIRM_KEYS = ("Ctrl+Return", "Ctrl+Enter")  # the main and the number-pad Enter key


def tab_order(*widgets: QWidget) -> None:
    """Tab goes through `widgets` in this order (fields built later, e.g. for the chosen
    entry of a list, would otherwise come last)."""
    for first, second in itertools.pairwise(widgets):
        QWidget.setTabOrder(first, second)


def ctrl_enter_accepts(dialog: QDialog) -> None:
    """Strg+Enter anywhere in `dialog` (also in a multi-line field) does what OK does: it
    presses the default button, or accepts a dialog that has none."""

    def confirm() -> None:
        default = next((b for b in dialog.findChildren(QPushButton)
                        if b.isDefault() and b.isVisible()), None)
        if default is None:
            dialog.accept()
        elif default.isEnabled():
            default.click()

    for keys in CONFIRM_KEYS:
        QShortcut(QKeySequence(keys), dialog, confirm)


def focus_first_field(container: QWidget) -> None:
    """Put the focus in the first field of `container` that Tab would reach (not a button)."""
    widget = container.nextInFocusChain()
    while widget is not None and widget is not container and container.isAncestorOf(widget):
        if (widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isEnabled()
                and widget.isVisibleTo(container) and not isinstance(widget, QAbstractButton)):
            widget.setFocus()
            return
        widget = widget.nextInFocusChain()


class _ClearOnEscape(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_Escape and isinstance(watched, QLineEdit)
                and watched.text()):
            watched.clear()
            return True
        return False


def escape_clears(field: QLineEdit) -> None:
    """Esc empties the search `field`; Esc in an empty field reaches the window as before."""
    field.installEventFilter(_ClearOnEscape(field))
