"""Rules that would create many follow-ups at once ask first (issue #15: the first night after
an import created 324 "Reaktivieren" follow-ups)."""

from __future__ import annotations

import importlib
from datetime import date, datetime

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import insert, select, update

from app.db import Database
from app.models import Customer, FollowUp, Rule, RuleFiring, Sale
from app.services.clock import LOCAL_ZONE, FixedClock
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.errors import ValidationError
from app.services.followups.rules import MANY, RuleDTO, RuleInput


def at_risk_customers(services: Services, count: int) -> list[int]:
    """Customers whose at-risk flag fires the dormant rule today (a lasting occasion)."""
    ids = [services.customers.create(CustomerInput(
        first_name="Kai", last_name=f"Kunde{n}", street="Lindenweg 3", postcode="01067",
        city="Dresden")).id for n in range(count)]
    with services.db.write() as session:
        session.execute(insert(Sale), [{
            "customer_id": cid, "sale_date": date(2025, 6, 1), "amount_cents": 10_000,
            "description": "", "document_no": None,
            "created_at": datetime(2025, 6, 1, tzinfo=LOCAL_ZONE)} for cid in ids])
        session.execute(update(Customer).where(Customer.id.in_(ids)).values(at_risk=True))
        session.commit()
    return ids


def dormant(services: Services) -> RuleDTO:
    return next(r for r in services.rules.rules() if r.kind == "dormant")


def switch(services: Services, *, on: bool) -> None:
    rule = dormant(services)
    services.rules.update(rule.id, RuleInput(name=rule.name, enabled=on, params=rule.params,
                                             subject_template=rule.subject_template))


def followups(db: Database) -> int:
    with db.read() as session:
        return len(session.scalars(select(FollowUp.id)).all())


def test_a_dry_run_counts_what_a_rule_would_create_today_and_writes_nothing(
    services: Services, db: Database,
) -> None:
    at_risk_customers(services, 30)
    rule = dormant(services)
    preview = services.rule_release.dry_run(rule.id)
    assert (preview.count, preview.many, preview.enabled) == (30, True, False)
    with db.read() as session:
        assert session.scalars(select(RuleFiring.id)).all() == []
        assert session.get(Rule, rule.id).last_processed == rule.last_processed  # type: ignore[union-attr]
    assert followups(db) == 0


def test_a_rule_switched_on_that_would_create_many_waits_and_reports_the_number(
    services: Services, db: Database,
) -> None:
    at_risk_customers(services, MANY + 10)
    switch(services, on=True)
    result = services.rules.run_due()
    rule = dormant(services)
    assert result.waiting == {rule.id: MANY + 10} and rule.waiting == MANY + 10
    assert result.followups == () and followups(db) == 0


def test_a_released_rule_spread_out_creates_at_most_n_a_day_until_all_are_done(
    services: Services, db: Database, clock: FixedClock,
) -> None:
    at_risk_customers(services, 25)
    switch(services, on=True)
    services.rules.run_due()
    services.rule_release.release(dormant(services).id, per_day=10)
    assert len(services.rules.run_due().followups) == 10
    assert dormant(services).waiting == 0
    clock.set(datetime(2026, 3, 16, 9, 0))
    assert len(services.rules.run_due().followups) == 10
    clock.set(datetime(2026, 3, 17, 9, 0))
    assert len(services.rules.run_due().followups) == 5
    assert followups(db) == 25


def test_a_rule_released_all_at_once_creates_every_follow_up_at_the_next_run(
    services: Services, db: Database,
) -> None:
    at_risk_customers(services, 25)
    services.rule_release.release(dormant(services).id, per_day=0)
    assert dormant(services).enabled
    assert len(services.rules.run_due().followups) == 25


def test_declining_switches_the_rule_off_and_creates_nothing(
    services: Services, db: Database,
) -> None:
    at_risk_customers(services, 25)
    switch(services, on=True)
    services.rules.run_due()
    services.rule_release.decline(dormant(services).id)
    rule = dormant(services)
    assert (rule.enabled, rule.waiting) == (False, 0)
    assert services.rules.run_due().followups == () and followups(db) == 0


def test_a_rule_with_few_occasions_acts_without_asking(
    services: Services, db: Database,
) -> None:
    at_risk_customers(services, MANY)
    switch(services, on=True)
    result = services.rules.run_due()
    assert len(result.followups) == MANY and result.waiting == {}


def test_switching_a_released_rule_off_and_on_again_asks_again(
    services: Services, db: Database, clock: FixedClock,
) -> None:
    services.rule_release.release(dormant(services).id, per_day=0)
    services.rules.run_due()
    switch(services, on=False)
    at_risk_customers(services, 25)
    switch(services, on=True)
    assert dormant(services).released == 0
    assert services.rules.run_due().waiting == {dormant(services).id: 25}


def test_a_rule_subject_uses_the_template_placeholders_and_refuses_unknown_ones(
    services: Services,
) -> None:
    rule = dormant(services)
    base = RuleInput(name=rule.name, enabled=False, params=rule.params)
    with pytest.raises(ValidationError, match="doppelten geschweiften Klammern"):
        services.rules.update(rule.id, RuleInput(**{**base.__dict__,
                                                    "subject_template": "Anrufen: {reason}"}))
    with pytest.raises(ValidationError, match=r"unbekannter Platzhalter „name“.*\{\{ grund \}\}"):
        services.rules.update(rule.id, RuleInput(**{**base.__dict__,
                                                    "subject_template": "{{ name }}"}))
    with pytest.raises(ValidationError, match="nur Text und Platzhalter"):
        services.rules.update(rule.id, RuleInput(
            **{**base.__dict__, "subject_template": "{% for x in y %}{% endfor %}"}))
    saved = services.rules.update(rule.id, RuleInput(
        **{**base.__dict__, "subject_template": "{{ kunde }} ({{ kundennummer }}): {{ grund }}"}))
    assert saved.subject_template == "{{ kunde }} ({{ kundennummer }}): {{ grund }}"


def test_the_migration_rewrites_stored_rule_subjects_to_the_template_syntax(
    services: Services, db: Database,
) -> None:
    rule = dormant(services)
    with db.write() as session:
        session.execute(update(Rule).where(Rule.id == rule.id).values(
            subject_template="{name} ({number}): {reason}"))
        session.commit()
    migration = importlib.import_module(
        "app.migrations.versions.0017_rule_subject_placeholders")
    with db.engine.begin() as connection:
        with Operations.context(MigrationContext.configure(connection)):
            migration.upgrade()
    assert dormant(services).subject_template == "{{ kunde }} ({{ kundennummer }}): {{ grund }}"
    with db.engine.begin() as connection:
        with Operations.context(MigrationContext.configure(connection)):
            migration.downgrade()
    assert dormant(services).subject_template == "{name} ({number}): {reason}"
