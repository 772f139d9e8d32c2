from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.sales.service import SaleInput
from app.ui.context import AppContext, ChangeBus
from app.ui.sales.sales_tab import SalesTab
from app.ui.tasks import TaskRunner


@pytest.fixture
def context(services: Services, tmp_path: Path) -> AppContext:
    return AppContext(services=services, tasks=TaskRunner(), bus=ChangeBus(),
                      data_dir=tmp_path, log_file=tmp_path / "log.txt")


def test_the_tab_lists_sales_in_german_formats(
    qtbot: QtBot, context: AppContext, qtmodeltester: object
) -> None:
    cid = context.services.customers.create(CustomerInput(last_name="Müller")).id
    context.services.sales.add(cid, SaleInput(date(2026, 2, 1), 123_456, "Bad", "RE-7"))
    tab = SalesTab(context, cid)
    qtbot.addWidget(tab)
    qtmodeltester.check(tab.model)  # type: ignore[attr-defined]
    row = [tab.model.index(0, c).data() for c in range(4)]
    assert row == ["01.02.2026", "1.234,56 €", "RE-7", "Bad"]
    assert tab.totals.text().startswith("1 Umsatz, gesamt 1.234,56 €;")
    context.services.sales.add(cid, SaleInput(date(2026, 2, 2), 100, "Dichtung", "RE-8"))
    tab.refresh()
    assert tab.totals.text().startswith("2 Umsätze, gesamt 1.235,56 €;")


def test_typing_a_sale_adds_it_and_a_bad_amount_is_shown_next_to_the_form(
    qtbot: QtBot, context: AppContext
) -> None:
    cid = context.services.customers.create(CustomerInput(last_name="Müller")).id
    tab = SalesTab(context, cid)
    qtbot.addWidget(tab)
    qtbot.keyClicks(tab.date_edit, "01.03.2026")
    qtbot.keyClicks(tab.amount_edit, "abc")
    tab.add_button.click()
    assert "Betrag" in tab.error_label.text()
    tab.amount_edit.setText("99,90")
    qtbot.keyClicks(tab.document_edit, "RE-1")
    with qtbot.waitSignal(context.bus.changed):
        tab.add_button.click()
    assert tab.model.rowCount() == 1
    assert tab.model.index(0, 1).data() == "99,90 €"
    assert tab.error_label.text() == ""


def test_a_manual_class_is_set_shown_as_such_and_ended_with_a_recompute(
    qtbot: QtBot, context: AppContext
) -> None:
    cid = context.services.customers.create(CustomerInput(last_name="Müller")).id
    context.services.sales.add(cid, SaleInput(date(2026, 2, 1), 10_000, "", "RE-1"))
    context.services.classification.recompute()
    tab = SalesTab(context, cid)
    qtbot.addWidget(tab)
    box = tab.class_box
    computed = ("Klasse A – Stand 15.03.2026: Umsatz 100,00 € (nach Umsatzanteil). Alle Kunden "
                "werden nachts neu eingeordnet.")
    assert box.state.text() == computed
    assert not box.clear_button.isEnabled()
    box.class_combo.setCurrentText("C")
    box.set_button.click()
    assert "Grund" in box.error_label.text()
    qtbot.keyClicks(box.reason_edit, "zahlt schlecht")
    qtbot.keyClicks(box.until_edit, "31.12.2026")
    with qtbot.waitSignal(context.bus.changed):
        box.set_button.click()
    assert box.state.text() == ("Klasse C – manuell festgelegt (zahlt schlecht, gültig bis "
                                "31.12.2026)")
    box.clear_button.click()
    qtbot.waitUntil(lambda: box.state.text() == computed, timeout=10_000)
    context.tasks.wait()
    QApplication.processEvents()  # the task's result reaches the box while it still exists
