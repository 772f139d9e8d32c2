"""In the customer view a typed sale moves the class at once, and "Warum A?" is one click."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot

from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.sales.service import SaleInput
from app.ui.context import AppContext
from app.ui.customers.customer_view import CustomerView
from app.ui.loyalty.customer_tab import LoyaltyTab
from app.ui.sales.sales_tab import SalesTab
from tests.services.loyalty.loyalty_helpers import card


def _shop(services: Services) -> int:
    """Three customers classed A, B, C by a full run; returns the C customer."""
    ids = []
    for number, cents in (("K-1", 800_000), ("K-2", 150_000), ("K-3", 50_000)):
        cid = services.customers.create(CustomerInput(last_name="Kunde", number=number)).id
        services.sales.add(cid, SaleInput(date(2026, 1, 10), cents, "", f"RE-{number}"))
        ids.append(cid)
    services.classification.recompute()
    return ids[2]


def _view(context: AppContext, qtbot: QtBot, customer_id: int) -> CustomerView:
    view = CustomerView(context, customer_id)
    qtbot.addWidget(view)
    view.show()
    return view


def test_warum_in_the_header_opens_the_reason_in_the_umsaetze_tab(
    context: AppContext, services: Services, qtbot: QtBot
) -> None:
    view = _view(context, qtbot, _shop(services))
    assert view.class_label.text() == "Klasse C"
    assert view.why_button.text() == "Warum C?"
    view.why_button.click()
    sales = view.extra_tabs["sales"]
    assert isinstance(sales, SalesTab) and view.tabs.currentWidget() is sales
    assert view.tab_list.currentItem().text() == "Umsätze"
    reason = sales.class_box.reason
    assert reason.isVisible()
    assert "Rang 3 von 3 Kunden" in reason.text()
    assert "Grenzen (Lauf vom 15.03.2026): A ab 8.000,00 €, B ab 1.500,00 €." in reason.text()


def test_a_sale_typed_in_the_view_moves_the_class_and_the_points_at_once(
    context: AppContext, services: Services, qtbot: QtBot
) -> None:
    _shop(services)
    holder = card(services)
    view = _view(context, qtbot, holder.customer_id)
    sales = view.extra_tabs["sales"]
    loyalty = view.extra_tabs["loyalty"]
    assert isinstance(sales, SalesTab) and isinstance(loyalty, LoyaltyTab)
    assert "0 Punkte" in loyalty.balance.text()
    sales.date_edit.setText("15.03.2026")  # the card was issued today
    sales.amount_edit.setText("9.000,00")
    with qtbot.waitSignal(context.bus.changed):
        sales.add_button.click()
    assert view.class_label.text() == "Klasse A"
    assert view.why_button.text() == "Warum A?"
    assert "nach neuem Umsatz eingeordnet mit den Grenzen vom 15.03.2026" in (
        sales.class_box.state.text())
    assert "9000 Punkte" in loyalty.balance.text().replace(".", "")
