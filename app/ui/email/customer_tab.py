"""The customer view's "E-Mail" tab: the mails to this customer and writing a new one, from
a mail template or as free text, with PDF attachments — into the outbox, or as a draft that
the mail program opens."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changes, Domain
from app.services.email.message import Attachment
from app.services.email.outbox import OutboxRow
from app.services.email.service import MailRequest
from app.services.errors import StammkundeError
from app.ui.context import AppContext
from app.ui.email.page import outbox_rows
from app.ui.keys import ctrl_enter_accepts
from app.ui.messages import MessageLabel
from app.ui.row_menu import add_row_menu
from app.ui.rows_model import RowsModel, table_view


def tr(text: str) -> str:
    return QCoreApplication.translate("E-Mail", text)


def open_in_mail_program(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class MailDialog(QDialog):
    """Write one mail to one customer. `open_draft` opens a written draft (the desktop's
    mail program by default)."""

    def __init__(self, context: AppContext, customer_id: int, parent: QWidget | None = None,
                 *, open_draft: Callable[[Path], None] = open_in_mail_program) -> None:
        super().__init__(parent)
        self.context = context
        self.customer_id = customer_id
        self.open_draft = open_draft
        self.setWindowTitle(tr("E-Mail schreiben"))
        self.template = QComboBox()
        self.template.addItem(tr("freier Text"), None)
        for template in context.services.email.templates.templates():
            self.template.addItem(template.name, template.id)
        self.template.currentIndexChanged.connect(self._template_changed)
        self.subject = QLineEdit()
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.attachments: list[Attachment] = []
        self.attachment_list = QListWidget()
        self.attachment_list.setMaximumHeight(70)
        attach = QPushButton(tr("PDF anhängen …"))
        attach.clicked.connect(self._attach)
        self.letter = QComboBox()
        for letter in context.services.letters.templates():
            self.letter.addItem(letter.name, letter)
        attach_letter = QPushButton(tr("Brief als PDF anhängen"))
        attach_letter.clicked.connect(self.attach_letter)
        letters = QHBoxLayout()
        letters.addWidget(self.letter, 1)
        letters.addWidget(attach_letter)
        self.status = MessageLabel()
        queue = QPushButton(tr("In den Postausgang"))
        queue.setDefault(True)
        queue.clicked.connect(self.queue)
        draft = QPushButton(tr("Im Mailprogramm öffnen"))
        draft.clicked.connect(self.draft)
        close = QPushButton(tr("Schließen"))
        close.clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow(tr("Vorlage"), self.template)
        form.addRow(tr("Betreff"), self.subject)
        form.addRow(tr("Text"), self.text)
        form.addRow(tr("Anhänge"), self.attachment_list)
        form.addRow("", attach)
        form.addRow(tr("Brief"), letters)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (draft, queue, close):
            buttons.addWidget(button)
        ctrl_enter_accepts(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    def _template_changed(self) -> None:
        free = self.template.currentData() is None
        self.subject.setEnabled(free)
        self.text.setEnabled(free)

    def _attach(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, tr("PDF anhängen"), "",
                                              tr("PDF-Dateien (*.pdf)"))
        if name:
            self.add_attachment(Path(name))

    def add_attachment(self, path: Path) -> None:
        try:
            self._add(Attachment(path.name, path.read_bytes()))
        except OSError as error:
            self.status.error(str(error))

    def attach_letter(self) -> None:
        """The chosen letter to this customer, as the PDF it would print."""
        letter = self.letter.currentData()
        try:
            pdf = self.context.services.letters.preview(letter, self.customer_id,
                                                        by=self.context.actor)
        except StammkundeError as error:
            self.status.error(error.message)
            return
        self._add(Attachment(f"{letter.name}.pdf", pdf))

    def _add(self, attachment: Attachment) -> None:
        self.attachments.append(attachment)
        self.attachment_list.addItem(attachment.filename)

    def request(self) -> MailRequest:
        return MailRequest(self.customer_id, template_id=self.template.currentData(),
                           subject=self.subject.text(), text=self.text.toPlainText(),
                           attachments=tuple(self.attachments))

    def queue(self) -> None:
        try:
            self.context.services.email.queue(self.request(), by=self.context.actor)
        except StammkundeError as error:
            self.status.error(error.message)
            return
        self.accept()

    def draft(self) -> None:
        folder = self.context.data_dir / "Entwürfe"
        stamp = self.context.services.clock.now().strftime("%Y-%m-%d_%H-%M-%S")
        out = folder / f"Mail-{self.customer_id}-{stamp}.eml"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.context.services.email.write_draft(self.request(), out=out,
                                                              by=self.context.actor)
        except (StammkundeError, OSError) as error:
            self.status.error(str(error))
            return
        self.open_draft(out)
        self.accept()


class CustomerEmailTab(QWidget):
    def __init__(self, context: AppContext, customer_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.customer_id = customer_id
        self.model: RowsModel[OutboxRow] = RowsModel(
            [tr("Zeit"), tr("Zustand"), tr("An"), tr("Betreff"), tr("Hinweis")], self,
            cell_tooltips=True)
        self.view = table_view(self.model, self, widths=(130, 110, 200, 240), stretch=(4,))
        write = QPushButton(tr("E-Mail schreiben …"))
        write.clicked.connect(self.write)
        buttons = QHBoxLayout()
        buttons.addWidget(write)
        buttons.addStretch(1)
        add_row_menu(self.view, write)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        context.bus.changed.connect(self._changed)
        self.refresh()

    def _changed(self, changes: Changes) -> None:
        if changes.touches(Domain.EMAIL, self.customer_id):
            self.refresh()

    def refresh(self) -> None:
        rows = self.context.services.email.messages(customer_id=self.customer_id)
        self.model.set_rows(outbox_rows(self.context, rows))

    def write(self) -> None:
        MailDialog(self.context, self.customer_id, self).exec()
