"""Demo follow-ups and maintenance objects, so "Heute" has something to show from day one.

Runs after the customer demo data (`demo.fill`) in the same database, deterministic for a
seed, in one transaction; it also switches on the default rules.
"""

from __future__ import annotations

import random
from datetime import time, timedelta

from sqlalchemy import select

from app.db import Database
from app.models import Customer, MaintenanceObject
from app.services.clock import Clock
from app.services.followups.rules import RuleService
from app.services.followups.service import add_followup

THINGS = (("Gasheizung", "Vaillant ecoTEC plus"), ("Ölheizung", "Viessmann Vitola"),
          ("Wärmepumpe", "Stiebel Eltron WPL"), ("Kaminofen", "Hark 44"),
          ("Enthärtungsanlage", "Grünbeck softliQ"), ("Rauchmelder (6 Stück)", ""))
INTERVALS = ("FREQ=MONTHLY;INTERVAL=12", "FREQ=YEARLY", "FREQ=MONTHLY;INTERVAL=6",
             "FREQ=YEARLY;INTERVAL=2;BYMONTH=3")
SUBJECTS = ("Rückruf wegen Angebot", "Angebot nachfassen", "Termin für Aufmaß vereinbaren",
            "Rechnung besprechen", "Ersatzteil eingetroffen – Kunde anrufen")
STAFF = ("Meister Krause", "Frau Lehmann (Büro)", "Geselle Tim")
MAX_OBJECTS = 2_000
MAX_FOLLOWUPS = 300


def fill_followups(db: Database, clock: Clock, *, seed: int = 1) -> tuple[int, int]:
    """Add maintenance objects (~8 % of customers) and open follow-ups (~3 %).

    Returns (maintenance objects, follow-ups without an object)."""
    RuleService(db, clock).ensure_defaults()
    rnd = random.Random(seed)
    now = clock.now()
    today = now.date()
    with db.write() as session:
        ids = list(session.scalars(select(Customer.id).where(Customer.archived_at.is_(None))
                                   .order_by(Customer.id)))
        chosen = rnd.sample(ids, min(len(ids) * 8 // 100, MAX_OBJECTS))
        for cid in chosen:
            name, model = rnd.choice(THINGS)
            rule = rnd.choice(INTERVALS)
            thing = MaintenanceObject(customer_id=cid, name=name, model=model,
                                      year_built=rnd.randint(1998, 2024), rrule=rule,
                                      last_service=today - timedelta(days=rnd.randint(200, 500)),
                                      notes="", active=True, created_at=now)
            session.add(thing)
            session.flush()
            add_followup(session, customer_id=cid, at=now, by="Demo",
                         maintenance_object_id=thing.id, values={
                             "subject": f"Wartung: {name}",
                             "due_date": today + timedelta(days=rnd.randint(-5, 120)),
                             "due_time": None, "notes": "", "assignee": rnd.choice(STAFF),
                             "priority": 2, "contact_id": None, "rrule": rule,
                             "recur_from": "completion"})
        calls = rnd.sample(ids, min(len(ids) * 3 // 100, MAX_FOLLOWUPS))
        for cid in calls:
            add_followup(session, customer_id=cid, at=now, by="Demo", values={
                "subject": rnd.choice(SUBJECTS),
                "due_date": today + timedelta(days=rnd.randint(-10, 3)),
                "due_time": rnd.choice((None, time(9, 0), time(14, 30))), "notes": "",
                "assignee": rnd.choice(STAFF), "priority": rnd.choice((1, 2, 2, 3)),
                "contact_id": None, "rrule": "", "recur_from": "completion"})
        session.commit()
    return len(chosen), len(calls)
