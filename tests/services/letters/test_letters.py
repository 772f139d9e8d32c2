from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

import main
from app.models import Customer
from app.services.company import CompanyProfile
from app.services.container import Services
from app.services.customers.dto import ContactInput, CustomerInput
from app.services.errors import ConflictError, ValidationError
from app.services.letters.service import LetterService

ANNA = CustomerInput(salutation="Frau", title="Dr.", first_name="Anna", last_name="Müller",
                     street="Hauptstraße 5", postcode="01067", city="Dresden")


def test_the_ten_built_in_templates_exist_and_cannot_be_deleted(services: Services) -> None:
    names = {t.name for t in services.letters.templates() if t.builtin}
    assert names == {"Willkommen", "Wartungserinnerung", "Geburtstagsgruß mit Gutschein",
                     "Reaktivierung", "Dankeschön an A-Kunden", "Terminbestätigung",
                     "Wartungsvertrag: Bestätigung", "Wartungsvertrag: Verlängerung",
                     "Wartungsvertrag: Preisanpassung",
                     "Wartungsvertrag: Kündigungsbestätigung"}
    with pytest.raises(ConflictError):
        services.letters.delete(services.letters.by_name("Willkommen").id)


def test_editing_a_template_raises_its_version_and_reset_restores_the_text(
    services: Services,
) -> None:
    original = services.letters.by_name("Willkommen")
    changed = services.letters.save(original.id, name=original.name, subject="Hallo",
                                    body="{{ briefanrede }}\nNeu.", advertising=False)
    assert changed.version == original.version + 1
    restored = services.letters.reset(original.id)
    assert restored.body == original.body and restored.version == original.version + 2


def test_a_typo_in_a_placeholder_is_reported_with_its_name_and_line(services: Services) -> None:
    with pytest.raises(ValidationError) as err:
        services.letters.save(None, name="Test", subject="Hallo",
                              body="{{ briefanrede }}\n\nIhr {{ nachnme }} war hier.",
                              advertising=False)
    assert err.value.fields["body"] == "unbekannter Platzhalter „nachnme“ in Zeile 3"


def test_a_wrong_field_of_a_dotted_placeholder_is_reported(services: Services) -> None:
    with pytest.raises(ValidationError) as err:
        services.letters.save(None, name="Test", subject="{{ wartung.objetk }}", body="x",
                              advertising=False)
    assert "wartung.objetk" in err.value.fields["subject"]


def test_a_syntax_error_names_the_line(services: Services) -> None:
    with pytest.raises(ValidationError) as err:
        services.letters.save(None, name="Test", subject="x", body="a\nb {{ vorname ",
                              advertising=False)
    assert err.value.fields["body"].startswith("Zeile 2:")


def test_the_sandbox_refuses_python_internals(services: Services) -> None:
    template = services.letters.save(None, name="Böse", subject="x",
                                     body="{{ 'x'.__class__.__mro__ }}", advertising=False)
    customer = services.customers.create(ANNA)
    with pytest.raises(ValidationError):
        services.letters.preview(template, customer.id)


class Points:
    provides = frozenset({"bonuspunkte", "gutschein"})

    def __init__(self, customer_id: int) -> None:
        self.customer_id = customer_id

    def values(self, session: Session, customer_ids: Sequence[int], *, on: date
               ) -> Mapping[int, Mapping[str, Any]]:
        return {self.customer_id: {"bonuspunkte": 120, "gutschein": {"code": "GS-7", "wert":
                                                                     "10,00 €"}}}


def test_placeholders_of_other_features_are_unavailable_until_a_provider_declares_them(
    services: Services,
) -> None:
    birthday = services.letters.by_name("Geburtstagsgruß mit Gutschein")
    anna = services.customers.create(ANNA)
    other = services.customers.create(CustomerInput(
        salutation="Herr", last_name="Schmidt", street="Weg 1", postcode="01067",
        city="Dresden"))
    bare = LetterService(services.db, services.clock, services.settings, services.company)
    with pytest.raises(ValidationError) as err:
        bare.preview(birthday, anna.id)
    assert "gutschein" in err.value.fields["body"] and "nicht verfügbar" in err.value.fields["body"]
    bare.register_provider(Points(anna.id))
    with pdfplumber.open(io.BytesIO(bare.preview(birthday, anna.id))) as pdf:
        assert "Gutscheincode: GS-7" in pdf.pages[0].extract_text()
    with pdfplumber.open(io.BytesIO(bare.preview(birthday, other.id))) as pdf:
        text = pdf.pages[0].extract_text()
    assert "Gutscheincode:" in text and "GS-7" not in text
    with pytest.raises(ValidationError) as err:
        bare.save(None, name="Test", subject="x", body="{{ gutschein }}", advertising=True)
    assert "gutschein.code" in err.value.fields["body"]


def test_the_letter_command_writes_a_pdf_and_a_timeline_entry(
    services: Services, db_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    services.company.save(CompanyProfile(name="Heizung Bauer GmbH", street="Ring 4",
                                         postcode="80331", city="München"))
    firm = services.customers.create(CustomerInput(
        kind="business", company="Schäfer Bau AG", street="Am Markt 1", postcode="1010",
        city="Wien", country="AT"))
    services.customers.add_contact(firm.id, ContactInput(salutation="Frau", title="Dr.",
                                                         first_name="Eva", last_name="Berg",
                                                         is_primary=True), by="Büro")
    out = tmp_path / "brief.pdf"
    code = main.main([*db_args, "letter", "--template", "willkommen",
                      "--customer", firm.number, "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    with pdfplumber.open(out) as pdf:
        text = pdf.pages[0].extract_text()
    assert "z. Hd. Frau Dr. Eva Berg" in text and "ÖSTERREICH" in text
    assert "Sehr geehrte Frau Dr. Berg," in text and "Herzlich willkommen bei Heizung Bauer" in text
    assert services.timeline.entries(firm.id)[0].subject == "Brief: Willkommen"


def test_the_letter_command_refuses_an_unknown_template_with_exit_code_2(
    services: Services, db_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    code = main.main([*db_args, "letter", "--template", "Gibtsnicht",
                      "--customer", "K-000001", "--out", str(tmp_path / "x.pdf")])
    assert code == 2 and "Gibtsnicht" in capsys.readouterr().err


@pytest.mark.usefixtures("letterhead")
def test_an_advertising_letter_to_a_customer_with_an_objection_is_refused(
    services: Services, tmp_path: Path,
) -> None:
    anna = services.customers.create(ANNA)
    with services.db.write() as session:
        session.execute(update(Customer).where(Customer.id == anna.id).values(
            advertising_objection_at=datetime(2026, 1, 1, tzinfo=UTC)))
        session.commit()
    template = services.letters.by_name("Reaktivierung")
    with pytest.raises(ConflictError, match="Werbewiderspruch vom 01.01.2026"):
        services.letters.write_letter(template.id, customer_number=anna.number,
                                      out=tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
    assert [e.channel for e in services.timeline.entries(anna.id)] == ["system"]
