"""Einstellungen → E-Mail-Konto: the shop's mailbox, with provider presets and a test mail."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.email.account import PRESETS, SECURITIES, EmailAccount
from app.services.errors import StammkundeError
from app.ui.context import AppContext
from app.ui.errors import show_error
from app.ui.messages import MessageLabel


def tr(text: str) -> str:
    return QCoreApplication.translate("E-Mail", text)


SECURITY_LABELS = {"starttls": "STARTTLS", "ssl": "SSL/TLS", "none": "keine (nur localhost)"}


class AccountDialog(QDialog):
    """Edit and save the account; the password goes to the operating system's store."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(tr("E-Mail-Konto"))
        self.preset = QComboBox()
        self.preset.addItem(tr("eigene Angaben"), "")
        for preset in PRESETS:
            self.preset.addItem(preset.label, preset.key)
        self.preset.currentIndexChanged.connect(self._apply_preset)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.host = QLineEdit()
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(587)
        self.security = QComboBox()
        for key in SECURITIES:
            self.security.addItem(tr(SECURITY_LABELS[key]), key)
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(tr("leer lassen: unverändert"))
        self.from_address = QLineEdit()
        self.from_name = QLineEdit()
        self.reply_to = QLineEdit()
        self.per_minute = QSpinBox()
        self.per_minute.setRange(0, 10_000)
        self.per_minute.setSpecialValueText(tr("unbegrenzt"))
        self.per_day = QSpinBox()
        self.per_day.setRange(0, 1_000_000)
        self.per_day.setSpecialValueText(tr("unbegrenzt"))
        form = QFormLayout()
        form.addRow(tr("Anbieter"), self.preset)
        form.addRow("", self.note)
        form.addRow(tr("SMTP-Server"), self.host)
        form.addRow(tr("Port"), self.port)
        form.addRow(tr("Verschlüsselung"), self.security)
        form.addRow(tr("Benutzername"), self.user)
        form.addRow(tr("Passwort"), self.password)
        form.addRow(tr("Absenderadresse"), self.from_address)
        form.addRow(tr("Absendername"), self.from_name)
        form.addRow(tr("Antwortadresse"), self.reply_to)
        form.addRow(tr("Mails pro Minute"), self.per_minute)
        form.addRow(tr("Mails pro Tag"), self.per_day)
        self.oauth_only = False
        self.status = MessageLabel()
        self.test_button = QPushButton(tr("Testmail senden"))
        self.test_button.clicked.connect(self.send_test)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.test_button)
        layout.addWidget(buttons)
        self._load()

    def _load(self) -> None:
        account = self.context.services.email.account()
        if account is None:
            return
        self.host.setText(account.host)
        self.port.setValue(account.port)
        self.security.setCurrentIndex(self.security.findData(account.security))
        self.user.setText(account.user)
        self.from_address.setText(account.from_address)
        self.from_name.setText(account.from_name)
        self.reply_to.setText(account.reply_to)
        self.per_minute.setValue(account.per_minute or 0)
        self.per_day.setValue(account.per_day or 0)
        self.oauth_only = account.oauth_only

    def _apply_preset(self) -> None:
        key = self.preset.currentData()
        preset = next((p for p in PRESETS if p.key == key), None)
        if preset is None:
            self.note.setText("")
            self.oauth_only = False
            return
        self.host.setText(preset.host)
        self.port.setValue(preset.port)
        self.security.setCurrentIndex(self.security.findData(preset.security))
        self.note.setText(preset.note)
        self.oauth_only = preset.oauth_only

    def account(self) -> EmailAccount:
        return EmailAccount(
            host=self.host.text(), port=self.port.value(),
            security=str(self.security.currentData()), user=self.user.text(),
            from_address=self.from_address.text(), from_name=self.from_name.text(),
            reply_to=self.reply_to.text(), per_minute=self.per_minute.value() or None,
            per_day=self.per_day.value() or None,
            oauth_only=self.oauth_only)

    def save(self) -> bool:
        try:
            self.context.services.email.set_account(
                self.account(), password=self.password.text() or None, by=self.context.actor)
        except StammkundeError as error:
            self.status.error(error.message)
            return False
        self.password.clear()
        self.status.success(tr("Gespeichert."))
        return True

    def send_test(self) -> None:
        """Save, then send in the background (a slow server must not freeze the window)."""
        if not self.save():
            return
        self.test_button.setEnabled(False)
        self.status.setText(tr("Testmail wird gesendet …"))
        email = self.context.services.email
        self.context.tasks.start(lambda _progress: email.send_test(),
                                 on_done=self._tested, on_error=self._test_failed)

    def _tested(self, answer: str) -> None:
        self.test_button.setEnabled(True)
        self.status.setText(answer)

    def _test_failed(self, error: BaseException) -> None:
        self.test_button.setEnabled(True)
        if isinstance(error, StammkundeError):
            self.status.error(error.message)
        else:
            show_error(self, error)
