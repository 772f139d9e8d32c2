from __future__ import annotations

from datetime import date, datetime

import pytest

from app.services.clock import LOCAL_ZONE, FixedClock
from app.services.container import Services
from app.services.errors import ConflictError, ValidationError
from app.services.loyalty import card_numbers
from app.services.loyalty.programs import ProgramInput, points_for_sale
from tests.services.loyalty.loyalty_helpers import STAMPS, card, customer, sale


def test_enrolling_issues_a_card_with_a_valid_in_store_ean13_number(
    services: Services,
) -> None:
    issued = card(services)
    assert issued.number.startswith("20") and card_numbers.is_valid(issued.number)
    assert (issued.balance, issued.status, issued.program_name) == (0, "active", "Punkte")
    assert "Bonuskarte" in services.timeline.entries(issued.customer_id or 0)[0].subject


def test_a_mistyped_card_number_is_rejected_by_its_check_digit(services: Services) -> None:
    number = card(services).number
    typo = number[:5] + str((int(number[5]) + 1) % 10) + number[6:]
    with pytest.raises(ValidationError, match="Prüfziffer"):
        services.loyalty.balance(typo)


def test_a_customer_gets_one_card_per_program_but_can_join_several_programs(
    services: Services,
) -> None:
    first = card(services)
    with pytest.raises(ConflictError, match="schon die Karte"):
        card(services, customer_id=first.customer_id)
    stamps = card(services, STAMPS, customer_id=first.customer_id)
    assert {c.program_name for c in services.loyalty.cards_of(first.customer_id or 0)} == {
        "Punkte", "Fensterputz-Karte"}
    assert stamps.unit == "Stempel"


@pytest.mark.parametrize(("rounding", "amount", "points"), [
    ("down", 1999, 19), ("half_up", 1950, 20), ("half_up", 1949, 19), ("down", 999, 0),
])
def test_points_per_sale_follow_the_rounding_rule_and_the_minimum_purchase(
    rounding: str, amount: int, points: int,
) -> None:
    program = ProgramInput(name="x", rounding=rounding, min_purchase_cents=1000)
    assert points_for_sale(program, amount, "") == points


def test_a_stamp_is_earned_only_for_the_matching_service_category() -> None:
    assert points_for_sale(STAMPS, 8900, "FENSTERREINIGUNG Erdgeschoss") == 1
    assert points_for_sale(STAMPS, 8900, "Dachrinne") == 0


def test_sales_are_credited_exactly_once_however_often_the_run_repeats(
    services: Services,
) -> None:
    issued = card(services)
    cid = issued.customer_id or 0
    sale(services, cid, 2550, document_no="R-1")
    sale(services, cid, 500)  # below the minimum purchase
    sale(services, cid, 10000, on=date(2026, 3, 1))  # before the enrolment: not credited
    first = services.loyalty.credit_sales()
    assert (first.entries, first.points) == (1, 25)
    assert services.loyalty.credit_sales().entries == 0
    sale(services, cid, 4000, document_no="R-2")
    assert services.loyalty.credit_sales().points == 40
    assert services.loyalty.credit_sales().entries == 0
    assert services.loyalty.balance(issued.number) == 65
    assert any("(R-1)" in e.reason for e in services.loyalty.entries(issued.number))


def test_the_database_refuses_a_second_earn_entry_for_the_same_sale(
    services: Services,
) -> None:
    from sqlalchemy.exc import IntegrityError

    from app.models import PointsEntry
    issued = card(services)
    sale_id = sale(services, issued.customer_id or 0, 2000)
    services.loyalty.credit_sales()
    with services.db.write() as session, pytest.raises(IntegrityError):
        session.add(PointsEntry(account_id=issued.account_id, kind="earn", points=20,
                                entry_date=date(2026, 3, 15), sale_id=sale_id,
                                created_at=services.clock.now()))
        session.flush()


def test_redeeming_more_than_the_balance_is_refused_and_books_nothing(
    services: Services,
) -> None:
    number = card(services).number
    services.loyalty.credit(number, points=30, reason="Willkommen")
    with pytest.raises(ConflictError, match="Nicht genug Punkte.*Stand 30, benötigt 31"):
        services.loyalty.redeem(number, points=31)
    assert len(services.loyalty.entries(number)) == 1
    assert services.loyalty.redeem(number, points=30).balance == 0


def test_a_reward_of_the_catalogue_costs_points_and_issues_its_voucher(
    services: Services,
) -> None:
    issued = card(services)
    reward = services.programs.save_reward(program_id=issued.program_id, name="25-€-Gutschein",
                                          cost=500, voucher_value_cents=2500)
    services.loyalty.credit(issued.number, points=520)
    result = services.loyalty.redeem_reward(issued.number, reward_id=reward.id, by="Test")
    assert result.card.balance == 20
    assert result.voucher is not None and result.voucher.remaining_cents == 2500
    assert result.voucher.customer_id == issued.customer_id
    with pytest.raises(ConflictError, match="Nicht genug"):
        services.loyalty.redeem_reward(issued.number, reward_id=reward.id)


def test_a_correction_reverses_an_entry_once_and_never_edits_it(services: Services) -> None:
    number = card(services).number
    services.loyalty.credit(number, points=40, reason="Doppelt erfasst")
    entry_id = services.loyalty.entries(number)[0].id
    assert services.loyalty.correct(number, entry_id=entry_id, reason="Irrtum").balance == 0
    with pytest.raises(ConflictError, match="bereits storniert"):
        services.loyalty.correct(number, entry_id=entry_id, reason="nochmal")
    ledger = services.loyalty.entries(number)
    assert [(e.kind, e.points) for e in ledger] == [("correction", -40), ("earn", 40)]
    assert ledger[1].reversed


def test_a_replacement_card_keeps_the_balance_and_blocks_the_old_number(
    services: Services,
) -> None:
    old = card(services)
    services.loyalty.credit(old.number, points=120)
    new = services.loyalty.replace_card(old.number, reason="verloren")
    assert new.balance == 120 and new.number != old.number
    with pytest.raises(ConflictError, match="gesperrt; Ersatzkarte"):
        services.loyalty.credit(old.number, points=1)
    assert services.loyalty.card(old.number).status == "blocked"
    assert len(services.loyalty.entries(new.number)) == 1


def test_points_expire_at_the_end_of_the_nth_year_and_the_run_is_idempotent(
    services: Services, clock: FixedClock,
) -> None:
    issued = card(services)  # points expire at the end of the 2nd year after earning
    services.loyalty.credit(issued.number, points=100)  # earned 2026 → expire after 2028
    clock.set(datetime(2027, 6, 1, 9, 0, tzinfo=LOCAL_ZONE))
    services.loyalty.credit(issued.number, points=50)
    services.loyalty.redeem(issued.number, points=30)
    assert services.loyalty.expire(as_of=date(2028, 12, 31)).entries == 0
    report = services.loyalty.expire(as_of=date(2029, 1, 1))
    assert (report.entries, report.points) == (1, 70)  # 100 − 30 spent first-in first-out
    assert services.loyalty.expire(as_of=date(2029, 1, 1)).entries == 0
    assert services.loyalty.expire(as_of=date(2029, 6, 1)).entries == 0
    assert services.loyalty.balance(issued.number) == 50
    assert services.loyalty.expire(as_of=date(2030, 1, 1)).points == 50
    assert services.loyalty.balance(issued.number) == 0


def test_a_program_without_expiry_never_expires_points(services: Services) -> None:
    number = card(services, STAMPS).number
    services.loyalty.credit(number, points=3)
    assert services.loyalty.expire(as_of=date(2099, 1, 1)).entries == 0


def test_the_loyalty_discount_comes_from_the_customer_or_else_the_class(
    services: Services,
) -> None:
    from sqlalchemy import update

    from app.models import Customer
    cid = customer(services)
    assert services.discounts.discount_for(cid).source == "none"
    services.discounts.set_class_rates({"A": 500, "B": 250})
    with services.db.write() as session:
        session.execute(update(Customer).where(Customer.id == cid).values(abc_class="A"))
        session.commit()
    assert services.discounts.discount_for(cid).percent_text == "5 %"
    own = services.discounts.set_customer_discount(cid, rate_bp=750, reason="Großkunde")
    assert (own.rate_bp, own.source, own.percent_text) == (750, "customer", "7,5 %")
    assert services.discounts.set_customer_discount(cid, rate_bp=None).rate_bp == 500


def test_merging_two_card_holders_moves_cards_vouchers_and_discounts_but_no_ledger_row(
    services: Services,
) -> None:
    from app.services.loyalty.vouchers import VoucherInput
    keep, gone = customer(services, "Alt"), customer(services, "Neu")
    kept_card, gone_card = card(services, customer_id=keep), card(services, customer_id=gone)
    services.loyalty.credit(gone_card.number, points=70)
    services.vouchers.issue(VoucherInput(value_cents=1000, customer_id=gone))
    services.discounts.set_customer_discount(keep, rate_bp=300)
    services.discounts.set_customer_discount(gone, rate_bp=500)
    services.customers.merge(keep, gone)
    assert {c.number for c in services.loyalty.cards_of(keep)} == {kept_card.number,
                                                                   gone_card.number}
    assert services.loyalty.balance(gone_card.number) == 70
    assert len(services.vouchers.of_customer(keep)) == 1
    assert services.discounts.discount_for(keep).source == "customer"


def test_sales_of_merged_card_holders_are_still_credited_only_once(services: Services) -> None:
    keep, gone = customer(services, "Alt"), customer(services, "Neu")
    kept_card, gone_card = card(services, customer_id=keep), card(services, customer_id=gone)
    sale(services, gone, 3000)
    assert services.loyalty.credit_sales().points == 30
    services.customers.merge(keep, gone)
    assert services.loyalty.credit_sales().entries == 0
    sale(services, keep, 2000)
    assert services.loyalty.credit_sales().entries == 1
    assert (services.loyalty.balance(kept_card.number)
            + services.loyalty.balance(gone_card.number)) == 50
