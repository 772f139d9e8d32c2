"""Mail-Kampagne: a mail template to a class, tag or segment, planned first (recipients,
control group, who is excluded and why), then put into the outbox; optionally with a PDF for
everybody (a file such as a flyer or voucher) and/or a letter made out to each recipient."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.email.campaigns import CampaignPlan, CampaignResult
from app.services.email.message import Attachment
from app.services.errors import StammkundeError
from app.services.letters.recipients import (
    ClassSource,
    ExcludedCustomer,
    RecipientSource,
    SegmentSource,
    TagSource,
)
from app.ui.context import AppContext
from app.ui.errors import show_error
from app.ui.rows_model import Row, RowsModel, table_view


def tr(text: str) -> str:
    return QCoreApplication.translate("E-Mail", text)


class CampaignDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(tr("Mail-Kampagne"))
        self.template = QComboBox()
        for template in context.services.email.templates.templates():
            self.template.addItem(template.name, template.id)
        self.kind = QComboBox()
        self.kind.addItem(tr("Klasse"), "class")
        self.kind.addItem(tr("Schlagwort"), "tag")
        self.kind.addItem(tr("Segment"), "segment")
        self.value = QLineEdit()
        self.value.setPlaceholderText(tr("z. B. A, Newsletter oder der Segmentname"))
        self.control = QDoubleSpinBox()
        self.control.setRange(0.0, 0.9)
        self.control.setSingleStep(0.05)
        self.control.setSuffix(tr(" Anteil Kontrollgruppe"))
        self.pdf_file = QLineEdit()
        self.pdf_file.setPlaceholderText(tr("keine Datei (z. B. Flyer oder Gutschein als PDF)"))
        self.pdf_file.setToolTip(tr("Geht an jeden Empfänger und wird nur einmal gespeichert"))
        browse = QPushButton(tr("PDF wählen …"))
        browse.clicked.connect(self._browse)
        self.letter = QComboBox()
        self.letter.addItem(tr("kein Brief"), None)
        for letter in context.services.letters.templates():
            self.letter.addItem(letter.name, letter.id)
        self.letter.setToolTip(tr("Dieser Brief wird für jeden Empfänger ausgestellt und als "
                                  "PDF angehängt"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.excluded: RowsModel[ExcludedCustomer] = RowsModel(
            [tr("Kunde"), tr("Name"), tr("Grund")], self, cell_tooltips=True)
        self.view = table_view(self.excluded, self, widths=(100, 200), stretch=(2,))
        plan = QPushButton(tr("Planen"))
        plan.clicked.connect(self.plan)
        self.queue_button = QPushButton(tr("In den Postausgang"))
        self.queue_button.setEnabled(False)
        self.queue_button.clicked.connect(self.queue)
        form = QFormLayout()
        form.addRow(tr("Mailvorlage"), self.template)
        source = QHBoxLayout()
        source.addWidget(self.kind)
        source.addWidget(self.value, 1)
        form.addRow(tr("Empfänger"), source)
        form.addRow(tr("Kontrollgruppe"), self.control)
        pdf_row = QHBoxLayout()
        pdf_row.addWidget(self.pdf_file, 1)
        pdf_row.addWidget(browse)
        form.addRow(tr("PDF für alle"), pdf_row)
        form.addRow(tr("Brief je Empfänger"), self.letter)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(plan)
        buttons.addWidget(self.queue_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel(tr("Ausgeschlossen:")))
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.planned: CampaignPlan | None = None

    def source(self) -> RecipientSource:
        value = self.value.text().strip()
        kind = self.kind.currentData()
        if kind == "class":
            return ClassSource(value.upper())
        if kind == "tag":
            return TagSource(value)
        return SegmentSource(value, self.context.services.clock.now())

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, tr("PDF anhängen"), "",
                                              tr("PDF-Dateien (*.pdf)"))
        if name:
            self.pdf_file.setText(name)

    def attachments(self) -> tuple[Attachment, ...]:
        """The chosen file, read now (an unreadable one raises OSError)."""
        name = self.pdf_file.text().strip()
        if not name:
            return ()
        path = Path(name)
        return (Attachment(path.name, path.read_bytes()),)

    def plan(self) -> None:
        self.queue_button.setEnabled(False)
        try:
            plan = self.context.services.email.plan_campaign(
                self.template.currentData(), self.source(), control_share=self.control.value())
        except StammkundeError as error:
            self.summary.setText(error.message)
            return
        self.planned = plan
        self.summary.setText(tr("{n} Empfänger, {c} in der Kontrollgruppe, {x} "
                                "ausgeschlossen.").format(n=len(plan.recipients),
                                                          c=len(plan.control),
                                                          x=len(plan.excluded)))
        self.excluded.set_rows(Row((e.number, e.name, e.reason), e) for e in plan.excluded)
        self.queue_button.setEnabled(bool(plan.recipients))

    def queue(self) -> None:
        plan = self.planned
        if plan is None:
            return
        email = self.context.services.email
        template_id, source, seed = plan.template.id, self.source(), plan.seed
        share, actor = plan.control_share, self.context.actor
        letter_id = self.letter.currentData()
        try:
            attachments = self.attachments()
        except OSError as error:
            self.summary.setText(tr("Die PDF-Datei lässt sich nicht lesen: {error}")
                                 .format(error=error.strerror or error))
            return
        self.queue_button.setEnabled(False)
        self.summary.setText(tr("Mails werden vorbereitet …"))
        self.context.tasks.start(
            lambda progress: email.run_campaign(template_id, source, by=actor,
                                                control_share=share, seed=seed,
                                                attachments=attachments,
                                                letter_template_id=letter_id,
                                                progress=progress),
            on_done=self._queued, on_error=self._failed)

    def _queued(self, result: CampaignResult) -> None:
        self.summary.setText(result.summary())

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, StammkundeError):
            self.summary.setText(error.message)
            return
        show_error(self, error)
