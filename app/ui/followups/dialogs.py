"""Dialogs for follow-ups and maintenance objects, and the shared "complete" action."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time

from PySide6.QtCore import QCoreApplication, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import StammkundeError
from app.services.followups.recurrence import PRESETS
from app.services.followups.service import (
    PRIORITY_LABELS,
    CompletionResult,
    FollowUpDTO,
    FollowUpInput,
    MaintenanceDTO,
    MaintenanceInput,
)
from app.ui.context import AppContext
from app.ui.dates import to_date, to_qdate
from app.ui.errors import show_error
from app.ui.keys import ctrl_enter_accepts


def tr(text: str) -> str:
    return QCoreApplication.translate("Wiedervorlagen", text)


def _rrule_combo(current: str) -> QComboBox:
    """Presets by label; any other RFC 5545 rule can be typed into the editable box."""
    combo = QComboBox()
    combo.setEditable(True)
    for label, rule in PRESETS:
        combo.addItem(tr(label), rule)
    index = combo.findData(current)
    if index >= 0:
        combo.setCurrentIndex(index)
    else:
        combo.setEditText(current)
    return combo


def _rrule_of(combo: QComboBox) -> str:
    index = combo.findText(combo.currentText())
    return str(combo.itemData(index)) if index >= 0 else combo.currentText().strip()


def _staff_combo(context: AppContext, current: str) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItems([""] + context.services.settings.staff())
    combo.setEditText(current)
    return combo


class _SaveDialog(QDialog):
    """A form for one customer that saves through a service when accepted and stays open
    on a known error, so nothing typed is lost."""

    def __init__(self, context: AppContext, customer_id: int, title: str,
                 parent: QWidget | None) -> None:
        super().__init__(parent)
        self.context = context
        self.customer_id = customer_id
        self.setWindowTitle(title)

    def _lay_out(self, rows: Sequence[tuple[str, QWidget | QLayout]]) -> None:
        form = QFormLayout(self)
        for label, field in rows:
            form.addRow(label, field)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        for notes in self.findChildren(QPlainTextEdit):
            notes.setTabChangesFocus(True)
        ctrl_enter_accepts(self)

    def save(self) -> None:
        """Store the form through the service."""
        raise NotImplementedError

    def accept(self) -> None:
        try:
            self.save()
        except StammkundeError as error:
            show_error(self, error)
            return
        super().accept()


class FollowUpDialog(_SaveDialog):
    """New or edit a follow-up."""

    def __init__(self, context: AppContext, customer_id: int,
                 existing: FollowUpDTO | None = None, parent: QWidget | None = None,
                 *, subject: str = "", due: date | None = None) -> None:
        super().__init__(context, customer_id, tr("Wiedervorlage bearbeiten") if existing
                         else tr("Neue Wiedervorlage"), parent)
        self.existing = existing
        self.saved: FollowUpDTO | None = None
        today = context.services.clock.today()
        self.subject = QLineEdit(existing.subject if existing else subject)
        self.due = QDateEdit(to_qdate(existing.due_date if existing else due or today))
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("dd.MM.yyyy")
        self.has_time = QCheckBox(tr("um"))
        self.time = QTimeEdit(QTime(9, 0))
        self.time.setDisplayFormat("HH:mm")
        if existing and existing.due_time:
            self.has_time.setChecked(True)
            self.time.setTime(QTime(existing.due_time.hour, existing.due_time.minute))
        self.time.setEnabled(self.has_time.isChecked())
        self.has_time.toggled.connect(self.time.setEnabled)
        when = QHBoxLayout()
        for widget in (self.due, self.has_time, self.time):
            when.addWidget(widget)
        self.assignee = _staff_combo(context, existing.assignee if existing else "")
        self.priority = QComboBox()
        for value, label in PRIORITY_LABELS.items():
            self.priority.addItem(tr(label), value)
        self.priority.setCurrentIndex(self.priority.findData(existing.priority
                                                             if existing else 2))
        self.contact = QComboBox()
        self.contact.addItem(tr("(keine)"), None)
        for person in context.services.customers.get(customer_id).contacts:
            self.contact.addItem(person.name, person.id)
        if existing and existing.contact_id:
            self.contact.setCurrentIndex(self.contact.findData(existing.contact_id))
        self.rrule = _rrule_combo(existing.rrule if existing else "")
        self.recur_from = QComboBox()
        self.recur_from.addItem(tr("Erledigungsdatum"), "completion")
        self.recur_from.addItem(tr("Plandatum"), "plan")
        if existing:
            self.recur_from.setCurrentIndex(self.recur_from.findData(existing.recur_from))
        self.notes = QPlainTextEdit(existing.notes if existing else "")
        self._lay_out([
            (tr("Betreff"), self.subject), (tr("Fällig am"), when),
            (tr("Zuständig"), self.assignee), (tr("Priorität"), self.priority),
            (tr("Ansprechperson"), self.contact), (tr("Wiederholung"), self.rrule),
            (tr("Nächster Termin ab"), self.recur_from), (tr("Notizen"), self.notes)])

    def value(self) -> FollowUpInput:
        qtime = self.time.time()
        return FollowUpInput(
            subject=self.subject.text(), due_date=to_date(self.due.date()),
            due_time=time(qtime.hour(), qtime.minute()) if self.has_time.isChecked() else None,
            notes=self.notes.toPlainText(), assignee=self.assignee.currentText(),
            priority=int(self.priority.currentData()), contact_id=self.contact.currentData(),
            rrule=_rrule_of(self.rrule), recur_from=str(self.recur_from.currentData()))

    def save(self) -> None:
        service = self.context.services.followups
        if self.existing:
            self.saved = service.update(self.existing.id, self.value())
        else:
            self.saved = service.create(self.customer_id, self.value(), by=self.context.actor)


class MaintenanceDialog(_SaveDialog):
    """New or edit a maintenance object with its interval and next service date."""

    def __init__(self, context: AppContext, customer_id: int,
                 existing: MaintenanceDTO | None = None, parent: QWidget | None = None) -> None:
        super().__init__(context, customer_id, tr("Wartungsobjekt"), parent)
        self.existing = existing
        self.name = QLineEdit(existing.name if existing else "")
        self.name.setPlaceholderText(tr("z. B. Gasheizung"))
        self.model = QLineEdit(existing.model if existing else "")
        self.year = QSpinBox()
        self.year.setRange(0, 2200)
        self.year.setSpecialValueText(tr("unbekannt"))
        self.year.setValue(existing.year_built or 0 if existing else 0)
        self.rrule = _rrule_combo(existing.rrule if existing else "FREQ=MONTHLY;INTERVAL=12")
        self.address = QComboBox()
        self.address.addItem(tr("Hauptadresse"), None)
        for address in context.services.customers.get(customer_id).addresses:
            self.address.addItem(f"{address.label}: {address.street}, {address.city}",
                                 address.id)
        if existing and existing.address_id:
            self.address.setCurrentIndex(self.address.findData(existing.address_id))
        self.next_due = QDateEdit(to_qdate(
            existing.next_due if existing and existing.next_due
            else context.services.clock.today()))
        self.next_due.setCalendarPopup(True)
        self.next_due.setDisplayFormat("dd.MM.yyyy")
        self.assignee = _staff_combo(context, "")
        self.notes = QPlainTextEdit(existing.notes if existing else "")
        self._lay_out([
            (tr("Bezeichnung"), self.name), (tr("Hersteller/Modell"), self.model),
            (tr("Baujahr"), self.year), (tr("Wartungsintervall"), self.rrule),
            (tr("Standort"), self.address), (tr("Nächste Wartung"), self.next_due),
            (tr("Zuständig"), self.assignee), (tr("Notizen"), self.notes)])

    def value(self) -> MaintenanceInput:
        return MaintenanceInput(
            name=self.name.text(), rrule=_rrule_of(self.rrule),
            first_due=to_date(self.next_due.date()), model=self.model.text(),
            year_built=self.year.value() or None, address_id=self.address.currentData(),
            notes=self.notes.toPlainText(), assignee=self.assignee.currentText())

    def save(self) -> None:
        service = self.context.services.followups
        if self.existing:
            service.update_maintenance(self.existing.id, self.value())
        else:
            service.add_maintenance(self.customer_id, self.value(), by=self.context.actor)


class OutcomeDialog(QDialog):
    """"Erledigt…": the outcome of a follow-up in a few lines. Enter starts a new line,
    Strg+Enter (or "Erledigt") completes, Tab leaves the text for the buttons."""

    def __init__(self, item: FollowUpDTO, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Wiedervorlage erledigen"))
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText(tr("z. B. Termin am Dienstag vereinbart"))
        caption = QLabel(tr("Ergebnis für „{subject}“ ({name}):").format(
            subject=item.subject, name=item.customer_name))
        caption.setWordWrap(True)
        caption.setBuddy(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Erledigt"))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setToolTip(tr("Strg+Enter"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Abbrechen"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addWidget(self.text, 1)
        layout.addWidget(QLabel(tr("Strg+Enter: erledigt")))
        layout.addWidget(buttons)
        ctrl_enter_accepts(self)
        self.setMinimumWidth(420)
        self.text.setFocus()

    def outcome(self) -> str:
        return self.text.toPlainText()


def complete_followup(context: AppContext, item: FollowUpDTO,
                      parent: QWidget) -> CompletionResult | None:
    """Ask for the outcome, complete, announce; None when cancelled or refused."""
    dialog = OutcomeDialog(item, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    try:
        result = context.services.followups.complete(item.id, outcome=dialog.outcome(),
                                                     by=context.actor)
    except StammkundeError as error:
        show_error(parent, error)
        return None
    return result
