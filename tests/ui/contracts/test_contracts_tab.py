"""The tab "Verträge & Club": a contract from a maintenance object, its notice with the last
day, a club membership with its card, a referral rewarded on the first sale."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pdfplumber
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from app.services.club.service import LevelInput
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.followups.service import MaintenanceInput
from app.services.referrals.service import code_for
from app.services.sales.service import SaleInput
from app.ui.context import AppContext
from app.ui.contracts.customer_tab import ContractsTab
from app.ui.contracts.dialogs import ContractDialog
from app.ui.followups.customer_tab import CustomerFollowUpsTab
from app.ui.main_window import CUSTOMER_TABS


def customer(services: Services, last_name: str = "Krüger") -> int:
    return services.customers.create(CustomerInput(first_name="Anna", last_name=last_name)).id


def test_the_tab_is_registered_in_the_customer_view() -> None:
    assert [t.title() for t in CUSTOMER_TABS if t.key == "contracts"] == ["Verträge & Club"]


def test_a_contract_is_made_from_a_maintenance_object_ended_and_its_last_day_shown(
        qtbot: QtBot, context: AppContext, services: Services) -> None:
    kid = customer(services)
    thing = services.followups.add_maintenance(kid, MaintenanceInput(
        name="Gastherme", rrule="FREQ=YEARLY", first_due=date(2026, 9, 1)))
    tab = ContractsTab(context, kid)
    qtbot.addWidget(tab)
    dialog = tab.new_contract(object_id=thing.id)
    dialog.start.setDate(QDate(2024, 1, 1))
    dialog.concluded.setDate(QDate(2024, 1, 1))
    dialog.price.setText("189,00")
    assert "§ 309 Nr. 9 BGB" in dialog.rule.text()
    dialog.notice_months.setValue(3)
    assert "höchstens 1 Monat" in dialog.rule.text()
    dialog.notice_months.setValue(1)
    dialog.accept()
    assert dialog.saved is not None and dialog.saved.object_names == ("Gastherme",)
    qtbot.waitUntil(lambda: tab.contracts.rowCount() == 1)
    tab.contracts_view.selectRow(0)
    ending = tab.end_contract()
    assert ending is not None
    ending.received.setDate(QDate(2026, 6, 10))
    assert "Letzter Tag: 10.07.2026" in ending.outcome.text()
    ending.accept()
    assert ending.saved is not None and ending.saved.last_day == date(2026, 7, 10)
    index = tab.contracts.index(0, 7)
    qtbot.waitUntil(
        lambda: tab.contracts.data(index, Qt.ItemDataRole.DisplayRole) == "10.07.2026")
    tab.contracts_view.selectRow(0)
    assert "10.07.2026" in tab.detail.text()


def test_a_club_membership_is_joined_and_its_card_printed(
        qtbot: QtBot, context: AppContext, services: Services, tmp_path: Path) -> None:
    services.club.save_level(LevelInput(name="Service-Club", discount_bp=500))
    kid = customer(services)
    tab = ContractsTab(context, kid)
    qtbot.addWidget(tab)
    assert tab.club_state.text() == "Kein Clubmitglied."
    qtbot.mouseClick(tab.join_button, Qt.MouseButton.LeftButton)
    member = services.club.membership(kid)
    assert member is not None
    qtbot.waitUntil(lambda: member.display_card in tab.club_state.text())
    written = tab.print_card(tmp_path / "karte.pdf")
    assert written is not None
    with pdfplumber.open(written) as pdf:
        assert "Kundenclub · Service-Club" in pdf.pages[0].extract_text()
    assert services.discounts.discount_for(kid).source == "club"


def test_a_referral_typed_as_code_is_rewarded_on_the_first_sale(
        qtbot: QtBot, context: AppContext, services: Services) -> None:
    referrer, new = customer(services, "Werber"), customer(services, "Neu")
    tab = ContractsTab(context, new)
    qtbot.addWidget(tab)
    tab.referrer.setText(code_for(referrer))
    tab.add_referrer()
    qtbot.waitUntil(lambda: "Geworben von Anna Werber" in tab.referral_state.text())
    assert "Prämie beim ersten Kauf" in tab.referral_state.text()
    services.sales.add(new, SaleInput(sale_date=date(2026, 3, 1), amount_cents=250_00))
    qtbot.waitUntil(
        lambda: "Prämie: Gutschein 20,00 € am 15.03.2026" in tab.referral_state.text())


def test_the_referral_card_of_a_customer_is_printed_from_the_tab(
        qtbot: QtBot, context: AppContext, services: Services, tmp_path: Path) -> None:
    kid = customer(services, "Werber")
    tab = ContractsTab(context, kid)
    qtbot.addWidget(tab)
    written = tab.print_referral_card(tmp_path / "empfehlung.pdf")
    assert written is not None
    with pdfplumber.open(written) as pdf:
        assert code_for(kid) in pdf.pages[0].extract_text()
    assert tab.status.text().startswith("Empfehlungskarte gespeichert")


def test_the_maintenance_objects_offer_a_contract_on_the_selected_object(
        qtbot: QtBot, context: AppContext, services: Services) -> None:
    kid = customer(services)
    services.followups.add_maintenance(kid, MaintenanceInput(
        name="Gastherme", rrule="FREQ=YEARLY", first_due=date(2026, 9, 1)))
    tab = CustomerFollowUpsTab(context, kid)
    qtbot.addWidget(tab)
    tab.objects_view.selectRow(0)
    dialog = tab.new_contract()
    assert isinstance(dialog, ContractDialog)
    dialog.price.setText("150,00")
    dialog.accept()
    assert dialog.saved is not None and dialog.saved.object_names == ("Gastherme",)
    expected = [f"Wartung lt. Vertrag {dialog.saved.number}: Gastherme"]
    qtbot.waitUntil(lambda: [tab.followups.index(r, 1).data()
                             for r in range(tab.followups.rowCount())] == expected)


def test_a_price_adjustment_is_typed_in_the_tab(
        qtbot: QtBot, context: AppContext, services: Services) -> None:
    kid = customer(services)
    tab = ContractsTab(context, kid)
    qtbot.addWidget(tab)
    dialog = tab.new_contract()
    dialog.price.setText("150,00")
    dialog.interval.setCurrentIndex(dialog.interval.findData("FREQ=YEARLY"))
    dialog.accept()
    qtbot.waitUntil(lambda: tab.contracts.rowCount() == 1)
    tab.contracts_view.selectRow(0)
    price = tab.adjust_price()
    assert price is not None
    price.price.setText("165,00")
    price.from_day.setDate(QDate(2027, 1, 1))
    price.accept()
    assert price.saved is not None
    assert (price.saved.previous_price_cents, price.saved.price_cents) == (150_00, 165_00)
    qtbot.waitUntil(lambda: tab.contracts.index(0, 3).data() == "165,00 € pro Jahr")


def test_club_levels_are_defined_in_their_dialog_and_offered_for_joining(
        qtbot: QtBot, context: AppContext, services: Services) -> None:
    kid = customer(services)
    tab = ContractsTab(context, kid)
    qtbot.addWidget(tab)
    assert "Noch keine Clubstufe" in tab.club_state.text()
    dialog = tab.edit_levels()
    dialog.name.setText("Premium")
    dialog.fee.setText("49,00")
    dialog.discount.setValue(7.5)
    dialog.priority.setChecked(True)
    saved = dialog.save()
    assert saved is not None
    assert (saved.fee_cents, saved.discount_bp, saved.priority) == (49_00, 750, True)
    assert dialog.levels.count() == 1
    qtbot.waitUntil(lambda: tab.level.count() == 1)
    assert "7,5 % Rabatt" in tab.level.itemText(0)
    assert tab.club_state.text() == "Kein Clubmitglied."
