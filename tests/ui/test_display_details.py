"""Small display rules the demo screenshots brought up."""

from __future__ import annotations

from datetime import date

from app.services.loyalty.vouchers import VoucherDTO
from app.ui.loyalty.vouchers_page import _remaining


def _voucher(kind: str, value: int, remaining: int) -> VoucherDTO:
    return VoucherDTO(id=1, code="ABCDABCDABCD", kind=kind, purpose="multi", vat_rate_bp=None,
                      value_cents=value, percent=10 if kind == "percent" else None,
                      service_text="Wartung" if kind == "service" else "", customer_id=None,
                      customer_name="", campaign="", promo=False, issued_on=date(2026, 1, 1),
                      valid_until=date(2029, 12, 31), remaining_cents=remaining, used=False,
                      status="valid")


def test_only_value_vouchers_show_a_remaining_amount() -> None:
    assert _remaining(_voucher("value", 5000, 2000)) == "20,00 €"
    assert _remaining(_voucher("percent", 0, 0)) == "–"
    assert _remaining(_voucher("service", 0, 0)) == "–"
