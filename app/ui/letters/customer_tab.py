"""The customer view's "Briefe" tab: one letter to this customer, previewed and saved."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import StammkundeError
from app.ui.context import AppContext
from app.ui.letters.live_preview import LivePreview
from app.ui.letters.pdf_view import PdfPreview, open_in_viewer, print_pdf
from app.ui.messages import MessageLabel
from app.ui.save_file import ask_save_file


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
        self.live = LivePreview(context.tasks, self.preview, self.message, parent=self,
                                empty_text=tr("Keine Vorschau"),
                                clear_on_error=tr("Keine Vorschau"))
        self.update_preview()

    def update_preview(self) -> None:
        """The letter on the worker, within the preview's time budget (see live_preview)."""
        letters, actor = self.context.services.letters, self.context.actor
        template_id, customer_id = int(self.template.currentData()), self.customer_id
        self.live.request(lambda: letters.preview(letters.get(template_id), customer_id,
                                                  by=actor))

    def _ask_and_save(self) -> None:
        path = ask_save_file(self, self.context.services, tr("Brief speichern"), "brief.pdf",
                             {tr("PDF (*.pdf)"): ".pdf"})
        if path is not None:
            self.save(path)

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
