from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from app.services.company import CompanyProfile
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.errors import ValidationError
from app.services.letters.labels import (
    ENVELOPES,
    LABEL_SHEETS,
    envelopes_pdf,
    label_lines,
    labels_pdf,
)
from app.services.letters.recipients import IdSource
from app.services.pdf import fonts as pdf_fonts

MM = 72 / 25.4
BLOCK = ("Frau", "Dr. Anna Müller", "Hauptstraße 5", "01067 Dresden")


@pytest.mark.parametrize("key", ["3474", "3475", "L7163"])
def test_every_label_layout_fits_on_a4(key: str) -> None:
    sheet = LABEL_SHEETS[key]
    right, bottom = sheet.origin(sheet.per_sheet - 1)
    assert right + sheet.label_width <= 210.01 and bottom + sheet.label_height <= 297.01


def test_labels_start_at_the_chosen_position_and_carry_over_to_a_new_sheet(
    tmp_path: Path,
) -> None:
    sheet = LABEL_SHEETS["3474"]
    out = tmp_path / "etiketten.pdf"
    blocks = [(f"Name{n}", "Weg 1", "01067 Dresden") for n in range(21)]
    assert labels_pdf(out, blocks, sheet, start=5) == 2
    with pdfplumber.open(out) as pdf:
        first = next(w for w in pdf.pages[0].extract_words() if w["text"] == "Name0")
        last = next(w for w in pdf.pages[1].extract_words() if w["text"] == "Name20")
    assert 70 * MM <= first["x0"] < 140 * MM  # label 5 = second column …
    assert 37.5 * MM <= first["top"] and first["bottom"] <= 74.5 * MM  # … second row
    assert last["x0"] < 70 * MM and last["top"] < 37.5 * MM  # first label of sheet two


def test_user_offsets_shift_the_print(services: Services, tmp_path: Path) -> None:
    customer = services.customers.create(CustomerInput(last_name="Ort", street="Weg 1",
                                                       postcode="01067", city="Dresden"))
    services.labels.set_offsets("L7163", x=2.0, y=-1.5)
    plain = tmp_path / "a.pdf"
    labels_pdf(plain, [("Ort", "Weg 1")], LABEL_SHEETS["L7163"])
    services.labels.print_labels(IdSource((customer.id,)), sheet_key="L7163",
                                 out=tmp_path / "b.pdf")
    with pdfplumber.open(plain) as a, pdfplumber.open(tmp_path / "b.pdf") as b:
        wa = next(w for w in a.pages[0].extract_words() if w["text"] == "Ort")
        wb = next(w for w in b.pages[0].extract_words() if w["text"] == "Ort")
    assert wb["x0"] - wa["x0"] == pytest.approx(2.0 * MM, abs=0.05)


def test_a_start_position_beyond_the_sheet_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        labels_pdf(tmp_path / "x.pdf", [BLOCK], LABEL_SHEETS["L7163"], start=15)


@pytest.mark.parametrize("key", ["DL", "C6", "C5"])
def test_envelopes_carry_the_sender_top_left_and_the_recipient_in_the_address_field(
    tmp_path: Path, key: str,
) -> None:
    envelope = ENVELOPES[key]
    out = tmp_path / "umschlag.pdf"
    envelopes_pdf(out, [BLOCK], envelope, CompanyProfile(name="Bauer GmbH", street="Ring 4",
                                                         postcode="80331", city="München"))
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        assert page.width == pytest.approx(envelope.width * MM)
        words = page.extract_words()
    sender = next(w for w in words if w["text"] == "Bauer")
    assert sender["x0"] < 15 * MM and sender["top"] < 15 * MM
    for word in (w for w in words if w["text"] in ("Müller", "Dresden")):
        assert envelope.field_left * MM <= word["x0"]
        assert word["x1"] <= (envelope.field_left + 85) * MM
        assert (envelope.field_top + 17.7) * MM <= word["top"]
        assert word["bottom"] <= (envelope.field_top + 45) * MM


def test_labels_leave_out_customers_without_address_and_list_them(
    services: Services, tmp_path: Path,
) -> None:
    good = services.customers.create(CustomerInput(last_name="Gut", street="Weg 1",
                                                   postcode="01067", city="Dresden"))
    bad = services.customers.create(CustomerInput(last_name="Ohne"))
    result = services.labels.print_labels(IdSource((good.id, bad.id)), sheet_key="3475",
                                          out=tmp_path / "e.pdf")
    assert result.printed == 1
    assert [(e.number, "unvollständig" in e.reason) for e in result.excluded] == [
        (bad.number, True)]


def test_a_long_company_name_wraps_onto_a_second_line_instead_of_shrinking_below_8_pt(
    tmp_path: Path,
) -> None:
    company = "Sanitär- und Heizungstechnik Müller-Lüdenscheidt GmbH & Co. KG"
    out = tmp_path / "lang.pdf"
    labels_pdf(out, [(company, "z. Hd. Frau Anna Müller", "Hauptstraße 5", "01067 Dresden")],
               LABEL_SHEETS["3474"])
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        chars = page.chars
        lines = page.extract_text().splitlines()
    assert min(char["size"] for char in chars) == pytest.approx(8.0, abs=0.01)
    assert max(char["size"] for char in chars) == pytest.approx(9.5, abs=0.01)
    assert " ".join(lines[:2]) == company and "…" not in "".join(lines)
    assert lines[2:] == ["z. Hd. Frau Anna Müller", "Hauptstraße 5", "01067 Dresden"]
    label_width = 70 * MM
    assert max(char["x1"] for char in chars) <= label_width - 5 * MM + 0.5


def test_a_short_address_keeps_the_normal_size(tmp_path: Path) -> None:
    out = tmp_path / "kurz.pdf"
    labels_pdf(out, [BLOCK], LABEL_SHEETS["3474"])
    with pdfplumber.open(out) as pdf:
        assert {round(char["size"], 1) for char in pdf.pages[0].chars} == {9.5}


def test_a_single_word_longer_than_the_label_is_cut_at_8_pt() -> None:
    font = pdf_fonts.register()
    [(text, size)] = label_lines(["Donaudampfschifffahrtselektrizitätenhauptbetriebswerk"
                                  "bauunterbeamtengesellschaft"], font, 60 * MM)
    assert text.endswith("…") and size == 8.0
