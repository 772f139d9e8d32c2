"""The customer view's "Briefe" tab: one letter to this customer, previewed and saved."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import StammkundeError
from app.ui.context import AppContext
from app.ui.letters.pdf_view import PdfPreview, open_in_viewer, print_pdf
from app.ui.messages import MessageLabel


def tr(text: str) -> str:
    return QCoreApplication.translate("Briefe", text)


class CustomerLettersTab(QWidget):
    """Pick a template, see the letter, save it as PDF (recorded on the timeline)."""

    def __init__(self, context: AppContext, customer_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.customer_id = customer_id
        self.saved: Path | None = None
        self.template = QComboBox()
        for template in context.services.letters.templates():
            self.template.addItem(template.name, template.id)
        self.template.currentIndexChanged.connect(self.update_preview)
        self.message = MessageLabel()
        self.save_button = QPushButton(tr("Als PDF speichern …"))
        self.save_button.clicked.connect(self._ask_and_save)
        self.print_button = QPushButton(tr("Drucken …"))
        self.print_button.clicked.connect(self._print)
        self.open_button = QPushButton(tr("Im PDF-Betrachter öffnen"))
        self.open_button.clicked.connect(self._open)
        for button in (self.print_button, self.open_button):
            button.setEnabled(False)
        self.preview = PdfPreview(self, width=460)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("Vorlage")))
        row.addWidget(self.template, 1)
        row.addWidget(self.save_button)
        row.addWidget(self.print_button)
        row.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.preview, 1)
        self.update_preview()

    def update_preview(self) -> None:
        letters = self.context.services.letters
        try:
            template = letters.get(int(self.template.currentData()))
            data = letters.preview(template, self.customer_id, by=self.context.actor)
        except StammkundeError as error:
            self.message.error(error.message)
            self.preview.clear(tr("Keine Vorschau"))
            return
        self.message.clear()
        self.preview.show_pdf(data)

    def _ask_and_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("Brief speichern"), "brief.pdf",
                                              tr("PDF (*.pdf)"))
        if path:
            self.save(Path(path if path.lower().endswith(".pdf") else path + ".pdf"))

    def save(self, out: Path) -> None:
        services = self.context.services
        try:
            number = services.customers.get(self.customer_id).number
            services.letters.write_letter(int(self.template.currentData()),
                                          customer_number=number, out=out,
                                          by=self.context.actor)
        except StammkundeError as error:
            self.message.error(error.message)
            return
        self.saved = out
        self.message.success(tr("Gespeichert: {path}").format(path=out))
        for button in (self.print_button, self.open_button):
            button.setEnabled(True)

    def _open(self) -> None:
        if self.saved is not None:
            open_in_viewer(self.saved)

    def _print(self) -> None:
        if self.saved is not None:
            print_pdf(self.saved, self)
