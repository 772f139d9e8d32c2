"""A sale places its customer in a class at once, against the last run's lines; "Warum A?"."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import update

from app.db import Database
from app.models import Customer
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.sales.service import SaleInput

SALE_DAY = date(2026, 1, 10)  # the clock fixture stands at 15.03.2026


def _shop(services: Services) -> dict[str, int]:
    """K-1 5.000 €, K-2 3.000 €, K-3 1.500 €, K-4 500 €: A A B C by the 80/95 % rule."""
    ids = {}
    for number, cents in {"K-1": 500_000, "K-2": 300_000, "K-3": 150_000, "K-4": 50_000}.items():
        cid = services.customers.create(CustomerInput(last_name="Kunde", number=number)).id
        services.sales.add(cid, SaleInput(SALE_DAY, cents, "", f"RE-{number}"))
        ids[number] = cid
    return ids


def _class(services: Services, customer_id: int) -> str | None:
    return services.classification.info(customer_id).abc_class


def test_a_sale_before_any_run_gives_no_class(services: Services) -> None:
    ids = _shop(services)
    assert _class(services, ids["K-4"]) is None


def test_a_sale_that_passes_the_last_a_customer_makes_the_customer_a_at_once(
    services: Services
) -> None:
    ids = _shop(services)
    services.classification.recompute()
    assert _class(services, ids["K-4"]) == "C"
    services.sales.add(ids["K-4"], SaleInput(date(2026, 3, 14), 250_000), by="Anna")
    info = services.classification.info(ids["K-4"])
    assert info.abc_class == "A"
    assert info.history[0].previous_class == "C"
    assert info.history[0].reason == (
        "Umsatz 3.000,00 € (nach Umsatzanteil), nach neuem Umsatz eingeordnet mit den "
        "Grenzen vom 15.03.2026")
    entry = services.timeline.entries(ids["K-4"])[0]
    assert (entry.subject, entry.author) == ("Klasse C → A", "Anna")
    # the others keep their class until the next full run
    assert [_class(services, ids[n]) for n in ("K-1", "K-2", "K-3")] == ["A", "A", "B"]


def test_a_sale_that_stays_below_the_next_line_changes_nothing(services: Services) -> None:
    ids = _shop(services)
    services.classification.recompute()
    before = services.classification.info(ids["K-3"]).history
    services.sales.add(ids["K-3"], SaleInput(date(2026, 3, 14), 10_000))
    assert services.classification.info(ids["K-3"]).history == before
    assert _class(services, ids["K-3"]) == "B"


def test_a_refund_can_lower_the_class_at_once(services: Services) -> None:
    ids = _shop(services)
    services.classification.recompute()
    services.sales.add(ids["K-2"], SaleInput(date(2026, 3, 14), -200_000))
    assert _class(services, ids["K-2"]) == "C"


def test_a_manual_class_stays_after_a_sale(services: Services) -> None:
    ids = _shop(services)
    services.classification.recompute()
    services.classification.set_manual(ids["K-4"], abc_class="B", reason="Rahmenvertrag")
    services.sales.add(ids["K-4"], SaleInput(date(2026, 3, 14), 900_000))
    assert _class(services, ids["K-4"]) == "B"


def test_with_fixed_amounts_a_sale_is_placed_against_the_amounts(services: Services) -> None:
    ids = _shop(services)
    settings = services.classification.settings()
    services.classification.save_settings(replace(
        settings, method="amount", a_min_cents=400_000, b_min_cents=100_000))
    services.classification.recompute()
    assert _class(services, ids["K-3"]) == "B"
    services.sales.add(ids["K-3"], SaleInput(date(2026, 3, 14), 250_000))
    assert _class(services, ids["K-3"]) == "A"


def test_a_purchase_ends_the_churn_risk_at_once(services: Services, db: Database) -> None:
    ids = _shop(services)
    services.classification.recompute()
    with db.write() as session:
        session.execute(update(Customer).where(Customer.id == ids["K-1"]).values(at_risk=True))
        session.commit()
    services.sales.add(ids["K-1"], SaleInput(date(2026, 3, 14), 1_000))
    with db.read() as session:
        assert session.get(Customer, ids["K-1"]).at_risk is False  # type: ignore[union-attr]


def test_warum_a_names_revenue_rank_share_and_the_lines(services: Services) -> None:
    ids = _shop(services)
    services.classification.recompute()
    why = services.classification.explain(ids["K-2"])
    assert (why.abc_class, why.revenue_cents, why.rank, why.customers) == ("A", 300_000, 2, 4)
    assert (why.total_cents, why.a_min_cents, why.b_min_cents) == (1_000_000, 300_000, 150_000)
    assert why.lines == (
        "Umsatz im Zeitraum 16.03.2025 bis 15.03.2026: 3.000,00 €.",
        "Rang 2 von 4 Kunden; das sind 30,0 % des Gesamtumsatzes von 10.000,00 €, die Kunden "
        "davor haben zusammen 50,0 %.",
        "Regel (nach Umsatzanteil): A, solange die Kunden davor unter 80 % des Umsatzes "
        "haben; B unter 95 %; sonst C.",
        "Grenzen (Lauf vom 15.03.2026): A ab 3.000,00 €, B ab 1.500,00 €.")


def test_warum_a_says_when_todays_figures_would_give_another_class(
    services: Services
) -> None:
    ids = _shop(services)
    services.classification.recompute()
    services.sales.add(ids["K-1"], SaleInput(date(2026, 3, 14), 2_000_000))
    why = services.classification.explain(ids["K-2"])
    assert (why.abc_class, why.computed_now) == ("A", "B")
    assert why.lines[-1] == ("Mit den heutigen Zahlen wäre es B; die nächste Neuberechnung "
                             "(nachts) ordnet neu ein.")


def test_warum_a_of_a_customer_without_sales_ranks_after_every_buyer(
    services: Services
) -> None:
    _shop(services)
    quiet = services.customers.create(CustomerInput(last_name="Still", number="K-0")).id
    services.classification.recompute()
    why = services.classification.explain(quiet)
    assert (why.abc_class, why.revenue_cents, why.rank, why.customers) == ("C", 0, 5, 5)


def test_warum_a_of_a_manual_class_gives_its_reason(services: Services) -> None:
    ids = _shop(services)
    services.classification.recompute()
    services.classification.set_manual(ids["K-4"], abc_class="A", reason="Rahmenvertrag")
    assert services.classification.explain(ids["K-4"]).lines[-1] == (
        "Die Klasse A ist von Hand festgelegt: Rahmenvertrag.")
