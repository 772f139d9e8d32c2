"""Renewal reminders: a club membership running out (a rule), contracts renewing soon."""

from __future__ import annotations

from datetime import date, datetime

from app.services.clock import FixedClock
from app.services.club.service import LevelInput
from app.services.container import Services
from app.services.contracts.service import ContractInput
from app.services.customers.dto import CustomerInput
from app.services.followups.rules import RuleDTO, RuleInput


def switch_on(services: Services, kind: str) -> RuleDTO:
    rule = next(r for r in services.rules.rules() if r.kind == kind)
    return services.rules.update(rule.id, RuleInput(
        name=rule.name, enabled=True, params=rule.params,
        subject_template=rule.subject_template, letter_template=rule.letter_template))


def keys(services: Services, customer_id: int) -> list[tuple[str, date]]:
    return [(key, day) for _name, key, day in services.rules.firings(customer_id)]


def test_the_club_reminder_is_seeded_switched_off(services: Services) -> None:
    rules = {r.kind: r for r in services.rules.rules()}
    assert not rules["club_renewal"].enabled


def test_a_membership_fires_once_thirty_days_before_its_paid_year_ends(
        services: Services, clock: FixedClock) -> None:
    switch_on(services, "club_renewal")
    kid = services.customers.create(CustomerInput(first_name="Jan", last_name="Club")).id
    level = services.club.save_level(LevelInput(name="Premium"))
    member = services.club.join(kid, level_id=level.id)
    assert member.paid_until == date(2027, 3, 14)
    clock.set(datetime(2027, 2, 20, 9, 0))  # caught up from 16.03.2026
    services.rules.run_due()
    assert keys(services, kid) == [(f"club-{member.id}-2027-03-14", date(2027, 2, 12))]
    assert services.rules.run_due().firings == 0


def test_the_contracts_renewing_soon_are_listed_for_the_renewal_letter(
        services: Services, clock: FixedClock) -> None:
    kid = services.customers.create(CustomerInput(first_name="Jan", last_name="Vertrag")).id
    soon = services.contracts.add(ContractInput(
        customer_id=kid, start=date(2025, 4, 1), min_months=12, renewal="tacit",
        notice_months=1, price_cents=150_00, visit_rrule="FREQ=YEARLY"))
    services.contracts.add(ContractInput(
        customer_id=kid, start=date(2025, 9, 1), min_months=12, renewal="tacit",
        notice_months=1, price_cents=150_00, visit_rrule="FREQ=YEARLY"))
    assert [c.number for c in services.contracts.contracts(renewing_within=42)] == [
        soon.number]
    clock.set(datetime(2026, 4, 2, 9, 0))  # renewed into an indefinite term: no more renewals
    assert services.contracts.contracts(renewing_within=42) == []
