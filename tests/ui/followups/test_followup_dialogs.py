from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pytest
from PySide6.QtCore import QDate, QTime, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox
from pytestqt.qtbot import QtBot

from app.services.container import Services
from app.services.customers.dto import AddressInput, CustomerInput
from app.services.followups.service import FollowUpInput
from app.ui.context import AppContext
from app.ui.followups.customer_tab import CustomerFollowUpsTab
from app.ui.followups.dialogs import FollowUpDialog, MaintenanceDialog
from app.ui.scheduler import Notifier

# The offscreen platform warns when a modal dialog opens; nothing about the dialog itself.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def customer_id(services: Services) -> int:
    services.settings.set_staff(["Meister Krause", "Frau Lehmann"])
    return services.customers.create(CustomerInput(last_name="Müller")).id


def test_the_dialog_creates_a_recurring_follow_up_with_time_and_assignee(
    context: AppContext, services: Services, customer_id: int, qtbot: QtBot
) -> None:
    dialog = FollowUpDialog(context, customer_id)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.subject, "Heizung warten")
    dialog.due.setDate(QDate(2026, 3, 30))
    dialog.has_time.setChecked(True)
    dialog.time.setTime(QTime(9, 0))
    dialog.assignee.setCurrentText("Meister Krause")
    dialog.rrule.setCurrentIndex(dialog.rrule.findData("FREQ=MONTHLY;INTERVAL=12"))
    dialog.accept()
    saved = services.followups.for_customer(customer_id)
    assert [(f.subject, f.due_date, f.due_time, f.assignee, f.rrule) for f in saved] == [
        ("Heizung warten", date(2026, 3, 30), time(9, 0), "Meister Krause",
         "FREQ=MONTHLY;INTERVAL=12")]


def _close_message_box() -> None:
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox)
    box.accept()


def test_an_invalid_rule_typed_by_hand_keeps_the_dialog_open(
    context: AppContext, services: Services, customer_id: int, qtbot: QtBot
) -> None:
    dialog = FollowUpDialog(context, customer_id)
    qtbot.addWidget(dialog)
    dialog.subject.setText("Wartung")
    dialog.rrule.setEditText("alle paar Jahre")
    QTimer.singleShot(0, _close_message_box)
    dialog.accept()
    assert dialog.saved is None and services.followups.for_customer(customer_id) == []


def test_a_maintenance_object_is_added_at_an_extra_address_from_the_tab(
    context: AppContext, services: Services, customer_id: int, qtbot: QtBot
) -> None:
    address = services.customers.add_address(customer_id, AddressInput(
        label="Ferienhaus", street="Seeweg 1", postcode="83022", city="Rosenheim"), by="Büro")
    tab = CustomerFollowUpsTab(context, customer_id)
    qtbot.addWidget(tab)
    dialog = MaintenanceDialog(context, customer_id, parent=tab)
    dialog.name.setText("Gasheizung")
    dialog.year.setValue(2015)
    dialog.address.setCurrentIndex(dialog.address.findData(address.id))
    dialog.next_due.setDate(QDate(2026, 5, 1))
    with qtbot.waitSignal(context.bus.changed):
        dialog.accept()
    assert tab.objects.rowCount() == 1
    assert tab.objects.index(0, 4).data().startswith("Ferienhaus")
    assert tab.followups.index(0, 1).data() == "Wartung: Gasheizung"


def test_due_follow_ups_are_shown_in_the_status_bar_without_a_tray(
    context: AppContext, services: Services, customer_id: int, qtbot: QtBot
) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    notifier = Notifier(context, window)
    services.followups.create(customer_id, FollowUpInput(
        subject="Rückruf", due_date=date(2026, 3, 15), due_time=time(9, 0)))
    notifier.show_due(services.followups.claim_due_notifications())
    assert window.statusBar().currentMessage() == \
        "Wiedervorlage fällig: 15.03.2026 09:00 Müller: Rückruf"


def test_a_rule_run_that_queued_mails_says_so_in_the_status_bar(
    context: AppContext, services: Services, qtbot: QtBot
) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    notifier = Notifier(context, window)
    result = services.rules.run_due()
    notifier.rules_ran(replace(result, after_run=(
        "E-Mail „willkommen“: 2 in den Postausgang",)))
    assert window.statusBar().currentMessage() == (
        "Regeln: E-Mail „willkommen“: 2 in den Postausgang")
