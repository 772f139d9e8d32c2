"""Saved segments: a named filter over class, RFM segment, churn risk, tags, postcode range,
city, last-contact age and birthday month — for the customer list, serial letters and exports.

A segment is stored as its filter (JSON), not as a list of customers, so it always means the
customers who match today.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, exists, func, not_, or_, select
from sqlalchemy.orm import Session

from app.db import Database
from app.models import (
    ClubMembership,
    Customer,
    Interaction,
    SavedSegment,
    Tag,
    customer_tags,
)
from app.services.clock import Clock
from app.services.errors import NotFoundError, ValidationError
from app.services.formatting import format_count
from app.services.timeline import is_contact

# What the classification stores on every customer, and segments filter on.
CLASSES = ("A", "B", "C")
# RFM segment code → German name; sales.classification decides them on the R and F scores.
SEGMENT_LABELS: dict[str, str] = {
    "champions": "Top-Kunden",
    "loyal": "Treue Kunden",
    "potential": "Potenzielle Stammkunden",
    "new": "Neukunde",
    "promising": "Vielversprechend",
    "attention": "Aufmerksamkeit nötig",
    "about_to_sleep": "Droht einzuschlafen",
    "at_risk": "Gefährdet",
    "cant_lose": "Nicht verlieren",
    "hibernating": "Schlafend",
}


invalid = ValidationError.labelled({
    "segment": "Segment", "name": "Name", "birthday_months": "Geburtsmonat",
    "postcode_from": "PLZ von", "last_contact_min_days": "Letzter Kontakt",
    "rfm_segments": "RFM-Segment", "abc_classes": "Klasse",
})
NAME_MAX = 100


@dataclass(frozen=True)
class SegmentSpec:
    """The filter of a segment; empty fields do not filter. All given fields must match."""

    abc_classes: tuple[str, ...] = ()  # any of "A", "B", "C"
    rfm_segments: tuple[str, ...] = ()  # any of the codes in SEGMENT_LABELS
    at_risk: bool | None = None  # True: only "gefährdet"; False: only not at risk
    tags: tuple[str, ...] = ()  # has any of these tags
    postcode_from: str = ""  # inclusive range, compared as text ("01000" … "01999")
    postcode_to: str = ""
    city: str = ""  # exact city name
    last_contact_min_days: int | None = None  # newest contact entry at least N days old
    last_contact_max_days: int | None = None  # newest contact entry at most N days old
    birthday_months: tuple[int, ...] = ()  # 1–12
    club_member: bool | None = None  # True: only Kundenclub members; False: only others

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> SegmentSpec:
        raw = json.loads(text)
        values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v
                                  for k, v in raw.items() if k in cls.__dataclass_fields__}
        return cls(**values)

    def validated(self) -> SegmentSpec:
        errors = {}
        if set(self.abc_classes) - set(CLASSES):
            errors["abc_classes"] = "nur A, B oder C"
        if unknown := set(self.rfm_segments) - set(SEGMENT_LABELS):
            errors["rfm_segments"] = f"unbekannt: {', '.join(sorted(unknown))}"
        if any(not 1 <= m <= 12 for m in self.birthday_months):
            errors["birthday_months"] = "Monate 1 bis 12"
        if (self.postcode_from and self.postcode_to
                and self.postcode_from.strip() > self.postcode_to.strip()):
            errors["postcode_from"] = "„von“ liegt nach „bis“"
        for days in (self.last_contact_min_days, self.last_contact_max_days):
            if days is not None and days < 0:
                errors["last_contact_min_days"] = "Tage dürfen nicht negativ sein"
        if errors:
            raise invalid(errors)
        return self

    def describe(self) -> str:
        """The filter in German words, for lists and letter previews."""
        parts = []
        if self.abc_classes:
            parts.append("Klasse " + ", ".join(self.abc_classes))
        if self.rfm_segments:
            parts.append(", ".join(SEGMENT_LABELS[s] for s in self.rfm_segments))
        if self.at_risk is not None:
            parts.append("gefährdet" if self.at_risk else "nicht gefährdet")
        if self.tags:
            parts.append("Merkmal " + " oder ".join(self.tags))
        if self.postcode_from or self.postcode_to:
            parts.append(f"PLZ {self.postcode_from or '…'}–{self.postcode_to or '…'}")
        if self.city:
            parts.append(f"Ort {self.city}")
        if self.last_contact_min_days is not None:
            parts.append("letzter Kontakt vor mindestens "
                         + format_count(self.last_contact_min_days, "Tag", "Tagen"))
        if self.last_contact_max_days is not None:
            parts.append("letzter Kontakt vor höchstens "
                         + format_count(self.last_contact_max_days, "Tag", "Tagen"))
        if self.birthday_months:
            parts.append("Geburtstag im Monat " + ", ".join(map(str, self.birthday_months)))
        if self.club_member is not None:
            parts.append("Clubmitglied" if self.club_member else "kein Clubmitglied")
        return "; ".join(parts) or "alle Kunden"


@dataclass(frozen=True)
class SegmentDTO:
    id: int
    name: str
    spec: SegmentSpec
    description: str


def conditions(spec: SegmentSpec, *, now: datetime) -> list[ColumnElement[bool]]:
    """SQL conditions on `Customer` for a segment (the customer list adds its own)."""
    found: list[ColumnElement[bool]] = []
    if spec.abc_classes:
        found.append(Customer.abc_class.in_(spec.abc_classes))
    if spec.rfm_segments:
        found.append(Customer.rfm_segment.in_(spec.rfm_segments))
    if spec.at_risk is not None:
        found.append(Customer.at_risk.is_(spec.at_risk))
    if spec.tags:
        found.append(Customer.id.in_(
            select(customer_tags.c.customer_id).join(Tag).where(Tag.name.in_(spec.tags))))
    if spec.postcode_from:
        found.append(Customer.postcode >= spec.postcode_from.strip())
    if spec.postcode_to:
        # "bis 01999" includes "01999" itself and nothing after it
        found.append(Customer.postcode <= spec.postcode_to.strip())
    if spec.city:
        found.append(Customer.city == spec.city.strip())
    if spec.last_contact_min_days is not None:
        since = now - timedelta(days=spec.last_contact_min_days)
        found.append(not_(exists().where(Interaction.customer_id == Customer.id, is_contact(),
                                         Interaction.occurred_at > since)))
    if spec.last_contact_max_days is not None:
        since = now - timedelta(days=spec.last_contact_max_days)
        found.append(exists().where(Interaction.customer_id == Customer.id, is_contact(),
                                    Interaction.occurred_at >= since))
    if spec.birthday_months:
        found.append(Customer.birth_month.in_(spec.birthday_months))
    if spec.club_member is not None:
        member = exists().where(ClubMembership.customer_id == Customer.id,
                                or_(ClubMembership.left_on.is_(None),
                                    ClubMembership.left_on > now.date()))
        found.append(member if spec.club_member else not_(member))
    return found


def load_spec(session: Session, name: str) -> SegmentSpec:
    raw = session.scalar(select(SavedSegment.spec).where(SavedSegment.name == name.strip()))
    if raw is None:
        raise NotFoundError(f"Segment „{name}“ gibt es nicht.")
    return SegmentSpec.from_json(raw)


class SegmentService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def save(self, name: str, spec: SegmentSpec) -> SegmentDTO:
        """Save (or replace) a segment by name."""
        name = name.strip()
        if not name:
            raise invalid({"name": "Namen angeben"})
        if len(name) > NAME_MAX:
            raise invalid({"name": f"höchstens {NAME_MAX} Zeichen"})
        spec = spec.validated()
        now = self.clock.now()
        with self.db.write() as session:
            row = session.scalar(select(SavedSegment).where(SavedSegment.name == name))
            if row is None:
                row = SavedSegment(name=name, spec=spec.to_json(), created_at=now,
                                   updated_at=now)
                session.add(row)
            else:
                row.spec = spec.to_json()
                row.updated_at = now
            session.flush()
            result = SegmentDTO(row.id, name, spec, spec.describe())
            session.commit()
        return result

    def delete(self, name: str) -> None:
        with self.db.write() as session:
            session.execute(delete(SavedSegment).where(SavedSegment.name == name.strip()))
            session.commit()

    def saved(self) -> list[SegmentDTO]:
        with self.db.read() as session:
            rows = session.scalars(select(SavedSegment).order_by(SavedSegment.name)).all()
            specs = [(row.id, row.name, SegmentSpec.from_json(row.spec)) for row in rows]
        return [SegmentDTO(i, n, s, s.describe()) for i, n, s in specs]

    def get(self, name: str) -> SegmentDTO:
        with self.db.read() as session:
            spec = load_spec(session, name)
            segment_id = session.scalar(select(SavedSegment.id)
                                        .where(SavedSegment.name == name.strip()))
        assert segment_id is not None
        return SegmentDTO(segment_id, name.strip(), spec, spec.describe())

    def customer_ids(self, segment: str | SegmentSpec) -> list[int]:
        """The active customers of a segment (by name or filter), in list order."""
        with self.db.read() as session:
            query = self._query(session, select(Customer.id), segment)
            return list(session.scalars(query.order_by(Customer.sort_name, Customer.number)))

    def count(self, segment: str | SegmentSpec) -> int:
        with self.db.read() as session:
            return int(session.scalar(
                self._query(session, select(func.count(Customer.id)), segment)) or 0)

    def _query(self, session: Session, query: Select[Any],
               segment: str | SegmentSpec) -> Select[Any]:
        spec = load_spec(session, segment) if isinstance(segment, str) else segment.validated()
        return query.where(and_(Customer.archived_at.is_(None),
                                Customer.anonymized_at.is_(None),
                                *conditions(spec, now=self.clock.now())))
