"""Mail templates beside the letter templates: the same placeholders, the same sandbox and the
same typo check (the letters service compiles them), and the same shipped texts.

A template's body is plain text with blank lines between paragraphs; the message builder makes
both the plain-text part and the HTML part from it, so they can never say different things.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import Database
from app.models import EmailTemplate
from app.services.clock import Clock
from app.services.email.account import invalid
from app.services.errors import ConflictError, NotFoundError
from app.services.letters.builtin import BUILTIN_TEMPLATES
from app.services.letters.service import LetterService, TemplateDTO, load_recipients

# The letter built-ins that also ship as mail templates (same key, name and text).
MAIL_BUILTINS = tuple(b for b in BUILTIN_TEMPLATES
                      if b.key in ("willkommen", "geburtstag_gutschein", "dankeschoen_a"))


@dataclass(frozen=True)
class RenderedMail:
    customer_id: int
    number: str
    name: str
    subject: str
    text: str


def _dto(row: EmailTemplate) -> TemplateDTO:
    return TemplateDTO(row.id, row.name, row.subject, row.body, row.version,
                       row.builtin_key is not None, row.advertising)


class MailTemplateService:
    def __init__(self, db: Database, clock: Clock, letters: LetterService) -> None:
        self.db = db
        self.clock = clock
        self.letters = letters

    def templates(self) -> list[TemplateDTO]:
        self._ensure_builtins()
        with self.db.read() as session:
            rows = session.scalars(select(EmailTemplate).order_by(EmailTemplate.name))
            return [_dto(r) for r in rows]

    def get(self, template_id: int) -> TemplateDTO:
        with self.db.read() as session:
            row = session.get(EmailTemplate, template_id)
            if row is None:
                raise NotFoundError(f"Mailvorlage {template_id} nicht gefunden")
            return _dto(row)

    def by_name(self, name: str) -> TemplateDTO:
        self._ensure_builtins()
        with self.db.read() as session:
            row = session.scalar(select(EmailTemplate).where(
                func.lower(EmailTemplate.name) == name.strip().lower()))
        if row is None:
            known = ", ".join(t.name for t in self.templates())
            raise NotFoundError(f"Mailvorlage „{name}“ nicht gefunden (vorhanden: {known})")
        return _dto(row)

    def for_letter(self, template_key: str) -> TemplateDTO:
        """The mail template standing for a letter template: same built-in key, else name."""
        self._ensure_builtins()
        key = template_key.strip()
        with self.db.read() as session:
            row = session.scalar(select(EmailTemplate).where(EmailTemplate.builtin_key == key))
        return _dto(row) if row is not None else self.by_name(key)

    def save(self, template_id: int | None, *, name: str, subject: str, body: str,
             advertising: bool) -> TemplateDTO:
        """Check (placeholders, syntax) and store; every change raises the version."""
        name = name.strip()
        if not name:
            raise invalid({"name": "Namen der Vorlage angeben"})
        if not subject.strip():
            raise invalid({"subject": "Eine Mail braucht einen Betreff"})
        self.letters.compile(TemplateDTO(template_id or 0, name, subject, body, 1, False,
                                         advertising))
        now = self.clock.now()
        with self.db.write() as session:
            clash = session.scalar(select(EmailTemplate.id).where(
                func.lower(EmailTemplate.name) == name.lower()))
            if clash is not None and clash != template_id:
                raise ConflictError(f"Eine Mailvorlage „{name}“ gibt es schon.")
            row = session.get(EmailTemplate, template_id) if template_id else None
            if template_id and row is None:
                raise NotFoundError(f"Mailvorlage {template_id} nicht gefunden")
            if row is None:
                row = EmailTemplate(name=name, subject=subject, body=body, version=1,
                                    advertising=advertising, created_at=now, updated_at=now)
                session.add(row)
            else:
                row.name, row.subject, row.body = name, subject, body
                row.advertising = advertising
                row.version += 1
                row.updated_at = now
            session.flush()
            result = _dto(row)
            session.commit()
        return result

    def _ensure_builtins(self) -> None:
        with self.db.read() as session:
            present = set(session.scalars(select(EmailTemplate.builtin_key)
                                          .where(EmailTemplate.builtin_key.is_not(None))))
        missing = [b for b in MAIL_BUILTINS if b.key not in present]
        if not missing:
            return
        now = self.clock.now()
        with self.db.write() as session:
            taken = {n.lower() for n in session.scalars(select(EmailTemplate.name))}
            for builtin in missing:
                name = builtin.name if builtin.name.lower() not in taken else (
                    f"{builtin.name} (Original)")
                session.add(EmailTemplate(
                    name=name, subject=builtin.subject, body=builtin.body, version=1,
                    builtin_key=builtin.key, advertising=builtin.advertising,
                    created_at=now, updated_at=now))
            session.commit()

    def render(self, session: Session, template: TemplateDTO, customer_ids: Sequence[int], *,
               on: date, sender: str) -> list[RenderedMail]:
        """Subject and text per customer, in the caller's unit of work."""
        compiled = self.letters.compile(template)
        recipients = load_recipients(session, customer_ids)
        extra = compiled.extra_values(session, list(recipients), on=on)
        result = []
        for customer_id in customer_ids:
            recipient = recipients.get(customer_id)
            if recipient is None:
                raise NotFoundError(f"Kunde {customer_id} nicht gefunden")
            letter = compiled.render(recipient, on=on, sender=sender,
                                     extra=extra[customer_id], info=())
            result.append(RenderedMail(customer_id, recipient.number, recipient.name,
                                       letter.subject, letter.body))
        return result
