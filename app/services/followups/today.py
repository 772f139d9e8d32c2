"""The "Heute" call list: who to contact next, and why — an explainable score.

Score of a customer = the sum of the points of each reason that applies, plus a class bonus:

- A customer not contacted for more than N days (default 90): 40 + (days over N, at most
  90) // 3. "Contacted" means any timeline entry that is not a system entry.
- at risk (set by the classification): 30
- birthday within the next 7 days (today included): 25 + 3 × (7 − days until)
- maintenance due within the next 31 days (not yet due): 20 + (31 − days until) // 2
- class bonus once per customer: A +20, B +10

Every part is kept with its label, so the page can show how a score came about. A customer
hidden with "für N Tage ausblenden" or with a call noted from the list stays off it until
that day has passed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, load_only

from app.db import Database
from app.models import (
    CallListDismissal,
    Customer,
    FollowUp,
    Interaction,
    LetterQueueEntry,
    MaintenanceObject,
    Setting,
)
from app.services import timeline
from app.services.clock import Clock
from app.services.customers.naming import customer_display_name
from app.services.errors import NotFoundError, ValidationError
from app.services.followups.service import PENDING, phone_text
from app.services.formatting import format_date

invalid = ValidationError.labelled({"days": "Tage", "template_key": "Briefvorlage"})

SETTINGS_KEY = "today"
DEFAULTS = {"a_contact_days": 90, "birthday_days": 7, "maintenance_days": 31,
            "dismiss_days": 14, "limit": 50}
CLASS_BONUS = {"A": 20, "B": 10}
# The letter template the list proposes for a reason (the letters feature defines them).
LETTER_FOR = {"a_contact": "kundenpflege", "at_risk": "reaktivierung",
              "birthday": "geburtstag", "maintenance": "wartung"}


@dataclass(frozen=True)
class ScorePart:
    label: str
    points: int


@dataclass(frozen=True)
class Suggestion:
    customer_id: int
    customer_name: str
    customer_number: str
    phone: str
    abc_class: str | None
    kinds: tuple[str, ...]
    reasons: tuple[str, ...]
    parts: tuple[ScorePart, ...]

    @property
    def score(self) -> int:
        return sum(part.points for part in self.parts)

    @property
    def reason_text(self) -> str:
        return "; ".join(self.reasons)

    @property
    def score_text(self) -> str:
        return " + ".join(f"{part.label} {part.points}" for part in self.parts) \
            + f" = {self.score}"

    @property
    def letter_template(self) -> str:
        return LETTER_FOR[self.kinds[0]]


@dataclass
class _Draft:
    kinds: list[str]
    reasons: list[str]
    parts: list[ScorePart]


def _birthday_dates(today: date, days: int) -> dict[tuple[int, int], date]:
    """(month, day) → the date it falls on in the window; 29.02. on 28.02. in other years."""
    found: dict[tuple[int, int], date] = {}
    for offset in range(days + 1):
        day = today + timedelta(days=offset)
        found[(day.month, day.day)] = day
        if (day.month, day.day) == (2, 28):
            try:
                date(day.year, 2, 29)
            except ValueError:
                found[(2, 29)] = day
    return found


class TodayService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def settings(self) -> dict[str, int]:
        with self.db.read() as session:
            return self._settings(session)

    def call_list(self) -> list[Suggestion]:
        """The ranked suggestions, highest score first (ties by name)."""
        today = self.clock.today()
        with self.db.read() as session:
            cfg = self._settings(session)
            drafts: dict[int, _Draft] = {}

            def add(cid: int, kind: str, reason: str, points: int) -> None:
                draft = drafts.setdefault(cid, _Draft([], [], []))
                draft.kinds.append(kind)
                draft.reasons.append(reason)
                draft.parts.append(ScorePart(reason, points))

            self._a_not_contacted(session, today, cfg["a_contact_days"], add)
            for (cid,) in session.execute(self._active(select(Customer.id))
                                          .where(Customer.at_risk.is_(True))):
                add(cid, "at_risk", "abwanderungsgefährdet", 30)
            self._birthdays(session, today, cfg["birthday_days"], add)
            self._maintenance(session, today, cfg["maintenance_days"], add)
            hidden = set(session.scalars(select(CallListDismissal.customer_id)
                                         .where(CallListDismissal.until >= today)))
            ids = [cid for cid in drafts if cid not in hidden]
            classes = {cid: klass for cid, klass in session.execute(
                select(Customer.id, Customer.abc_class)
                .where(Customer.abc_class.in_(tuple(CLASS_BONUS))))}
            scored = []
            for cid in ids:
                parts = list(drafts[cid].parts)
                klass = classes.get(cid)
                if CLASS_BONUS.get(klass or ""):
                    parts.append(ScorePart(f"{klass}-Kunde", CLASS_BONUS[klass or ""]))
                scored.append((cid, parts))
            # Only the candidates that can still make the list need their names (ties).
            scored.sort(key=lambda item: -sum(p.points for p in item[1]))
            if len(scored) > cfg["limit"]:
                cutoff = sum(p.points for p in scored[cfg["limit"] - 1][1])
                scored = [item for item in scored if sum(p.points for p in item[1]) >= cutoff]
            shown = [cid for cid, _parts in scored]
            customers = {c.id: c for c in session.scalars(
                select(Customer).where(Customer.id.in_(shown)).options(load_only(
                    Customer.number, Customer.kind, Customer.title, Customer.first_name,
                    Customer.last_name, Customer.company, Customer.phone, Customer.mobile,
                    Customer.abc_class)))
            } if shown else {}
        result = []
        for cid, parts in scored:
            customer, draft = customers[cid], drafts[cid]
            result.append(Suggestion(
                customer_id=cid, customer_name=customer_display_name(customer),
                customer_number=customer.number,
                phone=phone_text(customer.phone or customer.mobile),
                abc_class=customer.abc_class, kinds=tuple(draft.kinds),
                reasons=tuple(draft.reasons), parts=tuple(parts)))
        result.sort(key=lambda s: (-s.score, s.customer_name.casefold(), s.customer_id))
        return result[:cfg["limit"]]

    # --- one-click actions ---------------------------------------------------------------

    def note_call(self, customer_id: int, *, text: str = "", by: str = "") -> None:
        """A call made from the list: timeline entry, and off the list for N days."""
        now = self.clock.now()
        with self.db.write() as session:
            self._customer(session, customer_id)
            timeline.record(session, customer_id=customer_id, channel="phone",
                            subject="Anruf notiert (Heute-Liste)", text=text.strip(),
                            author=by, at=now)
            self._hide(session, customer_id, now.date() + timedelta(
                days=self._settings(session)["dismiss_days"]))
            session.commit()

    def dismiss(self, customer_id: int, *, days: int) -> date:
        """Hide a customer from the list for `days` days; returns the last hidden day."""
        if not 1 <= days <= 365:
            raise invalid({"days": "1 bis 365 Tage"})
        until = self.clock.today() + timedelta(days=days)
        with self.db.write() as session:
            self._customer(session, customer_id)
            self._hide(session, customer_id, until)
            session.commit()
        return until

    def queue_letter(self, customer_id: int, *, template_key: str, note: str = "",
                     by: str = "") -> int:
        """Put a customer on the letter list for a template (the letters feature prints it)."""
        key = template_key.strip()
        if not key:
            raise invalid({"template_key": "bitte eine Briefvorlage wählen"})
        now = self.clock.now()
        with self.db.write() as session:
            customer = self._customer(session, customer_id)
            if customer.advertising_objection_at is not None and key != "wartung":
                raise invalid({"template_key": "der Kunde hat der Werbung "
                                                       "widersprochen"})
            entry = LetterQueueEntry(customer_id=customer_id, template_key=key, rule_id=None,
                                     note=note[:200], created_by=by, created_at=now)
            session.add(entry)
            timeline.record(session, customer_id=customer_id, channel="system",
                            subject=f"Für Brief „{key}“ vorgemerkt", text=note, author=by,
                            at=now)
            session.flush()
            entry_id = entry.id
            session.commit()
        return entry_id

    def letter_queue(self, *, template_key: str | None = None) -> list[tuple[int, int, str]]:
        """Open letter-list entries as (entry id, customer id, template key), oldest first."""
        query = (select(LetterQueueEntry.id, LetterQueueEntry.customer_id,
                        LetterQueueEntry.template_key)
                 .where(LetterQueueEntry.done_at.is_(None)).order_by(LetterQueueEntry.id))
        if template_key:
            query = query.where(LetterQueueEntry.template_key == template_key)
        with self.db.read() as session:
            return [(int(a), int(b), str(c)) for a, b, c in session.execute(query)]

    # --- the reasons -----------------------------------------------------------------

    @staticmethod
    def _active(query: Any) -> Any:
        return query.where(Customer.archived_at.is_(None), Customer.anonymized_at.is_(None))

    def _a_not_contacted(self, session: Session, today: date, days: int, add: Any) -> None:
        last = (select(Interaction.customer_id, func.max(Interaction.occurred_at).label("at"))
                .where(timeline.is_contact()).group_by(Interaction.customer_id)
                .subquery())
        rows = session.execute(self._active(
            select(Customer.id, last.c.at, Customer.created_at)
            .outerjoin(last, last.c.customer_id == Customer.id)
            .where(Customer.abc_class == "A")))
        for cid, at, created in rows:
            since: datetime = at or created
            idle = (today - since.astimezone(self.clock.zone).date()).days
            if idle > days:
                reason = (f"A-Kunde, letzter Kontakt vor {idle} Tagen" if at
                          else "A-Kunde, noch kein Kontakt eingetragen")
                add(cid, "a_contact", reason, 40 + min(idle - days, 90) // 3)

    def _birthdays(self, session: Session, today: date, days: int, add: Any) -> None:
        window = _birthday_dates(today, days)
        condition = or_(*(and_(Customer.birth_month == m, Customer.birth_day == d)
                          for m, d in window))
        rows = session.execute(self._active(
            select(Customer.id, Customer.birth_month, Customer.birth_day)).where(condition))
        for cid, month, dom in rows:
            day = window[(month, dom)]
            until = (day - today).days
            when = "heute" if until == 0 else f"am {format_date(day)}"
            add(cid, "birthday", f"Geburtstag {when}", 25 + 3 * (days - until))

    def _maintenance(self, session: Session, today: date, days: int, add: Any) -> None:
        rows = session.execute(self._active(
            select(Customer.id, MaintenanceObject.name, FollowUp.due_date)
            .join(FollowUp, FollowUp.customer_id == Customer.id)
            .join(MaintenanceObject, MaintenanceObject.id == FollowUp.maintenance_object_id)
            .where(FollowUp.status.in_(PENDING), FollowUp.due_date > today,
                   FollowUp.due_date <= today + timedelta(days=days))))
        for cid, name, due in rows:
            until = (due - today).days
            add(cid, "maintenance", f"Wartung {name} fällig am {format_date(due)}",
                20 + (days - until) // 2)

    # --- helpers ---------------------------------------------------------------------

    @staticmethod
    def _settings(session: Session) -> dict[str, int]:
        raw = session.get(Setting, SETTINGS_KEY)
        values = dict(DEFAULTS)
        if raw is not None:
            values.update({k: int(v) for k, v in json.loads(raw.value).items() if k in DEFAULTS})
        return values

    @staticmethod
    def _customer(session: Session, customer_id: int) -> Customer:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFoundError(f"Kunde {customer_id} nicht gefunden")
        return customer

    @staticmethod
    def _hide(session: Session, customer_id: int, until: date) -> None:
        row = session.get(CallListDismissal, customer_id)
        if row is None:
            session.add(CallListDismissal(customer_id=customer_id, until=until))
        else:
            row.until = max(row.until, until)
