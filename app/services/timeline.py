"""The contact history: notes typed by people and entries written by the system."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.db import Database
from app.models import Customer, Interaction
from app.services import actors
from app.services.clock import Clock
from app.services.errors import NotFoundError, ValidationError

# code name → German label shown in the UI; the order is the order of the channel picker.
CHANNELS: dict[str, str] = {
    "phone": "Telefon",
    "visit": "Besuch",
    "letter": "Brief",
    "email": "E-Mail",
    "order": "Auftrag",
    "complaint": "Reklamation",
    "note": "Notiz",
    "system": "System",
}


@dataclass(frozen=True)
class InteractionDTO:
    id: int
    customer_id: int
    occurred_at: datetime
    channel: str
    subject: str
    text: str
    author: str


def is_contact() -> ColumnElement[bool]:
    """The SQL condition for a contact: an exchange with the customer. System entries (class
    changes, recorded sales, imports) are not one, so they never make a customer look recently
    contacted ("letzter Kontakt" in segments, the call list of Heute)."""
    return Interaction.channel != "system"


def record(
    session: Session,
    *,
    customer_id: int,
    channel: str,
    subject: str,
    at: datetime,
    text: str = "",
    author: str = "",
) -> Interaction:
    """Add a timeline entry inside the caller's unit of work (no commit here)."""
    entry = Interaction(
        customer_id=customer_id,
        occurred_at=at,
        channel=channel,
        subject=subject[:200],
        text=text,
        author=actors.recorded(author),
        created_at=at,
    )
    session.add(entry)
    return entry


def to_dto(entry: Interaction) -> InteractionDTO:
    return InteractionDTO(
        id=entry.id,
        customer_id=entry.customer_id,
        occurred_at=entry.occurred_at,
        channel=entry.channel,
        subject=entry.subject,
        text=entry.text,
        author=entry.author,
    )


class TimelineService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def add(
        self,
        customer_id: int,
        *,
        channel: str,
        subject: str,
        text: str = "",
        by: str = "",
        occurred_at: datetime | None = None,
    ) -> InteractionDTO:
        errors = {}
        if channel not in CHANNELS or channel == "system":
            errors["channel"] = "bitte einen Kanal wählen"
        if not subject.strip() and not text.strip():
            errors["subject"] = "Betreff oder Text angeben"
        if errors:
            raise ValidationError(errors)
        with self.db.write() as session:
            if session.get(Customer, customer_id) is None:
                raise NotFoundError(f"Kunde {customer_id} nicht gefunden")
            entry = record(
                session,
                customer_id=customer_id,
                channel=channel,
                subject=subject.strip(),
                text=text.strip(),
                author=by,
                at=occurred_at or self.clock.now(),
            )
            session.flush()
            result = to_dto(entry)
            session.commit()
        return result

    def entries(self, customer_id: int, *, limit: int = 500) -> list[InteractionDTO]:
        """Newest first."""
        with self.db.read() as session:
            rows = session.scalars(
                select(Interaction)
                .where(Interaction.customer_id == customer_id)
                .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
                .limit(limit)
            )
            return [to_dto(row) for row in rows]
