"""Data protection duties in one place: consents, advertising objection, access, erasure.

- Consents are events (granted/withdrawn), never edited; the newest event of a purpose is
  its state. No event means no consent. Postal advertising needs no consent (§ 7 UWG) but
  stops with a withdrawal or an objection; e-mail and phone advertising need a consent.
- The advertising objection (Art. 21 DSGVO) is one timestamp on the customer plus a hash
  on the suppression list, so it survives purchases and erasure.
- Access (Art. 15) and erasure (Art. 17) find a customer's data from the schema: every
  table with a foreign key to `customers.id`, or to a table that has one. A table added
  later is exported and erased without anyone remembering to add it here; only records
  the law requires keeping are listed in `RETAINED`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from importlib.resources import files
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from sqlalchemy import (
    Column,
    ColumnElement,
    Table,
    delete,
    false,
    func,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.orm import Session

from app.db import Database
from app.models import Base, Consent, Customer, Suppression
from app.services import audit, faults, timeline
from app.services.clock import Clock
from app.services.errors import NotFoundError, StorageError, ValidationError
from app.services.pdf import fonts as pdf_fonts
from app.services.privacy import suppression
from app.services.progress import NO_PROGRESS, Progress
from app.services.settings import SettingsService
from app.services.settings import store as store_setting

invalid = ValidationError.labelled({
    "purpose": "Zweck", "method": "Form", "given_on": "Datum",
    "wording_version": "Fassung der Einwilligung",
})

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Flowable

PURPOSES: dict[str, str] = {
    "letter": "Briefwerbung",
    "email": "E-Mail-Werbung",
    "phone": "Telefonwerbung",
}
METHODS: dict[str, str] = {"form": "Formular", "oral": "mündlich", "email": "E-Mail"}
RETENTION_KEY = "privacy_retention"
ART30_KEY = "privacy_art30_text"
# Years a record must be kept, counted from the end of the calendar year of its date.
DEFAULT_RETENTION: dict[str, int] = {"sales": 10, "letters": 6}
RETENTION_LABELS: dict[str, str] = {
    "sales": "Belege/Umsätze (§ 147 AO, § 257 HGB)",
    "letters": "Geschäftsbriefe (§ 257 HGB)",
}
TABLE_LABELS: dict[str, str] = {
    "customers": "Stammdaten",
    "contact_persons": "Ansprechpersonen",
    "addresses": "Weitere Adressen",
    "customer_tags": "Merkmale",
    "interactions": "Kontakthistorie",
    "sales": "Umsätze und Belege",
    "class_assignments": "Kundenklasse (A/B/C), Verlauf",
    "consents": "Einwilligungen",
    "audit_entries": "Änderungsprotokoll",
    "vouchers": "Gutscheine",
    "voucher_entries": "Gutscheinbuchungen",
    "loyalty_accounts": "Bonuskonten",
    "bonus_cards": "Bonuskarten",
    "points_entries": "Punktebuchungen",
    "customer_discounts": "Kundenrabatte",
    "followups": "Wiedervorlagen",
    "maintenance_objects": "Wartungsobjekte",
    "mailing_recipients": "Serienbrief-Empfänger",
    "feedback": "Bewertungen",
    "complaints": "Reklamationen",
}
COLUMN_LABELS: dict[str, str] = {
    "id": "Nr.", "number": "Kundennummer", "kind": "Art", "salutation": "Anrede",
    "title": "Titel", "first_name": "Vorname", "last_name": "Nachname", "company": "Firma",
    "street": "Straße", "postcode": "PLZ", "city": "Ort", "country": "Land",
    "email": "E-Mail", "phone": "Telefon", "mobile": "Mobil", "birth_day": "Geburtstag",
    "birth_month": "Geburtsmonat", "birth_year": "Geburtsjahr", "notes": "Notizen",
    "owner": "Betreuer", "created_at": "angelegt", "updated_at": "geändert",
    "archived_at": "archiviert", "anonymized_at": "anonymisiert", "abc_class": "Klasse",
    "rfm_segment": "RFM-Segment", "at_risk": "abwanderungsgefährdet",
    "advertising_objection_at": "Werbewiderspruch", "sort_name": "Sortiername",
    "search_text": "Suchbegriffe (abgeleitet)", "customer_id": "Kunde", "role": "Funktion",
    "is_primary": "Hauptansprechperson", "label": "Bezeichnung", "occurred_at": "Zeitpunkt",
    "channel": "Kanal", "subject": "Betreff", "text": "Text", "author": "von",
    "sale_date": "Datum", "amount_cents": "Betrag (Cent)", "description": "Beschreibung",
    "document_no": "Belegnummer", "purpose": "Zweck", "granted": "erteilt",
    "given_on": "Datum", "method": "Form", "wording_version": "Text-Version",
    "recorded_by": "erfasst von", "recorded_at": "erfasst am", "at": "Zeitpunkt",
    "actor": "wer", "action": "Aktion", "entity": "Objekt", "entity_id": "Objekt-Nr.",
    "details": "Details", "tag_id": "Merkmal-Nr.", "as_of": "Stichtag",
    "previous_class": "vorherige Klasse", "valid_until": "gültig bis", "reason": "Grund",
}
# Blanked on an anonymised customer; the number, kind, dates and class stay.
_PERSONAL_COLUMNS: dict[str, object] = {
    "salutation": "", "title": "", "first_name": "", "last_name": "", "company": "",
    "street": "", "postcode": "", "city": "", "email": "", "phone": "", "mobile": "",
    "birth_day": None, "birth_month": None, "birth_year": None, "notes": "", "owner": "",
    "sort_name": "", "search_text": "",
}


@dataclass(frozen=True)
class RetentionRule:
    """Rows of `table` (dated by `date_column`) the law requires keeping for a period."""

    table: str
    date_column: str
    category: str
    channel: str | None = None  # for the timeline: only entries of this channel


RETAINED: tuple[RetentionRule, ...] = (
    RetentionRule("sales", "sale_date", "sales"),
    RetentionRule("interactions", "occurred_at", "letters", channel="letter"),
)


@dataclass(frozen=True)
class ConsentInput:
    purpose: str
    granted: bool
    given_on: date
    method: str
    wording_version: str = ""


@dataclass(frozen=True)
class ConsentEvent:
    id: int
    purpose: str
    purpose_label: str
    granted: bool
    given_on: date
    method: str
    method_label: str
    wording_version: str
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class ConsentState:
    purpose: str
    label: str
    allowed: bool
    reason: str  # German, e.g. "Einwilligung vom 01.03.2026 (Formular)"


@dataclass(frozen=True)
class PrivacyOverview:
    customer_id: int
    number: str
    objection_at: datetime | None
    anonymized_at: datetime | None
    states: tuple[ConsentState, ...]
    history: tuple[ConsentEvent, ...]


@dataclass(frozen=True)
class AccessExport:
    json_path: Path
    pdf_path: Path
    tables: dict[str, int]  # table → rows exported


@dataclass(frozen=True)
class ErasurePlan:
    """What an erasure deletes and keeps; `kept_until` maps table → last day of keeping."""

    customer_id: int
    number: str
    deleted: dict[str, int]
    kept: dict[str, int]
    kept_until: dict[str, date]
    removes_customer: bool
    detached: dict[str, int] = field(default_factory=dict)  # kept, link to the person cut

    def describe(self) -> list[str]:
        """German lines for the confirmation dialog and the CLI."""
        lines = [f"Gelöscht werden: {TABLE_LABELS.get(t, t)} ({n})"
                 for t, n in self.deleted.items() if n]
        for table, count in self.kept.items():
            rule = next(r for r in RETAINED if r.table == table)
            lines.append(
                f"Aufbewahrt bis {self.kept_until[table]:%d.%m.%Y}: "
                f"{TABLE_LABELS.get(table, table)} ({count}) — "
                f"{RETENTION_LABELS[rule.category]}; danach automatisch gelöscht")
        for table, count in self.detached.items():
            lines.append(f"Bleibt ohne Bezug zur Person erhalten: {TABLE_LABELS.get(table, table)} "
                         f"({count}) — Buchhaltung")
        if self.removes_customer:
            lines.append("Der Kunde wird vollständig gelöscht.")
        else:
            lines.append(f"Die Kundennummer {self.number} bleibt ohne Namen und Anschrift "
                         "erhalten (gesperrt), solange Unterlagen aufbewahrt werden müssen.")
        return lines


@dataclass(frozen=True)
class PurgeResult:
    customers_deleted: int
    rows_deleted: int
    numbers: tuple[str, ...] = field(default=())


def period_end(record_date: date, years: int) -> date:
    """The last day a record must be kept: end of its calendar year plus `years` years."""
    return date(record_date.year + years, 12, 31)


@dataclass(frozen=True)
class _Detach:
    """A row that outlives the customer (its foreign key says ON DELETE SET NULL, e.g. a
    voucher or a loyalty ledger): erasure cuts the link and leaves the row alone."""

    table: Table
    column: Column[Any]
    condition: ColumnElement[bool]


def _conditions(customer_id: int) -> dict[str, ColumnElement[bool]]:
    """Every table holding a customer's data, by name, with the filter for their rows.

    Found from the schema: tables with a foreign key to `customers.id`, tables with a
    foreign key to those (recursively), and tables that carry a plain `customer_id` column
    without foreign keys (the audit log). This is what the access export covers.
    """
    return _scope(customer_id, erasure=False)[0]


def _scope(customer_id: int, *, erasure: bool
           ) -> tuple[dict[str, ColumnElement[bool]], list[_Detach]]:
    """With `erasure`, the walk does not follow ON DELETE SET NULL links (those rows are
    detached, not deleted) and leaves tables without foreign keys (the audit log) alone."""
    customers = Base.metadata.tables["customers"]
    found: dict[str, ColumnElement[bool]] = {"customers": customers.c.id == customer_id}
    detached: list[_Detach] = []
    grew = True
    while grew:
        grew = False
        for table in Base.metadata.sorted_tables:
            if table.name in found:
                continue
            clauses: list[ColumnElement[bool]] = []
            for fk in table.foreign_keys:
                parent = fk.column.table
                if parent.name not in found:
                    continue
                linked = fk.parent.in_(
                    select(fk.column).where(found[parent.name]).scalar_subquery())
                if erasure and (fk.ondelete or "").upper() == "SET NULL":
                    if not any(d.column is fk.parent for d in detached):
                        detached.append(_Detach(table, fk.parent, linked))
                else:
                    clauses.append(linked)
            if (not erasure and not clauses and "customer_id" in table.c
                    and not table.foreign_keys):
                clauses.append(table.c.customer_id == customer_id)
            if clauses:
                found[table.name] = or_(*clauses)
                grew = True
    return found, detached


def _plain(value: object) -> object:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def _display(value: object, zone: tzinfo) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, datetime):
        return f"{value.astimezone(zone) if value.tzinfo else value:%d.%m.%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    return str(value)


def _record_date(value: object, zone: tzinfo) -> date:
    if isinstance(value, datetime):
        return (value.astimezone(zone) if value.tzinfo else value).date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


class PrivacyService:
    def __init__(self, db: Database, clock: Clock, settings: SettingsService) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings

    # --- consents and objection ----------------------------------------------------------

    def overview(self, customer_id: int) -> PrivacyOverview:
        with self.db.read() as session:
            customer = self._customer(session, customer_id)
            events = list(session.scalars(
                select(Consent).where(Consent.customer_id == customer_id)
                .order_by(Consent.given_on.desc(), Consent.id.desc())))
            states = tuple(self._state(customer, purpose, events) for purpose in PURPOSES)
            zone = self.clock.zone
            objection = customer.advertising_objection_at
            anonymized = customer.anonymized_at
            return PrivacyOverview(
                customer_id=customer.id, number=customer.number,
                objection_at=objection.astimezone(zone) if objection else None,
                anonymized_at=anonymized.astimezone(zone) if anonymized else None,
                states=states,
                history=tuple(self._event(e) for e in events))

    def record_consent(self, customer_id: int, data: ConsentInput, *, by: str) -> ConsentEvent:
        errors = {}
        if data.purpose not in PURPOSES:
            errors["purpose"] = "Zweck wählen (Brief-, E-Mail- oder Telefonwerbung)"
        if data.method not in METHODS:
            errors["method"] = "Form wählen (Formular, mündlich, E-Mail)"
        if data.given_on > self.clock.today():
            errors["given_on"] = "Datum liegt in der Zukunft"
        if len(data.wording_version) > 64:
            errors["wording_version"] = "höchstens 64 Zeichen"
        if errors:
            raise invalid(errors)
        now = self.clock.now()
        with self.db.write() as session:
            customer = self._customer(session, customer_id)
            if customer.anonymized_at is not None:
                raise invalid({"purpose": "Der Kunde ist gelöscht (anonymisiert)"})
            event = Consent(
                customer_id=customer_id, purpose=data.purpose, granted=data.granted,
                given_on=data.given_on, method=data.method,
                wording_version=data.wording_version.strip(), recorded_by=by, recorded_at=now)
            session.add(event)
            session.flush()
            verb = "erteilt" if data.granted else "widerrufen"
            timeline.record(session, customer_id=customer_id, channel="system", author=by,
                            at=now, subject=f"Einwilligung {PURPOSES[data.purpose]} {verb}")
            audit.record(session, at=now, actor=by, action="consent", entity="consent",
                         entity_id=event.id, customer_id=customer_id,
                         details={"purpose": data.purpose, "granted": data.granted,
                                  "method": data.method, "version": event.wording_version})
            result = self._event(event)
            session.commit()
        return result

    def object_to_advertising(self, customer_id: int, *, by: str) -> PrivacyOverview:
        """Werbewiderspruch: block all advertising from now on, for good."""
        now = self.clock.now()
        with self.db.write() as session:
            customer = self._customer(session, customer_id)
            if customer.advertising_objection_at is None:
                customer.advertising_objection_at = now
                customer.updated_at = now
                timeline.record(session, customer_id=customer_id, channel="system",
                                author=by, at=now,
                                subject="Werbewiderspruch (Art. 21 DSGVO) eingetragen")
                audit.record(session, at=now, actor=by, action="objection",
                             entity="customer", entity_id=customer_id,
                             customer_id=customer_id, details={"number": customer.number})
            self._suppress(session, customer, at=now)
            session.commit()
        return self.overview(customer_id)

    def advertising_allowed(self, customer_id: int, channel: str) -> bool:
        """May this customer get advertising by `channel` (letter, email, phone)?"""
        if channel not in PURPOSES:
            raise ValueError(f"unknown advertising channel {channel!r}")
        with self.db.read() as session:
            customer = self._customer(session, customer_id)
            events = list(session.scalars(
                select(Consent).where(Consent.customer_id == customer_id,
                                      Consent.purpose == channel)
                .order_by(Consent.given_on.desc(), Consent.id.desc()).limit(1)))
            return self._state(customer, channel, events).allowed

    def is_suppressed(self, *, name: str, street: str, postcode: str) -> bool:
        """Is this person on the suppression list? For imports and new customers."""
        with self.db.read() as session:
            return suppression.is_listed(session, name=name, street=street, postcode=postcode)

    def _state(self, customer: Customer, purpose: str,
               events: Sequence[Consent]) -> ConsentState:
        label = PURPOSES[purpose]
        if customer.anonymized_at is not None:
            return ConsentState(purpose, label, False, "Kunde gelöscht (gesperrt)")
        if customer.advertising_objection_at is not None:
            when = customer.advertising_objection_at.astimezone(self.clock.zone)
            return ConsentState(purpose, label, False, f"Werbewiderspruch vom {when:%d.%m.%Y}")
        latest = next((e for e in events if e.purpose == purpose), None)
        if latest is None:
            if purpose == "letter":
                return ConsentState(purpose, label, True, "ohne Widerspruch erlaubt (§ 7 UWG)")
            return ConsentState(purpose, label, False, "keine Einwilligung")
        how = METHODS.get(latest.method, latest.method)
        if latest.granted:
            return ConsentState(purpose, label, True,
                                f"Einwilligung vom {latest.given_on:%d.%m.%Y} ({how})")
        return ConsentState(purpose, label, False,
                            f"widerrufen am {latest.given_on:%d.%m.%Y} ({how})")

    def _event(self, event: Consent) -> ConsentEvent:
        return ConsentEvent(
            id=event.id, purpose=event.purpose,
            purpose_label=PURPOSES.get(event.purpose, event.purpose), granted=event.granted,
            given_on=event.given_on, method=event.method,
            method_label=METHODS.get(event.method, event.method),
            wording_version=event.wording_version, recorded_by=event.recorded_by,
            recorded_at=event.recorded_at.astimezone(self.clock.zone))

    @staticmethod
    def _suppress(session: Session, customer: Customer, *, at: datetime) -> None:
        name = suppression.person_name(kind=customer.kind, first_name=customer.first_name,
                                       last_name=customer.last_name, company=customer.company)
        value = suppression.digest(name=name, street=customer.street,
                                   postcode=customer.postcode)
        if value and session.scalar(
                select(Suppression.id).where(Suppression.digest == value)) is None:
            session.add(Suppression(digest=value, created_at=at))

    # --- access (Art. 15) ------------------------------------------------------------------

    @staticmethod
    def _collect(session: Session, customer_id: int) -> dict[str, list[dict[str, Any]]]:
        result: dict[str, list[dict[str, Any]]] = {}
        for name, condition in _conditions(customer_id).items():
            table = Base.metadata.tables[name]
            query = select(table).where(condition).order_by(*table.primary_key.columns)
            result[name] = [dict(row._mapping) for row in session.execute(query)]
        return result

    def export_access(self, customer_id: int, folder: Path, *, by: str,
                      progress: Progress = NO_PROGRESS) -> AccessExport:
        """Auskunft nach Art. 15 DSGVO: a JSON and a PDF of everything stored."""
        now = self.clock.now()
        with self.db.read() as session:
            customer = self._customer(session, customer_id)
            number = customer.number
            data = self._collect(session, customer_id)
            tag_table = Base.metadata.tables["tags"]
            tag_ids = [row["tag_id"] for row in data.get("customer_tags", [])]
            tags = sorted(session.scalars(select(tag_table.c.name)
                                          .where(tag_table.c.id.in_(tag_ids))))
        progress.report(1, 3, "Daten gesammelt")
        profile = self.settings.get("company_profile", {}) or {}
        try:
            folder.mkdir(parents=True, exist_ok=True)
            stem = f"Auskunft-{number}-{now:%Y-%m-%d}"
            json_path = folder / f"{stem}.json"
            pdf_path = folder / f"{stem}.pdf"
            document = {
                "format": "stammkunde-auskunft/1",
                "created_at": now.isoformat(),
                "controller": profile,
                "customer_number": number,
                "tags": tags,
                "retention_years": self.retention(),
                "tables": {name: [{k: _plain(v) for k, v in row.items()} for row in rows]
                           for name, rows in data.items()},
            }
            json_path.write_text(json.dumps(document, ensure_ascii=False, indent=2),
                                 encoding="utf-8")
            progress.report(2, 3, "JSON geschrieben")
            self._access_pdf(pdf_path, number=number, data=data, tags=tags, profile=profile,
                             now=now)
        except OSError as exc:
            raise StorageError(f"Die Auskunft kann nicht nach „{folder}“ geschrieben werden: "
                               f"{exc.strerror or exc}") from exc
        with self.db.write() as session:
            audit.record(session, at=now, actor=by, action="access_export", entity="customer",
                         entity_id=customer_id, customer_id=customer_id,
                         details={"number": number, "tables": sorted(data)})
            timeline.record(session, customer_id=customer_id, channel="system", author=by,
                            at=now, subject="Auskunft nach Art. 15 DSGVO erstellt")
            session.commit()
        progress.report(3, 3, "PDF geschrieben")
        return AccessExport(json_path, pdf_path, {k: len(v) for k, v in data.items()})

    def _access_pdf(self, path: Path, *, number: str, data: dict[str, list[dict[str, Any]]],
                    tags: list[str], profile: dict[str, str], now: datetime) -> None:
        from reportlab.lib.units import mm
        from reportlab.platypus import Paragraph, Spacer

        styles = _styles()
        story: list[Flowable] = [
            Paragraph(escape(_company_line(profile)), styles["small"]),
            Spacer(1, 6 * mm),
            Paragraph("Auskunft nach Art. 15 DSGVO", styles["title"]),
            Paragraph(escape(f"Kundennummer {number} · erstellt am {now:%d.%m.%Y %H:%M}"),
                      styles["body"]),
            Spacer(1, 4 * mm),
        ]
        years = self.retention()
        facts = [
            ("Zwecke", "Kundenbetreuung, Auftragsabwicklung, Buchführung; Werbung nur im "
             "Rahmen der erfassten Einwilligungen bzw. ohne Widerspruch (Briefwerbung)."),
            ("Empfänger", "keine Weitergabe, außer an Steuerberatung und Behörden, soweit "
             "gesetzlich vorgeschrieben."),
            ("Speicherdauer", f"Belege {years['sales']} Jahre, Geschäftsbriefe "
             f"{years['letters']} Jahre ab Ende des Kalenderjahres; übrige Daten bis zum "
             "Ende der Kundenbeziehung oder Ihrem Löschverlangen."),
            ("Ihre Rechte", "Berichtigung, Löschung, Einschränkung, Datenübertragbarkeit, "
             "Widerspruch (Art. 16–21 DSGVO) und Beschwerde bei einer Aufsichtsbehörde."),
            ("Herkunft", "von Ihnen selbst bzw. aus unserer Geschäftsbeziehung."),
        ]
        for label, value in facts:
            story.append(Paragraph(f"<b>{escape(label)}:</b> {escape(value)}", styles["body"]))
        if tags:
            story.append(Paragraph(f"<b>Merkmale:</b> {escape(', '.join(tags))}",
                                   styles["body"]))
        for name, rows in data.items():
            story.append(Spacer(1, 4 * mm))
            story.append(Paragraph(escape(f"{TABLE_LABELS.get(name, name)} ({len(rows)})"),
                                   styles["heading"]))
            if not rows:
                story.append(Paragraph("keine Einträge", styles["small"]))
            for row in rows:
                parts = [f"<b>{escape(COLUMN_LABELS.get(k, k))}</b>: "
                         f"{escape(_display(v, self.clock.zone))}" for k, v in row.items()]
                story.append(Paragraph(" · ".join(parts), styles["small"]))
        _build_pdf(path, story, title=f"Auskunft {number}")

    # --- erasure (Art. 17) and retention --------------------------------------------------

    def retention(self) -> dict[str, int]:
        stored = self.settings.get(RETENTION_KEY, {}) or {}
        return {key: int(stored.get(key, default)) for key, default in DEFAULT_RETENTION.items()}

    def set_retention(self, years: dict[str, int], *, by: str) -> dict[str, int]:
        errors = {}
        for key, value in years.items():
            if key not in DEFAULT_RETENTION:
                errors[key] = "unbekannte Aufbewahrungsart"
            elif not 1 <= int(value) <= 30:
                errors[key] = "1 bis 30 Jahre"
            elif int(value) < DEFAULT_RETENTION[key] and key == "sales" and int(value) < 8:
                errors[key] = "Belege mindestens 8 Jahre (Buchungsbelege, § 147 AO)"
        if errors:
            raise invalid(errors)
        merged = {**self.retention(), **{k: int(v) for k, v in years.items()}}
        self.settings.set(RETENTION_KEY, merged)
        with self.db.write() as session:
            audit.record(session, at=self.clock.now(), actor=by, action="settings",
                         entity="setting", details={"key": RETENTION_KEY, "value": merged})
            session.commit()
        return merged

    def erasure_plan(self, customer_id: int, *, as_of: date | None = None) -> ErasurePlan:
        with self.db.read() as session:
            return self._plan(session, customer_id, as_of or self.clock.today())

    def erase(self, customer_id: int, *, by: str, as_of: date | None = None) -> ErasurePlan:
        """Löschen nach Art. 17: delete what no law requires keeping, anonymise the rest."""
        as_of = as_of or self.clock.today()
        now = self.clock.now()
        with self.db.write() as session:
            if self.db.is_sqlite:  # deleted content is overwritten with zeros
                session.execute(text("PRAGMA secure_delete = ON"))
            plan = self._plan(session, customer_id, as_of)
            customer = self._customer(session, customer_id)
            if customer.advertising_objection_at is not None:
                self._suppress(session, customer, at=now)
            self._delete_unretained(session, customer_id, as_of)
            if plan.removes_customer:
                session.expunge(customer)
                session.execute(delete(Customer).where(Customer.id == customer_id))
            else:
                for column, blank in _PERSONAL_COLUMNS.items():
                    setattr(customer, column, blank)
                customer.anonymized_at = now
                customer.archived_at = customer.archived_at or now
                customer.updated_at = now
                until = max(plan.kept_until.values())
                timeline.record(session, customer_id=customer_id, channel="system",
                                author=by, at=now,
                                subject=f"Daten gelöscht (Art. 17 DSGVO); Unterlagen "
                                        f"aufbewahrt bis {until:%d.%m.%Y}")
            audit.record(session, at=now, actor=by, action="erase", entity="customer",
                         entity_id=customer_id, customer_id=customer_id,
                         details={"number": plan.number, "deleted": plan.deleted,
                                  "kept": plan.kept, "as_of": as_of,
                                  "kept_until": {k: v.isoformat()
                                                 for k, v in plan.kept_until.items()}})
            store_setting(session, COMPACTION_PENDING, True)
            session.commit()
        faults.point("erase:committed")
        self.compact()
        return plan

    def purge_expired(self, as_of: date | None = None, *, by: str = "System") -> PurgeResult:
        """The nightly job: delete kept records whose period ended, then empty customers."""
        as_of = as_of or self.clock.today()
        now = self.clock.now()
        numbers: list[str] = []
        rows = 0
        with self.db.write() as session:
            if self.db.is_sqlite:  # deleted content is overwritten with zeros
                session.execute(text("PRAGMA secure_delete = ON"))
            anonymised = list(session.scalars(
                select(Customer).where(Customer.anonymized_at.is_not(None))))
            for customer in anonymised:
                removed = self._delete_expired(session, customer.id, as_of)
                rows += removed
                if not any(self._retained_counts(session, customer.id, as_of)[0].values()):
                    numbers.append(customer.number)
                    session.expunge(customer)
                    session.execute(delete(Customer).where(Customer.id == customer.id))
                    audit.record(session, at=now, actor=by, action="purge", entity="customer",
                                 entity_id=customer.id, customer_id=customer.id,
                                 details={"number": customer.number, "as_of": as_of})
            if rows or numbers:
                store_setting(session, COMPACTION_PENDING, True)
            session.commit()
        if rows or numbers:
            self.compact()
        return PurgeResult(len(numbers), rows, tuple(numbers))

    def compact(self) -> None:
        """Make deleted data unreadable in the file: merge the search index, VACUUM, and
        fold the WAL back into the database file.

        An erasure records this step as pending in its own transaction; it is cleared only
        when every part succeeded — a checkpoint that another reader blocked counts as
        failed — so a crash or a busy file leaves it for `finish_compaction` at the next start.
        """
        if not self.db.is_sqlite:
            return
        with self.db.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            try:
                raw.execute("INSERT INTO customer_fts(customer_fts) VALUES ('optimize')")
                blocked = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                raw.execute("VACUUM")
                blocked |= raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            except sqlite3.OperationalError as exc:
                raise _not_compacted(str(exc)) from exc
        if blocked:
            raise _not_compacted("ein anderes Programm liest gerade in der Datenbank")
        self.settings.set(COMPACTION_PENDING, False)

    def finish_compaction(self) -> bool:
        """At start: finish the compaction an erasure left pending; True if it ran."""
        if not self.db.is_sqlite or not self.settings.get(COMPACTION_PENDING, False):
            return False
        self.compact()
        return True

    def _plan(self, session: Session, customer_id: int, as_of: date) -> ErasurePlan:
        customer = self._customer(session, customer_id)
        kept, kept_until = self._retained_counts(session, customer_id, as_of)
        kept = {t: n for t, n in kept.items() if n}
        conditions, detach = _scope(customer_id, erasure=True)
        deleted: dict[str, int] = {}
        for name, condition in conditions.items():
            if name == "customers":
                continue
            table = Base.metadata.tables[name]
            total = int(session.scalar(select(func.count()).select_from(table)
                                       .where(condition)) or 0)
            deleted[name] = total - kept.get(name, 0)
        detached: dict[str, int] = {}
        for link in detach:
            count = int(session.scalar(select(func.count()).select_from(link.table)
                                       .where(link.condition)) or 0)
            if count:
                detached[link.table.name] = detached.get(link.table.name, 0) + count
        return ErasurePlan(customer_id=customer_id, number=customer.number, deleted=deleted,
                           kept=kept, kept_until={t: kept_until[t] for t in kept},
                           removes_customer=not kept, detached=detached)

    def _retained_filter(self, table: Table, rule: RetentionRule, customer_id: int
                         ) -> ColumnElement[bool]:
        condition = _conditions(customer_id)[rule.table]
        if rule.channel is not None:
            condition = condition & (table.c.channel == rule.channel)
        return condition

    def _retained_counts(self, session: Session, customer_id: int, as_of: date
                         ) -> tuple[dict[str, int], dict[str, date]]:
        years = self.retention()
        counts: dict[str, int] = {}
        until: dict[str, date] = {}
        for rule in RETAINED:
            table = Base.metadata.tables[rule.table]
            dates = session.scalars(select(table.c[rule.date_column])
                                    .where(self._retained_filter(table, rule, customer_id)))
            ends = [period_end(_record_date(d, self.clock.zone), years[rule.category])
                    for d in dates]
            live = [end for end in ends if end >= as_of]
            counts[rule.table] = counts.get(rule.table, 0) + len(live)
            if live:
                until[rule.table] = max(max(live), until.get(rule.table, date.min))
        return counts, until

    def _delete_expired(self, session: Session, customer_id: int, as_of: date) -> int:
        years = self.retention()
        removed = 0
        for rule in RETAINED:
            table = Base.metadata.tables[rule.table]
            condition = self._retained_filter(table, rule, customer_id)
            expired = [
                row_id for row_id, value in session.execute(
                    select(table.c.id, table.c[rule.date_column]).where(condition))
                if period_end(_record_date(value, self.clock.zone), years[rule.category]) < as_of
            ]
            if expired:
                session.execute(delete(table).where(table.c.id.in_(expired)))
                removed += len(expired)
        return removed

    def _delete_unretained(self, session: Session, customer_id: int, as_of: date) -> None:
        self._delete_expired(session, customer_id, as_of)
        conditions, detach = _scope(customer_id, erasure=True)
        for link in detach:
            session.execute(update(link.table).where(link.condition)
                            .values({link.column.name: None}))
        # Children first, so nothing depends on a row when it goes.
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in conditions or table.name == "customers":
                continue
            keep: ColumnElement[bool] = false()
            for rule in RETAINED:
                if rule.table == table.name:
                    keep = (table.c.channel == rule.channel) if rule.channel else true()
            session.execute(delete(table).where(conditions[table.name], ~keep))

    @staticmethod
    def _customer(session: Session, customer_id: int) -> Customer:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFoundError("Diesen Kunden gibt es nicht (mehr).")
        return customer

    # --- records of processing (Art. 30) ---------------------------------------------------

    def processing_records_text(self) -> str:
        """The Art. 30 template, filled with the company profile and retention periods."""
        template = self.settings.get(ART30_KEY) or self.default_processing_records_template()
        profile = self.settings.get("company_profile", {}) or {}
        years = self.retention()
        values = {
            "firma": profile.get("name", "[Firma]"),
            "anschrift": ", ".join(p for p in (
                profile.get("street", ""),
                " ".join(p for p in (profile.get("postcode", ""), profile.get("city", ""))
                         if p)) if p) or "[Anschrift]",
            "verantwortlich": profile.get("managing_director", "[Inhaber/Geschäftsführung]"),
            "kontakt": " · ".join(p for p in (profile.get("phone", ""),
                                              profile.get("email", "")) if p) or "[Kontakt]",
            "belege_jahre": str(years["sales"]),
            "briefe_jahre": str(years["letters"]),
            "datum": f"{self.clock.today():%d.%m.%Y}",
        }
        return Template(template).safe_substitute(values)

    @staticmethod
    def default_processing_records_template() -> str:
        return ART30_TEMPLATE_FILE.read_text(encoding="utf-8")

    def processing_records_template(self) -> str:
        """The template as the business edited it (or the built-in one)."""
        return str(self.settings.get(ART30_KEY) or self.default_processing_records_template())

    def set_processing_records_template(self, template: str, *, by: str) -> None:
        self.settings.set(ART30_KEY, template if template.strip() else None)
        with self.db.write() as session:
            audit.record(session, at=self.clock.now(), actor=by, action="settings",
                         entity="setting", details={"key": ART30_KEY})
            session.commit()

    def processing_records_pdf(self, path: Path) -> Path:
        from reportlab.lib.units import mm
        from reportlab.platypus import Paragraph, Spacer

        styles = _styles()
        story: list[Flowable] = []
        for line in self.processing_records_text().splitlines():
            if line.startswith("# "):
                story.append(Paragraph(escape(line[2:]), styles["title"]))
            elif line.startswith("## "):
                story.append(Spacer(1, 3 * mm))
                story.append(Paragraph(escape(line[3:]), styles["heading"]))
            elif line.startswith("- "):
                story.append(Paragraph("• " + escape(line[2:]), styles["body"]))
            elif line.strip():
                story.append(Paragraph(escape(line), styles["body"]))
            else:
                story.append(Spacer(1, 2 * mm))
        try:
            _build_pdf(path, story, title="Verzeichnis von Verarbeitungstätigkeiten")
        except OSError as exc:
            raise StorageError(f"„{path}“ kann nicht geschrieben werden: "
                               f"{exc.strerror or exc}") from exc
        return path

    # --- restore support --------------------------------------------------------------------

    def reapply(self, items: list[tuple[str, str, date | None]], *, by: str) -> list[str]:
        """Apply recorded erasures and objections again (after a restore)."""
        done = []
        for action, number, as_of in items:
            with self.db.read() as session:
                customer_id, anonymized_at = session.execute(
                    select(Customer.id, Customer.anonymized_at)
                    .where(Customer.number == number)).first() or (None, None)
            if customer_id is None or (action != "objection" and anonymized_at is not None):
                continue  # gone or erased already
            if action == "objection":
                self.object_to_advertising(customer_id, by=by)
            elif action == "erase":
                self.erase(customer_id, by=by, as_of=as_of)
            else:
                self.erase(customer_id, by=by, as_of=date.max)
            done.append(f"{number}: {audit.ACTIONS[action]}")
        return done


COMPACTION_PENDING = "compaction_pending"


def _not_compacted(reason: str) -> StorageError:
    return StorageError(
        f"Die Daten sind gelöscht, aber die Datenbankdatei konnte nicht verdichtet werden "
        f"({reason}); Reste können noch in freien Seiten stehen. Das wird beim nächsten Start "
        "von Stammkunde nachgeholt.")


ART30_TEMPLATE_FILE = files("resources") / "privacy" / "verarbeitungsverzeichnis.md"


def _styles() -> dict[str, ParagraphStyle]:
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    font = pdf_fonts.register()
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=pdf_fonts.BOLD,
                                fontSize=15, leading=19, alignment=0),
        "heading": ParagraphStyle("heading", parent=base["Heading3"],
                                  fontName=pdf_fonts.BOLD, fontSize=11, leading=14),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName=font, fontSize=9.5,
                               leading=12.5),
        "small": ParagraphStyle("small", parent=base["BodyText"], fontName=font, fontSize=8,
                                leading=10.5),
    }


def _company_line(profile: dict[str, str]) -> str:
    parts = [profile.get(k, "") for k in ("name", "street", "postcode", "city", "phone",
                                          "email")]
    return " · ".join(p for p in parts if p) or "Verantwortlicher: siehe Firmenprofil"


def _build_pdf(path: Path, story: list[Flowable], *, title: str) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    path.parent.mkdir(parents=True, exist_ok=True)
    document = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=20 * mm,
                                 rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
                                 title=title, author="Stammkunde")
    document.build(story)
