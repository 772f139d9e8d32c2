"""Auskunft nach Art. 15 DSGVO: everything stored about a customer, as JSON and PDF."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Base
from app.services import audit, timeline
from app.services.errors import StorageError
from app.services.outputs import check_target
from app.services.privacy import documents, scope
from app.services.privacy.retention import Retention
from app.services.progress import NO_PROGRESS, Progress

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
    "contracts": "Wartungsverträge",
    "contract_objects": "Vertragsobjekte",
    "club_memberships": "Kundenclub",
    "referrals": "Empfehlungen (Kunden werben Kunden)",
    "referral_rewards": "Empfehlungsprämien",
    "email_messages": "E-Mails",
    "email_message_attachments": "Anhänge der E-Mails (Verweise)",
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
    "concluded_on": "Vertragsschluss", "start": "Beginn", "min_months": "Mindestlaufzeit (Monate)",
    "min_term_end": "Ende der Mindestlaufzeit", "renewal": "Verlängerung",
    "notice_months": "Kündigungsfrist (Monate)", "price_cents": "Preis (Cent)",
    "notice_received": "Kündigung erhalten am", "last_day": "letzter Vertragstag",
    "end_rule": "Regel", "ended_by": "gekündigt von", "card_number": "Kartennummer",
    "joined_on": "beigetreten am", "paid_until": "bezahlt bis", "left_on": "ausgetreten am",
    "referrer_id": "Werber", "referred_id": "Geworbener", "referred_on": "geworben am",
    "to_address": "an", "to_name": "Empfängername", "message_id": "Message-ID",
    "raw": "Nachricht", "state": "Zustand", "attempts": "Versuche",
    "next_attempt_at": "nächster Versuch", "last_error": "Antwort des Servers",
    "sent_at": "gesendet", "template_name": "Vorlage", "advertising": "Werbung",
    "mailing_id": "Serienmail-Nr.", "created_by": "von",
    "digest": "Anhang (SHA-256)",
}


@dataclass(frozen=True)
class AccessExport:
    json_path: Path
    pdf_path: Path
    tables: dict[str, int]  # table → rows exported


if TYPE_CHECKING:
    from reportlab.platypus import Flowable


def _plain(value: object) -> object:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        # A stored e-mail is 7-bit MIME text: readable as it is; other bytes as hex.
        return value.decode("ascii") if value.isascii() else value.hex()
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
    if isinstance(value, bytes):
        return f"{len(value):,} Bytes (vollständig in der JSON-Datei)".replace(",", ".")
    return str(value)


class Access(Retention):
    """Auskunft nach Art. 15 DSGVO."""

    @staticmethod
    def _collect(session: Session, customer_id: int) -> dict[str, list[dict[str, Any]]]:
        result: dict[str, list[dict[str, Any]]] = {}
        for name, condition in scope.data_tables(customer_id).items():
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
            json_path = check_target(folder / f"{stem}.json", database=self.db.sqlite_path)
            pdf_path = check_target(folder / f"{stem}.pdf", database=self.db.sqlite_path)
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

        styles = documents.styles()
        story: list[Flowable] = [
            Paragraph(escape(documents.company_line(profile)), styles["small"]),
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
        documents.build_pdf(path, story, title=f"Auskunft {number}")
