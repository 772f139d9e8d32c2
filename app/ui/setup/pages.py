"""The set-up assistant's pages that are settings tabs too: importing and the backup folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.context import AppContext


def tr(text: str) -> str:
    return QCoreApplication.translate("Einrichtung", text)


class ImportPage(QWidget):
    """Buttons that open the customer and the sales import, with what the database holds."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.customers_button = QPushButton(tr("Kunden importieren …"))
        self.customers_button.clicked.connect(self.import_customers)
        self.sales_button = QPushButton(tr("Umsätze importieren …"))
        self.sales_button.clicked.connect(self.import_sales)
        self.state = QLabel()
        text = QLabel(tr("Kundenlisten aus Excel, CSV, vCard (Outlook, Google, das alte "
                         "Programm) und Umsätze aus der Buchhaltung. Jede Zeile wird vor dem "
                         "Speichern geprüft. Beides geht auch später unter „Datei“."))
        text.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.customers_button)
        row.addWidget(self.sales_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(row)
        layout.addWidget(self.state)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        services = self.context.services
        self.state.setText(tr("In der Datenbank: {customers} Kunden, {sales} Umsätze").format(
            customers=services.customers.count(), sales=services.sales.count()))

    def import_customers(self) -> None:
        from app.ui.customers.import_dialog import CustomerImportDialog

        dialog = CustomerImportDialog(self.context, self)
        self._open(dialog)

    def import_sales(self) -> None:
        from app.ui.sales.import_dialog import SalesImportDialog

        name, _filter = QFileDialog.getOpenFileName(
            self, tr("Umsätze importieren"), "",
            tr("Tabellen (*.csv *.txt *.xlsx);;Alle Dateien (*)"))
        if name:
            self._open(SalesImportDialog(self.context, Path(name), self))

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(self.refresh)
        dialog.open()

    def save(self) -> None:
        """Nothing to save: an import is saved by its own dialog."""


class BackupPage(QWidget):
    """Where the automatic backups go (a USB stick or a NAS folder is fine)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.chosen: Path | None = None
        self.folder = QLabel(str(context.services.backups.folder()))
        self.folder.setWordWrap(True)
        change = QPushButton(tr("Ordner ändern …"))
        change.clicked.connect(self.choose)
        text = QLabel(tr("Stammkunde sichert beim Beenden und einmal am Tag, geprüft, sieben "
                         "tägliche, vier wöchentliche und zwölf monatliche Sicherungen. Am "
                         "sichersten auf einem anderen Laufwerk (USB-Stick, NAS)."))
        text.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(change)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(row)
        layout.addStretch(1)

    def choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Sicherungsordner wählen"),
                                                  self.folder.text())
        if folder:
            self.set_folder(Path(folder))

    def set_folder(self, folder: Path) -> None:
        self.chosen = folder
        self.folder.setText(str(folder))

    def save(self) -> None:
        if self.chosen is not None:
            self.context.services.backups.set_folder(self.chosen, by=self.context.actor)
            self.chosen = None
