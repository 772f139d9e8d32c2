"""Possible duplicates before a save: save anyway, merge into an existing customer, or cancel."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.customers.dto import DuplicateHint


def tr(text: str) -> str:
    return QCoreApplication.translate("Dubletten", text)


class DuplicatesDialog(QDialog):
    """After exec(): Accepted with `merge_with` None (save anyway) or a customer id (merge
    into that one, which survives); Rejected means cancel."""

    def __init__(self, hints: Sequence[DuplicateHint], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Mögliche Dublette"))
        self.hints = list(hints)
        self.merge_with: int | None = None
        self.list = QListWidget()
        for hint in self.hints:
            row = hint.customer
            where = " ".join(p for p in (row.postcode, row.city) if p)
            text = f"{row.number}  {row.name or row.company}"
            if row.company and row.name:
                text += f" ({row.company})"
            text += f" – {where}\n    " + tr("Grund: ") + hint.reason
            QListWidgetItem(text, self.list)
        self.list.setCurrentRow(0)
        self.save_anyway = QPushButton(tr("Trotzdem speichern"))
        self.merge = QPushButton()
        self.cancel = QPushButton(tr("Abbrechen"))
        buttons = QDialogButtonBox()
        buttons.addButton(self.save_anyway, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.merge, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.save_anyway.clicked.connect(self.accept)
        self.merge.clicked.connect(self._merge)
        self.cancel.clicked.connect(self.reject)
        self.list.currentRowChanged.connect(self._update_merge_text)
        self._update_merge_text()
        layout = QVBoxLayout(self)
        explanation = QLabel(tr(
            "Diesen Kunden gibt es vielleicht schon. Beim Zusammenführen bleibt der "
            "vorhandene Kunde bestehen; leere Felder werden ergänzt, Ansprechpersonen, "
            "Kontakthistorie und Schlagwörter übernommen."))
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(560, 300)
        # Enter goes back to the form: neither saving a duplicate nor merging happens by
        # accident; the list has the focus, so arrow keys choose the customer at once.
        self.cancel.setDefault(True)
        self.list.setFocus()

    def selected(self) -> DuplicateHint:
        return self.hints[max(0, self.list.currentRow())]

    def _update_merge_text(self) -> None:
        self.merge.setText(tr("Mit {0} zusammenführen").format(self.selected().customer.number))

    def _merge(self) -> None:
        self.merge_with = self.selected().customer.id
        self.accept()
