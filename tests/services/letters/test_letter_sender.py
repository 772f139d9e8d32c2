"""A letter always names who sends it, and never a login name (issue #15: "Ihr Kontakt:
root" on every letter, and letters without any sender when the letterhead was empty)."""

from __future__ import annotations

import getpass
import io
import json
from pathlib import Path

import pdfplumber
import pytest

import main
from app.services import actors
from app.services.company import CompanyProfile
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.errors import ValidationError
from app.services.letters.recipients import NumberSource

ANNA = CustomerInput(salutation="Frau", first_name="Anna", last_name="Müller",
                     street="Hauptstraße 5", postcode="01067", city="Dresden")


def test_a_letter_without_a_letterhead_is_stopped_naming_what_to_fill_in(
    services: Services, tmp_path: Path,
) -> None:
    anna = services.customers.create(ANNA)
    services.company.save(CompanyProfile(name="Heizung Bauer GmbH", city="München"))
    template = services.letters.by_name("Willkommen")
    with pytest.raises(ValidationError) as err:
        services.letters.write_letter(template.id, customer_number=anna.number,
                                      out=tmp_path / "brief.pdf")
    assert "Briefkopf: unvollständig" in str(err.value)
    assert "Straße und PLZ eintragen" in str(err.value)
    assert not (tmp_path / "brief.pdf").exists()
    assert [e.channel for e in services.timeline.entries(anna.id)] == ["system"]


def test_a_mailing_without_a_letterhead_is_stopped_before_a_page_is_written(
    services: Services, tmp_path: Path,
) -> None:
    anna = services.customers.create(ANNA)
    template = services.letters.by_name("Wartungserinnerung")
    with pytest.raises(ValidationError, match="Firmenname, Straße, PLZ und Ort eintragen"):
        services.mailings.run(template.id, NumberSource((anna.number,)),
                              out=tmp_path / "serie.pdf")
    assert list(tmp_path.glob("serie*")) == []


def test_the_letter_command_says_what_to_fill_in_and_the_letterhead_command_fills_it(
    services: Services, db_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    anna = services.customers.create(ANNA)
    out = tmp_path / "brief.pdf"
    letter = [*db_args, "letter", "--template", "willkommen", "--customer", anna.number,
              "--out", str(out)]
    assert main.main(letter) == 2
    error = capsys.readouterr().err
    assert "Firmenname, Straße, PLZ und Ort" in error and "letterhead" in error
    assert main.main([*db_args, "letterhead", "--name", "Heizung Bauer GmbH", "--street",
                      "Ringstraße 4", "--postcode", "80331", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["missing"] == ["Ort"]
    assert main.main([*db_args, "letterhead", "--city", "München"]) == 0
    assert "fehlt" not in capsys.readouterr().out
    assert main.main(letter) == 0, capsys.readouterr().err
    assert out.exists()


@pytest.mark.parametrize("by", ["", actors.UNNAMED, actors.SYSTEM, actors.COMMAND_LINE])
@pytest.mark.usefixtures("letterhead")
def test_a_letter_by_nobody_in_particular_has_no_contact_line(
    services: Services, by: str,
) -> None:
    anna = services.customers.create(ANNA)
    template = services.letters.by_name("Willkommen")
    with pdfplumber.open(io.BytesIO(services.letters.preview(template, anna.id, by=by))) as pdf:
        text = pdf.pages[0].extract_text()
    assert "Ihr Kontakt" not in text and getpass.getuser() not in text.split()


@pytest.mark.usefixtures("letterhead")
def test_a_letter_by_a_chosen_staff_member_names_them_as_the_contact(
    services: Services,
) -> None:
    anna = services.customers.create(ANNA)
    template = services.letters.by_name("Willkommen")
    pdf_bytes = services.letters.preview(template, anna.id, by="Meister Krause")
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        assert "Meister Krause" in pdf.pages[0].extract_text()
