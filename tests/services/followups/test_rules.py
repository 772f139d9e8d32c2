from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import insert, select, update

from app.db import Database
from app.models import ClassAssignment, Customer, LetterQueueEntry, Sale
from app.services.clock import LOCAL_ZONE, FixedClock
from app.services.container import Services
from app.services.customers.dto import Birthday, CustomerInput
from app.services.errors import ValidationError
from app.services.followups.rules import RuleInput
from app.services.loyalty.vouchers import VoucherInput


def _customer(services: Services, last_name: str, birthday: Birthday | None = None) -> int:
    return services.customers.create(
        CustomerInput(first_name="Kai", last_name=last_name, birthday=birthday,
                      street="Lindenweg 3", postcode="01067", city="Dresden")).id


def _sale(db: Database, customer_id: int, day: date, cents: int = 10_000) -> None:
    with db.write() as session:
        session.execute(insert(Sale), [{
            "customer_id": customer_id, "sale_date": day, "amount_cents": cents,
            "description": "", "document_no": None,
            "created_at": datetime(2026, 1, 1, tzinfo=LOCAL_ZONE)}])
        session.commit()


def _rule(services: Services, kind: str):  # type: ignore[no-untyped-def]
    return next(r for r in services.rules.rules() if r.kind == kind)


def test_a_new_database_has_the_birthday_and_first_purchase_rules_on_and_the_dormant_off(
    services: Services,
) -> None:
    on = {r.kind: r.params for r in services.rules.rules() if r.enabled}
    assert on == {"birthday": {"days_before": 7}, "first_purchase": {"days_after": 14}}


def _switch_on(services: Services, kind: str) -> None:
    rule = _rule(services, kind)
    services.rules.update(rule.id, RuleInput(name=rule.name, enabled=True, params=rule.params,
                                             subject_template=rule.subject_template))


def test_the_app_closed_from_1_to_15_march_processes_each_missed_day_exactly_once(
    services: Services, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 2, 28, 8, 0))
    services.rules.run_due()  # seeds the defaults and processes 28.02.
    # one customer whose birthday is 7 days after each day from 1 to 15 March
    for n in range(15):
        target = date(2026, 3, 1) + timedelta(days=n + 7)
        _customer(services, f"Tag{n + 1}", Birthday(target.day, target.month, 1970))
    clock.set(datetime(2026, 3, 15, 10, 30))
    result = services.rules.run_due()
    assert result.days == tuple(date(2026, 3, 1) + timedelta(days=n) for n in range(15))
    assert result.per_rule["Geburtstag"].firings == 15
    fired = sorted(day for cid in range(1, 16)
                   for _name, _key, day in services.rules.firings(cid))
    assert fired == list(result.days)
    again = services.rules.run_due()
    assert (again.days, again.firings, again.followups) == ((), 0, ())


def test_rerunning_a_processed_day_creates_nothing(services: Services, clock: FixedClock) -> None:
    services.rules.run_due(as_of=date(2026, 3, 14))
    _customer(services, "Geburtstagskind", Birthday(22, 3, 1980))
    first = services.rules.run_due()
    assert first.per_rule["Geburtstag"].followups == 1
    assert services.rules.run_due().firings == 0
    assert services.rules.run_due(as_of=date(2026, 3, 15)).firings == 0
    assert len(services.followups.pending()) == 1


def test_a_firing_is_written_to_the_customers_timeline_with_its_reason(
    services: Services,
) -> None:
    services.rules.rules()
    cid = _customer(services, "Geburtstagskind", Birthday(22, 3, 1980))
    services.rules.run_due()
    entry = services.timeline.entries(cid)[0]
    assert entry.subject == "Regel „Geburtstag“: Geburtstag am 22.03.2026"
    assert entry.channel == "system" and "Wiedervorlage angelegt" in entry.text


@pytest.mark.parametrize(
    ("today", "fires"),
    [(date(2027, 2, 21), True), (date(2027, 2, 22), False), (date(2028, 2, 22), True)],
)
def test_a_29_february_birthday_is_celebrated_on_28_february_in_non_leap_years(
    services: Services, clock: FixedClock, today: date, fires: bool
) -> None:
    cid = _customer(services, "Schaltjahr", Birthday(29, 2, 1980))
    clock.set(datetime.combine(today, datetime.min.time()))
    services.rules.ensure_defaults()
    result = services.rules.run_due()
    assert (result.per_rule["Geburtstag"].firings == 1) is fires
    if fires:
        assert services.followups.for_customer(cid)[0].due_date == today


def test_first_purchase_and_dormant_rules_fire_on_their_day(
    services: Services, db: Database
) -> None:
    services.rules.ensure_defaults()
    _switch_on(services, "dormant")
    new = _customer(services, "Neukunde")
    _sale(db, new, date(2026, 3, 1))
    sleeper = _customer(services, "Schläfer")
    _sale(db, sleeper, date(2024, 3, 15))
    steady = _customer(services, "Treu")
    _sale(db, steady, date(2026, 3, 1))
    _sale(db, steady, date(2024, 3, 15))
    result = services.rules.run_due()
    subjects = {f.customer_id: f.subject for f in result.followups}
    assert subjects == {
        new: "Zufriedenheit nachfragen (Erstkauf am 01.03.2026)",
        sleeper: "Reaktivieren: kein Einkauf seit 15.03.2024"}


def test_customers_at_risk_fire_the_dormant_rule_once_per_last_purchase(
    services: Services, db: Database, clock: FixedClock
) -> None:
    services.rules.ensure_defaults()
    _switch_on(services, "dormant")
    cid = _customer(services, "Wackelkandidat")
    _sale(db, cid, date(2025, 6, 1))
    with db.write() as session:
        session.execute(update(Customer).where(Customer.id == cid).values(at_risk=True))
        session.commit()
    assert services.rules.run_due().per_rule["Schlafender Kunde"].firings == 1
    clock.set(datetime(2026, 3, 16, 9, 0))
    assert services.rules.run_due().firings == 0


def test_a_big_purchase_rule_queues_a_letter_and_skips_advertising_objections(
    services: Services, db: Database
) -> None:
    services.rules.ensure_defaults()
    big = _rule(services, "big_purchase")
    services.rules.update(big.id, RuleInput(
        name=big.name, enabled=True, params={"min_cents": 100_000, "days_after": 0},
        create_followup=False, letter_template="dankeschoen"))
    buyer, objector, small = (_customer(services, n) for n in ("Groß", "Nein", "Klein"))
    with db.write() as session:
        session.execute(update(Customer).where(Customer.id == objector).values(
            advertising_objection_at=datetime(2025, 1, 1, tzinfo=LOCAL_ZONE)))
        session.commit()
    _sale(db, buyer, date(2026, 3, 15), 150_000)
    _sale(db, objector, date(2026, 3, 15), 150_000)
    _sale(db, small, date(2026, 3, 15), 99_999)
    count = services.rules.run_due().per_rule["Großer Einkauf"]
    assert (count.firings, count.followups, count.letters) == (2, 0, 1)
    with db.read() as session:
        queued = session.execute(select(LetterQueueEntry.customer_id,
                                        LetterQueueEntry.template_key)).all()
    assert queued == [(buyer, "dankeschoen")]


def test_a_customer_who_became_a_fires_the_class_a_rule(
    services: Services, db: Database
) -> None:
    services.rules.ensure_defaults()
    rule = _rule(services, "class_a")
    services.rules.update(rule.id, RuleInput(name=rule.name, enabled=True, params={},
                                             subject_template="{{ kunde }}: {{ grund }}"))
    risen, stays = _customer(services, "Aufsteiger"), _customer(services, "Immer")
    with db.write() as session:
        session.execute(insert(ClassAssignment), [
            {"customer_id": cid, "abc_class": "A", "previous_class": prev,
             "as_of": date(2026, 3, 15), "method": "auto", "reason": "",
             "created_at": datetime(2026, 3, 15, tzinfo=LOCAL_ZONE)}
            for cid, prev in ((risen, "B"), (stays, "A"))])
        session.commit()
    assert [f.subject for f in services.rules.run_due().followups] == [
        "Kai Aufsteiger: neu A-Kunde"]


def test_a_future_as_of_date_is_refused(services: Services) -> None:
    with pytest.raises(ValidationError):
        services.rules.run_due(as_of=date(2026, 3, 16))


def test_two_simultaneous_runs_fire_each_occasion_once(
    services: Services, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 3, 1, 8, 0))
    services.rules.ensure_defaults()
    for n in range(10):
        target = date(2026, 3, 8) + timedelta(days=n)
        _customer(services, f"Kunde{n}", Birthday(target.day, target.month, 1970))
    clock.set(datetime(2026, 3, 15, 8, 0))
    results = []
    runners = [threading.Thread(target=lambda: results.append(services.rules.run_due()))
               for _ in range(2)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    assert sum(r.firings for r in results) == 10
    assert len(services.followups.pending()) == 10


def test_an_objector_gets_no_birthday_voucher_follow_up_or_letter_and_the_run_says_why(
    services: Services,
) -> None:
    services.rules.run_due(as_of=date(2026, 3, 14))
    rule = next(r for r in services.rules.rules() if r.kind == "birthday")
    services.rules.update(rule.id, RuleInput(
        name=rule.name, enabled=True, params=rule.params, create_followup=True,
        subject_template=rule.subject_template, letter_template="geburtstag",
        voucher_cents=1_000))
    objector = _customer(services, "Widerspruch", Birthday(22, 3, 1980))
    services.privacy.object_to_advertising(objector, by="Büro")
    result = services.rules.run_due()
    reason = "Werbewiderspruch vom 15.03.2026 (Art. 21 DSGVO)"
    assert [(h.customer_id, h.action, h.reason) for h in result.held_back] == [
        (objector, "Wiedervorlage", reason), (objector, "Brief „geburtstag“", reason),
        (objector, "Gutschein", reason)]
    assert services.followups.for_customer(objector) == []
    assert services.vouchers.of_customer(objector) == []
    assert services.today.letter_queue() == []
    assert result.per_rule["Geburtstag"].held_back == 3
    assert services.timeline.entries(objector)[0].text == (
        f"Wiedervorlage zurückgehalten: {reason}, Brief „geburtstag“ zurückgehalten: {reason}, "
        f"Gutschein zurückgehalten: {reason}")


def test_a_follow_up_names_the_ways_of_contact_the_policy_does_not_allow(
    services: Services,
) -> None:
    services.rules.run_due(as_of=date(2026, 3, 14))
    cid = _customer(services, "Ohnetelefon", Birthday(22, 3, 1980))
    services.rules.run_due()
    [followup] = services.followups.for_customer(cid)
    assert followup.notes == (
        "Kontakt nur per Brief. Nicht per Telefon: keine ausdrückliche Einwilligung in "
        "Telefonwerbung (§ 7 Abs. 2 Nr. 1 UWG). Nicht per E-Mail: keine ausdrückliche "
        "Einwilligung in E-Mail-Werbung (§ 7 Abs. 2 Nr. 2 UWG).")


def test_a_service_rule_reaches_a_customer_who_objected_to_advertising(
    services: Services,
) -> None:
    holder = _customer(services, "Gutscheininhaber")
    services.privacy.object_to_advertising(holder, by="Büro")
    rule = next(r for r in services.rules.rules() if r.kind == "voucher_expiring")
    services.rules.update(rule.id, RuleInput(
        name=rule.name, enabled=True, params=rule.params, create_followup=True,
        subject_template=rule.subject_template))
    services.vouchers.issue(VoucherInput(value_cents=5_000, customer_id=holder, promo=True,
                                         valid_until=date(2026, 4, 1)))
    result = services.rules.run_due()
    assert result.per_rule[rule.name].followups == 1
    assert result.held_back == ()
