from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import update

from app.db import Database
from app.models import FollowUp, Rule
from app.services.clock import LOCAL_ZONE, FixedClock
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.followups.service import FollowUpInput

# The clock fixture stands at 15.03.2026 10:30.


def _rule(db: Database, name: str) -> int:
    with db.write() as session:
        rule = Rule(kind="dormant", name=name, created_at=datetime(2026, 1, 1, tzinfo=LOCAL_ZONE))
        session.add(rule)
        session.flush()
        rule_id = rule.id
        session.commit()
    return rule_id


def _followup(services: Services, db: Database, customer_id: int, subject: str, due: date, *,
              at: time | None = None, priority: int = 2, assignee: str = "",
              rule_id: int | None = None) -> int:
    item = services.followups.create(customer_id, FollowUpInput(
        subject=subject, due_date=due, due_time=at, priority=priority, assignee=assignee))
    if rule_id is not None:
        with db.write() as session:
            session.execute(update(FollowUp).where(FollowUp.id == item.id)
                            .values(rule_id=rule_id))
            session.commit()
    return item.id


@pytest.fixture
def shop(services: Services, db: Database) -> dict[str, int]:
    """Two Betreuer, a dormant-customer rule with three due follow-ups, and typed ones."""
    anna = services.customers.create(CustomerInput(last_name="Adler", owner="Anna")).id
    bernd = services.customers.create(CustomerInput(last_name="Bär", owner="Bernd")).id
    nobody = services.customers.create(CustomerInput(last_name="Cäsar")).id
    dormant = _rule(db, "Schlafender Kunde")
    for cid in (anna, bernd, nobody):
        _followup(services, db, cid, "Reaktivieren", date(2026, 3, 14), rule_id=dormant)
    _followup(services, db, bernd, "Angebot nachfassen", date(2026, 3, 10))
    _followup(services, db, nobody, "Reklamation klären", date(2026, 3, 15), priority=1,
              assignee="Anna")
    _followup(services, db, anna, "Rückruf 9 Uhr", date(2026, 3, 15), at=time(9, 0))
    _followup(services, db, anna, "Rückruf 14 Uhr", date(2026, 3, 15), at=time(14, 0))
    _followup(services, db, bernd, "Kleinkram", date(2026, 3, 15), priority=3)
    _followup(services, db, anna, "Nächste Woche", date(2026, 3, 22))
    return {"anna": anna, "bernd": bernd, "nobody": nobody, "dormant": dormant}


def _titles(services: Services, mine_of: str = "") -> list[str]:
    return [entry.title for entry in services.today.agenda(mine_of=mine_of).entries]


def test_the_agenda_counts_overdue_due_today_and_high_priority(
    services: Services, shop: dict[str, int]
) -> None:
    agenda = services.today.agenda()
    # overdue: the three rule ones (14.03.), "Angebot" (10.03.), "Rückruf 9 Uhr" (past 09:00)
    assert (agenda.counts.overdue, agenda.counts.today, agenda.counts.high) == (5, 3, 1)
    assert agenda.counts.text == "5 überfällig · 3 heute · 1 hoch"
    assert (agenda.shown, agenda.total) == (8, 8)


def test_a_follow_up_due_later_today_is_due_today_not_overdue(
    services: Services, shop: dict[str, int], clock: FixedClock
) -> None:
    clock.set(datetime(2026, 3, 15, 8, 0, tzinfo=LOCAL_ZONE))
    agenda = services.today.agenda()
    assert (agenda.counts.overdue, agenda.counts.today) == (4, 4)


def test_high_priority_comes_first_then_the_oldest_due_and_low_priority_last(
    services: Services, shop: dict[str, int]
) -> None:
    assert _titles(services) == [
        "Reklamation klären", "Angebot nachfassen", "Schlafender Kunde (3)",
        "Rückruf 9 Uhr", "Rückruf 14 Uhr", "Kleinkram"]


def test_the_follow_ups_of_one_rule_are_one_entry_that_holds_them_all(
    services: Services, shop: dict[str, int]
) -> None:
    group = next(e for e in services.today.agenda().entries if e.is_group)
    assert (group.rule_id, group.rule_name, group.overdue) == (
        shop["dormant"], "Schlafender Kunde", 3)
    assert [item.customer_name for item in group.items] == ["Adler", "Bär", "Cäsar"]
    singles = [e for e in services.today.agenda().entries if not e.is_group]
    assert all(len(e.items) == 1 and e.rule_id is None for e in singles)


def test_nur_meine_keeps_what_is_assigned_to_me_or_unassigned_on_my_customers(
    services: Services, shop: dict[str, int]
) -> None:
    # Anna: her own customer's rule follow-up and calls, and the complaint assigned to her
    # on a customer without a Betreuer; nothing of Bernd's customers, nothing unassigned of
    # the customer without a Betreuer.
    assert _titles(services, "Anna") == [
        "Reklamation klären", "Schlafender Kunde (1)", "Rückruf 9 Uhr", "Rückruf 14 Uhr"]
    agenda = services.today.agenda(mine_of="Anna")
    assert (agenda.shown, agenda.total, agenda.mine_of) == (4, 8, "Anna")
    assert agenda.counts.text == "2 überfällig · 2 heute · 1 hoch"


def test_a_follow_up_assigned_to_someone_else_is_not_mine_on_my_customer(
    services: Services, db: Database, shop: dict[str, int]
) -> None:
    _followup(services, db, shop["anna"], "Für Bernd", date(2026, 3, 15), assignee="Bernd")
    assert "Für Bernd" not in _titles(services, "Anna")
    assert "Für Bernd" in _titles(services, "Bernd")


def test_a_follow_up_due_after_today_is_not_on_the_agenda(
    services: Services, shop: dict[str, int]
) -> None:
    assert "Nächste Woche" not in _titles(services)
