from __future__ import annotations

from datetime import date

import pytest

from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.errors import NotFoundError, ValidationError
from app.services.sales.service import SaleInput, window_start


def _customer(services: Services, number: str = "K-000001") -> int:
    return services.customers.create(CustomerInput(last_name="Müller", number=number)).id


def test_a_typed_sale_is_listed_newest_first_and_written_to_the_timeline(
    services: Services,
) -> None:
    cid = _customer(services)
    services.sales.add(cid, SaleInput(date(2025, 1, 10), 12_000, "Wartung", "RE-1"))
    services.sales.add(cid, SaleInput(date(2026, 2, 1), 5_050, "Reparatur", "RE-2"))
    sales = services.sales.for_customer(cid)
    assert [(s.document_no, s.amount_cents) for s in sales] == [("RE-2", 5_050), ("RE-1", 12_000)]
    assert services.timeline.entries(cid)[0].subject == "Umsatz 50,50 € (RE-2) erfasst"


def test_totals_count_all_sales_and_the_last_twelve_months_separately(
    services: Services,
) -> None:
    cid = _customer(services)
    services.sales.add(cid, SaleInput(date(2025, 3, 15), 10_000, "", "RE-1"))  # outside
    services.sales.add(cid, SaleInput(date(2025, 3, 16), 2_000, "", "RE-2"))  # first day
    totals = services.sales.totals(cid)
    assert (totals.count, totals.total_cents, totals.last_12_months_cents) == (2, 12_000, 2_000)
    assert totals.last_date == date(2025, 3, 16)


def test_a_document_number_can_only_be_recorded_once(services: Services) -> None:
    cid = _customer(services)
    services.sales.add(cid, SaleInput(date(2026, 1, 1), 100, "", "RE-1"))
    with pytest.raises(ValidationError) as err:
        services.sales.add(cid, SaleInput(date(2026, 1, 2), 200, "", " RE-1 "))
    assert "schon erfasst" in err.value.fields["document_no"]
    assert services.sales.count() == 1


def test_sales_without_a_document_number_may_repeat(services: Services) -> None:
    cid = _customer(services)
    services.sales.add(cid, SaleInput(date(2026, 1, 1), 100))
    services.sales.add(cid, SaleInput(date(2026, 1, 1), 100))
    assert services.sales.count() == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (SaleInput(None, 100), "sale_date"),
        (SaleInput(date(2026, 3, 16), 100), "sale_date"),
        (SaleInput(date(2026, 1, 1), None), "amount"),
        (SaleInput(date(2026, 1, 1), 0), "amount"),
        (SaleInput(date(2026, 1, 1), 1, document_no="X" * 65), "document_no"),
    ],
)
def test_an_invalid_sale_names_the_field_and_saves_nothing(
    services: Services, data: SaleInput, field: str
) -> None:
    cid = _customer(services)
    with pytest.raises(ValidationError) as err:
        services.sales.add(cid, data)
    assert field in err.value.fields
    assert services.sales.count() == 0


def test_a_sale_for_an_unknown_customer_is_refused(services: Services) -> None:
    with pytest.raises(NotFoundError):
        services.sales.add(999, SaleInput(date(2026, 1, 1), 100))


@pytest.mark.parametrize(
    ("as_of", "start"),
    [
        (date(2026, 3, 15), date(2025, 3, 16)),
        (date(2024, 2, 29), date(2023, 3, 1)),
        (date(2026, 12, 31), date(2026, 1, 1)),
    ],
)
def test_the_twelve_month_window_ends_on_the_as_of_date_inclusive(
    as_of: date, start: date
) -> None:
    assert window_start(as_of, 12) == start
