from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from app.services.company import CompanyProfile
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.loyalty import pdf as loyalty_pdf
from app.services.loyalty.vouchers import VoucherInput
from tests.services.loyalty.loyalty_helpers import card

COMPANY = CompanyProfile(name="Glaserei Müller GmbH", street="Hauptstraße 5", postcode="01067",
                         city="Dresden", phone="0351 123456")


def test_a_voucher_pdf_shows_value_code_validity_and_letterhead(
    services: Services, tmp_path: Path,
) -> None:
    cid = services.customers.create(CustomerInput(first_name="Jürgen", last_name="Größe")).id
    voucher = services.vouchers.issue(VoucherInput(value_cents=2500, customer_id=cid,
                                                   purpose="single", vat_rate_bp=1900))
    path = loyalty_pdf.voucher_pdf([voucher], tmp_path / "g.pdf", company=COMPANY)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        text = page.extract_text()
        assert (round(page.width / 72 * 25.4), round(page.height / 72 * 25.4)) == (148, 105)
        assert len(page.rects) > 50  # the QR code's modules
    for expected in ("25,00 €", voucher.display_code, "Gültig bis 31.12.2029",
                     "Glaserei Müller GmbH", "Hauptstraße 5 · 01067 Dresden · Tel. 0351 123456",
                     "Jürgen Größe",
                     "enthält 19 % USt."):
        assert expected in text


def test_bonus_cards_are_credit_card_sized_ten_to_an_a4_sheet(
    services: Services, tmp_path: Path,
) -> None:
    cards = [card(services, customer_id=services.customers.create(
        CustomerInput(first_name="Zoë", last_name=f"Weiß{i}")).id) for i in range(11)]
    path = loyalty_pdf.cards_pdf(cards, tmp_path / "k.pdf", company=COMPANY)
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 2
        first = pdf.pages[0]
        text = first.extract_text()
        outlines = [c for c in first.curves + first.rects
                    if c["width"] > 200 and c["height"] > 100]
    assert "Zoë Weiß0" in text and cards[0].display_number in text
    assert text.count("Glaserei Müller GmbH") == 10
    assert outlines and all(
        (round(o["width"] / 72 * 25.4, 1), round(o["height"] / 72 * 25.4, 1))
        == pytest.approx((85.6, 54.0), abs=0.1) for o in outlines)
