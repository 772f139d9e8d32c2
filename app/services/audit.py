"""The audit log: who changed what and when, append-only (the database refuses edits).

`record()` runs inside the caller's unit of work, so an action and its audit entry are
committed together or not at all. Details name fields and counts, never personal values:
the log must not keep a name alive after the person's erasure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import Database
from app.models import AuditEntry, Customer
from app.services import actors
from app.services.clock import Clock
from app.services.errors import FIELD_LABELS
from app.services.formatting import format_cents, format_date

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
    "access_export": "Auskunft erstellt (Art. 15)",
    "data_copy": "Datenkopie erstellt (Art. 20)",
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
    "email_account": "E-Mail-Konto eingerichtet",
    "email_campaign": "Serien-E-Mail erzeugt",
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
    description: str  # what happened, in words: "Geändert: Straße, PLZ"


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


# The fields an entry's "fields" names, in words; the customer fields have one vocabulary.
FIELD_WORDS: dict[str, str] = {
    **FIELD_LABELS, "birth_day": "Geburtstag", "birth_month": "Geburtstag",
    "birth_year": "Geburtstag", "notes": "Notizen", "owner": "Betreuer", "tags": "Merkmale",
    "is_primary": "Hauptansprechperson", "address_invalid_at": "Rückläufer",
    "email_invalid_at": "E-Mail unzustellbar", "deceased_at": "verstorben",
}
# detail key → code → words, named by the capability that writes the codes (`name_values`)
_VALUE_WORDS: dict[str, dict[str, str]] = {"fields": FIELD_WORDS}
# "count" of an action, as a noun
_COUNTED = {"voucher_issue": "Gutscheine", "voucher_expire": "Gutscheine",
            "customer_export": "Kunden"}
# Keys that are internal references (row ids) or said by the action itself: never shown.
_UNSAID = frozenset({"entry_id", "reward_id", "voucher_id", "merged_customer_id", "reverses",
                     "tables", "number", "value", "cancelled", "kept_until"})


def name_values(key: str, words: Mapping[str, str]) -> None:
    """Let the capability that writes the codes under `key` in details name them in words
    (the kernel imports no capability; each one brings its vocabulary)."""
    _VALUE_WORDS[key] = {**_VALUE_WORDS.get(key, {}), **words}


def short_code(code: str) -> str:
    """A voucher or card code as a printout may show it: the last four characters."""
    return f"…{code[-4:]}" if len(code) > 4 else code


def _words(key: str, raw: object) -> str:
    return _VALUE_WORDS.get(key, {}).get(str(raw), str(raw))


def _counts(raw: Mapping[str, int]) -> str:
    return ", ".join(f"{_words('tables', table)} {count}"
                     for table, count in raw.items() if count)


def _detail(action: str, key: str, raw: Any, short_codes: bool) -> str:
    """One detail in words; "" when it says nothing a reader needs."""
    if raw in ("", None, [], {}) or key in _UNSAID:
        return ""
    sayings: dict[str, Any] = {
        "fields": lambda: ", ".join(dict.fromkeys(_words("fields", f) for f in raw)),
        "granted": lambda: "erteilt" if raw else "widerrufen",
        "purpose": lambda: _words("purpose", raw),
        "method": lambda: f"Form: {_words('method', raw)}",
        "version": lambda: f"Fassung „{raw}“",
        "code": lambda: f"Code {short_code(str(raw)) if short_codes else raw}",
        "amount_cents": lambda: format_cents(int(raw)),
        "value_cents": lambda: f"Wert {format_cents(int(raw))}",
        "points": lambda: f"{int(raw):+d} Punkte",
        "count": lambda: f"{raw} {_COUNTED.get(action, 'Stück')}",
        "file": lambda: f"Datei „{raw}“",
        "safety_copy": lambda: f"vorheriger Stand in „{raw}“",
        "template": lambda: f"Vorlage „{raw}“",
        "key": lambda: _words("key", raw),
        "deleted": lambda: f"gelöscht: {_counts(raw)}" if _counts(raw) else "",
        "kept": lambda: f"aufbewahrt: {_counts(raw)}" if _counts(raw) else "",
        "as_of": lambda: f"Stichtag {format_date(date.fromisoformat(str(raw)[:10]))}",
        "campaign": lambda: (f"für Werbung per {_words('channel', raw)}"
                             if action == "customer_export" else f"Aktion „{raw}“"),
        "kind": lambda: _words("voucher_kind", raw),
        "format": lambda: str(raw).upper(),
        "import": lambda: f"Import aus „{raw}“",
        "merged_number": lambda: f"mit {raw} zusammengeführt",
        "password_changed": lambda: "Kennwort geändert" if raw else "",
        "printed": lambda: f"{raw} gedruckt",
        "recipients": lambda: f"{raw} Empfänger",
        "control": lambda: f"{raw} Kontrollgruppe",
        "excluded": lambda: f"{raw} ausgeschlossen",
        "held_back": lambda: f"{raw} zurückgehalten",
        "sales": lambda: f"{raw} Umsätze",
        "customers": lambda: f"{raw} Kunden",
        "accounts": lambda: f"{raw} Konten",
        "reapplied": lambda: f"{raw} Löschungen erneut angewendet",
    }
    saying = sayings.get(key)
    return str(saying()) if saying else f"{_words('detail', key)}: {raw}"


def describe(action: str, details: Mapping[str, Any], *, short_codes: bool = False) -> str:
    """What an entry records, in words: "Adresse geändert: Straße, PLZ" (no codes, no ids).

    `short_codes` shortens voucher codes, as a printout for the customer shows them."""
    label = ACTIONS.get(action, _words("action", action))
    if action == "consent":
        label = f"Einwilligung {_words('purpose', details.get('purpose', ''))} " + (
            "erteilt" if details.get("granted") else "widerrufen")
        details = {k: v for k, v in details.items() if k not in ("purpose", "granted")}
    if action in ("erase", "purge") and details.get("number"):
        label = f"{label}: {details['number']}"
    parts = [part for key, raw in details.items()
             if (part := _detail(action, key, raw, short_codes))]
    return f"{label}: {'; '.join(parts)}" if parts else label


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
                    details=(details := json.loads(entry.details)),
                    description=describe(entry.action, details),
                )
                for entry, number in session.execute(query)
            ]

    def last_id(self) -> int:
        with self.db.read() as session:
            return int(session.scalar(select(func.max(AuditEntry.id))) or 0)
