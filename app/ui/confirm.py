"""The one question before an irreversible action (delete, erase, restore, Werbewiderspruch).

The box names the action on its own button and offers "Abbrechen" beside it; "Abbrechen" is
the default and the Esc button, so Enter, a stray space or Esc never does the irreversible
thing — only a deliberate click or Alt+letter on the action does.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget


def tr(text: str) -> str:
    return QCoreApplication.translate("Bestaetigung", text)


def confirmation_box(parent: QWidget | None, *, title: str, text: str, action: str,
                     details: str = "") -> QMessageBox:
    """The question, not yet shown (tests and `confirm` show it)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton,
                      parent)
    if details:
        box.setInformativeText(details)
    do = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    cancel.setText(tr("Abbrechen"))
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    do.setAutoDefault(False)
    return box


def action_button(box: QMessageBox) -> QAbstractButton:
    """The button of the box that does the irreversible action."""
    return next(b for b in box.buttons()
                if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole)


def confirm(parent: QWidget | None, *, title: str, text: str, action: str,
            details: str = "") -> bool:
    """Ask and wait; True only when the user chose `action` itself."""
    box = confirmation_box(parent, title=title, text=text, action=action, details=details)
    box.exec()
    return box.clickedButton() is action_button(box)
