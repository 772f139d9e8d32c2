"""Satisfaction scores and complaints, and the KPIs the owner steers by.

NPS (Net Promoter Score): share of promoters (9–10) minus share of detractors (0–6), in
percentage points, over the NPS answers of a period; passives (7–8) only count in the total.
CSAT (1–5) and CES (1–7) are plain averages of their answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.models import Complaint, Customer, Feedback
from app.services import timeline
from app.services.clock import Clock
from app.services.customers.naming import list_name
from app.services.errors import ConflictError, NotFoundError, ValidationError

# code name → (lowest, highest, German label)
KINDS: dict[str, tuple[int, int, str]] = {
    "nps": (0, 10, "Weiterempfehlung (NPS)"),
    "csat": (1, 5, "Zufriedenheit (CSAT)"),
    "ces": (1, 7, "Aufwand (CES)"),
}
COMPLAINT_STATUS = {"open": "offen", "done": "erledigt"}

invalid = ValidationError.labelled({
    "feedback_kind": "Art der Bewertung", "score": "Bewertung", "given_on": "Datum",
    "resolution": "Lösung", "resolved_on": "Erledigt am", "opened_on": "Eingegangen am",
})


@dataclass(frozen=True)
class FeedbackDTO:
    id: int
    customer_id: int
    kind: str
    score: int
    comment: str
    given_on: date
    recorded_by: str


@dataclass(frozen=True)
class ComplaintDTO:
    id: int
    customer_id: int
    subject: str
    text: str
    opened_on: date
    status: str  # open | done
    resolution: str
    resolved_on: date | None
    recorded_by: str

    @property
    def status_label(self) -> str:
        return COMPLAINT_STATUS[self.status]


@dataclass(frozen=True)
class OpenComplaint:
    id: int
    customer_id: int
    customer_number: str
    customer_name: str
    subject: str
    opened_on: date
    age_days: int


@dataclass(frozen=True)
class NpsResult:
    """NPS in percentage points (None without answers) and the counts it comes from."""

    score: float | None
    promoters: int
    passives: int
    detractors: int

    @property
    def answers(self) -> int:
        return self.promoters + self.passives + self.detractors


@dataclass(frozen=True)
class FeedbackKpis:
    start: date
    end: date
    nps: NpsResult
    csat_average: float | None
    csat_answers: int
    ces_average: float | None
    ces_answers: int
    open_complaints: tuple[OpenComplaint, ...]


def nps(scores: Iterable[int]) -> NpsResult:
    """% promoters (9–10) − % detractors (0–6); None for no answers."""
    promoters = passives = detractors = 0
    for score in scores:
        if score >= 9:
            promoters += 1
        elif score >= 7:
            passives += 1
        else:
            detractors += 1
    total = promoters + passives + detractors
    value = None if total == 0 else round(100.0 * (promoters - detractors) / total, 1)
    return NpsResult(value, promoters, passives, detractors)


def average(scores: list[int]) -> float | None:
    return round(sum(scores) / len(scores), 2) if scores else None


def validate_score(kind: str, score: int | None) -> int:
    """Raise ValidationError naming the allowed range of the kind's scale."""
    if kind not in KINDS:
        raise invalid({"feedback_kind": "bitte NPS, CSAT oder CES wählen"})
    low, high, label = KINDS[kind]
    if not isinstance(score, int) or isinstance(score, bool) or not low <= score <= high:
        raise invalid(
            {"score": f"{label}: bitte eine ganze Zahl von {low} bis {high} angeben"})
    return score


def _feedback_dto(row: Feedback) -> FeedbackDTO:
    return FeedbackDTO(row.id, row.customer_id, row.kind, row.score, row.comment, row.given_on,
                       row.recorded_by)


def _complaint_dto(row: Complaint) -> ComplaintDTO:
    return ComplaintDTO(row.id, row.customer_id, row.subject, row.text, row.opened_on,
                        row.status, row.resolution, row.resolved_on, row.recorded_by)


class FeedbackService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def record_score(self, customer_id: int, *, kind: str, score: int | None, comment: str = "",
                     given_on: date | None = None, by: str = "") -> FeedbackDTO:
        score = validate_score(kind, score)
        day = given_on or self.clock.today()
        if day > self.clock.today():
            raise invalid({"given_on": "liegt in der Zukunft"})
        with self.db.write() as session:
            self._customer(session, customer_id)
            row = Feedback(customer_id=customer_id, kind=kind, score=score,
                           comment=comment.strip(), given_on=day, recorded_by=by,
                           created_at=self.clock.now())
            session.add(row)
            _low, high, label = KINDS[kind]
            timeline.record(session, customer_id=customer_id, channel="note",
                            subject=f"Bewertung {label}: {score} von {high}",
                            text=comment.strip(), at=self.clock.now(), author=by)
            session.flush()
            result = _feedback_dto(row)
            session.commit()
        return result

    def open_complaint(self, customer_id: int, *, subject: str, text: str = "",
                       opened_on: date | None = None, by: str = "") -> ComplaintDTO:
        errors = {}
        if not subject.strip():
            errors["subject"] = "bitte angeben, worum es geht"
        elif len(subject.strip()) > 200:
            errors["subject"] = "höchstens 200 Zeichen"
        day = opened_on or self.clock.today()
        if day > self.clock.today():
            errors["opened_on"] = "liegt in der Zukunft"
        if errors:
            raise invalid(errors)
        with self.db.write() as session:
            self._customer(session, customer_id)
            row = Complaint(customer_id=customer_id, subject=subject.strip(), text=text.strip(),
                            opened_on=day, status="open", resolution="", resolved_on=None,
                            recorded_by=by, created_at=self.clock.now())
            session.add(row)
            timeline.record(session, customer_id=customer_id, channel="complaint",
                            subject=f"Reklamation: {subject.strip()}", text=text.strip(),
                            at=self.clock.now(), author=by)
            session.flush()
            result = _complaint_dto(row)
            session.commit()
        return result

    def resolve_complaint(self, complaint_id: int, *, resolution: str,
                          resolved_on: date | None = None, by: str = "") -> ComplaintDTO:
        """Mark a complaint as done (erledigt); the resolution is required."""
        if not resolution.strip():
            raise invalid({"resolution": "bitte beschreiben, wie sie gelöst wurde"})
        with self.db.write() as session:
            row = session.get(Complaint, complaint_id)
            if row is None:
                raise NotFoundError(f"Reklamation {complaint_id} nicht gefunden")
            if row.status == "done":
                raise ConflictError(
                    f"Die Reklamation „{row.subject}“ ist bereits erledigt "
                    f"({row.resolved_on:%d.%m.%Y}).")
            day = resolved_on or self.clock.today()
            if day < row.opened_on or day > self.clock.today():
                raise invalid(
                    {"resolved_on": "muss zwischen Eingang und heute liegen"})
            row.status = "done"
            row.resolution = resolution.strip()
            row.resolved_on = day
            timeline.record(session, customer_id=row.customer_id, channel="complaint",
                            subject=f"Reklamation erledigt: {row.subject}",
                            text=resolution.strip(), at=self.clock.now(), author=by)
            session.flush()
            result = _complaint_dto(row)
            session.commit()
        return result

    def scores(self, customer_id: int) -> list[FeedbackDTO]:
        """Newest first."""
        with self.db.read() as session:
            rows = session.scalars(select(Feedback).where(Feedback.customer_id == customer_id)
                                   .order_by(Feedback.given_on.desc(), Feedback.id.desc()))
            return [_feedback_dto(row) for row in rows]

    def complaints(self, customer_id: int) -> list[ComplaintDTO]:
        """Open ones first, then newest first."""
        with self.db.read() as session:
            rows = session.scalars(select(Complaint).where(Complaint.customer_id == customer_id)
                                   .order_by(Complaint.status.desc(), Complaint.opened_on.desc(),
                                             Complaint.id.desc()))
            return [_complaint_dto(row) for row in rows]

    def kpis(self, *, start: date, end: date) -> FeedbackKpis:
        """Scores given from `start` to `end` (both inclusive); open complaints as of today."""
        if start > end:
            raise invalid({"given_on": "der Zeitraum endet vor seinem Beginn"})
        with self.db.read() as session:
            rows = session.execute(select(Feedback.kind, Feedback.score)
                                   .where(Feedback.given_on >= start, Feedback.given_on <= end))
            by_kind: dict[str, list[int]] = {kind: [] for kind in KINDS}
            for kind, score in rows:
                by_kind.setdefault(kind, []).append(score)
            open_rows = self.open_complaints(session)
        return FeedbackKpis(
            start=start, end=end, nps=nps(by_kind["nps"]),
            csat_average=average(by_kind["csat"]), csat_answers=len(by_kind["csat"]),
            ces_average=average(by_kind["ces"]), ces_answers=len(by_kind["ces"]),
            open_complaints=open_rows)

    def open_complaints(self, session: Session) -> tuple[OpenComplaint, ...]:
        """Oldest first, with their age in days as of the clock's today."""
        today = self.clock.today()
        rows = session.execute(
            select(Complaint.id, Complaint.customer_id, Customer.number, Customer.first_name,
                   Customer.last_name, Customer.company, Complaint.subject, Complaint.opened_on)
            .join(Customer, Customer.id == Complaint.customer_id)
            .where(Complaint.status == "open")
            .order_by(Complaint.opened_on, Complaint.id))
        return tuple(
            OpenComplaint(id=cid, customer_id=cust, customer_number=number,
                          customer_name=list_name(last, first, company), subject=subject,
                          opened_on=opened, age_days=(today - opened).days)
            for cid, cust, number, first, last, company, subject, opened in rows)

    @staticmethod
    def _customer(session: Session, customer_id: int) -> Customer:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFoundError(f"Kunde {customer_id} nicht gefunden")
        return customer
