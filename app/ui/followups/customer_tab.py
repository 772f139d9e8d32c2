"""The customer view's tab "Wiedervorlagen": the customer's follow-ups and maintenance objects."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changes, Domain
from app.services.errors import StammkundeError
from app.services.followups.recurrence import describe
from app.services.followups.service import FollowUpDTO, MaintenanceDTO
from app.services.formatting import format_date
from app.ui.confirm import confirm
from app.ui.context import AppContext
from app.ui.errors import show_error
from app.ui.followups.dialogs import FollowUpDialog, MaintenanceDialog, complete_followup
from app.ui.followups.today_page import button_row
from app.ui.row_menu import add_row_menu
from app.ui.rows_model import Row, RowsModel, selected_payload, table_view


def tr(text: str) -> str:
    return QCoreApplication.translate("Wiedervorlagen", text)


def _followup_row(item: FollowUpDTO, today: date) -> Row[FollowUpDTO]:
    return Row((item.due_text, item.subject, tr(item.status_label), item.assignee,
                tr(describe(item.rrule)) if item.rrule else "", item.outcome), item,
               tooltip=item.notes, warn=item.status != "done" and item.due_date < today)


def _maintenance_row(item: MaintenanceDTO) -> Row[MaintenanceDTO]:
    return Row((item.name, item.model, str(item.year_built or ""), tr(item.rrule_text),
                item.address_text or tr("Hauptadresse"), format_date(item.last_service),
                format_date(item.next_due) if item.active else tr("stillgelegt")), item,
               tooltip=item.notes)


class CustomerFollowUpsTab(QWidget):
    def __init__(self, context: AppContext, customer_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.customer_id = customer_id
        self.followups = RowsModel[FollowUpDTO](
            [tr("Fällig"), tr("Betreff"), tr("Status"), tr("Zuständig"), tr("Wiederholung"),
             tr("Ergebnis")], self)
        self.followups_view = table_view(self.followups, stretch=(1,))
        self.objects = RowsModel[MaintenanceDTO](
            [tr("Bezeichnung"), tr("Modell"), tr("Baujahr"), tr("Intervall"), tr("Standort"),
             tr("Letzte Wartung"), tr("Nächste Wartung")], self)
        self.objects_view = table_view(self.objects, stretch=(0,))
        self.status = QLabel()
        buttons = {
            tr("Neu…"): self.new_followup, tr("Bearbeiten…"): self.edit_followup,
            tr("Erledigt…"): self.complete_followup, tr("+1 Woche"): self.snooze_week,
            tr("Löschen"): self.delete_followup,
        }
        object_buttons = {
            tr("Wartungsobjekt neu…"): self.new_object, tr("Bearbeiten…"): self.edit_object,
            tr("Stilllegen"): self.retire_object, tr("Vertrag anlegen…"): self.new_contract,
        }
        followup_buttons = self._buttons(buttons)
        maintenance_buttons = self._buttons(object_buttons)
        add_row_menu(self.followups_view, *followup_buttons)
        add_row_menu(self.objects_view, *maintenance_buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("<b>Wiedervorlagen</b>")))
        layout.addWidget(self.followups_view, 3)
        layout.addLayout(button_row(*followup_buttons))
        layout.addWidget(QLabel(tr("<b>Wartungsobjekte</b>")))
        layout.addWidget(self.objects_view, 2)
        layout.addLayout(button_row(*maintenance_buttons))
        layout.addWidget(self.status)
        self.followups_view.doubleClicked.connect(self.edit_followup)
        self.objects_view.doubleClicked.connect(self.edit_object)
        context.bus.changed.connect(self._on_changed)
        self.refresh()

    def _buttons(self, actions: Mapping[str, Callable[[], object]]) -> list[QPushButton]:
        result: list[QPushButton] = []
        for label, slot in actions.items():
            button = QPushButton(label)
            button.clicked.connect(slot)
            result.append(button)
        return result

    def refresh(self) -> None:
        services = self.context.services
        today = services.clock.today()
        self.followups.set_rows([_followup_row(item, today)
                                 for item in services.followups.for_customer(self.customer_id)])
        self.objects.set_rows([_maintenance_row(item) for item in
                               services.followups.maintenance_objects(self.customer_id)])
        self.followups_view.resizeColumnsToContents()
        self.objects_view.resizeColumnsToContents()

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Domain.FOLLOWUPS, self.customer_id):
            self.refresh()

    def _followup(self) -> FollowUpDTO | None:
        return selected_payload(self.followups_view, self.followups, status=self.status)

    def _object(self) -> MaintenanceDTO | None:
        return selected_payload(self.objects_view, self.objects, status=self.status)

    def new_followup(self) -> None:
        FollowUpDialog(self.context, self.customer_id, parent=self).exec()

    def edit_followup(self) -> None:
        item = self._followup()
        if item is not None:
            FollowUpDialog(self.context, self.customer_id, item, parent=self).exec()

    def complete_followup(self) -> None:
        item = self._followup()
        if item is not None:
            complete_followup(self.context, item, self)

    def snooze_week(self) -> None:
        item = self._followup()
        if item is not None:
            self._act(lambda: self.context.services.followups.snooze(item.id, days=7))

    def delete_followup(self) -> None:
        item = self._followup()
        if item is not None and confirm(
                self, title=tr("Löschen"), action=tr("Löschen"),
                text=tr("Wiedervorlage „{subject}“ löschen?").format(subject=item.subject)):
            self._act(lambda: self.context.services.followups.delete(item.id))

    def new_object(self) -> None:
        MaintenanceDialog(self.context, self.customer_id, parent=self).exec()

    def edit_object(self) -> None:
        item = self._object()
        if item is not None:
            MaintenanceDialog(self.context, self.customer_id, item, parent=self).exec()

    def new_contract(self) -> QDialog | None:
        """A maintenance contract on the selected object (tab "Verträge & Club")."""
        from app.ui.contracts.dialogs import ContractDialog

        item = self._object()
        if item is None:
            return None
        dialog = ContractDialog(self.context, self.customer_id, object_id=item.id, parent=self)
        dialog.open()
        return dialog

    def retire_object(self) -> None:
        item = self._object()
        if item is not None and confirm(
                self, title=tr("Stilllegen"), action=tr("Stilllegen"),
                text=tr("Wartungsobjekt „{name}“ stilllegen? Seine offene Wiedervorlage wird "
                        "gelöscht.").format(name=item.name)):
            self._act(lambda: self.context.services.followups.retire_maintenance(item.id))

    def _act(self, work: object) -> None:
        try:
            work()  # type: ignore[operator]
        except StammkundeError as error:
            show_error(self, error)
            return
