"""Money, points and data leaving the program each leave exactly one audit entry."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from app.services.audit import ACTIONS, AuditFilter
from app.services.clock import FixedClock
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.letters.recipients import IdSource
from app.services.loyalty.vouchers import VoucherInput
from tests.services.loyalty.loyalty_helpers import card, customer, sale


def entries(services: Services, action: str) -> list[dict[str, object]]:
    return [r.details for r in services.audit.entries(AuditFilter(action=action))]


def test_issuing_redeeming_reversing_and_expiring_a_voucher_is_audited(
    services: Services, clock: FixedClock
) -> None:
    cid = customer(services)
    voucher = services.vouchers.issue(VoucherInput(value_cents=5000, customer_id=cid,
                                                   promo=True, valid_until=date(2026, 3, 31)),
                                      by="kasse")
    redemption = services.vouchers.redeem(voucher.code, amount_cents=2000, key="k1", by="kasse")
    services.vouchers.redeem(voucher.code, amount_cents=2000, key="k1", by="kasse")  # replay
    services.vouchers.reverse(redemption.entry_id, by="chef")
    clock.set(datetime(2026, 4, 2, 2, 30))
    services.vouchers.mark_expired()
    services.vouchers.mark_expired()
    issued = services.audit.entries(AuditFilter(action="voucher_issue"))
    assert [(r.actor, r.customer_id, r.details["value_cents"]) for r in issued] == [
        ("kasse", cid, 5000)]
    assert entries(services, "voucher_redeem") == [
        {"code": voucher.code, "amount_cents": 2000, "entry_id": redemption.entry_id}]
    assert [d["amount_cents"] for d in entries(services, "voucher_reverse")] == [2000]
    assert [d["count"] for d in entries(services, "voucher_expire")] == [1]


def test_a_campaign_batch_is_one_audit_entry_with_its_count(services: Services) -> None:
    services.vouchers.issue_batch(VoucherInput(value_cents=1000, campaign="Frühjahr"),
                                  count=25)
    assert [(d["count"], d["campaign"]) for d in entries(services, "voucher_issue")] == [
        (25, "Frühjahr")]


def test_points_credited_redeemed_corrected_and_expired_are_audited(
    services: Services, clock: FixedClock
) -> None:
    holder = card(services)
    services.loyalty.credit(holder.number, points=50, reason="Stempel", by="theke")
    services.loyalty.redeem(holder.number, points=20, by="theke")
    services.loyalty.correct(holder.number, points=-5, reason="Tippfehler", by="chef")
    sale(services, holder.customer_id, 30_000)
    services.loyalty.credit_sales()
    services.loyalty.credit_sales()  # nothing new: no second entry
    clock.set(datetime(2029, 1, 2, 8, 0))
    services.loyalty.expire()
    services.loyalty.expire()
    credits = services.audit.entries(AuditFilter(action="points_credit"))
    assert [(r.entity, r.details.get("points")) for r in reversed(credits)] == [
        ("bonus_card", 50), ("loyalty", 300)]
    assert [d["points"] for d in entries(services, "points_redeem")] == [-20]
    assert [d["points"] for d in entries(services, "points_correct")] == [-5]
    assert [d["points"] for d in entries(services, "points_expire")] == [325]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".vcf"])
def test_a_customer_export_is_audited_with_file_name_and_count(
    services: Services, tmp_path: Path, suffix: str
) -> None:
    customer(services)
    customer(services, "Schäfer")
    services.customer_export.export(tmp_path / f"kunden{suffix}", by="büro")
    rows = services.audit.entries(AuditFilter(action="customer_export"))
    assert [(r.actor, r.details["file"], r.details["count"]) for r in rows] == [
        ("büro", f"kunden{suffix}", 2)]
    assert "Müller" not in str(rows[0].details)


@pytest.mark.usefixtures("letterhead")
def test_generating_a_mailing_is_audited_and_the_access_export_too(
    services: Services, tmp_path: Path
) -> None:
    cid = services.customers.create(CustomerInput(
        first_name="Anna", last_name="Müller", street="Weg 1", postcode="01067",
        city="Dresden")).id
    template = services.letters.by_name("Terminbestätigung")
    result = services.mailings.run(template.id, IdSource((cid,)), out=tmp_path / "m.pdf",
                                   by="büro")
    mailing = services.audit.entries(AuditFilter(action="mailing"))
    assert [(r.entity_id, r.details["printed"], r.details["file"]) for r in mailing] == [
        (result.mailing.id, 1, "m.pdf")]
    services.privacy.export_access(cid, tmp_path / "auskunft", by="büro")
    assert len(entries(services, "access_export")) == 1
    assert {"mailing", "customer_export", "voucher_issue", "points_expire"} <= set(ACTIONS)
