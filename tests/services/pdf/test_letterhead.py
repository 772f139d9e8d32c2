"""One letterhead on letters, vouchers and bonus cards, with a PNG or an SVG logo."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from app.services.company import CompanyProfile
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.errors import ValidationError
from app.services.letters.pdf import LetterContent, letters_pdf
from app.services.loyalty import pdf as loyalty_pdf
from app.services.loyalty.vouchers import VoucherInput
from tests.services.loyalty.loyalty_helpers import card

MM = 72 / 25.4


def svg_logo(tmp_path: Path) -> Path:
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
                    '<rect x="0" y="0" width="200" height="100" fill="#c00"/></svg>',
                    encoding="utf-8")
    return logo


def png_logo(tmp_path: Path) -> Path:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), (0, 80, 160)).save(logo)
    return logo


def profile(logo: Path) -> CompanyProfile:
    return CompanyProfile(name="Glaserei Müller GmbH", street="Hauptstraße 5",
                          postcode="01067", city="Dresden", phone="0351 123456",
                          logo_path=str(logo))


def logo_marks(page: pdfplumber.page.Page, kind: str) -> list[dict[str, float]]:
    """The drawn logo: an SVG becomes vector rectangles, a PNG an image."""
    return page.images if kind == "png" else [r for r in page.rects if r["height"] > 5 * MM]


def voucher_and_card_pdfs(services: Services, company: CompanyProfile, tmp_path: Path
                          ) -> tuple[Path, Path]:
    cid = services.customers.create(CustomerInput(first_name="Jürgen", last_name="Größe")).id
    voucher = services.vouchers.issue(VoucherInput(value_cents=2500, customer_id=cid))
    return (loyalty_pdf.voucher_pdf([voucher], tmp_path / "g.pdf", company=company),
            loyalty_pdf.cards_pdf([card(services, customer_id=cid)], tmp_path / "k.pdf",
                                  company=company))


@pytest.mark.parametrize("kind", ["svg", "png"])
def test_a_logo_prints_on_vouchers_and_bonus_cards_beside_the_company_name(
    services: Services, tmp_path: Path, kind: str,
) -> None:
    logo = svg_logo(tmp_path) if kind == "svg" else png_logo(tmp_path)
    voucher_path, card_path = voucher_and_card_pdfs(services, profile(logo), tmp_path)
    for path, logo_height in ((voucher_path, 10), (card_path, 8)):
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[0]
            marks = [m for m in logo_marks(page, kind) if m["top"] < 40 * MM]
            name = page.search("Glaserei Müller GmbH")
        assert marks, f"no logo in {path.name}"
        assert max(m["bottom"] - m["top"] for m in marks) == pytest.approx(
            logo_height * MM, abs=0.5)
        assert name and name[0]["x0"] >= max(m["x1"] for m in marks)


@pytest.mark.parametrize("kind", ["svg", "png"])
def test_a_logo_prints_at_the_right_margin_of_a_letter(tmp_path: Path, kind: str) -> None:
    logo = svg_logo(tmp_path) if kind == "svg" else png_logo(tmp_path)
    letter = LetterContent(recipient=("Frau", "Erika Muster", "Weg 1", "01067 Dresden"),
                           subject="Betreff", body="Text")
    with pdfplumber.open(io.BytesIO(letters_pdf([letter], profile(logo)))) as pdf:
        page = pdf.pages[0]
        marks = [m for m in logo_marks(page, kind) if m["top"] < 45 * MM]
        text = page.crop((0, 0, page.width, 45 * MM)).extract_text()
    assert marks and max(m["x1"] for m in marks) == pytest.approx(190 * MM, abs=0.6)
    assert "Glaserei Müller GmbH" in text
    assert "Hauptstraße 5 · 01067 Dresden · Tel. 0351 123456" in text


def test_an_unreadable_logo_is_an_error_naming_the_file(
    services: Services, tmp_path: Path,
) -> None:
    broken = tmp_path / "logo.png"
    broken.write_bytes(b"not an image")
    with pytest.raises(ValidationError, match="Logo.*logo.png"):
        voucher_and_card_pdfs(services, profile(broken), tmp_path)


def test_a_letter_footer_names_the_firm_with_legal_form_seat_register_and_directors() -> None:
    """§ 35a GmbHG: a GmbH's business letters name all of it, as its e-mails do."""
    company = CompanyProfile(name="Müller Haustechnik", legal_form="gmbh", street="Ring 1",
                             postcode="50667", city="Köln", seat="Köln",
                             register_court="Amtsgericht Köln", register_number="HRB 4711",
                             managing_director="Eva Bauer")
    letter = LetterContent(recipient=("Frau", "Erika Muster", "Weg 1", "01067 Dresden"),
                           subject="Angebot", body="Sehr geehrte Frau Muster,")
    with pdfplumber.open(io.BytesIO(letters_pdf([letter], company))) as pdf:
        text = pdf.pages[0].extract_text()
    for detail in ("Müller Haustechnik GmbH", "Geschäftsführer: Eva Bauer", "Sitz: Köln",
                   "Amtsgericht Köln HRB 4711"):
        assert detail in text
