from __future__ import annotations

import io

import pdfplumber
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services.company import CompanyProfile
from app.services.letters.layout import (
    FORM_A,
    FORM_B,
    PostalAddress,
    postal_problem,
    recipient_block,
    salutation_line,
)
from app.services.letters.pdf import LetterContent, letters_pdf

MM = 72 / 25.4
PROFILE = CompanyProfile(name="Heizung Bauer GmbH", street="Ringstraße 4", postcode="80331",
                         city="München", phone="089 1234567", iban="DE89 3704 0044 0532 0130 00",
                         vat_id="DE136695976")
ANNA = PostalAddress(salutation="Frau", title="Dr.", first_name="Anna", last_name="Müller",
                     street="Hauptstraße 5", postcode="01067", city="Dresden")
FIRM = PostalAddress(kind="business", company="Schäfer Bau AG", contact_salutation="Herr",
                     contact_first_name="Jan", contact_last_name="Schmidt",
                     street="Am Markt 1", postcode="1010", city="Wien", country="AT")


def pdf_of(*letters: LetterContent, form=FORM_B) -> pdfplumber.PDF:
    return pdfplumber.open(io.BytesIO(letters_pdf(letters, PROFILE, form=form)))


def letter(recipient: tuple[str, ...] = (), body: str = "Text", subject: str = "Betreff"
           ) -> LetterContent:
    return LetterContent(recipient or recipient_block(ANNA), subject, body,
                         (("Datum", "15.03.2026"),))


def test_a_private_recipient_block_has_salutation_name_street_and_place() -> None:
    assert recipient_block(ANNA) == ("Frau", "Dr. Anna Müller", "Hauptstraße 5", "01067 Dresden")


def test_a_business_recipient_names_the_firm_then_the_primary_contact_and_a_foreign_country(
) -> None:
    assert recipient_block(FIRM) == ("Schäfer Bau AG", "z. Hd. Herrn Jan Schmidt", "Am Markt 1",
                                     "1010 Wien", "ÖSTERREICH")


def test_a_business_without_contact_and_a_swiss_address_gets_the_german_country_name() -> None:
    block = recipient_block(PostalAddress(kind="business", company="Huber AG", street="Weg 2",
                                          postcode="8000", city="Zürich", country="CH"))
    assert block == ("Huber AG", "Weg 2", "8000 Zürich", "SCHWEIZ")


def test_a_recipient_block_never_exceeds_six_lines() -> None:
    crowded = PostalAddress(salutation="Herr", first_name="Jan", last_name="Ek", company="Ek KG",
                            street="Weg 1", postcode="1010", city="Wien", country="AT")
    assert recipient_block(crowded) == ("Herrn", "Jan Ek", "Ek KG", "Weg 1", "1010 Wien",
                                        "ÖSTERREICH")


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        (ANNA, "Sehr geehrte Frau Dr. Müller,"),
        (PostalAddress(salutation="Herr", last_name="Schmidt"), "Sehr geehrter Herr Schmidt,"),
        (FIRM, "Sehr geehrter Herr Schmidt,"),
        (PostalAddress(kind="business", company="Huber AG"), "Sehr geehrte Damen und Herren,"),
        (PostalAddress(first_name="Kim", last_name="Lee"), "Guten Tag Kim Lee,"),
    ],
)
def test_the_salutation_line_is_derived_from_the_data(address: PostalAddress, expected: str
                                                      ) -> None:
    assert salutation_line(address) == expected


def test_an_address_without_street_is_not_usable_and_says_why() -> None:
    problem = postal_problem(PostalAddress(last_name="Ohne", postcode="01067", city="Dresden"))
    assert problem is not None and "Straße" in problem
    assert postal_problem(ANNA) is None


@pytest.mark.parametrize("form", [FORM_B, FORM_A], ids=["B", "A"])
def test_the_recipient_lines_lie_inside_the_window_area(form) -> None:
    with pdf_of(letter(recipient_block(FIRM)), form=form) as pdf:
        page = pdf.pages[0]
        words = " ".join(w["text"] for w in page.extract_words())
        assert "ÖSTERREICH" in words
        lines = [w for w in page.extract_words()
                 if w["text"] in ("Schäfer", "z.", "Markt", "Wien", "ÖSTERREICH")]
        assert len(lines) == 5
        for word in lines:
            assert 20 * MM <= word["x0"] and word["x1"] <= 105 * MM
            assert form.address_zone_top * MM <= word["top"]
            assert word["bottom"] <= form.address_bottom * MM


def test_the_return_address_sits_in_the_top_zone_of_the_address_field() -> None:
    with pdf_of(letter()) as pdf:
        word = next(w for w in pdf.pages[0].extract_words() if w["text"] == "Ringstraße"
                    and w["top"] > 40 * MM)
        assert 45 * MM <= word["top"] and word["bottom"] <= 50 * MM


@pytest.mark.parametrize("form", [FORM_B, FORM_A], ids=["B", "A"])
def test_fold_and_hole_marks_sit_at_their_positions(form) -> None:
    with pdf_of(letter(), form=form) as pdf:
        marks = [line for line in pdf.pages[0].lines if line["x1"] < 15 * MM]
        heights = sorted(round(m["top"] / MM, 1) for m in marks)
        assert heights == sorted([*form.fold_marks, 148.5])


def test_umlauts_and_the_euro_sign_come_back_as_text() -> None:
    with pdf_of(letter(body="Größe: 1.234,56 € für Jürgen Strauß, Łódź")) as pdf:
        text = pdf.pages[0].extract_text()
    assert "Größe: 1.234,56 € für Jürgen Strauß, Łódź" in text


def test_a_long_letter_gets_page_numbers_and_a_short_one_none() -> None:
    long_body = "\n\n".join(["Ein langer Absatz mit vielen Wörtern, der umbrochen wird. " * 6]
                            * 10)
    with pdf_of(letter(body=long_body), letter(body="kurz")) as pdf:
        assert len(pdf.pages) == 3
        assert "Seite 1 von 2" in pdf.pages[0].extract_text()
        assert "Seite 2 von 2" in pdf.pages[1].extract_text()
        assert "Seite" not in pdf.pages[2].extract_text()


def test_the_footer_carries_the_bank_and_tax_details() -> None:
    with pdf_of(letter()) as pdf:
        footer = pdf.pages[0].crop((0, 270 * MM, 210 * MM, 297 * MM)).extract_text()
    assert "IBAN DE89 3704 0044 0532 0130 00" in footer and "DE136695976" in footer


def test_an_svg_logo_is_drawn_in_the_letterhead(tmp_path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
                    '<rect x="0" y="0" width="200" height="100" fill="#c00"/></svg>',
                    encoding="utf-8")
    profile = CompanyProfile(name="Logo GmbH", logo_path=str(logo))
    with pdfplumber.open(io.BytesIO(letters_pdf([letter()], profile))) as pdf:
        rects = [r for r in pdf.pages[0].rects if r["top"] < 45 * MM]
    assert rects and all(r["x1"] <= 190.5 * MM for r in rects)


@given(st.builds(PostalAddress, kind=st.sampled_from(["private", "business"]),
                 salutation=st.sampled_from(["", "Frau", "Herr", "Divers"]),
                 title=st.text(max_size=8), first_name=st.text(max_size=8),
                 last_name=st.text(max_size=8), company=st.text(max_size=8),
                 contact_salutation=st.sampled_from(["", "Frau", "Herr"]),
                 contact_last_name=st.text(max_size=8), street=st.text(max_size=8),
                 postcode=st.text(max_size=5), city=st.text(max_size=8),
                 country=st.sampled_from(["DE", "AT", "CH", "FR", "XX"])))
def test_no_recipient_block_has_more_than_six_lines(address: PostalAddress) -> None:
    assert len(recipient_block(address)) <= 6
