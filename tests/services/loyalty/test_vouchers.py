from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest

from app.services.clock import LOCAL_ZONE, FixedClock
from app.services.container import Services
from app.services.errors import ConflictError, NotFoundError, ValidationError
from app.services.loyalty.vouchers import VoucherInput, default_valid_until
from tests.services.loyalty.loyalty_helpers import customer

FIFTY = VoucherInput(kind="value", value_cents=5000)


@pytest.mark.parametrize(("issued", "until"), [
    (date(2025, 3, 15), date(2028, 12, 31)),
    (date(2025, 1, 1), date(2028, 12, 31)),
    (date(2024, 12, 31), date(2027, 12, 31)),
    (date(2028, 2, 29), date(2031, 12, 31)),
])
def test_a_voucher_is_valid_until_the_end_of_the_third_year_after_issue(
    issued: date, until: date
) -> None:
    assert default_valid_until(issued) == until


def test_a_new_voucher_gets_the_default_validity_and_a_grouped_code(
    services: Services,
) -> None:
    voucher = services.vouchers.issue(FIFTY, by="Test")
    assert voucher.valid_until == date(2029, 12, 31)
    assert voucher.remaining_cents == 5000 and voucher.status == "valid"
    assert len(voucher.display_code) == 14 and voucher.display_code.count("-") == 2


def test_a_shorter_validity_is_refused_unless_the_voucher_is_a_promotion(
    services: Services,
) -> None:
    short = date(2026, 6, 30)
    with pytest.raises(ValidationError) as err:
        services.vouchers.issue(VoucherInput(value_cents=1000, valid_until=short))
    assert "Aktionsgutschein" in err.value.fields["valid_until"]
    promo = services.vouchers.issue(VoucherInput(value_cents=1000, valid_until=short,
                                                 promo=True, campaign="Frühling"))
    assert promo.valid_until == short


def test_a_single_purpose_voucher_needs_its_vat_rate_at_issue(services: Services) -> None:
    with pytest.raises(ValidationError) as err:
        services.vouchers.issue(VoucherInput(value_cents=1000, purpose="single"))
    assert "USt" in err.value.fields["vat_rate"]
    single = services.vouchers.issue(VoucherInput(value_cents=1000, purpose="single",
                                                  vat_rate_bp=1900))
    multi = services.vouchers.issue(VoucherInput(value_cents=1000, vat_rate_bp=1900))
    assert (single.vat_rate_bp, multi.vat_rate_bp) == (1900, None)


def test_a_value_voucher_is_redeemed_in_parts_until_nothing_is_left(
    services: Services,
) -> None:
    code = services.vouchers.issue(FIFTY).code
    assert services.vouchers.redeem(code, amount_cents=2000).voucher.remaining_cents == 3000
    with pytest.raises(ConflictError, match="nur noch 30,00 €"):
        services.vouchers.redeem(code, amount_cents=3001)
    last = services.vouchers.redeem(code, amount_cents=3000).voucher
    assert (last.remaining_cents, last.status) == (0, "spent")
    with pytest.raises(ConflictError, match="vollständig eingelöst"):
        services.vouchers.redeem(code, amount_cents=1)


def test_a_code_is_found_however_it_was_typed_or_scanned(services: Services) -> None:
    voucher = services.vouchers.issue(FIFTY)
    for typed in (voucher.display_code.lower(), f" {voucher.code}\r\n"):
        assert services.vouchers.get(typed).id == voucher.id


def test_a_mistyped_code_is_refused_as_invalid_and_an_unknown_one_as_not_found(
    services: Services,
) -> None:
    code = services.vouchers.issue(FIFTY).code
    typo = ("3" if code[0] != "3" else "4") + code[1:]
    with pytest.raises(ValidationError, match="kein gültiger Gutscheincode"):
        services.vouchers.redeem(typo, amount_cents=100)
    from app.services.loyalty import codes as voucher_codes
    unknown = voucher_codes.generate()
    with pytest.raises(NotFoundError):
        services.vouchers.get(unknown)


def test_the_same_key_books_a_redemption_only_once(services: Services) -> None:
    code = services.vouchers.issue(FIFTY).code
    first = services.vouchers.redeem(code, amount_cents=1000, key="kasse-1")
    again = services.vouchers.redeem(code, amount_cents=1000, key="kasse-1")
    assert (first.replayed, again.replayed, again.entry_id) == (False, True, first.entry_id)
    assert services.vouchers.get(code).remaining_cents == 4000
    with pytest.raises(ConflictError, match="Buchungsschlüssel"):
        services.vouchers.redeem(code, amount_cents=500, key="kasse-1")


def test_a_cancelled_redemption_is_a_reversal_entry_and_restores_the_value(
    services: Services,
) -> None:
    code = services.vouchers.issue(FIFTY).code
    redemption = services.vouchers.redeem(code, amount_cents=2000)
    after = services.vouchers.reverse(redemption.entry_id, reason="falsch gebucht")
    assert after.remaining_cents == 5000
    assert [e.kind for e in after.entries] == ["issue", "redeem", "reversal"]
    assert after.entries[1].reversed
    with pytest.raises(ConflictError, match="bereits storniert"):
        services.vouchers.reverse(redemption.entry_id)


def test_a_service_voucher_is_used_once_and_can_be_used_again_after_a_reversal(
    services: Services,
) -> None:
    code = services.vouchers.issue(VoucherInput(kind="service", value_cents=8900,
                                                service_text="Fensterreinigung")).code
    first = services.vouchers.redeem(code)
    assert (first.amount_cents, first.voucher.status) == (8900, "spent")
    with pytest.raises(ConflictError, match="bereits eingelöst"):
        services.vouchers.redeem(code)
    services.vouchers.reverse(first.entry_id)
    assert services.vouchers.redeem(code).voucher.used


def test_an_expired_voucher_is_refused_and_keeps_its_remaining_value(
    services: Services, clock: FixedClock,
) -> None:
    code = services.vouchers.issue(FIFTY).code
    services.vouchers.redeem(code, amount_cents=2000)
    clock.set(datetime(2030, 1, 2, 9, 0, tzinfo=LOCAL_ZONE))
    with pytest.raises(ConflictError, match="abgelaufen.*30,00 €"):
        services.vouchers.redeem(code, amount_cents=100)
    voucher = services.vouchers.get(code)
    assert (voucher.status, voucher.remaining_cents) == ("expired", 3000)


def test_marking_expired_vouchers_is_idempotent_and_books_nothing(
    services: Services, clock: FixedClock,
) -> None:
    customer_id = customer(services)
    code = services.vouchers.issue(VoucherInput(value_cents=5000, customer_id=customer_id)).code
    clock.set(datetime(2030, 1, 2, 9, 0, tzinfo=LOCAL_ZONE))
    assert services.vouchers.mark_expired() == 1
    assert "abgelaufen (Restwert 50,00 €)" in services.timeline.entries(customer_id)[0].subject
    assert services.vouchers.mark_expired() == 0
    voucher = services.vouchers.get(code)
    assert [e.kind for e in voucher.entries] == ["issue", "expire"]
    assert voucher.remaining_cents == 5000


def test_the_liability_separates_valid_and_expired_vouchers_to_the_cent(
    services: Services, clock: FixedClock, tmp_path: Path,
) -> None:
    services.vouchers.issue(VoucherInput(value_cents=1000, promo=True, campaign="Aktion",
                                         valid_until=date(2026, 12, 31)))
    kept = services.vouchers.issue(VoucherInput(value_cents=2550))
    services.vouchers.redeem(kept.code, amount_cents=1001)
    spent = services.vouchers.issue(VoucherInput(value_cents=700))
    services.vouchers.redeem(spent.code, amount_cents=700)
    clock.set(datetime(2027, 1, 5, 9, 0, tzinfo=LOCAL_ZONE))
    liability = services.liability.liability()
    assert (liability.valid_cents, liability.valid_count) == (1549, 1)
    assert (liability.expired_cents, liability.expired_count) == (1000, 1)
    path = tmp_path / "verbindlichkeiten.csv"
    services.liability.export_liability_csv(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0][:3] == ["Code", "Art", "Zweck"]
    remaining = {r[0]: r[9] for r in rows[1:] if r and r[0].count("-") == 2}
    assert sorted(remaining.values()) == ["10,00", "15,49"]
    assert ["Summe gültig (1)", "15,49"] == [rows[-3][0], rows[-3][9]]
    assert ["Summe abgelaufen (1)", "10,00"] == [rows[-2][0], rows[-2][9]]


def test_a_campaign_batch_issues_n_promo_vouchers_and_they_can_be_filtered(
    services: Services,
) -> None:
    batch = services.vouchers.issue_batch(
        VoucherInput(value_cents=500, promo=True, campaign="Herbst 2026",
                     valid_until=date(2026, 11, 30)), count=25)
    services.vouchers.issue(FIFTY)
    assert len({v.code for v in batch}) == 25
    assert services.vouchers.campaigns() == ["Herbst 2026"]
    assert len(services.vouchers.listing(campaign="Herbst 2026")) == 25
    services.vouchers.redeem(batch[0].code, amount_cents=500)
    assert len(services.vouchers.listing(status="spent")) == 1
    assert len(services.vouchers.listing(status="valid")) == 25


def test_issuing_and_redeeming_a_customers_voucher_writes_the_timeline(
    services: Services,
) -> None:
    customer_id = customer(services)
    voucher = services.vouchers.issue(VoucherInput(value_cents=2500, customer_id=customer_id))
    services.vouchers.redeem(voucher.code, amount_cents=500)
    subjects = [e.subject for e in services.timeline.entries(customer_id)]
    assert any("ausgegeben" in s and "25,00 €" in s for s in subjects)
    assert any("eingelöst (5,00 €)" in s for s in subjects)
    assert services.vouchers.of_customer(customer_id)[0].customer_name == "Anna Müller"
