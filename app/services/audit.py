"""The audit log: who changed what and when, append-only (the database refuses edits).

`record()` runs inside the caller's unit of work, so an action and its audit entry are
committed together or not at all. Details name fields and counts, never personal values:
the log must not keep a name alive after the person's erasure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import Database
from app.models import AuditEntry, Customer
from app.services import actors
from app.services.clock import Clock

# code name → German label (the audit screen's filter shows the labels)
ACTIONS: dict[str, str] = {
    "create": "Angelegt",
    "update": "Geändert",
    "archive": "Archiviert",
    "unarchive": "Reaktiviert",
    "merge": "Zusammengeführt",
    "contact_add": "Ansprechperson angelegt",
    "contact_update": "Ansprechperson geändert",
    "contact_remove": "Ansprechperson entfernt",
    "address_add": "Adresse angelegt",
    "address_update": "Adresse geändert",
    "address_remove": "Adresse entfernt",
    "consent": "Einwilligung erfasst",
    "objection": "Werbewiderspruch",
    "access_export": "Auskunft exportiert",
    "erase": "Gelöscht (Art. 17)",
    "purge": "Aufbewahrung abgelaufen, gelöscht",
    "settings": "Einstellung geändert",
    "backup": "Sicherung erstellt",
    "restore": "Sicherung zurückgespielt",
    "voucher_issue": "Gutschein ausgegeben",
    "voucher_redeem": "Gutschein eingelöst",
    "voucher_reverse": "Gutschein-Einlösung storniert",
    "voucher_expire": "Gutscheine abgelaufen",
    "points_credit": "Bonuspunkte gutgeschrieben",
    "points_redeem": "Bonuspunkte eingelöst",
    "points_correct": "Bonuspunkte korrigiert",
    "points_expire": "Bonuspunkte verfallen",
    "customer_export": "Kunden exportiert",
    "mailing": "Mailing erzeugt",
}

ENTITIES: dict[str, str] = {
    "customer": "Kunde",
    "contact_person": "Ansprechperson",
    "address": "Adresse",
    "consent": "Einwilligung",
    "setting": "Einstellung",
    "database": "Datenbank",
    "voucher": "Gutschein",
    "bonus_card": "Bonuskarte",
    "loyalty": "Bonusprogramm",
    "mailing": "Mailing",
}


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    action_label: str
    entity: str
    entity_label: str
    entity_id: int | None
    customer_id: int | None
    customer_number: str
    details: dict[str, Any]


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None
    customer_number: str = ""
    actor: str = ""
    since: date | None = None
    until: date | None = None


def record(
    session: Session,
    *,
    at: datetime,
    action: str,
    entity: str,
    entity_id: int | None = None,
    customer_id: int | None = None,
    actor: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry inside the caller's unit of work (no commit here)."""
    entry = AuditEntry(
        at=at, actor=actors.recorded(actor), action=action,
        entity=entity, entity_id=entity_id, customer_id=customer_id,
        details=json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str),
    )
    session.add(entry)
    return entry


def changed_fields(before: dict[str, object], after: dict[str, object]) -> list[str]:
    """The names of the fields whose values differ (the values stay out of the log)."""
    return sorted(k for k in after if before.get(k) != after[k])


class AuditService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def entries(self, flt: AuditFilter | None = None, *, limit: int = 2000) -> list[AuditRow]:
        """Newest first."""
        flt = flt or AuditFilter()
        query = (
            select(AuditEntry, Customer.number)
            .outerjoin(Customer, Customer.id == AuditEntry.customer_id)
        )
        if flt.action:
            query = query.where(AuditEntry.action == flt.action)
        if flt.actor.strip():
            query = query.where(AuditEntry.actor == flt.actor.strip())
        if flt.customer_number.strip():
            query = query.where(Customer.number == flt.customer_number.strip())
        zone = self.clock.zone
        if flt.since:
            query = query.where(AuditEntry.at >= datetime.combine(flt.since, time(), zone))
        if flt.until:
            end = datetime.combine(flt.until + timedelta(days=1), time(), zone)
            query = query.where(AuditEntry.at < end)
        query = query.order_by(AuditEntry.id.desc()).limit(limit)
        with self.db.read() as session:
            return [
                AuditRow(
                    id=entry.id, at=entry.at.astimezone(zone), actor=entry.actor,
                    action=entry.action, action_label=ACTIONS.get(entry.action, entry.action),
                    entity=entry.entity, entity_label=ENTITIES.get(entry.entity, entry.entity),
                    entity_id=entry.entity_id,
                    customer_id=entry.customer_id, customer_number=number or "",
                    details=json.loads(entry.details),
                )
                for entry, number in session.execute(query)
            ]

    def last_id(self) -> int:
        with self.db.read() as session:
            return int(session.scalar(select(func.max(AuditEntry.id))) or 0)
