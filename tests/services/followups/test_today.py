from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import update

from app.db import Database
from app.models import Customer
from app.services.clock import LOCAL_ZONE
from app.services.container import Services
from app.services.customers.dto import Birthday, CustomerInput
from app.services.errors import ValidationError
from app.services.followups.service import MaintenanceInput


def _customer(services: Services, db: Database, name: str, *, abc: str | None = None,
              at_risk: bool = False, birthday: Birthday | None = None) -> int:
    cid = services.customers.create(CustomerInput(last_name=name, birthday=birthday)).id
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
    rows = services.today.call_list()
    assert [(r.customer_id, r.score) for r in rows] == [
        (seeded["a_silent"], 40 + (134 - 90) // 3 + 20),
        (seeded["risk_b"], 30 + 10),
        (seeded["birthday"], 25 + 3 * (7 - 2)),
        (seeded["heating"], 20 + (31 - 17) // 2),
    ]
    assert rows[0].reason_text == "A-Kunde, letzter Kontakt vor 134 Tagen"
    assert rows[0].score_text == "A-Kunde, letzter Kontakt vor 134 Tagen 54 + A-Kunde 20 = 74"
    assert rows[2].reason_text == "Geburtstag am 17.03.2026"
    assert rows[3].reason_text == "Wartung Gasheizung fällig am 01.04.2026"


def test_a_noted_call_and_a_dismissal_take_customers_off_the_list(
    services: Services, seeded: dict[str, int]
) -> None:
    services.today.note_call(seeded["a_silent"], text="erreicht", by="Meister")
    assert services.today.dismiss(seeded["risk_b"], days=3) == date(2026, 3, 18)
    assert seeded["a_silent"] not in {r.customer_id for r in services.today.call_list()}
    assert seeded["risk_b"] not in {r.customer_id for r in services.today.call_list()}
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
