from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import func, select

from app.db import Database, open_database
from app.models import ContactPerson, Customer, Sale
from app.services.clock import FixedClock
from app.services.container import Services
from app.services.customers.dto import ContactInput
from app.services.demo.showcase import COMPANY, SEGMENT_NAME, ShowcaseResult, populate


@pytest.mark.slow
def test_populate_gives_every_screen_something_to_show(
        services: Services, clock: FixedClock, tmp_path: Path) -> None:
    result = populate(services, customers=200, seed=4, mailing_out=tmp_path / "mailing.pdf")

    assert result.demo.customers == 200
    classes = {row.abc_class for row in services.customers.search("", limit=500)}
    assert {"A", "B", "C"} <= classes
    figures = services.dashboard.compute()
    assert figures.revenue_12m_cents > 0 and figures.at_risk_total > 0
    assert figures.nps_answers_12m > 0 and figures.csat_average_12m is not None
    assert len(figures.open_complaints) == 2
    assert figures.risen_to_a or figures.fallen_from_a
    assert services.followups.due(until=clock.today())
    assert services.today.call_list().suggestions
    assert result.rule_followups > 0
    statuses = {v.status for v in services.vouchers.listing()}
    assert statuses == {"valid", "spent", "expired"}
    assert any(v.remaining_cents < v.value_cents for v in services.vouchers.listing()
               if v.status == "valid" and v.kind == "value")
    programs = services.programs.programs()
    assert {p.kind for p in programs} == {"points", "stamps"}
    for program in programs:
        assert any(card.balance > 0 for card in
                   services.loyalty.active_cards(program_id=program.id))
    assert services.company.get().name == COMPANY.name
    assert services.segments.count(SEGMENT_NAME) > 0
    assert result.consents > 0
    assert result.mailing is not None and result.mailing.control > 0
    with pdfplumber.open(tmp_path / "mailing.pdf") as pdf:
        assert len(pdf.pages) == result.mailing.letters_printed
        assert COMPANY.name in (pdf.pages[0].extract_text() or "")
    objected = [c for c in _ids(services.db) if
                services.privacy.overview(c).objection_at is not None]
    assert len(objected) == 1
    assert result.lines()[0].startswith("200 Kunden")


@pytest.mark.slow
def test_populate_is_deterministic_for_a_seed(
        clock: FixedClock, migrated_template: Path, tmp_path: Path) -> None:
    snapshots = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.sqlite3"
        path.write_bytes(migrated_template.read_bytes())
        db = open_database(f"sqlite:///{path}")
        try:
            services = Services.build(db, clock)
            result = populate(services, customers=80, seed=9)
            snapshots.append((_counts(result), _state(db),
                              [(s.customer_name, s.score)
                               for s in services.today.call_list().suggestions],
                              [(f.customer_id, f.subject) for f in services.followups.pending()]))
        finally:
            db.dispose()
    assert snapshots[0] == snapshots[1]


def test_a_second_demo_run_adds_to_the_first(services: Services) -> None:
    populate(services, customers=40, seed=1)
    second = populate(services, customers=30, seed=2)
    assert second.cards > 0
    assert len(_ids(services.db)) == 70
    assert len(services.programs.programs()) == 2


def test_a_contact_person_added_after_the_demo_gets_an_id_of_its_own(
    services: Services,
) -> None:
    """The demo leaves each table's id sequence where the rows are (PostgreSQL keeps a
    sequence of its own that explicit ids would not move)."""
    populate(services, customers=40, seed=1)
    with services.db.read() as session:
        firm = session.scalar(select(Customer.id).where(Customer.kind == "business").limit(1))
        before = session.scalar(select(func.count(ContactPerson.id)))
    assert firm is not None and before
    added = services.customers.add_contact(firm, ContactInput(last_name="Roth"), by="Büro")
    with services.db.read() as session:
        assert session.scalar(select(func.count(ContactPerson.id))) == before + 1
        contact = session.get(ContactPerson, added.id)
        assert contact is not None and contact.last_name == "Roth"


def _counts(result: ShowcaseResult) -> tuple[int, ...]:
    return (result.demo.sales, result.maintenance_objects, result.followups,
            result.rule_followups, result.cards, result.points_entries, result.vouchers,
            result.scores, result.complaints, result.consents)


def _ids(db: Database) -> list[int]:
    with db.read() as session:
        return list(session.scalars(select(Customer.id)))


def _state(db: Database) -> list[tuple[object, ...]]:
    with db.read() as session:
        return [tuple(row) for row in session.execute(
            select(Customer.number, Customer.abc_class, Customer.rfm_segment, Customer.at_risk,
                   select(Sale.amount_cents).where(Sale.customer_id == Customer.id)
                   .order_by(Sale.id).limit(1).scalar_subquery())
            .order_by(Customer.id))]
