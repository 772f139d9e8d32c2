"""The dashboard's row of contract, club and referral figures, refreshed on changes."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot

from app.services.club.service import LevelInput
from app.services.container import Services
from app.services.contracts.service import ContractInput
from app.services.customers.dto import CustomerInput
from app.ui.context import AppContext
from app.ui.contracts.figures_box import BindingFigures
from app.ui.sales.dashboard_page import DashboardPage


def test_the_row_shows_contracts_revenue_members_and_referrals_and_follows_changes(
        qtbot: QtBot, context: AppContext, services: Services) -> None:
    kid = services.customers.create(CustomerInput(first_name="Eva", last_name="Stern")).id
    services.contracts.add(ContractInput(customer_id=kid, start=date(2026, 1, 1),
                                         min_months=12, renewal="tacit", notice_months=1,
                                         price_cents=189_00, visit_rrule="FREQ=YEARLY"))
    box = BindingFigures(context)
    qtbot.addWidget(box)
    qtbot.waitUntil(lambda: box.cards["contracts"].value.text() != "–")
    assert box.cards["contracts"].value.text() == "1"
    assert box.cards["recurring"].value.text() == "189,00 €"
    assert box.cards["club"].value.text() == "0"
    level = services.club.save_level(LevelInput(name="Premium"))
    services.club.join(kid, level_id=level.id)
    qtbot.waitUntil(lambda: box.cards["club"].value.text() == "1", timeout=10_000)


def test_the_dashboard_page_carries_the_binding_row(
        qtbot: QtBot, context: AppContext) -> None:
    page = DashboardPage(context)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.binding.cards["referrals"].value.text() == "0")
