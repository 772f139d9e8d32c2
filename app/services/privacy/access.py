"""Auskunft nach Art. 15 DSGVO: everything stored about a customer, as a PDF the customer
can read and as the machine-readable copy of Art. 20 DSGVO (a ZIP, see `portability`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Base
from app.services import audit, timeline
from app.services.errors import StorageError
from app.services.outputs import check_target
from app.services.privacy import documents, portability, scope, vocabulary
from app.services.privacy.retention import Retention
from app.services.progress import NO_PROGRESS, Progress


@dataclass(frozen=True)
class AccessExport:
    pdf_path: Path | None  # the readable Auskunft; None for the data copy alone
    zip_path: Path  # the machine-readable copy (Art. 20 DSGVO)
    tables: dict[str, int]  # table → rows exported


if TYPE_CHECKING:
    from reportlab.platypus import Flowable


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

    def _gather(self, customer_id: int) -> portability.Gathered:
        with self.db.read() as session:
            customer = self._customer(session, customer_id)
            data = self._collect(session, customer_id)
            tag_table = Base.metadata.tables["tags"]
            tag_ids = [row["tag_id"] for row in data.get("customer_tags", [])]
            tags = sorted(session.scalars(select(tag_table.c.name)
                                          .where(tag_table.c.id.in_(tag_ids))))
            name = " ".join(p for p in (customer.first_name, customer.last_name) if p)
            return portability.Gathered(number=customer.number,
                                        name=name or customer.company, tables=data,
                                        tags=tuple(tags))

    def export_access(self, customer_id: int, folder: Path, *, by: str,
                      progress: Progress = NO_PROGRESS) -> AccessExport:
        """Auskunft nach Art. 15 DSGVO: a readable PDF and the machine-readable copy (ZIP)."""
        now = self.clock.now()
        gathered = self._gather(customer_id)
        progress.report(1, 3, "Daten gesammelt")
        profile = self.settings.get("company_profile", {}) or {}
        stem = f"Auskunft-{gathered.number}-{now:%Y-%m-%d}"
        pdf_path = check_target(folder / f"{stem}.pdf", database=self.db.sqlite_path)
        zip_path = check_target(folder / f"Datenkopie-{gathered.number}-{now:%Y-%m-%d}.zip",
                                database=self.db.sqlite_path)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            portability.write_zip(zip_path, gathered, profile=profile, now=now)
            progress.report(2, 3, "Datenkopie geschrieben")
            self._access_pdf(pdf_path, gathered, profile=profile, now=now)
        except OSError as exc:
            raise StorageError(f"Die Auskunft kann nicht nach „{folder}“ geschrieben werden: "
                               f"{exc.strerror or exc}") from exc
        self._record(customer_id, gathered, by=by, now=now, action="access_export",
                     subject="Auskunft nach Art. 15 DSGVO erstellt")
        progress.report(3, 3, "PDF geschrieben")
        return AccessExport(pdf_path, zip_path,
                            {k: len(v) for k, v in gathered.tables.items()})

    def export_copy(self, customer_id: int, path: Path, *, by: str) -> AccessExport:
        """Datenübertragbarkeit (Art. 20 DSGVO): only the machine-readable copy, as a ZIP."""
        now = self.clock.now()
        path = check_target(path, database=self.db.sqlite_path)
        gathered = self._gather(customer_id)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            portability.write_zip(path, gathered,
                                  profile=self.settings.get("company_profile", {}) or {},
                                  now=now)
        except OSError as exc:
            raise StorageError(f"Die Datenkopie kann nicht als „{path}“ gespeichert werden: "
                               f"{exc.strerror or exc}") from exc
        self._record(customer_id, gathered, by=by, now=now, action="data_copy",
                     subject="Datenkopie nach Art. 20 DSGVO erstellt")
        return AccessExport(None, path,
                            {k: len(v) for k, v in gathered.tables.items()})

    def _record(self, customer_id: int, gathered: portability.Gathered, *, by: str,
                now: datetime, action: str, subject: str) -> None:
        with self.db.write() as session:
            audit.record(session, at=now, actor=by, action=action, entity="customer",
                         entity_id=customer_id, customer_id=customer_id,
                         details={"number": gathered.number, "tables": sorted(gathered.tables)})
            timeline.record(session, customer_id=customer_id, channel="system", author=by,
                            at=now, subject=subject)
            session.commit()

    def _access_pdf(self, path: Path, gathered: portability.Gathered, *,
                    profile: dict[str, str], now: datetime) -> None:
        from reportlab.lib.units import mm
        from reportlab.platypus import Paragraph, Spacer

        styles = documents.styles()
        story: list[Flowable] = [
            Paragraph(escape(documents.company_line(profile)), styles["small"]),
            Spacer(1, 6 * mm),
            Paragraph("Auskunft nach Art. 15 DSGVO", styles["title"]),
            Paragraph(escape(f"für {gathered.name} · Kundennummer {gathered.number} · "
                             f"erstellt am {now:%d.%m.%Y}"), styles["body"]),
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
            ("Datenkopie", "Alle Angaben erhalten Sie auf Wunsch zusätzlich als Datei "
             "(ZIP mit JSON und CSV, Art. 20 DSGVO). Gutschein- und Kartencodes sind hier "
             "nur mit ihren letzten Zeichen abgedruckt."),
        ]
        for label, value in facts:
            story.append(Paragraph(f"<b>{escape(label)}:</b> {escape(value)}", styles["body"]))
        if gathered.tags:
            story.append(Paragraph(f"<b>Merkmale:</b> {escape(', '.join(gathered.tags))}",
                                   styles["body"]))
        for title, lines in readable_sections(gathered.tables, self.clock.zone):
            story.append(Spacer(1, 4 * mm))
            story.append(Paragraph(escape(f"{title} ({len(lines)})"), styles["heading"]))
            for line in lines:
                story.append(Paragraph(" · ".join(
                    f"<b>{escape(label)}:</b> {escape(text)}" if label else escape(text)
                    for label, text in line), styles["small"]))
        documents.build_pdf(path, story, title=f"Auskunft {gathered.number}")


Line = list[tuple[str, str]]  # (label, text) pairs of one entry; "" label: text alone


def readable_sections(tables: dict[str, list[dict[str, Any]]], zone: tzinfo
                      ) -> list[tuple[str, list[Line]]]:
    """The sections of the readable Auskunft: German titles and labels, codes in words,
    only sections with content, no row ids and no technical tables."""
    order = list(vocabulary.SECTION_TITLES)
    names = sorted((n for n, rows in tables.items()
                    if rows and n not in vocabulary.TECHNICAL_TABLES),
                   key=lambda n: order.index(n) if n in order else len(order))
    codes = vocabulary.secrets(tables)
    sections: list[tuple[str, list[Line]]] = []
    for name in names:
        if name == "audit_entries":
            lines = [[("", vocabulary.shown(name, "at", row["at"], zone)),
                      ("", str(row["actor"])),
                      ("", audit.describe(str(row["action"]), json.loads(row["details"] or "{}"),
                                          short_codes=True))]
                     for row in tables[name]]
        else:
            lines = [line for row in tables[name] if (line := [
                (vocabulary.column_label(name, column), text) for column, value in row.items()
                if vocabulary.is_shown(name, column)
                and (text := vocabulary.shown(name, column, value, zone))])]
        if lines:
            sections.append((vocabulary.SECTION_TITLES.get(name, "Weitere Daten"),
                             [[(label, vocabulary.masked(text, codes)) for label, text in line]
                              for line in lines]))
    return sections
