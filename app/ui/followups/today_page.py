"""The start page "Heute": due follow-ups first, then the ranked call list with its reasons."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QCoreApplication, QModelIndex, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changes, Domain
from app.services.errors import StammkundeError
from app.services.followups.agenda import Agenda
from app.services.followups.service import FollowUpDTO, FollowUpInput
from app.services.followups.today import CallList, HeldBack, Suggestion
from app.services.formatting import format_count, format_date
from app.services.letters.builtin import BUILTIN_NAMES
from app.ui import preferences
from app.ui.context import AppContext
from app.ui.dates import to_date, to_qdate
from app.ui.errors import show_error
from app.ui.followups.agenda_tree import AgendaTree
from app.ui.followups.dialogs import complete_followup
from app.ui.followups.rules_dialog import RulesDialog
from app.ui.headings import page_title
from app.ui.icons import icon
from app.ui.messages import MessageLabel
from app.ui.row_menu import add_row_menu
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


def suggestion_row(rank: int, item: Suggestion) -> Row[Suggestion]:
    """The call list's position ("Rang"); the tooltip says how the reasons weigh."""
    return Row((str(rank), item.customer_name, item.reason_text, item.phone,
                item.abc_class or ""), item,
               tooltip=tr("Rang {rank}, Gewichtung der Gründe: {parts}").format(
                   rank=rank, parts=item.score_text))


def held_back_row(item: HeldBack) -> Row[HeldBack]:
    return Row((item.customer_name, item.customer_number, "; ".join(item.reasons),
                item.reason), item)


class TodayPage(QWidget):
    """Signals: loaded() after the lists were (re)filled."""

    loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.header = page_title("")
        self.counts = QLabel()
        self.counts.setStyleSheet("font-size: 12pt;")
        self.mine = QCheckBox(tr("Nur meine"))
        self.mine.toggled.connect(self.refresh)
        self._sync_mine()
        self.due_view = AgendaTree(
            [tr("Fällig"), tr("Kunde"), tr("Betreff"), tr("Zuständig"), tr("Priorität")], self)
        self.calls_model = RowsModel[Suggestion](
            [tr("Rang"), tr("Kunde"), tr("Grund"), tr("Telefon"), tr("Klasse")], self)
        self.calls_view = table_view(self.calls_model, stretch=(2,))
        self.held_model = RowsModel[HeldBack](
            [tr("Kunde"), tr("Nr."), tr("wäre auf der Liste wegen"), tr("Nicht anrufen, weil")],
            self)
        # Both texts are sentences: they share the spare width, neither is squeezed.
        self.held_view = table_view(self.held_model, stretch=(2, 3))
        self.held_label = QLabel()
        self.status = MessageLabel()
        self.done_button = QPushButton(icon("check"), tr("Erledigt…"))
        self.day_button = QPushButton(tr("+1 Tag"))
        self.week_button = QPushButton(tr("+1 Woche"))
        self.move_button = QPushButton(tr("Verschieben…"))
        self.call_button = QPushButton(icon("pencil"), tr("Anruf notiert"))
        self.followup_button = QPushButton(icon("plus"), tr("Wiedervorlage anlegen"))
        self.letter_button = QPushButton(icon("bookmark-plus"), tr("Brief vormerken"))
        self.hide_button = QPushButton(tr("Ausblenden für"))
        self.hide_days = QSpinBox()
        self.hide_days.setRange(1, 365)
        self.hide_days.setValue(14)
        self.hide_days.setSuffix(tr(" Tage"))

        self.rules_button = QPushButton(tr("Regeln…"))
        self.rules_button.setToolTip(tr("Automatische Regeln ein-/ausschalten und einstellen"))
        layout = QVBoxLayout(self)
        top = button_row(self.header, self.counts)
        top.addWidget(self.mine)
        top.addWidget(self.rules_button)
        layout.addLayout(top)
        layout.addWidget(QLabel(tr("<b>Wiedervorlagen – überfällig und heute</b> (wichtige "
                                   "zuerst; automatische je Regel in einer Zeile)")))
        layout.addWidget(self.due_view, 2)
        layout.addLayout(button_row(self.done_button, self.day_button, self.week_button,
                                   self.move_button))
        layout.addWidget(QLabel(tr("<b>Nächste beste Aktivität</b> (Rang: Maus über die "
                                   "Zeile zeigt die Gründe und ihre Gewichtung)")))
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
        open_due = QAction(tr("Kunde öffnen"), self.due_view)
        open_due.triggered.connect(self._open_due)
        add_row_menu(self.due_view, open_due, None, self.done_button, self.day_button,
                     self.week_button, self.move_button)
        open_call = QAction(tr("Kunde öffnen"), self.calls_view)
        open_call.triggered.connect(self._open_call)
        add_row_menu(self.calls_view, open_call, None, self.call_button, self.followup_button,
                     self.letter_button, self.hide_button)
        open_held = QAction(tr("Kunde öffnen"), self.held_view)
        open_held.triggered.connect(self._open_held)
        add_row_menu(self.held_view, open_held)
        self.rules_button.clicked.connect(lambda: RulesDialog(context, self).exec())
        self.due_view.followup_activated.connect(
            lambda item: context.open_customer(item.customer_id))
        self.calls_view.doubleClicked.connect(lambda i: self._open(self.calls_model, i))
        self.held_view.doubleClicked.connect(lambda i: self._open(self.held_model, i))
        context.bus.changed.connect(self._on_changed)
        self.refresh()

    def refresh(self) -> None:
        services = self.context.services
        mine_of = preferences.staff_name() if self.mine.isChecked() else ""

        def load(_progress: object) -> tuple[Agenda, CallList]:
            return services.today.agenda(mine_of=mine_of), services.today.call_list()

        self.context.tasks.start(load, on_done=self._show, on_error=self._failed)

    def _sync_mine(self) -> None:
        """"Nur meine" needs an "Ich bin"; it is on by default once there is one."""
        me = preferences.staff_name()
        self.mine.blockSignals(True)
        self.mine.setEnabled(bool(me))
        self.mine.setChecked(bool(me))
        self.mine.setText(tr("Nur meine ({name})").format(name=me) if me else tr("Nur meine"))
        self.mine.setToolTip(
            tr("Zugewiesen an {name} oder niemandem bei Kunden, deren Betreuer {name} ist")
            .format(name=me) if me else
            tr("Erst unter Datei → Einstellungen „Ich bin“ wählen"))
        self.mine.blockSignals(False)

    def _show(self, result: tuple[Agenda, CallList]) -> None:
        agenda, calls = result
        now = self.context.services.clock.now()
        self.header.setText(tr("Heute, {weekday}, {date}").format(
            weekday=tr(WEEKDAYS[now.weekday()]), date=format_date(now.date())))
        counts = tr("{overdue} überfällig · {today} heute · {high} hoch").format(
            overdue=agenda.counts.overdue, today=agenda.counts.today, high=agenda.counts.high)
        if agenda.mine_of:
            counts += tr(" (nur meine: {shown} von {total})").format(
                shown=agenda.shown, total=agenda.total)
        self.counts.setText(counts)
        self.due_view.set_agenda(agenda, now)
        self.calls_model.set_rows([suggestion_row(rank, item) for rank, item
                                   in enumerate(calls.suggestions, start=1)])
        self.held_model.set_rows([held_back_row(item) for item in calls.held_back])
        self.held_label.setText(tr(
            "<b>Zurückgehalten</b> (Kontaktregeln, Datenschutz): {customers}").format(
            customers=format_count(calls.held_back_count, tr("Kunde"), tr("Kunden"))))
        self.calls_view.resizeColumnsToContents()
        self.held_view.resizeColumnToContents(0)
        self.held_view.resizeColumnToContents(1)
        if not agenda.entries:
            self.status.setText(tr("Keine fälligen Wiedervorlagen."))
        self.loaded.emit()

    def _failed(self, error: BaseException) -> None:
        show_error(self, error)

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Domain.SETTINGS):  # "Ich bin" may have changed
            self._sync_mine()
        if changes.domains & {Domain.FOLLOWUPS, Domain.TIMELINE, Domain.CUSTOMERS, Domain.SALES,
                               Domain.CLASSES, Domain.SETTINGS}:
            self.refresh()

    # --- selection helpers -----------------------------------------------------------

    def selected_followup(self) -> FollowUpDTO | None:
        item = self.due_view.selected_followup()
        if item is None:
            self.status.setText(tr("Bitte zuerst eine einzelne Wiedervorlage wählen (eine "
                                   "Regelzeile mit dem Pfeil aufklappen)."))
        return item

    def selected_suggestion(self) -> Suggestion | None:
        return selected_payload(self.calls_view, self.calls_model, status=self.status)

    def _open(self, model: RowsModel[Suggestion] | RowsModel[HeldBack],
              index: QModelIndex) -> None:
        if index.isValid():  # a right click beside the rows has none
            self.context.open_customer(model.payload(index.row()).customer_id)

    def _open_due(self) -> None:
        item = self.due_view.selected_followup()
        if item is not None:
            self.context.open_customer(item.customer_id)

    def _open_call(self) -> None:
        self._open(self.calls_model, self.calls_view.currentIndex())

    def _open_held(self) -> None:
        self._open(self.held_model, self.held_view.currentIndex())

    def _act(self, work: object, message: str) -> None:
        try:
            work()  # type: ignore[operator]
        except StammkundeError as error:
            show_error(self, error)
            return
        self.status.success(message)

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
                                        reasons=item.kinds, note=item.reason_text,
                                        by=self.context.actor)
            services.today.dismiss(item.customer_id, days=self.hide_days.value())

        self._act(work, tr("{name} für den Brief „{template}“ vorgemerkt – zu drucken unter "
                           "Briefe → Vorgemerkte Briefe.").format(
            name=item.customer_name,
            template=BUILTIN_NAMES.get(item.letter_template, item.letter_template)))

    def _dismiss(self) -> None:
        item = self.selected_suggestion()
        if item is not None:
            days = self.hide_days.value()
            self._act(lambda: self.context.services.today.dismiss(item.customer_id, days=days),
                      tr("{name} für {days} ausgeblendet.").format(
                          name=item.customer_name, days=format_count(days, tr("Tag"), tr("Tage"))))
