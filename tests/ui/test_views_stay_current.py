"""Open views follow what another place wrote (issue #13, 4): nobody states changes by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.loyalty.vouchers import VoucherInput
from app.services.sales.service import SaleInput
from app.ui.context import AppContext, ChangeBus
from app.ui.customers.customer_view import CustomerView
from app.ui.loyalty.customer_tab import LoyaltyTab
from app.ui.tasks import TaskRunner
from tests.services.loyalty.loyalty_helpers import card


def test_a_sale_typed_elsewhere_shows_its_points_in_an_open_bonus_tab(
        context: AppContext, qtbot: QtBot) -> None:
    holder = card(context.services)
    tab = LoyaltyTab(context, holder.customer_id)
    qtbot.addWidget(tab)
    assert "0 Punkte" in tab.balance.text()

    with qtbot.waitSignal(context.bus.changed):
        context.services.sales.add(holder.customer_id, SaleInput(
            sale_date=date(2026, 3, 15), amount_cents=10_000, description="Wartung",
            document_no="RE-100"), by="Theke")

    assert "100 Punkte" in tab.balance.text()


def test_a_voucher_redeemed_at_the_counter_shows_in_an_open_kontakthistorie(
        context: AppContext, qtbot: QtBot) -> None:
    holder = card(context.services)
    voucher = context.services.vouchers.issue(VoucherInput(
        value_cents=2_000, customer_id=holder.customer_id), by="Theke")
    view = CustomerView(context, holder.customer_id)
    qtbot.addWidget(view)
    assert view.timeline is not None
    before = view.timeline.model.rowCount()

    with qtbot.waitSignal(context.bus.changed):
        context.services.vouchers.redeem(voucher.code, amount_cents=500, by="Theke")

    assert view.timeline.model.rowCount() == before + 1


def test_a_commit_after_the_bus_is_gone_reaches_no_deleted_object(
        services: Services, tmp_path: Path, qtbot: QtBot) -> None:
    bus = ChangeBus()
    AppContext(services=services, tasks=TaskRunner(), bus=bus, data_dir=tmp_path,
               log_file=tmp_path / "log.txt")
    with qtbot.waitSignal(bus.destroyed):
        bus.deleteLater()

    services.customers.create(CustomerInput(last_name="Später"), by="Test")

    assert services.customers.count() == 1
