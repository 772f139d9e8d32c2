"""What changed is derived from what a transaction wrote, not stated by hand (issue #13, 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from app.models import Base, Customer
from app.services.changes import TABLE_DOMAINS, Changes, Domain
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.errors import ValidationError
from tests.services.customers.importing.test_customer_import import imported, write_csv


@pytest.fixture
def heard(services: Services) -> list[Changes]:
    found: list[Changes] = []
    services.changes.subscribe(found.append)
    return found


def customer(services: Services, name: str = "Müller") -> int:
    return services.customers.create(CustomerInput(last_name=name), by="Test").id


def test_every_table_of_the_models_belongs_to_a_domain() -> None:
    assert set(Base.metadata.tables) - set(TABLE_DOMAINS) == set()


def test_a_note_changes_the_timeline_of_that_customer_only(
        services: Services, heard: list[Changes]) -> None:
    anna, bert = customer(services, "Anna"), customer(services, "Bert")
    heard.clear()

    services.timeline.add(anna, channel="phone", subject="Rückruf", by="Test")

    assert len(heard) == 1
    assert heard[0].touches(Domain.TIMELINE, anna)
    assert not heard[0].touches(Domain.TIMELINE, bert)
    assert not heard[0].touches(Domain.SALES)


def test_a_bulk_import_changes_possibly_every_customer(
        services: Services, heard: list[Changes], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "kunden.csv", [["", "Herr", "Hans", "Becker", "", "Hauptstr. 1",
                                                 "01067", "Dresden", "", "", "", ""]])

    assert imported(services, path).added == 1

    merged = Changes()
    for changes in heard:
        merged |= changes
    assert merged.customers(Domain.CUSTOMERS) is None
    assert merged.touches(Domain.CUSTOMERS, 4711)


def test_a_write_that_fails_validation_or_rolls_back_tells_nothing(
        services: Services, heard: list[Changes]) -> None:
    anna = customer(services)
    heard.clear()

    with pytest.raises(ValidationError):
        services.timeline.add(anna, channel="telepathy", subject="?", by="Test")
    with services.db.write() as session:
        session.execute(update(Customer).values(notes="verworfen"))
        session.rollback()
    with services.db.read() as session:
        session.get(Customer, anna)

    assert heard == []


def test_merging_keeps_the_customers_of_each_domain_and_all_wins() -> None:
    one = Changes.of(Domain.SALES, customers=[1])
    two = Changes.of(Domain.SALES, customers=[2]) | Changes.of(Domain.SETTINGS)

    merged = one | two

    assert merged.customers(Domain.SALES) == frozenset({1, 2})
    assert merged.touches(Domain.SETTINGS, 99)
    assert (merged | Changes.of(Domain.SALES)).customers(Domain.SALES) is None
    assert Changes.everything().domains == frozenset(Domain)
