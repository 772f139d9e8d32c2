from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError  # SQLite: IntegrityError; PostgreSQL: ProgrammingError

from app.services.audit import AuditFilter
from app.services.container import Services
from app.services.customers.dto import AddressInput, ContactInput, CustomerInput

ANNA = CustomerInput(first_name="Anna", last_name="Müller", city="Dresden", postcode="01067")


def test_customer_changes_are_audited_without_personal_values(services: Services) -> None:
    anna = services.customers.create(ANNA, by="büro")
    services.customers.update(anna.id, anna.as_input(city="Leipzig", postcode="04109"), by="büro")
    contact = services.customers.add_contact(anna.id, ContactInput(last_name="Kunz"), by="büro")
    services.customers.remove_contact(contact.id, by="büro")
    address = services.customers.add_address(anna.id, AddressInput(label="Baustelle"), by="Büro")
    services.customers.remove_address(address.id, by="Büro")
    services.customers.set_archived(anna.id, True, by="chef")
    rows = services.audit.entries()
    assert [r.action for r in reversed(rows)] == [
        "create", "update", "contact_add", "contact_remove", "address_add", "address_remove",
        "archive"]
    update = next(r for r in rows if r.action == "update")
    assert update.details == {"fields": ["city", "postcode"]}
    assert update.customer_number == "K-000001"
    assert all("Müller" not in str(r.details) and "Leipzig" not in str(r.details) for r in rows)


def test_the_audit_log_can_be_filtered_by_action_and_customer(services: Services) -> None:
    anna = services.customers.create(ANNA)
    services.customers.create(CustomerInput(last_name="Schmidt"))
    services.customers.set_archived(anna.id, True)
    assert [r.action for r in services.audit.entries(AuditFilter(customer_number="K-000001"))
            ] == ["archive", "create"]
    assert len(services.audit.entries(AuditFilter(action="create"))) == 2


@pytest.mark.parametrize("statement", [
    "UPDATE audit_entries SET actor = 'jemand'",
    "DELETE FROM audit_entries",
])
def test_the_database_refuses_to_change_or_delete_audit_entries(
    services: Services, statement: str,
) -> None:
    services.customers.create(ANNA)
    with services.db.write() as session, pytest.raises(DBAPIError) as err:
        session.execute(text(statement))
    assert "unveränderlich" in str(err.value)
    assert len(services.audit.entries()) == 1


def test_an_entry_without_a_named_actor_says_unbekannt_never_nothing(
        services: Services) -> None:
    customer = services.customers.create(CustomerInput(last_name="Ohne"), by="")

    assert services.timeline.entries(customer.id)[0].author == "Unbekannt"
    assert {entry.actor for entry in services.audit.entries(AuditFilter())} == {"Unbekannt"}
