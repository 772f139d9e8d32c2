"""The rule kinds and the action that come from bonus cards and vouchers."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from app.models import Rule, RuleFiring, Setting, Voucher
from app.services.clock import FixedClock
from app.services.container import Services
from app.services.customers.dto import Birthday, CustomerInput
from app.services.errors import ValidationError
from app.services.followups.rules import RuleDTO, RuleInput
from app.services.loyalty.vouchers import VoucherInput
from tests.services.loyalty.loyalty_helpers import POINTS, card, customer


def _rule(services: Services, kind: str) -> RuleDTO:
    return next(r for r in services.rules.rules() if r.kind == kind)


def _switch_on(services: Services, kind: str, **changes: object) -> RuleDTO:
    rule = _rule(services, kind)
    values = {"name": rule.name, "enabled": True, "params": rule.params,
              "subject_template": rule.subject_template, **changes}
    return services.rules.update(rule.id, RuleInput(**values))  # type: ignore[arg-type]


def _keys(services: Services, customer_id: int) -> list[tuple[str, date]]:
    return [(key, day) for _name, key, day in services.rules.firings(customer_id)]


def test_the_new_kinds_are_seeded_switched_off_in_a_new_database(services: Services) -> None:
    rules = {r.kind: r for r in services.rules.rules()}
    assert not rules["voucher_expiring"].enabled and not rules["card_reward"].enabled
    assert rules["voucher_expiring"].params == {"days_before": 30}
    assert (rules["card_reward"].voucher_cents, rules["card_reward"].voucher_days) == (0, 0)


def test_a_database_seeded_before_the_new_kinds_gets_them_once(services: Services) -> None:
    services.rules.ensure_defaults()
    with services.db.write() as session:  # as a database seeded by the first release
        session.execute(delete(Rule).where(Rule.kind.in_(("voucher_expiring", "card_reward"))))
        session.execute(delete(Setting).where(Setting.key == "rules_seeded_kinds"))
        session.commit()
    kinds = [r.kind for r in services.rules.rules()]
    assert kinds.count("voucher_expiring") == kinds.count("card_reward") == 1
    assert kinds.count("birthday") == 1
    with services.db.write() as session:  # deleted by hand: stays deleted
        session.execute(delete(Rule).where(Rule.kind == "card_reward"))
        session.commit()
    assert "card_reward" not in [r.kind for r in services.rules.rules()]


def test_a_voucher_expiring_within_n_days_fires_once_on_the_day_it_enters_the_window(
    services: Services, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 3, 10, 9, 0))
    _switch_on(services, "voucher_expiring", params={"days_before": 30})
    holder, spent_holder = customer(services, "Inhaber"), customer(services, "Ausgegeben")
    soon = services.vouchers.issue(VoucherInput(value_cents=5_000, customer_id=holder,
                                                promo=True, valid_until=date(2026, 4, 20)))
    services.vouchers.issue(VoucherInput(value_cents=5_000, customer_id=holder))  # 2029
    spent = services.vouchers.issue(VoucherInput(value_cents=2_000, customer_id=spent_holder,
                                                 promo=True, valid_until=date(2026, 4, 1)))
    services.vouchers.redeem(spent.code, amount_cents=2_000)
    clock.set(datetime(2026, 3, 25, 9, 0))  # the PC was off: 11.03.–25.03. caught up
    result = services.rules.run_due()
    assert result.per_rule["Gutschein läuft ab"].firings == 1
    assert _keys(services, holder) == [(f"voucher-{soon.id}", date(2026, 3, 21))]
    assert _keys(services, spent_holder) == []
    followup = services.followups.for_customer(holder)[0]
    assert followup.subject == (f"Auf Gutschein hinweisen: Gutschein {soon.display_code} "
                                "(50,00 € Restwert) läuft am 20.04.2026 ab")
    clock.set(datetime(2026, 3, 30, 9, 0))
    assert services.rules.run_due().firings == 0
    assert services.rules.run_due().firings == 0


def test_a_card_fires_once_per_reaching_the_cheapest_reward(
    services: Services, clock: FixedClock
) -> None:
    _switch_on(services, "card_reward", params={})
    member = card(services, POINTS)
    services.programs.save_reward(program_id=member.program_id, name="Thermobecher", cost=300)
    cup = services.programs.save_reward(program_id=member.program_id, name="Kaffeetasse",
                                       cost=100)
    day = date(2026, 3, 15)

    def book(points: int) -> int:
        nonlocal day
        if points > 0:
            services.loyalty.credit(member.number, points=points)
        else:
            services.loyalty.redeem(member.number, points=-points)
        result = services.rules.run_due()
        day += timedelta(days=1)
        clock.set(datetime(day.year, day.month, day.day, 9, 0))
        return result.firings

    assert [book(60), book(50), book(50), book(-100), book(-10), book(60)] == [
        0, 1, 0, 0, 0, 1]
    with services.db.read() as session:
        keys = list(session.scalars(select(RuleFiring.occasion_key).order_by(RuleFiring.id)))
    assert len(keys) == 2 and all(k.startswith(f"reward-{member.account_id}-{cup.id}-")
                                  for k in keys)
    subject = services.followups.for_customer(member.customer_id or 0)[-1].subject
    assert "110 Punkte reichen für „Kaffeetasse“ (100 Punkte)" in subject


def test_the_voucher_action_issues_one_promotional_voucher_per_firing(
    services: Services, clock: FixedClock
) -> None:
    _switch_on(services, "birthday", create_followup=False, voucher_cents=1_000,
               voucher_days=30)
    cid = services.customers.create(CustomerInput(
        last_name="Geburtstagskind", birthday=Birthday(22, 3, 1980), street="Lindenweg 3",
        postcode="01067", city="Dresden")).id
    first = services.rules.run_due()
    assert (first.per_rule["Geburtstag"].vouchers, first.per_rule["Geburtstag"].followups) == (
        1, 0)
    assert services.rules.run_due().firings == 0
    clock.set(datetime(2026, 3, 16, 9, 0))
    services.rules.run_due()
    [voucher] = services.vouchers.of_customer(cid)
    assert (voucher.value_cents, voucher.promo, voucher.valid_until, voucher.campaign) == (
        1_000, True, date(2026, 4, 14), "Geburtstag")
    firing = services.timeline.entries(cid)[0]
    assert firing.subject == "Regel „Geburtstag“: Geburtstag am 22.03.2026"
    assert f"Gutschein {voucher.display_code} über 10,00 € ausgegeben" in firing.text


def test_a_rule_needs_at_least_one_action_and_a_sane_voucher(services: Services) -> None:
    rule = _rule(services, "class_a")
    with pytest.raises(ValidationError, match="Gutschein wählen"):
        services.rules.update(rule.id, RuleInput(name=rule.name, enabled=True, params={},
                                                 create_followup=False))
    with pytest.raises(ValidationError, match="Gutscheinwert"):
        services.rules.update(rule.id, RuleInput(name=rule.name, enabled=True, params={},
                                                 voucher_cents=-5))
    only_voucher = services.rules.update(rule.id, RuleInput(
        name=rule.name, enabled=True, params={}, create_followup=False, voucher_cents=500))
    assert (only_voucher.params, only_voucher.voucher_cents) == ({}, 500)
    with services.db.read() as session:
        stored = json.loads(session.scalar(select(Rule.params).where(Rule.id == rule.id)))
    assert stored == {"voucher_cents": 500, "voucher_days": 0, "by_email": 0, "per_day": 0,
                      "released": 0, "waiting": 0}


def test_vouchers_of_other_customers_and_archived_ones_do_not_fire(
    services: Services, clock: FixedClock
) -> None:
    _switch_on(services, "voucher_expiring", params={"days_before": 30})
    services.vouchers.issue(VoucherInput(value_cents=5_000, promo=True,
                                         valid_until=date(2026, 3, 20)))  # no customer
    archived = customer(services, "Archiv")
    services.vouchers.issue(VoucherInput(value_cents=5_000, customer_id=archived, promo=True,
                                         valid_until=date(2026, 3, 20)))
    services.customers.set_archived(archived, True)
    with services.db.read() as session:
        assert session.scalar(select(Voucher.id).limit(1)) is not None
    assert services.rules.run_due().firings == 0
