from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pdfplumber
import pytest
from PySide6.QtCore import Qt

from app.services.clock import LOCAL_ZONE, FixedClock
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.loyalty.programs import ProgramInput
from app.services.loyalty.vouchers import VoucherInput
from app.ui.context import AppContext, ChangeBus
from app.ui.loyalty.customer_tab import LoyaltyTab
from app.ui.loyalty.programs_dialog import ProgramsDialog
from app.ui.loyalty.vouchers_page import VouchersPage
from app.ui.main_window import CUSTOMER_TABS, PAGES
from app.ui.palette import Tone
from app.ui.tasks import TaskRunner


@pytest.fixture
def context(services: Services, tmp_path: Path) -> Iterator[AppContext]:
    runner = TaskRunner()
    yield AppContext(services=services, tasks=runner, bus=ChangeBus(),
                     data_dir=tmp_path, log_file=tmp_path / "log.txt")
    runner.wait()


def test_the_page_and_the_customer_tab_are_registered() -> None:
    assert "vouchers" in [p.key for p in PAGES]
    assert [t.title() for t in CUSTOMER_TABS if t.key == "loyalty"] == ["Bonus & Gutscheine"]


def test_a_redemption_is_reported_in_green_and_a_refusal_in_red(
    qtbot, context: AppContext,  # type: ignore[no-untyped-def]
) -> None:
    voucher = context.services.vouchers.issue(VoucherInput(value_cents=5000))
    page = VouchersPage(context)
    qtbot.addWidget(page)
    qtbot.keyClicks(page.scan, voucher.code.lower())
    qtbot.keyClick(page.scan, Qt.Key.Key_Return)
    qtbot.keyClicks(page.amount, "20")
    qtbot.mouseClick(page.redeem_button, Qt.MouseButton.LeftButton)
    assert page.message.text() == "20,00 € eingelöst."
    assert page.message.tone() is Tone.SUCCESS
    page.amount.setText("200")
    qtbot.mouseClick(page.redeem_button, Qt.MouseButton.LeftButton)
    assert page.message.tone() is Tone.ERROR


def test_a_scanned_code_shows_the_voucher_and_a_double_redeem_books_once(
    qtbot, context: AppContext, tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    voucher = context.services.vouchers.issue(VoucherInput(value_cents=5000))
    page = VouchersPage(context)
    qtbot.addWidget(page)
    qtbot.keyClicks(page.scan, voucher.code.lower())
    qtbot.keyClick(page.scan, Qt.Key.Key_Return)
    assert voucher.display_code in page.summary.text()
    assert "50,00 €" in page.summary.text()
    qtbot.keyClicks(page.amount, "20")
    qtbot.mouseClick(page.redeem_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.redeem_button, Qt.MouseButton.LeftButton)
    assert "bereits gebucht" in page.message.text()
    assert context.services.vouchers.get(voucher.code).remaining_cents == 3000
    assert "30,00 €" in page.summary.text()
    assert page.history_model.rowCount() == 2
    qtbot.keyClicks(page.amount, "0")  # 200 → refused, nothing booked
    qtbot.keyClick(page.amount, Qt.Key.Key_Return)
    assert "nur noch 30,00 €" in page.message.text()
    pdf = page.save_pdf(tmp_path / "g.pdf")
    with pdfplumber.open(pdf) as document:
        assert voucher.display_code in document.pages[0].extract_text()
    page.resize(1000, 700)
    page.grab().save(str(tmp_path / "vouchers_page.png"))


def test_a_mistyped_code_is_explained_without_a_dialog(
    qtbot, context: AppContext,  # type: ignore[no-untyped-def]
) -> None:
    page = VouchersPage(context)
    qtbot.addWidget(page)
    qtbot.keyClicks(page.scan, "ABCD-EFGH-JKMN")
    qtbot.keyClick(page.scan, Qt.Key.Key_Return)
    assert "kein gültiger Gutscheincode" in page.message.text()
    assert page.current is None and not page.redeem_button.isEnabled()


def test_the_list_filters_by_status_and_campaign_and_shows_the_liability(
    qtbot, context: AppContext, clock: FixedClock, tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    vouchers = context.services.vouchers
    vouchers.issue_batch(VoucherInput(value_cents=500, promo=True, campaign="Herbst",
                                      valid_until=date(2026, 4, 30)), count=3)
    spent = vouchers.issue(VoucherInput(value_cents=1000))
    vouchers.redeem(spent.code, amount_cents=1000)
    vouchers.issue(VoucherInput(value_cents=2500))
    clock.set(datetime(2026, 5, 2, 9, 0, tzinfo=LOCAL_ZONE))
    page = VouchersPage(context)
    qtbot.addWidget(page)
    assert page.list_model.rowCount() == 5
    page.status_filter.setCurrentIndex(page.status_filter.findData("expired"))
    assert page.list_model.rowCount() == 3
    page.status_filter.setCurrentIndex(page.status_filter.findData("spent"))
    assert page.list_model.rowCount() == 1
    page.status_filter.setCurrentIndex(0)
    page.campaign_filter.setCurrentIndex(page.campaign_filter.findData("Herbst"))
    assert page.list_model.rowCount() == 3
    assert "gültig 25,00 € (1), abgelaufen 15,00 € (3)" in page.liability.text()
    page.export_liability(tmp_path / "v.csv")
    assert "15,00" in (tmp_path / "v.csv").read_text(encoding="utf-8-sig")


def test_the_bonus_tab_enrols_credits_corrects_replaces_and_prints(
    qtbot, context: AppContext, tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    services = context.services
    customer_id = services.customers.create(CustomerInput(first_name="Jörg",
                                                          last_name="Weiß")).id
    program = services.programs.save_program(ProgramInput(name="Treuepunkte"))
    reward = services.programs.save_reward(program_id=program.id, name="Gutschein",
                                          cost=50, voucher_value_cents=500)
    tab = LoyaltyTab(context, customer_id)
    qtbot.addWidget(tab)
    assert "Noch keine Bonuskarte" in tab.balance.text()
    with qtbot.waitSignal(context.bus.changed):
        tab.enrol(program.id)
    with qtbot.waitSignal(context.bus.changed):
        tab.credit(80, "Willkommen")
    assert "80 Punkte" in tab.balance.text()
    with qtbot.waitSignal(context.bus.changed):
        tab.redeem_reward(reward.id)
    assert "30 Punkte" in tab.balance.text() and tab.voucher_model.rowCount() == 1
    tab.redeem_reward(reward.id)
    assert "Nicht genug Punkte" in tab.message.text()
    first_entry = tab.ledger_model.payload(tab.ledger_model.rowCount() - 1)
    tab.correct(reason="Irrtum", entry_id=first_entry)
    assert "Nicht genug Punkte" in tab.message.text()  # reversing the +80 would go below 0
    with qtbot.waitSignal(context.bus.changed):
        tab.correct(reason="Kulanz", points=20)
    assert "50 Punkte" in tab.balance.text()
    old = tab.card
    with qtbot.waitSignal(context.bus.changed):
        tab.replace_card("verloren")
    assert tab.card is not None and tab.card.number != (old.number if old else "")
    assert "50 Punkte" in tab.balance.text() and tab.card_picker.count() == 2
    pdf = tab.print_cards(tmp_path / "karte.pdf")
    with pdfplumber.open(pdf) as document:
        text = document.pages[0].extract_text()
    assert "Jörg Weiß" in text and tab.card.display_number in text
    tab.resize(1000, 600)
    tab.grab().save(str(tmp_path / "bonus_tab.png"))


def test_the_programs_dialog_saves_a_stamp_card_and_a_reward(
    qtbot, context: AppContext,  # type: ignore[no-untyped-def]
) -> None:
    dialog = ProgramsDialog(context)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "Fensterputz")
    dialog.kind.setCurrentIndex(dialog.kind.findData("stamps"))
    dialog.stamps.setValue(10)
    qtbot.keyClicks(dialog.category, "Fensterreinigung")
    dialog._save_program()
    programs = context.services.programs.programs()
    assert [(p.name, p.kind, p.stamps_required) for p in programs] == [
        ("Fensterputz", "stamps", 10)]
    qtbot.keyClicks(dialog.reward_name, "Gratis-Reinigung")
    dialog.reward_cost.setValue(10)
    dialog._add_reward()
    assert dialog.reward_model.rowCount() == 1
    dialog.rates["A"].setValue(5)
    dialog._save_rates()
    assert context.services.discounts.class_rates()["A"] == 500


def test_the_issue_dialog_turns_its_fields_into_a_promo_voucher_input(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QDate

    from app.ui.loyalty.vouchers_page import VoucherIssueDialog
    dialog = VoucherIssueDialog(date(2026, 3, 15))
    qtbot.addWidget(dialog)
    assert dialog.valid_until.date() == QDate(2029, 12, 31)
    dialog.value.setText("12,50")
    dialog.promo.setChecked(True)
    dialog.valid_until.setDate(QDate(2026, 6, 30))
    qtbot.keyClicks(dialog.campaign, "Sommer")
    dialog.single.setChecked(True)
    dialog.vat.setCurrentText("7")
    data = dialog.data(customer_id=3)
    assert (data.value_cents, data.promo, data.valid_until, data.campaign) == (
        1250, True, date(2026, 6, 30), "Sommer")
    assert (data.purpose, data.vat_rate_bp, data.customer_id) == ("single", 700, 3)
