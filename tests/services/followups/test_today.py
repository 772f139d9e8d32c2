from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import insert, select, update

from app.db import Database
from app.models import Consent, Customer
from app.services.clock import LOCAL_ZONE
from app.services.container import Services
from app.services.customers.dto import Birthday, CustomerInput
from app.services.errors import ValidationError
from app.services.followups.service import MaintenanceInput
from app.services.followups.today import LETTER_FOR
from app.services.letters.builtin import BUILTIN_TEMPLATES
from app.services.privacy.consents import ConsentInput
from app.services.privacy.contact_policy import Channel, Purpose, decide_many


def _customer(services: Services, db: Database, name: str, *, abc: str | None = None,
              at_risk: bool = False, birthday: Birthday | None = None,
              phone_consent: bool = True) -> int:
    cid = services.customers.create(CustomerInput(
        last_name=name, birthday=birthday, phone="0351 1234567", street="Ringstraße 1",
        postcode="01067", city="Dresden")).id
    if phone_consent:
        services.privacy.record_consent(cid, ConsentInput(
            purpose="phone", granted=True, given_on=date(2026, 1, 5), method="form"), by="Büro")
    with db.write() as session:
        session.execute(update(Customer).where(Customer.id == cid).values(
            abc_class=abc, at_risk=at_risk,
            created_at=datetime(2025, 1, 1, tzinfo=LOCAL_ZONE)))
        session.commit()
    return cid


@pytest.fixture
def seeded(services: Services, db: Database) -> dict[str, int]:
    ids = {
        "a_silent": _customer(services, db, "Adler", abc="A"),
        "risk_b": _customer(services, db, "Bär", abc="B", at_risk=True),
        "birthday": _customer(services, db, "Cäsar", birthday=Birthday(17, 3, 1970)),
        "heating": _customer(services, db, "Dachs"),
        "nobody": _customer(services, db, "Egel", abc="C"),
    }
    services.timeline.add(ids["a_silent"], channel="phone", subject="Angebot",
                          occurred_at=datetime(2025, 11, 1, 10, 0, tzinfo=LOCAL_ZONE))
    services.followups.add_maintenance(ids["heating"], MaintenanceInput(
        name="Gasheizung", rrule="FREQ=YEARLY", first_due=date(2026, 4, 1)))
    return ids


def test_the_call_list_ranks_by_the_documented_score_with_each_reason_in_words(
    services: Services, seeded: dict[str, int]
) -> None:
    rows = services.today.call_list().suggestions
    assert [(r.customer_id, r.score) for r in rows] == [
        (seeded["a_silent"], 40 + (134 - 90) // 3 + 20),
        (seeded["heating"], 20 + (31 - 17) // 2 + 15),
        (seeded["risk_b"], 30 + 10),
        (seeded["birthday"], 25 + 3 * (7 - 2)),
    ]
    assert rows[0].reason_text == "A-Kunde, letzter Kontakt vor 134 Tagen"
    assert rows[0].score_text == "A-Kunde, letzter Kontakt vor 134 Tagen 54 + A-Kunde 20 = 74"
    assert rows[1].reason_text == ("Wartung Gasheizung fällig am 01.04.2026; Gasheizung ohne "
                                   "Wartungsvertrag – Vertrag anbieten")
    assert rows[3].reason_text == "Geburtstag am 17.03.2026"


def test_a_noted_call_and_a_dismissal_take_customers_off_the_list(
    services: Services, seeded: dict[str, int]
) -> None:
    services.today.note_call(seeded["a_silent"], text="erreicht", by="Meister")
    assert services.today.dismiss(seeded["risk_b"], days=3) == date(2026, 3, 18)
    assert seeded["a_silent"] not in {r.customer_id for r in services.today.call_list().suggestions}
    assert seeded["risk_b"] not in {r.customer_id for r in services.today.call_list().suggestions}
    assert services.timeline.entries(seeded["a_silent"])[0].subject == \
        "Anruf notiert (Heute-Liste)"


def test_a_queued_letter_lands_on_the_letter_list_and_the_timeline(
    services: Services, seeded: dict[str, int]
) -> None:
    cid = seeded["birthday"]
    entry = services.today.queue_letter(cid, template_key="geburtstag", by="Büro")
    assert services.today.letter_queue() == [(entry, cid, "geburtstag")]
    assert services.timeline.entries(cid)[0].subject == "Für Brief „geburtstag“ vorgemerkt"
    with pytest.raises(ValidationError):
        services.today.queue_letter(cid, template_key=" ")


def test_a_consumer_without_phone_consent_is_held_back_from_advertising_calls_with_the_reason(
    services: Services, db: Database,
) -> None:
    silent = _customer(services, db, "Fink", abc="A", phone_consent=False)
    calls = services.today.call_list()
    assert silent not in {s.customer_id for s in calls.suggestions}
    assert [(h.customer_id, h.reasons, h.reason, h.code) for h in calls.held_back] == [
        (silent, ("A-Kunde, noch kein Kontakt eingetragen",),
         "keine ausdrückliche Einwilligung in Telefonwerbung (§ 7 Abs. 2 Nr. 1 UWG)",
         "no_consent")]
    assert calls.held_back_count == 1


def test_an_objector_keeps_only_the_maintenance_call_he_is_owed_under_the_contract(
    services: Services, db: Database, seeded: dict[str, int],
) -> None:
    heating = seeded["heating"]
    with db.write() as session:
        session.execute(update(Customer).where(Customer.id == heating).values(at_risk=True))
        session.commit()
    services.privacy.object_to_advertising(heating, by="Büro")
    services.privacy.object_to_advertising(seeded["risk_b"], by="Büro")
    calls = services.today.call_list()
    row = next(s for s in calls.suggestions if s.customer_id == heating)
    assert (row.reasons, row.purpose) == (("Wartung Gasheizung fällig am 01.04.2026",),
                                          "service")
    assert [(h.customer_id, h.reason) for h in calls.held_back] == [
        (seeded["risk_b"], "Werbewiderspruch vom 15.03.2026 (Art. 21 DSGVO)")]


def test_a_business_customer_is_called_on_presumed_consent(
    services: Services, db: Database,
) -> None:
    firm = services.customers.create(CustomerInput(
        kind="business", company="Dachdeckerei Fink GmbH", phone="0351 7654321")).id
    with db.write() as session:
        session.execute(update(Customer).where(Customer.id == firm).values(
            abc_class="A", created_at=datetime(2025, 1, 1, tzinfo=LOCAL_ZONE)))
        session.commit()
    assert [s.customer_id for s in services.today.call_list().suggestions] == [firm]


def test_a_letter_is_not_queued_for_an_objector_but_the_maintenance_letter_is(
    services: Services, seeded: dict[str, int],
) -> None:
    cid = seeded["heating"]
    services.privacy.object_to_advertising(cid, by="Büro")
    with pytest.raises(ValidationError) as err:
        services.today.queue_letter(cid, template_key="reaktivierung", by="Büro")
    assert err.value.fields["template_key"] == (
        "kein Brief an diesen Kunden: Werbewiderspruch vom 15.03.2026 (Art. 21 DSGVO)")
    services.today.queue_letter(cid, template_key=LETTER_FOR["maintenance"],
                                reasons=("maintenance",), by="Büro")
    assert [key for _e, _c, key in services.today.letter_queue()] == [LETTER_FOR["maintenance"]]


def test_the_maintenance_template_offering_a_contract_is_advertising_and_not_for_an_objector(
    services: Services, seeded: dict[str, int],
) -> None:
    """Art. 21 Abs. 3 DSGVO: the same template, written to offer a contract, is an offer."""
    cid = seeded["heating"]
    services.privacy.object_to_advertising(cid, by="Büro")
    for reasons in (("no_contract",), ("maintenance", "no_contract"), ()):
        with pytest.raises(ValidationError):
            services.today.queue_letter(cid, template_key=LETTER_FOR["no_contract"],
                                        reasons=reasons, by="Büro")
    assert services.today.letter_queue() == []


def test_the_policy_is_asked_in_score_order_only_until_nobody_else_can_reach_the_list(
    services: Services, db: Database,
) -> None:
    """1,200 A customers, every third with a phone consent: the list is the same as asking
    the policy for all of them, but fewer than all are asked (and listed as held back)."""
    now = datetime(2026, 3, 15, tzinfo=LOCAL_ZONE)
    with db.write() as session:
        session.execute(insert(Customer), [{
            "number": f"K-{900000 + i}", "kind": "private", "last_name": f"Kunde{i:04d}",
            "phone": "+49351123456", "abc_class": "A", "created_at":
            now - timedelta(days=91 + i % 90), "updated_at": now} for i in range(1200)])
        ids = list(session.scalars(select(Customer.id).order_by(Customer.id)))
        session.execute(insert(Consent), [{
            "customer_id": cid, "purpose": "phone", "granted": True,
            "given_on": date(2026, 1, 1), "method": "form", "recorded_by": "t",
            "recorded_at": now} for cid in ids[::3]])
        session.commit()
    calls = services.today.call_list()
    with db.read() as session:
        decisions = decide_many(session, ids, channel=Channel.PHONE,
                                purpose=Purpose.ADVERTISING, today=date(2026, 3, 15))
    allowed = [cid for cid, decision in decisions.items() if decision.allowed]
    idle = {cid: 91 + i % 90 for i, cid in enumerate(ids)}
    best = sorted(allowed, key=lambda c: (-(40 + (idle[c] - 90) // 3), f"Kunde{ids.index(c):04d}"))
    assert [s.customer_id for s in calls.suggestions] == best[:50]
    assert 0 < calls.held_back_count < len(ids) - len(allowed)


def test_every_reason_proposes_a_letter_template_that_ships_with_the_app() -> None:
    shipped = {template.key for template in BUILTIN_TEMPLATES}
    assert {reason: key for reason, key in LETTER_FOR.items() if key not in shipped} == {}
