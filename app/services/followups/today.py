"""The "Heute" call list: who to contact next, and why — an explainable score.

Score of a customer = the sum of the points of each reason that applies, plus a class bonus:

- A customer not contacted for more than N days (default 90): 40 + (days over N, at most
  90) // 3. "Contacted" means any timeline entry that is not a system entry.
- at risk (set by the classification): 30
- birthday within the next 7 days (today included): 25 + 3 × (7 − days until)
- maintenance due within the next 31 days (not yet due): 20 + (31 − days until) // 2
- an active maintenance object but no running maintenance contract (the best next offer): 15
- class bonus once per customer: A +20, B +10

Every part is kept with its label, so the page can show how a score came about. A customer
hidden with "für N Tage ausblenden" or with a call noted from the list stays off it until
that day has passed.

A call is a phone contact, so the contact policy decides who may be on the list: each reason
has a purpose (a maintenance visit is service under the contract, everything else is
advertising), and a reason stays only if the policy allows a call for its purpose. A
candidate left without reasons is held back and listed with the policy's reason (a consumer
without a phone-advertising consent, an objection, an erased customer, no phone number).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, load_only

from app.db import Database
from app.models import (
    CallListDismissal,
    Contract,
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
from app.services.followups import agenda
from app.services.followups.service import PENDING, FollowUpService, phone_text
from app.services.formatting import format_count, format_date
from app.services.privacy.contact_policy import (
    ADDRESS_CODES,
    CHUNK,
    Channel,
    Decision,
    Purpose,
    decide,
    decide_many,
)

invalid = ValidationError.labelled({"days": "Tage", "template_key": "Briefvorlage"})

SETTINGS_KEY = "today"
DEFAULTS = {"a_contact_days": 90, "birthday_days": 7, "maintenance_days": 31,
            "dismiss_days": 14, "limit": 50}
CLASS_BONUS = {"A": 20, "B": 10}
# The shipped letter template (its key in letters/builtin.py) the list proposes for a reason:
# "Brief vormerken" puts the customer on that template's letter list, which Briefe →
# Serienbrief shows as "Vorgemerkte Briefe" under the template's name.
LETTER_FOR = {"a_contact": "dankeschoen_a", "at_risk": "reaktivierung",
              "birthday": "geburtstag_gutschein", "maintenance": "wartungserinnerung",
              "no_contract": "wartungserinnerung"}
# Why each reason would contact the customer: only the maintenance visit is owed under the
# contract; caring for, reactivating and congratulating a customer is advertising.
PURPOSE_FOR = {"a_contact": Purpose.ADVERTISING, "at_risk": Purpose.ADVERTISING,
               "birthday": Purpose.ADVERTISING, "maintenance": Purpose.SERVICE,
               "no_contract": Purpose.ADVERTISING}  # offering a contract is an offer


def _reason_purpose(kind: str) -> Purpose:
    """A reason not listed in PURPOSE_FOR counts as advertising, the stricter answer."""
    return PURPOSE_FOR.get(kind, Purpose.ADVERTISING)


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

    @property
    def purpose(self) -> Purpose:
        return _purpose(self.kinds)


@dataclass(frozen=True)
class HeldBack:
    """A candidate the contact policy keeps off the list, with why it would have been on it."""

    customer_id: int
    customer_name: str
    customer_number: str
    reasons: tuple[str, ...]
    score: int
    reason: str  # the contact policy's reason, German
    code: str


@dataclass(frozen=True)
class CallList:
    suggestions: tuple[Suggestion, ...]
    held_back: tuple[HeldBack, ...]  # the highest-scored ones, as many as the list shows
    held_back_count: int


def _purpose(kinds: tuple[str, ...] | list[str]) -> Purpose:
    return (Purpose.ADVERTISING if any(_reason_purpose(k) is Purpose.ADVERTISING for k in kinds)
            else Purpose.SERVICE)


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

    def agenda(self, *, mine_of: str = "") -> agenda.Agenda:
        """The due follow-ups as "Heute" lists them; `mine_of` keeps one person's."""
        return agenda.load(self.db, FollowUpService(self.db, self.clock), now=self.clock.now(),
                           mine_of=mine_of)

    def call_list(self, *, as_of: date | None = None) -> CallList:
        """The ranked suggestions, highest score first (ties by name), and the candidates
        the contact policy held back, on `as_of` (default today)."""
        today = as_of or self.clock.today()
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
            self._no_contract(session, today, add)
            hidden = set(session.scalars(select(CallListDismissal.customer_id)
                                         .where(CallListDismissal.until >= today)))
            classes = {cid: klass for cid, klass in session.execute(
                select(Customer.id, Customer.abc_class)
                .where(Customer.abc_class.in_(tuple(CLASS_BONUS))))}

            def score(cid: int) -> int:
                return sum(p.points for p in self._parts(drafts[cid], classes.get(cid)))

            ranked = sorted((cid for cid in drafts if cid not in hidden), key=lambda c: -score(c))
            ids, refused = self._ask_policy(session, today, ranked, drafts, score,
                                            limit=cfg["limit"])
            scored = [(cid, self._parts(drafts[cid], classes.get(cid))) for cid in ids]
            held = sorted(((cid, self._parts(drafts[cid], classes.get(cid)))
                           for cid in refused), key=lambda item: -sum(p.points for p in item[1]))
            held = held[:cfg["limit"]]
            # Only the candidates that can still make the list need their names (ties).
            scored.sort(key=lambda item: -sum(p.points for p in item[1]))
            if len(scored) > cfg["limit"]:
                cutoff = sum(p.points for p in scored[cfg["limit"] - 1][1])
                scored = [item for item in scored if sum(p.points for p in item[1]) >= cutoff]
            shown = [cid for cid, _parts in scored] + [cid for cid, _parts in held]
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
        held_back = tuple(HeldBack(
            customer_id=cid, customer_name=customer_display_name(customers[cid]),
            customer_number=customers[cid].number, reasons=tuple(drafts[cid].reasons),
            score=sum(p.points for p in parts), reason=refused[cid].reason,
            code=refused[cid].code) for cid, parts in held)
        return CallList(tuple(result[:cfg["limit"]]), held_back, len(refused))

    @staticmethod
    def _parts(draft: _Draft, klass: str | None) -> list[ScorePart]:
        bonus = CLASS_BONUS.get(klass or "")
        return list(draft.parts) + ([ScorePart(f"{klass}-Kunde", bonus)] if bonus else [])

    @staticmethod
    def _ask_policy(session: Session, today: date, ranked: list[int],
                    drafts: dict[int, _Draft], score: Callable[[int], int], *, limit: int
                    ) -> tuple[list[int], dict[int, Decision]]:
        """Drop each reason the contact policy does not allow a call for; return the
        candidates that keep one, and those left without any with the decision that held
        them back.

        Candidates are asked in score order, a chunk at a time, until the list is full and
        no candidate not yet asked could still reach it (dropping reasons only lowers a
        score): at 100,000 customers most candidates never need asking. So the held-back
        candidates are those that ranked for the list, not every customer with a reason."""
        kept: list[int] = []
        refused: dict[int, Decision] = {}
        for start in range(0, len(ranked), CHUNK):
            chunk = ranked[start:start + CHUNK]
            answers = {purpose: decide_many(
                session, [c for c in chunk if purpose in map(_reason_purpose, drafts[c].kinds)],
                channel=Channel.PHONE, purpose=purpose, today=today) for purpose in Purpose}
            for cid in chunk:
                draft = drafts[cid]
                keep = [i for i, kind in enumerate(draft.kinds)
                        if answers[_reason_purpose(kind)][cid].allowed]
                if not keep:
                    refused[cid] = answers[_purpose(draft.kinds)][cid]
                    continue
                if len(keep) < len(draft.kinds):
                    drafts[cid] = _Draft([draft.kinds[i] for i in keep],
                                         [draft.reasons[i] for i in keep],
                                         [draft.parts[i] for i in keep])
                kept.append(cid)
            rest = ranked[start + CHUNK:start + CHUNK + 1]
            if rest and len(kept) >= limit and (
                    sorted(map(score, kept), reverse=True)[limit - 1] > score(rest[0])):
                break
        return kept, refused

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

    def queue_letter(self, customer_id: int, *, template_key: str,
                     reasons: tuple[str, ...] = (), note: str = "", by: str = "") -> int:
        """Put a customer on the letter list for a template (the letters feature prints it).

        Whether the letter is advertising follows from why it is written (`reasons`, the
        list's reason kinds), never from the template: the maintenance template also offers a
        contract to a customer without one. No reasons given counts as advertising."""
        key = template_key.strip()
        if not key:
            raise invalid({"template_key": "bitte eine Briefvorlage wählen"})
        now = self.clock.now()
        with self.db.write() as session:
            self._customer(session, customer_id)
            purpose = _purpose(reasons) if reasons else Purpose.ADVERTISING
            decision = decide(session, customer_id, channel=Channel.LETTER, purpose=purpose,
                              today=now.date())
            # An address can still be fixed before the letter list is printed (the mailing
            # checks it again); what the law forbids cannot.
            if not decision.allowed and decision.code not in ADDRESS_CODES:
                raise invalid({"template_key": f"kein Brief an diesen Kunden: "
                                               f"{decision.reason}"})
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
                reason = (f"A-Kunde, letzter Kontakt vor {format_count(idle, 'Tag', 'Tagen')}"
                          if at
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

    def _no_contract(self, session: Session, today: date, add: Any) -> None:
        covered = select(Contract.customer_id).where(Contract.running_on(today))
        rows = session.execute(self._active(
            select(Customer.id, func.min(MaintenanceObject.name))
            .join(MaintenanceObject, MaintenanceObject.customer_id == Customer.id)
            .where(MaintenanceObject.active.is_(True), Customer.id.not_in(covered))
            .group_by(Customer.id)))
        for cid, name in rows:
            add(cid, "no_contract", f"{name} ohne Wartungsvertrag – Vertrag anbieten", 15)

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
