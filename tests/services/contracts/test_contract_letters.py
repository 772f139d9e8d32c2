"""The contract's letters: confirmation, renewal, price adjustment, notice confirmation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pdfplumber
import pytest

from app.services.container import Services
from app.services.contracts.service import ContractInput
from app.services.customers.dto import CustomerInput


def letter_text(services: Services, template_name: str, number: str, out: Path) -> str:
    template = services.letters.by_name(template_name)
    services.letters.write_letter(template.id, customer_number=number, out=out)
    with pdfplumber.open(out) as pdf:
        return " ".join((page.extract_text() or "") for page in pdf.pages).replace("\n", " ")


def customer_with_contract(services: Services) -> tuple[str, str]:
    anna = services.customers.create(CustomerInput(
        salutation="Frau", first_name="Anna", last_name="Krüger", street="Hauptstraße 5",
        postcode="01067", city="Dresden"))
    contract = services.contracts.add(ContractInput(
        customer_id=anna.id, start=date(2024, 1, 1), min_months=12, renewal="tacit",
        notice_months=1, price_cents=189_00, title="Heizungswartung",
        visit_rrule="FREQ=YEARLY", services=("Brenner reinigen", "Abgasmessung")))
    return anna.number, contract.number


@pytest.mark.usefixtures("letterhead")
def test_the_notice_confirmation_names_the_day_received_and_the_last_day(
        services: Services, tmp_path: Path) -> None:
    customer, number = customer_with_contract(services)
    services.contracts.end(number, received=date(2026, 6, 10))
    text = letter_text(services, "Wartungsvertrag: Kündigungsbestätigung", customer,
                       tmp_path / "k.pdf")
    assert f"Wartungsvertrags {number} ist am 10.06.2026" in text
    assert "mit Ablauf des 10.07.2026" in text


@pytest.mark.usefixtures("letterhead")
def test_the_price_adjustment_letter_shows_the_old_and_the_new_price(
        services: Services, tmp_path: Path) -> None:
    customer, number = customer_with_contract(services)
    services.contracts.adjust_price(number, price_cents=199_00, from_day=date(2026, 5, 1))
    text = letter_text(services, "Wartungsvertrag: Preisanpassung", customer,
                       tmp_path / "p.pdf")
    assert "01.05.2026" in text
    assert "199,00 € pro Jahr (bisher 189,00 € pro Jahr)" in text


@pytest.mark.usefixtures("letterhead")
def test_the_confirmation_lists_the_services_and_the_term(
        services: Services, tmp_path: Path) -> None:
    customer, number = customer_with_contract(services)
    text = letter_text(services, "Wartungsvertrag: Bestätigung", customer, tmp_path / "b.pdf")
    assert "Brenner reinigen, Abgasmessung" in text
    assert "Mindestlaufzeit bis 31.12.2024" in text
    assert number in text


@pytest.mark.usefixtures("letterhead")
def test_the_maintenance_reminder_names_the_contract_only_where_there_is_one(
        services: Services, tmp_path: Path) -> None:
    customer, number = customer_with_contract(services)
    text = letter_text(services, "Wartungserinnerung", customer, tmp_path / "w.pdf")
    assert f"in Ihrem Wartungsvertrag {number} enthalten (189,00 € pro Jahr)" in text
    other = services.customers.create(CustomerInput(
        first_name="Tom", last_name="Ohne", street="Ring 1", postcode="01067", city="Dresden"))
    plain = letter_text(services, "Wartungserinnerung", other.number, tmp_path / "o.pdf")
    assert "Wartungsvertrag" not in plain and "jetzt fällig." in plain
