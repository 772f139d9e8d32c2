"""One way in: the form, the customer import and the sales import's --create-missing create
customers by the same rules (number, search text, history, audit, Werbesperrliste)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from app.models import AuditEntry, Customer
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.customers.search_text import search_text, values_search_text
from app.services.privacy.contact_policy import Channel

OBJECTOR = CustomerInput(salutation="Frau", first_name="Annabella", last_name="Quastenberg",
                         street="Zwiebelgasse 17", postcode="01067", city="Dresden")
HEADER = "Vorname;Nachname;Straße;PLZ;Ort\n"


def put_on_the_suppression_list(services: Services,
                                 person: CustomerInput = OBJECTOR) -> None:
    """Annabella objected to advertising and had her data erased: only the list remembers."""
    anna = services.customers.create(person)
    services.privacy.object_to_advertising(anna.id, by="Chef")
    services.privacy.erase(anna.id, by="Chef")


def audit_of(services: Services, customer_id: int) -> list[tuple[str, str, dict[str, str]]]:
    """The audit entries of a customer since it was created (an erased customer's entries
    keep its id, which SQLite may give out again)."""
    with services.db.read() as session:
        entries = list(session.scalars(select(AuditEntry).where(
            AuditEntry.customer_id == customer_id).order_by(AuditEntry.id)))
    created = max(i for i, e in enumerate(entries) if e.action == "create")
    return [(e.action, e.actor, json.loads(e.details)) for e in entries[created:]]


def assert_objection_kept(services: Services, customer_id: int, *, by: str) -> None:
    assert services.privacy.overview(customer_id).objection_at is not None
    assert services.privacy.decision(customer_id, channel=Channel.LETTER).code == "objection"
    assert ("objection", by, {"source": "suppression_list"}) in audit_of(services, customer_id)
    subjects = [e.subject for e in services.timeline.entries(customer_id)]
    assert "Steht auf der Werbesperrliste: keine Werbung" in subjects


def test_a_returning_objector_typed_in_by_hand_keeps_the_objection_with_an_audit_entry(
        services: Services) -> None:
    put_on_the_suppression_list(services)
    again = services.customers.create(OBJECTOR, by="Büro")
    assert_objection_kept(services, again.id, by="Büro")
    assert audit_of(services, again.id)[0] == ("create", "Büro", {"number": again.number})


def test_a_returning_objector_imported_from_csv_keeps_the_objection_with_an_audit_entry(
        services: Services, tmp_path: Path) -> None:
    put_on_the_suppression_list(services)
    path = tmp_path / "alt.csv"
    path.write_text(HEADER + "Annabella;Quastenberg;Zwiebelgaße 17;01067;Dresden\n"
                    "Bernd;Quastenberg;Zwiebelgasse 17;01067;Dresden\n", encoding="utf-8")
    source = services.customer_import.read(path)
    result = services.customer_import.apply(
        source, services.customer_import.suggested_mapping(source), by="Büro")
    assert result.added == 2
    anna = services.customers.search("Annabella")[0]
    assert_objection_kept(services, anna.id, by="Büro")
    assert audit_of(services, anna.id)[0] == (
        "create", "Büro", {"import": "alt.csv", "number": anna.number})
    bernd = services.customers.search("Bernd")[0]
    assert services.privacy.decision(bernd.id, channel=Channel.LETTER).allowed
    assert [a for a, _by, _details in audit_of(services, bernd.id)] == ["create"]


def test_a_returning_objector_created_by_the_sales_import_keeps_the_objection(
        services: Services, tmp_path: Path) -> None:
    # A sales file has no street: the list matches a person who objected without one.
    put_on_the_suppression_list(services, CustomerInput(
        first_name="Annabella", last_name="Quastenberg", postcode="01067", city="Dresden"))
    path = tmp_path / "umsatz.csv"
    path.write_text("Kundennummer;Datum;Betrag;Belegnummer;Vorname;Nachname;PLZ;Ort\n"
                    "4711;15.01.2026;10;RE-1;Annabella;Quastenberg;01067;Dresden\n"
                    "4712;15.01.2026;10;RE-2;Bernd;Quastenberg;01067;Dresden\n",
                    encoding="utf-8")
    services.sales_import.apply(path, create_missing=True, by="Büro")
    assert_objection_kept(services, services.customers.get_by_number("4711").id, by="Büro")
    bernd = services.customers.get_by_number("4712")  # not suppressed; no street to write to
    assert services.privacy.decision(bernd.id, channel=Channel.LETTER).code == "no_address"


def test_the_sales_import_creates_the_customer_the_form_would(
        services: Services, tmp_path: Path) -> None:
    typed = services.customers.create(CustomerInput(
        first_name="Eva Maria", last_name="Lang", postcode="10115", city="Berlin"), by="Büro")
    path = tmp_path / "umsatz.csv"
    path.write_text("Kundennummer;Datum;Betrag;Belegnummer;Name;PLZ;Ort\n"
                    ";15.01.2026;10;RE-1;Eva Maria Lang;10115;Berlin\n"
                    "K-000007;15.01.2026;10;RE-2;Eva Maria Lang;10115;Berlin\n"
                    "4711;16.01.2026;20;RE-3;Jörg Groß;80331;München\n", encoding="utf-8")
    report = services.sales_import.apply(path, create_missing=True, skip_invalid=True,
                                         by="Büro")
    assert report.new_customers == ("K-000007", "4711")
    imported = services.customers.get_by_number("K-000007")
    assert typed.number == "K-000001"
    # A K- number from the file lifts the counter past it, as a typed one does.
    assert services.customers.create(CustomerInput(last_name="Neu")).number == "K-000008"
    with services.db.read() as session:
        rows = {c.number: c for c in session.scalars(select(Customer))}
    twin, form = rows["K-000007"], rows["K-000001"]
    assert (twin.sort_name, twin.kind) == (form.sort_name, form.kind)
    number_words = {"k000001", "000001", "1", "k000007", "000007", "7"}
    assert set(twin.search_text.split()) - number_words == set(
        form.search_text.split()) - number_words
    assert [r.number for r in services.customers.search("Gross Munchen")] == ["4711"]
    assert audit_of(services, imported.id) == [
        ("create", "Büro", {"import": "umsatz.csv", "number": "K-000007"})]
    assert audit_of(services, typed.id) == [("create", "Büro", {"number": "K-000001"})]
    assert "Kunde angelegt (Import aus umsatz.csv)" in [
        e.subject for e in services.timeline.entries(imported.id)]


def test_a_new_customers_search_text_is_the_general_rules_also_for_repeated_names() -> None:
    rows = [
        {"first_name": "Jürgen", "last_name": "Müller", "company": "", "street": "Hauptstraße 5",
         "postcode": "01067", "city": "Köln", "email": "j.mueller@example.de",
         "phone": "+4930123456", "mobile": ""},
        {"first_name": "Jürgen", "last_name": "Müller", "company": "Bäckerei Schäfer GmbH",
         "street": "Ufer 1", "postcode": "50667", "city": "Köln", "email": "",
         "phone": "", "mobile": "+491701234567"},
        {"first_name": "", "last_name": "Mueller", "company": "", "street": "",
         "postcode": "", "city": "", "email": "", "phone": "", "mobile": ""},
    ]
    for number, values in zip(("K-000001", "K-000002", "ALT-7"), rows, strict=True):
        assert values_search_text(values, number) == search_text(
            [values[key] for key in ("first_name", "last_name", "company", "street",
                                     "postcode", "city", "email")],
            number=number, phones=(values["phone"], values["mobile"]))
