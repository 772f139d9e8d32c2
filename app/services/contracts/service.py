"""Maintenance contracts (Wartungsverträge): add, end, adjust the price, list, figures.

A contract covers maintenance objects; their recurring maintenance follow-ups are the
contract's visits (the follow-ups' own RRULE recurrence). A contract without an object but
with a visit interval gets an object of its own, so every visit hangs on an object.
The term rules live in `terms`; this module stores what they decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import Database
from app.models import Contract, ContractObject, Counter, Customer, FollowUp, MaintenanceObject
from app.services import timeline
from app.services.clock import Clock
from app.services.contracts import terms
from app.services.customers.naming import customer_display_name as display_name
from app.services.errors import ConflictError, NotFoundError, ValidationError
from app.services.followups import recurrence
from app.services.followups.service import PENDING, add_followup
from app.services.formatting import format_cents, format_date

invalid = ValidationError.labelled({
    "start": "Beginn", "concluded_on": "Vertragsschluss", "min_months": "Mindestlaufzeit",
    "renewal": "Verlängerung", "renewal_months": "Verlängerung um", "notice_months":
    "Kündigungsfrist", "price": "Preis", "price_per": "Preis je", "objects": "Wartungsobjekte",
    "visit_rrule": "Besuchsintervall", "received": "Kündigung erhalten am",
    "ended_by": "Gekündigt von", "customer_kind": "Kundenart", "title": "Bezeichnung",
    "payment_interval": "Zahlweise", "contract": "Vertrag",
})
PRICE_PER = {"year": "pro Jahr", "visit": "pro Besuch"}
PAYMENT_INTERVALS = {"yearly": "jährlich", "half_yearly": "halbjährlich",
                     "quarterly": "vierteljährlich", "monthly": "monatlich",
                     "per_visit": "je Besuch"}
ENDED_BY = {"customer": "Kunde", "company": "Betrieb"}
STATE_LABELS = {"active": "läuft", "ending": "gekündigt", "ended": "beendet"}


@dataclass(frozen=True)
class ContractInput:
    customer_id: int
    start: date
    min_months: int
    renewal: str
    notice_months: int
    price_cents: int
    price_per: str = "year"
    object_ids: tuple[int, ...] = ()
    title: str = "Wartungsvertrag"
    concluded_on: date | None = None  # None: the start day
    renewal_months: int = 12
    payment_interval: str = "yearly"
    visit_rrule: str = ""  # RFC 5545; "" = the objects keep their own interval
    included: str = ""
    services: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContractDTO:
    id: int
    number: str
    customer_id: int
    customer_name: str
    customer_number: str
    title: str
    customer_kind: str
    concluded_on: date
    start: date
    min_months: int
    min_term_end: date | None
    renewal: str
    renewal_months: int
    notice_months: int
    price_cents: int
    price_per: str
    previous_price_cents: int | None
    price_changed_on: date | None
    yearly_cents: int
    payment_interval: str
    visit_rrule: str
    included: str
    services: tuple[str, ...]
    object_ids: tuple[int, ...]
    object_names: tuple[str, ...]
    ended_by: str
    notice_received: date | None
    last_day: date | None
    end_rule: str
    state: str  # active | ending | ended
    term_text: str
    renews_on: date | None

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def price_text(self) -> str:
        return f"{format_cents(self.price_cents)} {PRICE_PER[self.price_per]}"


@dataclass(frozen=True)
class ContractFigures:
    active: int
    ending: int
    ended: int
    recurring_cents: int  # per year, of contracts running today
    ending_within_90_days: int
    cancellation_rate: float  # share of contracts ever made that were ended by notice
    objects_without_contract: int  # customers with an active object and no running contract


def terms_of(row: Contract) -> terms.Terms:
    return terms.Terms(customer_kind=row.customer_kind, concluded_on=row.concluded_on,
                       start=row.start, min_months=row.min_months, renewal=row.renewal,
                       notice_months=row.notice_months, renewal_months=row.renewal_months)


def visits_per_year(rule: str) -> int:
    """How many visits a year an interval means (for prices per visit), at least one."""
    if not rule:
        return 1
    start = date(2026, 1, 1)
    count, day = 0, start
    while True:
        found = recurrence.occurrence_after(rule, start=start, after=day)
        if found is None or found >= date(2027, 1, 1):
            return max(1, count + 1)
        count, day = count + 1, found


def state_on(row: Contract, day: date) -> str:
    if row.last_day is None:
        if row.renewal == "none" and (end := terms.min_term_end(terms_of(row))) is not None:
            return "ended" if end < day else "active"
        return "active"
    return "ended" if row.last_day < day else "ending"


def contract_end(row: Contract) -> date | None:
    """The day the contract ends as things stand: the notice's last day or a fixed term."""
    if row.last_day is not None:
        return row.last_day
    return terms.min_term_end(terms_of(row)) if row.renewal == "none" else None


def _validated(data: ContractInput, customer_kind: str) -> tuple[terms.Terms, str]:
    agreed = terms.Terms(customer_kind=customer_kind,
                         concluded_on=data.concluded_on or data.start, start=data.start,
                         min_months=data.min_months, renewal=data.renewal,
                         notice_months=data.notice_months, renewal_months=data.renewal_months)
    errors = terms.problems(agreed)
    if data.price_cents < 0 or data.price_cents > 100_000_00:
        errors["price"] = "zwischen 0 und 100.000 €"
    if data.price_per not in PRICE_PER:
        errors["price_per"] = "pro Jahr (year) oder pro Besuch (visit)"
    if data.payment_interval not in PAYMENT_INTERVALS:
        errors["payment_interval"] = "jährlich, halbjährlich, vierteljährlich, monatlich"
    if not data.title.strip():
        errors["title"] = "bitte eine Bezeichnung angeben"
    rule = ""
    try:
        rule = recurrence.normalized(data.visit_rrule)
    except ValidationError as error:
        errors["visit_rrule"] = error.fields.get("rrule", error.message)
    if not data.object_ids and not rule:
        errors["objects"] = "Wartungsobjekt wählen oder ein Besuchsintervall angeben"
    if errors:
        raise invalid(errors)
    return agreed, rule


class ContractService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # --- reading ---------------------------------------------------------------------

    def get(self, number: str) -> ContractDTO:
        with self.db.read() as session:
            return self._dto(session, self._load(session, number))

    def for_customer(self, customer_id: int) -> list[ContractDTO]:
        with self.db.read() as session:
            rows = session.scalars(select(Contract).where(Contract.customer_id == customer_id)
                                   .order_by(Contract.start.desc(), Contract.id.desc()))
            return [self._dto(session, row) for row in rows]

    def contracts(self, *, ending_within: int | None = None,
                  renewing_within: int | None = None, state: str | None = None
                  ) -> list[ContractDTO]:
        """All contracts by number; `ending_within` days: those whose end lies between today
        and that many days ahead (notice given or a fixed term running out);
        `renewing_within` days: uncancelled ones renewing tacitly in that time (for the
        letter „Ihr Vertrag verlängert sich“)."""
        today = self.clock.today()
        with self.db.read() as session:
            rows = list(session.scalars(select(Contract).order_by(Contract.number)))
            if ending_within is not None:
                until = today + timedelta(days=ending_within)
                rows = [r for r in rows if (end := contract_end(r)) is not None
                        and today <= end <= until]
            if renewing_within is not None:
                until = today + timedelta(days=renewing_within)
                rows = [r for r in rows if r.last_day is None
                        and (renews := terms.renews_on(terms_of(r), today)) is not None
                        and renews <= until]
            if state is not None:
                rows = [r for r in rows if state_on(r, today) == state]
            return [self._dto(session, row) for row in rows]

    def figures(self) -> ContractFigures:
        today = self.clock.today()
        with self.db.read() as session:
            rows = list(session.scalars(select(Contract)))
            states = [state_on(r, today) for r in rows]
            running = [r for r, s in zip(rows, states, strict=True) if s != "ended"]
            until = today + timedelta(days=90)
            ending_soon = sum(1 for r in running if (end := contract_end(r)) is not None
                              and end <= until)
            noticed = sum(1 for r in rows if r.notice_received is not None)
            covered = select(Contract.customer_id).where(Contract.running_on(today))
            without = session.scalar(
                select(func.count(func.distinct(MaintenanceObject.customer_id)))
                .where(MaintenanceObject.active.is_(True),
                       MaintenanceObject.customer_id.not_in(covered))) or 0
            return ContractFigures(
                active=states.count("active"), ending=states.count("ending"),
                ended=states.count("ended"),
                recurring_cents=sum(self._yearly(session, r) for r in running),
                ending_within_90_days=ending_soon,
                cancellation_rate=noticed / len(rows) if rows else 0.0,
                objects_without_contract=int(without))

    def describe(self, data: ContractInput, *, customer_kind: str) -> str:
        """The term rule of a contract being typed, for the form (raises on what the law
        does not allow)."""
        agreed, _rule = _validated(data, customer_kind)
        return terms.describe(agreed)

    def ending_preview(self, number: str, *, received: date) -> terms.Ending:
        """What a notice received on that day would result in, without recording it."""
        with self.db.read() as session:
            row = self._load(session, number)
            try:
                return terms.ending(terms_of(row), received)
            except ValueError as error:
                raise ConflictError(f"Vertrag {number}: {error}") from None

    # --- writing ---------------------------------------------------------------------

    def add(self, data: ContractInput, *, by: str = "") -> ContractDTO:
        now = self.clock.now()
        with self.db.write() as session:
            customer = session.get(Customer, data.customer_id)
            if customer is None:
                raise NotFoundError(f"Kunde {data.customer_id} nicht gefunden.")
            agreed, rule = _validated(data, customer.kind)
            things = self._objects(session, customer.id, data.object_ids)
            year = agreed.start.year
            number = f"WV-{year}-{self._next_number(session, year):04d}"
            row = Contract(
                number=number, customer_id=customer.id, customer_kind=customer.kind,
                title=data.title.strip(), concluded_on=agreed.concluded_on, start=agreed.start,
                min_months=agreed.min_months, min_term_end=terms.min_term_end(agreed),
                renewal=agreed.renewal,
                renewal_months=agreed.renewal_months, notice_months=agreed.notice_months,
                price_cents=data.price_cents, price_per=data.price_per,
                payment_interval=data.payment_interval, visit_rrule=rule,
                included=data.included.strip(),
                services="\n".join(s.strip() for s in data.services if s.strip()),
                created_by=by, created_at=now)
            session.add(row)
            session.flush()
            if not things:
                thing = MaintenanceObject(customer_id=customer.id, name=row.title, rrule=rule,
                                          created_at=now, active=True)
                session.add(thing)
                session.flush()
                things = [thing]
            for thing in things:
                session.add(ContractObject(contract_id=row.id, maintenance_object_id=thing.id))
                self._plan_visits(session, row, thing, by=by)
            timeline.record(session, customer_id=customer.id, channel="system", at=now,
                            author=by, subject=f"Wartungsvertrag {number} abgeschlossen "
                                               f"({format_cents(row.price_cents)} "
                                               f"{PRICE_PER[row.price_per]})",
                            text=terms.describe(agreed))
            result = self._dto(session, row)
            session.commit()
        return result

    def end(self, number: str, *, received: date, ended_by: str = "customer",
            by: str = "") -> ContractDTO:
        """Record a notice: who ended it, when it was received, the last day and why.
        Visits after the last day go back to plain maintenance reminders."""
        if ended_by not in ENDED_BY:
            raise invalid({"ended_by": "Kunde (customer) oder Betrieb (company)"})
        now = self.clock.now()
        with self.db.write() as session:
            row = self._load(session, number)
            if row.notice_received is not None:
                raise ConflictError(f"Vertrag {number} ist bereits gekündigt, letzter Tag "
                                    f"{format_date(row.last_day)}.")
            if received < row.concluded_on:
                raise invalid({"received": "liegt vor dem Vertragsschluss"})
            try:
                ending = terms.ending(terms_of(row), received)
            except ValueError as error:
                raise ConflictError(f"Vertrag {number}: {error}") from None
            row.ended_by, row.notice_received = ended_by, received
            row.last_day, row.end_rule, row.end_recorded_by = ending.last_day, ending.rule, by
            for thing in self._covered(session, row):
                for visit in self._pending_visits(session, thing):
                    if visit.due_date > ending.last_day:
                        visit.subject = f"Wartung: {thing.name}"
                        visit.rrule = thing.rrule
                        visit.updated_at = now
                        visit.revision += 1
            timeline.record(session, customer_id=row.customer_id, channel="system", at=now,
                            author=by, subject=f"Wartungsvertrag {number} gekündigt "
                                               f"({ENDED_BY[ended_by]}), letzter Tag "
                                               f"{format_date(ending.last_day)}",
                            text=ending.rule)
            result = self._dto(session, row)
            session.commit()
        return result

    def adjust_price(self, number: str, *, price_cents: int, from_day: date,
                     by: str = "") -> ContractDTO:
        """A new price from a day on; the old one stays for the price-adjustment letter."""
        if not 0 <= price_cents <= 100_000_00:
            raise invalid({"price": "zwischen 0 und 100.000 €"})
        now = self.clock.now()
        with self.db.write() as session:
            row = self._load(session, number)
            old = row.price_cents
            row.previous_price_cents, row.price_cents = old, price_cents
            row.price_changed_on = from_day
            timeline.record(session, customer_id=row.customer_id, channel="system", at=now,
                            author=by, subject=f"Wartungsvertrag {number}: Preis ab "
                                               f"{format_date(from_day)} "
                                               f"{format_cents(price_cents)} (bisher "
                                               f"{format_cents(old)})")
            result = self._dto(session, row)
            session.commit()
        return result

    # --- helpers ---------------------------------------------------------------------

    @staticmethod
    def _next_number(session: Session, year: int) -> int:
        name = f"contract:{year}"
        counter = session.get(Counter, name)
        if counter is None:
            counter = Counter(name=name, value=0)
            session.add(counter)
        counter.value += 1
        return counter.value

    @staticmethod
    def _objects(session: Session, customer_id: int, ids: tuple[int, ...]
                 ) -> list[MaintenanceObject]:
        things = []
        for object_id in dict.fromkeys(ids):
            thing = session.get(MaintenanceObject, object_id)
            if thing is None or thing.customer_id != customer_id:
                raise invalid({"objects": f"Wartungsobjekt {object_id} gehört nicht "
                                                  "zu diesem Kunden"})
            if not thing.active:
                raise invalid({"objects": f"Wartungsobjekt „{thing.name}“ ist "
                                                  "stillgelegt"})
            things.append(thing)
        return things

    @staticmethod
    def _pending_visits(session: Session, thing: MaintenanceObject) -> list[FollowUp]:
        return list(session.scalars(select(FollowUp).where(
            FollowUp.maintenance_object_id == thing.id, FollowUp.status.in_(PENDING))))

    def _plan_visits(self, session: Session, row: Contract, thing: MaintenanceObject, *,
                     by: str) -> None:
        """The object's pending maintenance follow-up becomes the contract's visit series
        (the contract's interval if it has one); an object without one gets its first."""
        now = self.clock.now()
        rule = row.visit_rrule or thing.rrule
        subject = f"Wartung lt. Vertrag {row.number}: {thing.name}"
        pending = self._pending_visits(session, thing)
        for visit in pending:
            visit.subject, visit.rrule, visit.updated_at = subject, rule, now
            visit.revision += 1
        if not pending:
            first = max(recurrence.first_due(rule, start=row.start), self.clock.today())
            add_followup(session, customer_id=row.customer_id, at=now, by=by,
                         maintenance_object_id=thing.id,
                         values={"subject": subject, "due_date": first, "rrule": rule,
                                 "recur_from": "completion"})

    @staticmethod
    def _covered(session: Session, row: Contract) -> list[MaintenanceObject]:
        return list(session.scalars(
            select(MaintenanceObject).join(
                ContractObject, ContractObject.maintenance_object_id == MaintenanceObject.id)
            .where(ContractObject.contract_id == row.id).order_by(MaintenanceObject.id)))

    def _yearly(self, session: Session, row: Contract) -> int:
        if row.price_per == "year":
            return row.price_cents
        rules = [row.visit_rrule or t.rrule for t in self._covered(session, row)]
        return row.price_cents * sum(visits_per_year(r) for r in rules or [""])

    def _load(self, session: Session, number: str) -> Contract:
        row = session.scalar(select(Contract).where(Contract.number == number.strip().upper()))
        if row is None:
            raise NotFoundError(f"Vertrag {number.strip()} nicht gefunden.")
        return row

    def _dto(self, session: Session, row: Contract) -> ContractDTO:
        customer = session.get(Customer, row.customer_id)
        assert customer is not None
        things = self._covered(session, row)
        agreed = terms_of(row)
        today = self.clock.today()
        return ContractDTO(
            id=row.id, number=row.number, customer_id=row.customer_id,
            customer_name=display_name(customer),
            customer_number=customer.number, title=row.title, customer_kind=row.customer_kind,
            concluded_on=row.concluded_on, start=row.start, min_months=row.min_months,
            min_term_end=terms.min_term_end(agreed), renewal=row.renewal,
            renewal_months=row.renewal_months, notice_months=row.notice_months,
            price_cents=row.price_cents, price_per=row.price_per,
            previous_price_cents=row.previous_price_cents,
            price_changed_on=row.price_changed_on, yearly_cents=self._yearly(session, row),
            payment_interval=row.payment_interval, visit_rrule=row.visit_rrule,
            included=row.included, services=tuple(s for s in row.services.split("\n") if s),
            object_ids=tuple(t.id for t in things), object_names=tuple(t.name for t in things),
            ended_by=row.ended_by, notice_received=row.notice_received, last_day=row.last_day,
            end_rule=row.end_rule, state=state_on(row, today), term_text=terms.describe(agreed),
            renews_on=None if row.last_day else terms.renews_on(agreed, today))
