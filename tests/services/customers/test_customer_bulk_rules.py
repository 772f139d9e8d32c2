"""The bulk helpers of the customer service give the same answers as the one-by-one rules."""

from __future__ import annotations

import pytest

from app.services import validation
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.customers.duplicates import DuplicateIndex
from app.services.customers.numbers import NumberAllocator
from app.services.errors import ValidationError

EXISTING = [
    CustomerInput(first_name="Anna", last_name="Müller", postcode="01067",
                  email="Anna@Example.de", phone="0351 1234567"),
    CustomerInput(first_name="", last_name="Meyer", postcode="80331", mobile="0170 1234567"),
    CustomerInput(kind="business", company="Bäckerei Korn GmbH", postcode="04109"),
    CustomerInput(first_name="Peter", last_name="Schmidt", postcode="10115"),
]
PROBES = [
    CustomerInput(first_name="Anna", last_name="Mueller", postcode="01067"),
    CustomerInput(first_name="Hans", last_name="Müller", postcode="01067"),
    CustomerInput(last_name="Maier", postcode="80331"),
    CustomerInput(last_name="Neu", email="anna@example.de"),
    CustomerInput(last_name="Neu", phone="+49 351 1234567", mobile="0170/1234567"),
    CustomerInput(kind="business", company="Baeckerei Korn GmbH", postcode="04109"),
    CustomerInput(kind="business", company="Bäckerei Korn GmbH", postcode="04110"),
    CustomerInput(first_name="Petra", last_name="Schmitt", postcode="10115"),
    CustomerInput(last_name="Niemand"),
]


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: p.last_name or p.company)
def test_the_duplicate_index_finds_what_the_duplicate_check_finds(
    services: Services, probe: CustomerInput
) -> None:
    for data in EXISTING:
        services.customers.create(data)
    expected = [(hint.customer.id, hint.reason) for hint in services.customers.duplicates(probe)]
    index: DuplicateIndex[int] = DuplicateIndex()
    with services.db.read() as session:
        index.add_customers(session, lambda cid: cid)
    phones = [validation.phone(p) for p in (probe.phone, probe.mobile)]
    found = index.matches(kind=probe.kind, email=probe.email, phones=phones,
                          last_name=probe.last_name, first_name=probe.first_name,
                          company=probe.company, postcode=probe.postcode)
    assert sorted(found) == sorted(expected)


def test_the_number_allocator_keeps_brought_numbers_and_continues_the_counter(
    services: Services,
) -> None:
    services.customers.create(CustomerInput(last_name="A"))  # K-000001
    with services.db.write() as session:
        allocator = NumberAllocator(session, taken={"K-000001", "K-000003"}.__contains__)
        numbers = [allocator.claim(None), allocator.claim("K-000005"), allocator.claim("4711"),
                   allocator.claim(None)]
        with pytest.raises(ValidationError, match="K-000005 ist schon vergeben"):
            allocator.claim("K-000005")
        session.commit()
    assert numbers == ["K-000002", "K-000005", "4711", "K-000006"]
    assert services.customers.create(CustomerInput(last_name="B")).number == "K-000007"



def test_numbers_for_many_rows_fall_back_to_the_counter_when_taken(services: Services) -> None:
    services.customers.create(CustomerInput(last_name="A"))  # K-000001
    with services.db.write() as session:
        allocator = NumberAllocator(session, taken={"K-000001", "K-000003"}.__contains__)
        numbers = allocator.claim_all(["K-000003", None, "K-000009", "K-000009", " 4711 ", ""])
        session.commit()
    assert numbers == ["K-000002", "K-000004", "K-000009", "K-000010", "4711", "K-000011"]
    assert services.customers.create(CustomerInput(last_name="B")).number == "K-000012"
