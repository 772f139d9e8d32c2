"""The start page "Heute": due follow-ups first, then the ranked call list with its reasons."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication, QModelIndex, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changes, Domain
from app.services.errors import StammkundeError
from app.services.followups.service import FollowUpDTO, FollowUpInput
from app.services.followups.today import CallList, HeldBack, Suggestion
from app.services.formatting import format_date
from app.ui.context import AppContext
from app.ui.dates import to_date, to_qdate
from app.ui.errors import show_error
from app.ui.followups.dialogs import complete_followup
from app.ui.followups.rules_dialog import RulesDialog
from app.ui.row_menu import add_row_menu, row_action
from app.ui.rows_model import Row, RowsModel, selected_payload, table_view

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


def tr(text: str) -> str:
    return QCoreApplication.translate("Heute", text)


def button_row(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row


def followup_row(item: FollowUpDTO, now: datetime) -> Row[FollowUpDTO]:
    overdue = item.due_date < now.date() or (
        item.due_date == now.date() and item.due_time is not None
        and item.due_time < now.time().replace(tzinfo=None))
    return Row((item.due_text, item.customer_name, item.subject, item.assignee,
                tr(item.priority_label)), item, tooltip=item.notes, warn=overdue)


def suggestion_row(item: Suggestion) -> Row[Suggestion]:
    return Row((str(item.score), item.customer_name, item.reason_text, item.phone,
                item.abc_class or ""), item, tooltip=tr("Punkte: ") + item.score_text)


def held_back_row(item: HeldBack) -> Row[HeldBack]:
    return Row((item.customer_name, item.customer_number, "; ".join(item.reasons),
                item.reason), item)


class TodayPage(QWidget):
    """Signals: loaded() after the lists were (re)filled."""

    loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.header = QLabel()
        self.header.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.due_model = RowsModel[FollowUpDTO](
            [tr("Fällig"), tr("Kunde"), tr("Betreff"), tr("Zuständig"), tr("Priorität")], self)
        self.due_view = table_view(self.due_model, stretch=(2,))
        self.calls_model = RowsModel[Suggestion](
            [tr("Punkte"), tr("Kunde"), tr("Grund"), tr("Telefon"), tr("Klasse")], self)
        self.calls_view = table_view(self.calls_model, stretch=(2,))
        self.held_model = RowsModel[HeldBack](
            [tr("Kunde"), tr("Nr."), tr("wäre auf der Liste wegen"), tr("Nicht anrufen, weil")],
            self)
        self.held_view = table_view(self.held_model, stretch=(3,))
        self.held_label = QLabel()
        self.status = QLabel()
        self.done_button = QPushButton(tr("Erledigt…"))
        self.day_button = QPushButton(tr("+1 Tag"))
        self.week_button = QPushButton(tr("+1 Woche"))
        self.move_button = QPushButton(tr("Verschieben…"))
        self.call_button = QPushButton(tr("Anruf notiert"))
        self.followup_button = QPushButton(tr("Wiedervorlage anlegen"))
        self.letter_button = QPushButton(tr("Brief vormerken"))
        self.hide_button = QPushButton(tr("Ausblenden für"))
        self.hide_days = QSpinBox()
        self.hide_days.setRange(1, 365)
        self.hide_days.setValue(14)
        self.hide_days.setSuffix(tr(" Tage"))

        self.rules_button = QPushButton(tr("Regeln…"))
        self.rules_button.setToolTip(tr("Automatische Regeln ein-/ausschalten und einstellen"))
        layout = QVBoxLayout(self)
        top = button_row(self.header)
        top.addWidget(self.rules_button)
        layout.addLayout(top)
        layout.addWidget(QLabel(tr("<b>Wiedervorlagen – überfällig und heute</b>")))
        layout.addWidget(self.due_view, 2)
        layout.addLayout(button_row(self.done_button, self.day_button, self.week_button,
                                   self.move_button))
        layout.addWidget(QLabel(tr("<b>Nächste beste Aktivität</b> (Punkte: Maus über die "
                                   "Zeile zeigt die Berechnung)")))
        layout.addWidget(self.calls_view, 3)
        layout.addLayout(button_row(self.call_button, self.followup_button, self.letter_button,
                                   self.hide_button, self.hide_days))
        layout.addWidget(self.held_label)
        layout.addWidget(self.held_view, 1)
        layout.addWidget(self.status)

        self.done_button.clicked.connect(self.complete_selected)
        self.day_button.clicked.connect(lambda: self._snooze(days=1))
        self.week_button.clicked.connect(lambda: self._snooze(days=7))
        self.move_button.clicked.connect(self._move)
        self.call_button.clicked.connect(self._note_call)
        self.followup_button.clicked.connect(self._create_followup)
        self.letter_button.clicked.connect(self._queue_letter)
        self.hide_button.clicked.connect(self._dismiss)
        add_row_menu(self.due_view, self._open_action(self.due_view, self.due_model), None,
                     self.done_button, self.day_button, self.week_button, self.move_button)
        add_row_menu(self.calls_view, self._open_action(self.calls_view, self.calls_model), None,
                     self.call_button, self.followup_button, self.letter_button,
                     self.hide_button)
        add_row_menu(self.held_view, self._open_action(self.held_view, self.held_model))
        self.rules_button.clicked.connect(lambda: RulesDialog(context, self).exec())
        self.due_view.doubleClicked.connect(lambda i: self._open(self.due_model, i))
        self.calls_view.doubleClicked.connect(lambda i: self._open(self.calls_model, i))
        self.held_view.doubleClicked.connect(lambda i: self._open(self.held_model, i))
        context.bus.changed.connect(self._on_changed)
        self.refresh()

    def refresh(self) -> None:
        services = self.context.services

        def load(_progress: object) -> tuple[list[FollowUpDTO], CallList]:
            return services.followups.due(), services.today.call_list()

        self.context.tasks.start(load, on_done=self._show, on_error=self._failed)

    def _show(self, result: tuple[list[FollowUpDTO], CallList]) -> None:
        due, calls = result
        now = self.context.services.clock.now()
        self.header.setText(tr("Heute, {weekday}, {date}").format(
            weekday=tr(WEEKDAYS[now.weekday()]), date=format_date(now.date())))
        self.due_model.set_rows([followup_row(item, now) for item in due])
        self.calls_model.set_rows([suggestion_row(item) for item in calls.suggestions])
        self.held_model.set_rows([held_back_row(item) for item in calls.held_back])
        self.held_label.setText(tr(
            "<b>Zurückgehalten</b> (Kontaktregeln, Datenschutz): {count} Kunden").format(
            count=calls.held_back_count))
        self.due_view.resizeColumnsToContents()
        self.calls_view.resizeColumnsToContents()
        if not due:
            self.status.setText(tr("Keine fälligen Wiedervorlagen."))
        self.loaded.emit()

    def _failed(self, error: BaseException) -> None:
        show_error(self, error)

    def _on_changed(self, changes: Changes) -> None:
        if changes.domains & {Domain.FOLLOWUPS, Domain.TIMELINE, Domain.CUSTOMERS, Domain.SALES,
                               Domain.CLASSES}:
            self.refresh()

    # --- selection helpers -----------------------------------------------------------

    def selected_followup(self) -> FollowUpDTO | None:
        return selected_payload(self.due_view, self.due_model, status=self.status)

    def selected_suggestion(self) -> Suggestion | None:
        return selected_payload(self.calls_view, self.calls_model, status=self.status)

    def _open(self, model: RowsModel[FollowUpDTO] | RowsModel[Suggestion] | RowsModel[HeldBack],
              index: QModelIndex) -> None:
        self.context.open_customer(model.payload(index.row()).customer_id)

    def _open_action(self, view: QTableView, model: RowsModel[FollowUpDTO]
                     | RowsModel[Suggestion] | RowsModel[HeldBack]) -> QAction:
        return row_action(view, tr("Kunde öffnen"), lambda index: self._open(model, index))

    def _act(self, work: object, message: str) -> None:
        try:
            work()  # type: ignore[operator]
        except StammkundeError as error:
            show_error(self, error)
            return
        self.status.setText(message)

    # --- follow-up actions -----------------------------------------------------------

    def complete_selected(self) -> None:
        item = self.selected_followup()
        if item is None:
            return
        result = complete_followup(self.context, item, self)
        if result is not None:
            self.status.setText(
                tr("Erledigt: {subject}.").format(subject=item.subject)
                + (tr(" Nächster Termin: {due}.").format(due=result.next.due_text)
                   if result.next else ""))

    def _snooze(self, *, days: int) -> None:
        item = self.selected_followup()
        if item is not None:
            self._act(lambda: self.context.services.followups.snooze(item.id, days=days),
                      tr("Verschoben: {subject}.").format(subject=item.subject))

    def _move(self) -> None:
        item = self.selected_followup()
        if item is None:
            return
        dialog = QDialog(self)
        dialog.setWindowTitle(tr("Verschieben auf"))
        calendar = QCalendarWidget()
        calendar.setSelectedDate(to_qdate(self.context.services.clock.today() + timedelta(days=1)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        box = QVBoxLayout(dialog)
        box.addWidget(calendar)
        box.addWidget(buttons)
        if dialog.exec():
            target = to_date(calendar.selectedDate())
            self._act(lambda: self.context.services.followups.snooze(item.id, until=target),
                      tr("Verschoben auf {date}.").format(date=format_date(target)))

    # --- call-list actions -------------------------------------------------------------

    def _note_call(self) -> None:
        item = self.selected_suggestion()
        if item is None:
            return
        text, ok = QInputDialog.getText(self, tr("Anruf notiert"),
                                        tr("Notiz zum Anruf bei {name}:").format(
                                            name=item.customer_name))
        if ok:
            self._act(lambda: self.context.services.today.note_call(
                item.customer_id, text=text, by=self.context.actor),
                tr("Anruf bei {name} notiert.").format(name=item.customer_name))

    def _create_followup(self) -> None:
        item = self.selected_suggestion()
        if item is None:
            return
        services = self.context.services
        due = services.clock.today() + timedelta(days=1)

        def work() -> None:
            services.followups.create(item.customer_id, FollowUpInput(
                subject=item.reason_text[:200], due_date=due), by=self.context.actor)
            services.today.dismiss(item.customer_id, days=self.hide_days.value())

        self._act(work, tr("Wiedervorlage für {name} am {date} angelegt.").format(
            name=item.customer_name, date=format_date(due)))

    def _queue_letter(self) -> None:
        item = self.selected_suggestion()
        if item is None:
            return
        services = self.context.services

        def work() -> None:
            services.today.queue_letter(item.customer_id, template_key=item.letter_template,
                                        note=item.reason_text, by=self.context.actor)
            services.today.dismiss(item.customer_id, days=self.hide_days.value())

        self._act(work, tr("{name} für Brief „{template}“ vorgemerkt.").format(
            name=item.customer_name, template=item.letter_template))

    def _dismiss(self) -> None:
        item = self.selected_suggestion()
        if item is not None:
            days = self.hide_days.value()
            self._act(lambda: self.context.services.today.dismiss(item.customer_id, days=days),
                      tr("{name} für {days} Tage ausgeblendet.").format(
                          name=item.customer_name, days=days))
