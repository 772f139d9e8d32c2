"""The E-Mail page: the account, the outbox with every mail's state, sending in the
background with progress and Abbrechen, and the user's decisions on unclear mails."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changes, Domain
from app.services.email.outbox import FAILED, STATE_LABELS, UNCLEAR, OutboxRow
from app.services.email.sender import FlushReport
from app.services.errors import StammkundeError
from app.services.formatting import format_datetime
from app.ui.confirm import confirm
from app.ui.context import AppContext
from app.ui.email.account_dialog import AccountDialog
from app.ui.email.campaign_dialog import CampaignDialog
from app.ui.email.templates_dialog import TemplatesDialog
from app.ui.errors import show_error
from app.ui.headings import page_title
from app.ui.icons import icon
from app.ui.messages import MessageLabel
from app.ui.row_menu import add_row_menu
from app.ui.rows_model import Row, RowsModel, selected_payload, table_view
from app.ui.tasks import Task


def tr(text: str) -> str:
    return QCoreApplication.translate("E-Mail", text)


def outbox_rows(context: AppContext, rows: list[OutboxRow]) -> list[Row[OutboxRow]]:
    zone = context.services.clock.zone
    return [Row((format_datetime((r.sent_at or r.created_at).astimezone(zone)), r.state_label,
                 r.to_address, r.subject, r.last_error if r.state in (FAILED, UNCLEAR) else ""),
                r, tooltip=r.last_error, warn=r.state in (FAILED, UNCLEAR)) for r in rows]


class EmailPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.task: Task | None = None
        self.account = QLabel()
        self.account.setWordWrap(True)
        setup = QPushButton(tr("Konto einrichten …"))
        setup.clicked.connect(self.edit_account)
        templates = QPushButton(tr("Mailvorlagen …"))
        templates.clicked.connect(lambda: TemplatesDialog(self.context, self).exec())
        campaign = QPushButton(tr("Kampagne …"))
        campaign.clicked.connect(lambda: CampaignDialog(self.context, self).exec())
        self.counts = QLabel()
        self.model: RowsModel[OutboxRow] = RowsModel(
            [tr("Zeit"), tr("Zustand"), tr("An"), tr("Betreff"), tr("Hinweis")],
            self, cell_tooltips=True)
        self.view = table_view(self.model, self, widths=(130, 110, 220, 260), stretch=(4,))
        self.send_button = QPushButton(icon("send"), tr("Jetzt senden"))
        self.send_button.clicked.connect(self.send_now)
        self.cancel_button = QPushButton(tr("Abbrechen"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.resend_button = QPushButton(tr("Erneut senden"))
        self.resend_button.clicked.connect(lambda: self.resolve(resend=True))
        self.confirm_button = QPushButton(tr("Als gesendet bestätigen"))
        self.confirm_button.clicked.connect(lambda: self.resolve(resend=False))
        self.object_button = QPushButton(tr("Widerspruch eintragen"))
        self.object_button.setToolTip(tr("Der Kunde hat geantwortet, er wolle keine Werbung "
                                         "mehr (Art. 21 DSGVO)"))
        self.object_button.clicked.connect(self.record_objection)
        self.returned_button = QPushButton(tr("Unzustellbar"))
        self.returned_button.setToolTip(tr("Die Mail kam als unzustellbar zurück: an diese "
                                           "Adresse geht keine Mail mehr, bis sie geändert ist"))
        self.returned_button.clicked.connect(self.mark_returned)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = MessageLabel()
        top = QHBoxLayout()
        top.addWidget(self.account, 1)
        for button in (campaign, templates, setup):
            top.addWidget(button)
        actions = QHBoxLayout()
        for button in (self.send_button, self.cancel_button, self.resend_button,
                       self.confirm_button, self.object_button, self.returned_button):
            actions.addWidget(button)
        actions.addStretch(1)
        add_row_menu(self.view, self.resend_button, self.confirm_button, self.object_button,
                     self.returned_button, None, self.send_button, self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title(tr("E-Mail")))
        layout.addLayout(top)
        layout.addWidget(self.counts)
        layout.addWidget(self.view, 1)
        layout.addLayout(actions)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        # While mails go out, every one commits twice: refresh at most five times a second.
        self._refresh_soon = QTimer(self)
        self._refresh_soon.setSingleShot(True)
        self._refresh_soon.setInterval(200)
        self._refresh_soon.timeout.connect(self.refresh)
        context.bus.changed.connect(self._changed)
        self.refresh()

    def _changed(self, changes: Changes) -> None:
        if (changes.touches(Domain.EMAIL) or changes.touches(Domain.SETTINGS)) and not (
                self._refresh_soon.isActive()):
            self._refresh_soon.start()

    def refresh(self) -> None:
        email = self.context.services.email
        account = email.account()
        self.account.setText(
            tr("Kein E-Mail-Konto eingerichtet.") if account is None else
            tr("Gesendet wird über {host}:{port} als {sender}.").format(
                host=account.host, port=account.port, sender=account.from_address))
        counts = email.counts()
        self.counts.setText(", ".join(f"{counts[key]} {label}"
                                      for key, label in STATE_LABELS.items()))
        self.model.set_rows(outbox_rows(self.context, email.messages(limit=500)))

    def edit_account(self) -> None:
        AccountDialog(self.context, self).exec()
        self.refresh()

    def send_now(self) -> None:
        email = self.context.services.email
        self.send_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.status.setText(tr("Mails werden gesendet …"))
        self.task = self.context.tasks.start(
            lambda progress: email.flush(progress=progress), on_done=self._sent,
            on_error=self._failed, on_progress=self._progressed, on_cancel=self._cancelled)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _progressed(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status.setText(text)

    def _idle(self) -> None:
        self.task = None
        self.send_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)

    def _sent(self, report: FlushReport) -> None:
        self._idle()
        self.status.setText(report.summary())

    def _cancelled(self) -> None:
        self._idle()
        self.status.setText(tr("Abgebrochen. Gesendete Mails bleiben gesendet, die übrigen "
                               "warten im Postausgang."))

    def _failed(self, error: BaseException) -> None:
        self._idle()
        show_error(self, error)

    def selected(self) -> OutboxRow | None:
        return selected_payload(self.view, self.model, status=self.status)

    def resolve(self, *, resend: bool) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            self.context.services.email.resolve(row.id, resend=resend)
        except StammkundeError as error:
            self.status.error(error.message)
            return

    def record_objection(self) -> None:
        row = self.selected()
        if row is None:
            return
        if not confirm(
                self, title=tr("Widerspruch eintragen"),
                text=tr("Werbewiderspruch für den Empfänger von „{subject}“ ({to}) eintragen? "
                        "Er gilt sofort für Briefe, Mails und Anrufe.").format(
                            subject=row.subject, to=row.to_address),
                action=tr("Widerspruch eintragen")):
            return
        try:
            self.context.services.email.object_from_mail(row.id, by=self.context.actor)
        except StammkundeError as error:
            self.status.error(error.message)
            return
        self.status.success(tr("Widerspruch eingetragen."))

    def mark_returned(self) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            self.context.services.email.mark_returned(row.id, by=self.context.actor)
        except StammkundeError as error:
            self.status.error(error.message)
            return
        self.status.success(tr("{to} als unzustellbar vermerkt.").format(to=row.to_address))
