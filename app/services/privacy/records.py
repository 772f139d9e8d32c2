"""Verzeichnis von Verarbeitungstätigkeiten (Art. 30 DSGVO): a template, filled and printed."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from app.services import audit
from app.services.errors import StorageError
from app.services.privacy import documents
from app.services.privacy.retention import Retention

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

ART30_KEY = "privacy_art30_text"
audit.name_values("key", {ART30_KEY: "Verarbeitungsverzeichnis (Art. 30)"})
ART30_TEMPLATE_FILE = files("resources") / "privacy" / "verarbeitungsverzeichnis.md"


class ProcessingRecords(Retention):
    """The Art. 30 records: template, filled text and PDF."""

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

        styles = documents.styles()
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
            documents.build_pdf(path, story, title="Verzeichnis von Verarbeitungstätigkeiten")
        except OSError as exc:
            raise StorageError(f"„{path}“ kann nicht geschrieben werden: "
                               f"{exc.strerror or exc}") from exc
        return path
