"""Sales earn bonus points as soon as they are recorded or imported, each exactly once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.services.container import Services
from app.services.sales.service import SaleInput
from tests.services.loyalty.loyalty_helpers import card, customer, sale

HEADER = "Kundennummer;Datum;Betrag;Belegnummer;Text"


def test_a_sale_typed_in_for_a_card_holder_credits_points_at_once(services: Services) -> None:
    holder = card(services)
    other = card(services, customer_id=customer(services, "Schäfer"))
    sale(services, other.customer_id, 5000)  # written behind the services' back
    services.sales.add(holder.customer_id, SaleInput(date(2026, 3, 15), 12_345,
                                                     document_no="RE-1"))
    assert services.loyalty.balance(holder.number) == 123
    assert services.loyalty.balance(other.number) == 0  # only the customer just served
    assert [e.kind for e in services.loyalty.entries(holder.number)] == ["earn"]


def test_a_sale_of_a_customer_without_a_card_is_recorded_without_points(
    services: Services
) -> None:
    cid = customer(services)
    services.sales.add(cid, SaleInput(date(2026, 3, 15), 12_345))
    assert services.sales.count() == 1 and services.loyalty.active_cards() == []


def test_an_applied_sales_import_credits_points_and_a_reimport_credits_nothing_twice(
    services: Services, tmp_path: Path
) -> None:
    holder = card(services)
    path = tmp_path / "umsatz.csv"
    path.write_text(f"{HEADER}\n{holder.customer_number};15.03.2026;150,00;RE-1;\n"
                    f"{holder.customer_number};15.03.2026;20,00;RE-2;\n", encoding="utf-8")
    services.sales_import.apply(path)
    assert services.loyalty.balance(holder.number) == 170
    services.sales_import.apply(path)
    services.loyalty.credit_sales()  # and the nightly run finds nothing left either
    assert services.loyalty.balance(holder.number) == 170
    assert len(services.loyalty.entries(holder.number)) == 2
