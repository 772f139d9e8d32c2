from __future__ import annotations

from datetime import date, datetime, time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from app.db import Database
from app.models import Customer
from app.services.changes import Changes
from app.services.clock import LOCAL_ZONE
from app.services.container import Services
from app.services.customers.dto import Birthday, CustomerInput
from app.services.followups.service import FollowUpInput, MaintenanceInput
from app.services.privacy.consents import ConsentInput
from app.ui.context import AppContext
from app.ui.followups.customer_tab import CustomerFollowUpsTab
from app.ui.followups.dialogs import OutcomeDialog
from app.ui.followups.today_page import TodayPage
from app.ui.main_window import CUSTOMER_TABS, PAGES
from app.ui.preferences import set_staff_name


def _customer(services: Services, db: Database, name: str, *, abc: str | None = None,
              at_risk: bool = False, birthday: Birthday | None = None,
              phone_consent: bool = True) -> int:
    cid = services.customers.create(CustomerInput(
        last_name=name, birthday=birthday, phone="0351 1234567", street="Ringstraße 1",
        postcode="01067", city="Dresden")).id
    if phone_consent:
        services.privacy.record_consent(cid, ConsentInput(
            purpose="phone", granted=True, given_on=date(2026, 1, 5), method="form"), by="Büro")
    with db.write() as session:
        session.execute(update(Customer).where(Customer.id == cid).values(
            abc_class=abc, at_risk=at_risk, created_at=datetime(2025, 1, 1, tzinfo=LOCAL_ZONE)))
        session.commit()
    return cid


@pytest.fixture
def seeded(services: Services, db: Database) -> dict[str, int]:
    ids = {"a": _customer(services, db, "Adler", abc="A"),
           "risk": _customer(services, db, "Bär", abc="B", at_risk=True),
           "birthday": _customer(services, db, "Cäsar", birthday=Birthday(17, 3, 1970)),
           "heating": _customer(services, db, "Dachs")}
    services.timeline.add(ids["a"], channel="phone", subject="Angebot",
                          occurred_at=datetime(2025, 11, 1, 10, 0, tzinfo=LOCAL_ZONE))
    services.followups.add_maintenance(ids["heating"], MaintenanceInput(
        name="Gasheizung", rrule="FREQ=YEARLY", first_due=date(2026, 4, 1)))
    add = services.followups.create
    add(ids["heating"], FollowUpInput(subject="Rückruf 9 Uhr", due_date=date(2026, 3, 15),
                                      due_time=time(9, 0)))
    add(ids["risk"], FollowUpInput(subject="Angebot nachfassen", due_date=date(2026, 3, 10)))
    add(ids["birthday"], FollowUpInput(subject="Ganztags", due_date=date(2026, 3, 15)))
    add(ids["a"], FollowUpInput(subject="Morgen", due_date=date(2026, 3, 16)))
    return ids


def _page(context: AppContext, qtbot: QtBot) -> TodayPage:
    page = TodayPage(context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        pass
    return page


def _due(page: TodayPage, column: int) -> list[str]:
    return [row[column] for row in page.due_view.rows()]


def _column(page: TodayPage, model: str, column: int) -> list[str]:
    m = getattr(page, model)
    return [m.index(row, column).data() for row in range(m.rowCount())]


def test_heute_is_the_start_page_and_wiedervorlagen_a_customer_tab() -> None:
    assert PAGES[0].key == "today"
    assert "followups" in [tab.key for tab in CUSTOMER_TABS]


def test_the_heute_page_lists_due_follow_ups_then_the_ranked_call_list(
    context: AppContext, seeded: dict[str, int], qtbot: QtBot, qtmodeltester: object
) -> None:
    page = _page(context, qtbot)
    assert _due(page, 2) == ["Angebot nachfassen", "Ganztags", "Rückruf 9 Uhr"]
    assert _due(page, 0) == ["10.03.2026", "15.03.2026", "15.03.2026 09:00"]
    assert _column(page, "calls_model", 1) == ["Adler", "Dachs", "Bär", "Cäsar"]
    assert _column(page, "calls_model", 2) == [
        "A-Kunde, letzter Kontakt vor 134 Tagen",
        "Wartung Gasheizung fällig am 01.04.2026; Gasheizung ohne Wartungsvertrag – Vertrag "
        "anbieten", "abwanderungsgefährdet", "Geburtstag am 17.03.2026"]
    assert _column(page, "calls_model", 0) == ["1", "2", "3", "4"]
    assert page.calls_model.headerData(0, Qt.Orientation.Horizontal) == "Rang"
    tooltip = page.calls_model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("Rang 1, Gewichtung der Gründe: A-Kunde, letzter Kontakt")
    assert tooltip.endswith("= 74")
    qtmodeltester.check(page.calls_model)  # type: ignore[attr-defined]
    qtmodeltester.check(page.held_model)  # type: ignore[attr-defined]


def test_the_heute_page_lists_who_was_held_back_and_why(
    context: AppContext, services: Services, db: Database, seeded: dict[str, int],
    qtbot: QtBot,
) -> None:
    _customer(services, db, "Fink", abc="A", phone_consent=False)
    page = _page(context, qtbot)
    assert "Fink" not in _column(page, "calls_model", 1)
    assert _column(page, "held_model", 0) == ["Fink"]
    assert _column(page, "held_model", 3) == [
        "keine ausdrückliche Einwilligung in Telefonwerbung (§ 7 Abs. 2 Nr. 1 UWG)"]
    assert page.held_label.text().endswith(": 1 Kunde")


def test_a_new_classification_refreshes_the_call_list(
    context: AppContext, services: Services, seeded: dict[str, int], qtbot: QtBot
) -> None:
    page = _page(context, qtbot)
    services.today.dismiss(seeded["a"], days=5)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        context.bus.publish(Changes.of("classification", customers=(seeded["a"],)))
    assert "Adler" not in _column(page, "calls_model", 1)


def _answer_outcome(text: str) -> None:
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, OutcomeDialog)
    dialog.text.setPlainText(text)
    dialog.accept()


# The offscreen platform warns when a modal dialog opens; nothing about the dialog itself.
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_completing_a_follow_up_from_heute_writes_the_outcome_to_the_timeline(
    context: AppContext, services: Services, seeded: dict[str, int], qtbot: QtBot
) -> None:
    set_staff_name("Geselle Tim")
    page = _page(context, qtbot)
    assert page.mine.isChecked()  # "Ich bin" is set: only Tim's, and none is his
    assert page.due_view.rows() == []
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.mine.setChecked(False)
    page.due_view.setCurrentItem(page.due_view.topLevelItem(0))
    QTimer.singleShot(0, lambda: _answer_outcome("Kunde sagt zu"))
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.done_button.click()
    entry = services.timeline.entries(seeded["risk"])[0]
    assert (entry.subject, entry.text, entry.author) == (
        "Wiedervorlage erledigt: Angebot nachfassen", "Kunde sagt zu", "Geselle Tim")
    assert _due(page, 2) == ["Ganztags", "Rückruf 9 Uhr"]


def test_hiding_a_suggestion_takes_it_off_the_list(
    context: AppContext, seeded: dict[str, int], qtbot: QtBot
) -> None:
    page = _page(context, qtbot)
    page.calls_view.selectRow(2)
    page.hide_days.setValue(5)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.hide_button.click()
    assert _column(page, "calls_model", 1) == ["Adler", "Dachs", "Cäsar"]
    assert page.status.text() == "Bär für 5 Tage ausgeblendet."


def test_queueing_a_letter_from_the_call_list_puts_the_customer_on_the_letter_list(
    context: AppContext, services: Services, seeded: dict[str, int], qtbot: QtBot
) -> None:
    page = _page(context, qtbot)
    page.calls_view.selectRow(3)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.letter_button.click()
    assert [(cid, key) for _id, cid, key in services.today.letter_queue()] == [
        (seeded["birthday"], "geburtstag_gutschein")]


def test_the_customer_tab_lists_follow_ups_and_maintenance_objects(
    context: AppContext, seeded: dict[str, int], qtbot: QtBot, qtmodeltester: object
) -> None:
    tab = CustomerFollowUpsTab(context, seeded["heating"])
    qtbot.addWidget(tab)
    subjects = [tab.followups.index(r, 1).data() for r in range(tab.followups.rowCount())]
    assert subjects == ["Rückruf 9 Uhr", "Wartung: Gasheizung"]
    assert tab.objects.index(0, 0).data() == "Gasheizung"
    assert tab.objects.index(0, 6).data() == "01.04.2026"
    qtmodeltester.check(tab.followups)  # type: ignore[attr-defined]
    qtmodeltester.check(tab.objects)  # type: ignore[attr-defined]
