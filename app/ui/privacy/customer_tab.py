"""The customer view's "Datenschutz" tab: consents, objection, access export, erasure."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.services.changes import Changes, Domain
from app.services.errors import NotFoundError, StammkundeError, ValidationError
from app.services.formatting import format_date, format_datetime
from app.services.privacy.access import AccessExport
from app.services.privacy.consents import (
    METHODS,
    PURPOSES,
    ConsentEvent,
    ConsentInput,
    ConsentState,
    PrivacyOverview,
)
from app.services.privacy.erasure import ErasurePlan
from app.ui.confirm import confirm
from app.ui.context import AppContext
from app.ui.dates import to_date
from app.ui.errors import show_error
from app.ui.messages import MessageLabel
from app.ui.row_menu import add_row_menu
from app.ui.rows_model import Row, RowsModel, table_view
from app.ui.save_file import ask_save_file


def tr(text: str) -> str:
    return QCoreApplication.translate("Datenschutz", text)


class ConsentDialog(QDialog):
    """Record one consent event: purpose, granted or withdrawn, date, how, wording."""

    def __init__(self, context: AppContext, customer_id: int, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.context = context
        self.customer_id = customer_id
        self.setWindowTitle(tr("Einwilligung erfassen"))
        self.purpose = QComboBox()
        for key, label in PURPOSES.items():
            self.purpose.addItem(label, key)
        self.granted = QRadioButton(tr("erteilt"))
        self.withdrawn = QRadioButton(tr("widerrufen"))
        self.granted.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.granted)
        group.addButton(self.withdrawn)
        status = QHBoxLayout()
        status.addWidget(self.granted)
        status.addWidget(self.withdrawn)
        self.given_on = QDateEdit()
        self.given_on.setCalendarPopup(True)
        self.given_on.setDisplayFormat("dd.MM.yyyy")
        today = context.services.clock.today()
        self.given_on.setDate(QDate(today.year, today.month, today.day))
        self.method = QComboBox()
        for key, label in METHODS.items():
            self.method.addItem(label, key)
        self.version = QLineEdit()
        self.version.setPlaceholderText(tr("z. B. Formular 2026-01"))
        self.error = MessageLabel()
        form = QFormLayout()
        form.addRow(tr("Zweck"), self.purpose)
        form.addRow(tr("Status"), status)
        form.addRow(tr("Datum"), self.given_on)
        form.addRow(tr("Form"), self.method)
        form.addRow(tr("Text-Version"), self.version)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def save(self) -> None:
        data = ConsentInput(
            purpose=str(self.purpose.currentData()), granted=self.granted.isChecked(),
            given_on=to_date(self.given_on.date()),
            method=str(self.method.currentData()), wording_version=self.version.text())
        try:
            self.context.services.privacy.record_consent(self.customer_id, data,
                                                         by=self.context.actor)
        except ValidationError as error:
            self.error.error(error.message)
            return
        self.accept()


class PrivacyTab(QWidget):
    """Consents with history, Werbewiderspruch, Auskunft (Art. 15), Löschen (Art. 17)."""

    def __init__(self, context: AppContext, customer_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.customer_id = customer_id
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.states_model = RowsModel[ConsentState](
            [tr("Zweck"), tr("Werbung erlaubt"), tr("Grund")], self)
        self.states = table_view(self.states_model, widths=(140, 120))
        self.history_model = RowsModel[ConsentEvent](
            [tr("Datum"), tr("Zweck"), tr("Status"), tr("Form"), tr("Text-Version"),
             tr("Erfasst von")], self)
        self.history = table_view(self.history_model, widths=(90, 140, 90, 90, 130))
        self.consent_button = QPushButton(tr("Einwilligung erfassen…"))
        self.objection_button = QPushButton(tr("Werbewiderspruch eintragen"))
        self.export_button = QPushButton(tr("Auskunft (Art. 15) exportieren…"))
        self.copy_button = QPushButton(tr("Datenkopie (Art. 20) speichern…"))
        self.erase_button = QPushButton(tr("Löschen (Art. 17)…"))
        self.marks = {
            "letter_returned": QCheckBox(tr("Brief kam zurück (Anschrift unzustellbar)")),
            "email_bounced": QCheckBox(tr("E-Mail unzustellbar")),
            "deceased": QCheckBox(tr("verstorben")),
        }
        for fact, check in self.marks.items():
            check.clicked.connect(lambda checked, fact=fact: self.set_mark(fact, checked))
        self.consent_button.clicked.connect(self.add_consent)
        self.objection_button.clicked.connect(self.object)
        self.export_button.clicked.connect(self.export_access)
        self.copy_button.clicked.connect(self.export_copy)
        self.erase_button.clicked.connect(self.erase)
        buttons = QHBoxLayout()
        for button in (self.consent_button, self.objection_button, self.export_button,
                       self.copy_button, self.erase_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        add_row_menu(self.states, self.consent_button, self.objection_button)
        add_row_menu(self.history, self.consent_button)
        marks = QHBoxLayout()
        marks.addWidget(QLabel(tr("Erreichbarkeit:")))
        for check in self.marks.values():
            marks.addWidget(check)
        marks.addStretch(1)
        consents = QGroupBox(tr("Einwilligungen"))
        box = QVBoxLayout(consents)
        box.addWidget(self.states)
        box.addWidget(QLabel(tr("Verlauf")))
        box.addWidget(self.history)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        layout.addLayout(marks)
        layout.addWidget(consents, 1)
        context.bus.changed.connect(self._on_changed)
        self.refresh()

    def refresh(self) -> None:
        try:
            overview = self.context.services.privacy.overview(self.customer_id)
        except NotFoundError:
            self.status.setText(tr("Der Kunde wurde vollständig gelöscht."))
            for button in (self.consent_button, self.objection_button, self.export_button,
                           self.copy_button, self.erase_button):
                button.setEnabled(False)
            self.states_model.set_rows([])
            self.history_model.set_rows([])
            return
        self._show(overview)

    def _show(self, overview: PrivacyOverview) -> None:
        if overview.anonymized_at is not None:
            self.status.setText(tr("Gelöscht (anonymisiert) am {date}; nur noch gesetzlich "
                                   "aufzubewahrende Unterlagen.").format(
                date=format_datetime(overview.anonymized_at)))
        elif overview.objection_at is not None:
            self.status.setText(tr("Werbewiderspruch seit {date}: keine Werbung per Brief, "
                                   "E-Mail oder Telefon.").format(
                date=format_datetime(overview.objection_at)))
        else:
            self.status.setText(tr("Kein Werbewiderspruch."))
        locked = overview.anonymized_at is not None
        self.consent_button.setEnabled(not locked and overview.objection_at is None)
        self.objection_button.setEnabled(not locked and overview.objection_at is None)
        self.erase_button.setEnabled(not locked)
        for fact, check in self.marks.items():
            check.setChecked(fact in overview.marks)
            check.setEnabled(not locked)
        self.states_model.set_rows(
            Row((state.label, tr("ja") if state.allowed else tr("nein"), state.reason), state)
            for state in overview.states)
        self.history_model.set_rows(
            Row((format_date(event.given_on), event.purpose_label,
                 tr("erteilt") if event.granted else tr("widerrufen"), event.method_label,
                 event.wording_version, event.recorded_by), event)
            for event in overview.history)

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Domain.PRIVACY, self.customer_id) or changes.touches(
                Domain.CUSTOMERS, self.customer_id):
            self.refresh()

    # --- actions ---------------------------------------------------------------------------

    def set_mark(self, fact: str, on: bool) -> None:
        try:
            self.context.services.privacy.set_fact(self.customer_id, fact, on=on,
                                                   by=self.context.actor)
        except StammkundeError as error:
            show_error(self, error)
            self.refresh()

    def add_consent(self) -> None:
        ConsentDialog(self.context, self.customer_id, self).exec()

    def object(self) -> None:
        if not confirm(
                self, title=tr("Werbewiderspruch"),
                text=tr("Widerspruch gegen Werbung (Art. 21 DSGVO) eintragen?\n\nAb sofort keine "
                        "Werbebriefe, E-Mails oder Anrufe mehr – auch nach neuen Käufen und nach "
                        "einer Löschung (Sperrliste). Das lässt sich nicht zurücknehmen."),
                action=tr("Widerspruch eintragen")):
            return
        self.context.services.privacy.object_to_advertising(self.customer_id,
                                                            by=self.context.actor)

    def choose_folder(self) -> Path | None:
        folder = QFileDialog.getExistingDirectory(self, tr("Ordner für die Auskunft"))
        return Path(folder) if folder else None

    def export_access(self) -> None:
        folder = self.choose_folder()
        if folder is None:
            return
        privacy = self.context.services.privacy
        self.export_button.setEnabled(False)

        def done(result: object) -> None:
            self.export_button.setEnabled(True)
            assert isinstance(result, AccessExport)
            QMessageBox.information(self, tr("Auskunft erstellt"), tr(
                "Die Auskunft (zum Lesen) und die Datenkopie (maschinenlesbar, Art. 20 DSGVO) "
                "liegen in:\n{pdf}\n{zip}").format(pdf=result.pdf_path, zip=result.zip_path))

        def failed(error: BaseException) -> None:
            self.export_button.setEnabled(True)
            show_error(self, error)

        self.context.tasks.start(
            lambda progress: privacy.export_access(self.customer_id, folder,
                                                   by=self.context.actor, progress=progress),
            on_done=done, on_error=failed)

    def choose_copy_file(self) -> Path | None:
        number = self.context.services.customers.get(self.customer_id).number
        return ask_save_file(self, self.context.services, tr("Datenkopie speichern"),
                             f"Datenkopie-{number}.zip", {tr("ZIP-Archiv (*.zip)"): ".zip"})

    def export_copy(self) -> None:
        """Datenübertragbarkeit (Art. 20 DSGVO): the machine-readable copy alone, as a ZIP."""
        path = self.choose_copy_file()
        if path is None:
            return
        try:
            result = self.context.services.privacy.export_copy(self.customer_id, path,
                                                               by=self.context.actor)
        except StammkundeError as error:
            show_error(self, error)
            return
        QMessageBox.information(self, tr("Datenkopie erstellt"), tr(
            "Die Datenkopie (JSON und CSV, Art. 20 DSGVO) liegt in:\n{zip}").format(
                zip=result.zip_path))

    def confirm_erase(self, plan: ErasurePlan) -> bool:
        return confirm(
            self, title=tr("Löschen nach Art. 17 DSGVO"),
            text=tr("Kunde {number} löschen?").format(number=plan.number),
            details="\n".join(plan.describe()) + "\n\n" + tr(
                "Die Löschung kann nicht rückgängig gemacht werden."),
            action=tr("Endgültig löschen"))

    def erase(self) -> None:
        """Erase after confirmation; the closing message names what was kept and until when.

        The customer window closes itself when its customer is gone (and this tab with it),
        so the message belongs to the window behind it, not to this tab."""
        privacy = self.context.services.privacy
        plan = privacy.erasure_plan(self.customer_id)
        if not self.confirm_erase(plan):
            return
        self.erase_button.setEnabled(False)
        customer_window = self.window()
        behind = customer_window.parentWidget() if customer_window is not self else None

        def done(result: object) -> None:
            assert isinstance(result, ErasurePlan)
            QMessageBox.information(behind, tr("Gelöscht"), result.summary())

        def failed(error: BaseException) -> None:
            if isValid(self):
                self.erase_button.setEnabled(True)
            show_error(behind if not isValid(self) else self, error)

        customer_id, actor = self.customer_id, self.context.actor
        self.context.tasks.start(lambda _progress: privacy.erase(customer_id, by=actor),
                                 on_done=done, on_error=failed)
