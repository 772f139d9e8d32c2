"""Follow-ups (Wiedervorlagen) and maintenance objects (Wartungsobjekte).

A follow-up is due on a local date with an optional local time. Completing one writes its
outcome to the customer's timeline and, for a recurring one, creates the next occurrence
(see `app.services.followups.recurrence` for the month-end and 29-February choices).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, load_only

from app.db import Database
from app.models import Address, ContactPerson, Customer, FollowUp, MaintenanceObject
from app.services import timeline
from app.services.clock import Clock
from app.services.customers.naming import customer_display_name
from app.services.errors import NotFoundError, ValidationError
from app.services.followups import recurrence
from app.services.formatting import format_date
from app.services.validation import display_phone

STATUS_LABELS = {"open": "offen", "done": "erledigt", "snoozed": "verschoben"}
PENDING = ("open", "snoozed")
PRIORITY_LABELS = {1: "hoch", 2: "normal", 3: "niedrig"}
invalid = ValidationError.labelled({
    "due_date": "Fällig am", "rrule": "Wiederholung", "outcome": "Ergebnis",
    "priority": "Priorität", "recur_from": "Nächster Termin ab", "name": "Bezeichnung",
    "year_built": "Baujahr", "assignee": "Zuständig", "contact_id": "Ansprechperson",
    "address_id": "Standort", "as_of": "Stichtag", "days": "Tage", "template_key": "Briefvorlage",
    "create_followup": "Aktion", "kind": "Regelart",
})


@dataclass(frozen=True)
class FollowUpInput:
    subject: str
    due_date: date
    due_time: time | None = None
    notes: str = ""
    assignee: str = ""
    priority: int = 2
    contact_id: int | None = None
    rrule: str = ""
    recur_from: str = "completion"


@dataclass(frozen=True)
class FollowUpDTO:
    id: int
    customer_id: int
    customer_name: str
    customer_number: str
    phone: str  # display format
    contact_id: int | None
    due_date: date
    due_time: time | None
    subject: str
    notes: str
    assignee: str
    priority: int
    status: str
    rrule: str
    recur_from: str
    outcome: str
    completed_at: datetime | None
    rule_id: int | None
    maintenance_object_id: int | None
    revision: int
    updated_at: datetime
    customer_owner: str = ""  # the customer's Betreuer: who an unassigned follow-up is for
    series_id: str | None = None  # shared by all occurrences of a recurring follow-up

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def priority_label(self) -> str:
        return PRIORITY_LABELS.get(self.priority, "")

    @property
    def due_text(self) -> str:
        text = format_date(self.due_date)
        return f"{text} {self.due_time:%H:%M}" if self.due_time else text

    def as_input(self, **changes: object) -> FollowUpInput:
        values = {name: getattr(self, name) for name in FollowUpInput.__dataclass_fields__}
        values.update(changes)
        return FollowUpInput(**values)


@dataclass(frozen=True)
class CompletionResult:
    done: FollowUpDTO
    next: FollowUpDTO | None


@dataclass(frozen=True)
class MaintenanceInput:
    name: str
    rrule: str
    first_due: date
    model: str = ""
    year_built: int | None = None
    address_id: int | None = None
    notes: str = ""
    assignee: str = ""


@dataclass(frozen=True)
class MaintenanceDTO:
    id: int
    customer_id: int
    name: str
    model: str
    year_built: int | None
    rrule: str
    rrule_text: str
    address_id: int | None
    address_text: str
    last_service: date | None
    next_due: date | None
    notes: str
    active: bool


# Parsing a number costs ~0.3 ms; lists show the same few hundred numbers again and again.
phone_text = lru_cache(maxsize=8192)(display_phone)


def local_due(dto: FollowUpDTO, zone: object) -> datetime:
    """The moment a follow-up becomes due (all-day ones at 00:00), in the shop's zone."""
    return datetime.combine(dto.due_date, dto.due_time or time(0), tzinfo=zone)  # type: ignore[arg-type]


def _dto(row: FollowUp, customer: Customer) -> FollowUpDTO:
    return FollowUpDTO(
        id=row.id, customer_id=row.customer_id, customer_name=customer_display_name(customer),
        customer_number=customer.number,
        phone=phone_text(customer.phone or customer.mobile),
        contact_id=row.contact_id, due_date=row.due_date, due_time=row.due_time,
        subject=row.subject, notes=row.notes, assignee=row.assignee, priority=row.priority,
        status=row.status, rrule=row.rrule, recur_from=row.recur_from, outcome=row.outcome,
        completed_at=row.completed_at, rule_id=row.rule_id,
        maintenance_object_id=row.maintenance_object_id, revision=row.revision,
        updated_at=row.updated_at, customer_owner=customer.owner, series_id=row.series_id)


def _validated(data: FollowUpInput) -> dict[str, object]:
    errors: dict[str, str] = {}
    subject = data.subject.strip()
    if not subject:
        errors["subject"] = "bitte einen Betreff angeben"
    elif len(subject) > 200:
        errors["subject"] = "höchstens 200 Zeichen"
    if data.priority not in PRIORITY_LABELS:
        errors["priority"] = "1 (hoch), 2 (normal) oder 3 (niedrig)"
    if data.recur_from not in recurrence.RECUR_FROM:
        errors["recur_from"] = "Erledigungsdatum oder Plandatum"
    if len(data.assignee) > 128:
        errors["assignee"] = "höchstens 128 Zeichen"
    try:
        rule = recurrence.normalized(data.rrule)
    except ValidationError as error:
        errors.update(error.fields)
        rule = ""
    if errors:
        raise invalid(errors)
    return {"subject": subject, "due_date": data.due_date, "due_time": data.due_time,
            "notes": data.notes.strip(), "assignee": data.assignee.strip(),
            "priority": data.priority, "contact_id": data.contact_id, "rrule": rule,
            "recur_from": data.recur_from}


def add_followup(session: Session, *, customer_id: int, values: dict[str, object],
                 at: datetime, by: str, rule_id: int | None = None,
                 maintenance_object_id: int | None = None,
                 series_id: str | None = None) -> FollowUp:
    """Add a validated follow-up inside the caller's unit of work (no commit here).

    A recurring one starts a new series unless it continues `series_id`.
    """
    row = FollowUp(customer_id=customer_id, status="open", rule_id=rule_id,
                   maintenance_object_id=maintenance_object_id, created_by=by,
                   created_at=at, updated_at=at, revision=0, outcome="", **values)
    row.series_id = series_id or (new_series_id() if row.rrule else None)
    session.add(row)
    session.flush()
    return row


def new_series_id() -> str:
    return str(uuid.uuid4())


class FollowUpService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # --- reading ---------------------------------------------------------------------

    def get(self, followup_id: int) -> FollowUpDTO:
        with self.db.read() as session:
            row, customer = self._load(session, followup_id)
            return _dto(row, customer)

    def for_customer(self, customer_id: int, *, include_done: bool = True) -> list[FollowUpDTO]:
        query = self._joined().where(FollowUp.customer_id == customer_id)
        if not include_done:
            query = query.where(FollowUp.status.in_(PENDING))
        with self.db.read() as session:
            items = [_dto(row, customer) for row, customer in session.execute(query)]
        # pending ones soonest first, then the done ones newest first (a customer's few)
        pending = sorted((i for i in items if i.status != "done"),
                         key=lambda i: (i.due_date, i.due_time is not None, i.due_time, i.id))
        done = sorted((i for i in items if i.status == "done"),
                      key=lambda i: (i.due_date, i.id), reverse=True)
        return pending + done

    def due(self, *, until: date | None = None, assignee: str | None = None
            ) -> list[FollowUpDTO]:
        """Pending follow-ups due on or before `until` (default today): overdue first."""
        limit = until or self.clock.today()
        query = (self._joined()
                 .where(FollowUp.status.in_(PENDING), FollowUp.due_date <= limit,
                        Customer.archived_at.is_(None))
                 .order_by(FollowUp.due_date, FollowUp.due_time.is_not(None),
                           FollowUp.due_time, FollowUp.priority, FollowUp.id))
        if assignee:
            query = query.where(FollowUp.assignee == assignee)
        with self.db.read() as session:
            return [_dto(row, customer) for row, customer in session.execute(query)]

    def pending(self, *, assignee: str | None = None) -> list[FollowUpDTO]:
        """Every pending follow-up of active customers, by due date (for the calendar)."""
        query = (self._joined()
                 .where(FollowUp.status.in_(PENDING), Customer.archived_at.is_(None))
                 .order_by(FollowUp.due_date, FollowUp.due_time, FollowUp.id))
        if assignee:
            query = query.where(FollowUp.assignee == assignee)
        with self.db.read() as session:
            return [_dto(row, customer) for row, customer in session.execute(query)]

    # --- writing ---------------------------------------------------------------------

    def create(self, customer_id: int, data: FollowUpInput, *, by: str = "") -> FollowUpDTO:
        values = _validated(data)
        now = self.clock.now()
        with self.db.write() as session:
            customer = session.get(Customer, customer_id)
            if customer is None:
                raise NotFoundError(f"Kunde {customer_id} nicht gefunden")
            self._check_contact(session, customer_id, data.contact_id)
            row = add_followup(session, customer_id=customer_id, values=values, at=now, by=by)
            result = _dto(row, customer)
            session.commit()
        return result

    def update(self, followup_id: int, data: FollowUpInput) -> FollowUpDTO:
        values = _validated(data)
        with self.db.write() as session:
            row, customer = self._load(session, followup_id)
            self._check_contact(session, row.customer_id, data.contact_id)
            if row.due_date != values["due_date"] or row.due_time != values["due_time"]:
                row.notified_at = None  # a new time reminds again
            for key, value in values.items():
                setattr(row, key, value)
            if row.rrule and row.series_id is None:
                row.series_id = new_series_id()
            self._touch(row)
            result = _dto(row, customer)
            session.commit()
        return result

    def complete(self, followup_id: int, *, outcome: str, by: str = "",
                 channel: str = "note") -> CompletionResult:
        """Mark done, write the outcome to the timeline, create the next occurrence."""
        if not outcome.strip():
            raise invalid({"outcome": "bitte das Ergebnis eintragen"})
        if channel not in timeline.CHANNELS:
            raise invalid({"channel": "unbekannter Kanal"})
        now = self.clock.now()
        today = now.date()
        with self.db.write() as session:
            row, customer = self._load(session, followup_id)
            if row.status == "done":
                raise invalid({"outcome": "diese Wiedervorlage ist schon erledigt"})
            row.status = "done"
            row.outcome = outcome.strip()
            row.completed_at = now
            self._touch(row)
            timeline.record(session, customer_id=row.customer_id, channel=channel,
                            subject=f"Wiedervorlage erledigt: {row.subject}",
                            text=row.outcome, author=by, at=now)
            following = None
            if row.rrule:
                following = self._next_occurrence(session, row, today=today, by=by, at=now)
            if row.maintenance_object_id is not None:
                thing = session.get(MaintenanceObject, row.maintenance_object_id)
                if thing is not None:
                    thing.last_service = today
            result = CompletionResult(
                done=_dto(row, customer),
                next=_dto(following, customer) if following is not None else None)
            session.commit()
        return result

    def snooze(self, followup_id: int, *, days: int | None = None,
               until: date | None = None) -> FollowUpDTO:
        """Move the due date by `days` from today (1 day, 1 week) or to `until`."""
        today = self.clock.today()
        target = until if until is not None else today + timedelta(days=days or 1)
        if target <= today and until is not None:
            raise invalid({"due_date": "bitte ein Datum nach heute wählen"})
        with self.db.write() as session:
            row, customer = self._load(session, followup_id)
            if row.status == "done":
                raise invalid({"due_date": "eine erledigte Wiedervorlage ruht"})
            row.due_date = target
            row.status = "snoozed"
            row.notified_at = None
            self._touch(row)
            result = _dto(row, customer)
            session.commit()
        return result

    def delete(self, followup_id: int) -> None:
        with self.db.write() as session:
            row, _customer = self._load(session, followup_id)
            session.delete(row)
            session.commit()

    def claim_due_notifications(self) -> list[FollowUpDTO]:
        """Pending follow-ups whose moment has come and that were not announced yet.

        Marks them as notified in the same transaction, so each is announced once, also
        across restarts and with two PCs on one database.
        """
        now = self.clock.now()
        today = now.date()
        wall = now.time().replace(tzinfo=None)
        with self.db.write() as session:
            rows = session.execute(
                self._joined().where(
                    FollowUp.status.in_(PENDING), FollowUp.notified_at.is_(None),
                    Customer.archived_at.is_(None),
                    or_(FollowUp.due_date < today,
                        (FollowUp.due_date == today)
                        & (FollowUp.due_time.is_(None) | (FollowUp.due_time <= wall))))
                .order_by(FollowUp.due_date, FollowUp.due_time, FollowUp.id)).all()
            for row, _customer in rows:
                row.notified_at = now
            result = [_dto(row, customer) for row, customer in rows]
            session.commit()
        return result

    # --- maintenance objects -----------------------------------------------------------

    def maintenance_objects(self, customer_id: int) -> list[MaintenanceDTO]:
        with self.db.read() as session:
            things = session.scalars(select(MaintenanceObject)
                                     .where(MaintenanceObject.customer_id == customer_id)
                                     .order_by(MaintenanceObject.id)).all()
            return [self._maintenance_dto(session, thing) for thing in things]

    def add_maintenance(self, customer_id: int, data: MaintenanceInput, *,
                        by: str = "") -> MaintenanceDTO:
        """Add a maintenance object and its first recurring follow-up."""
        rule = self._validated_maintenance(data)
        now = self.clock.now()
        with self.db.write() as session:
            if session.get(Customer, customer_id) is None:
                raise NotFoundError(f"Kunde {customer_id} nicht gefunden")
            self._check_address(session, customer_id, data.address_id)
            thing = MaintenanceObject(
                customer_id=customer_id, address_id=data.address_id, name=data.name.strip(),
                model=data.model.strip(), year_built=data.year_built, rrule=rule,
                notes=data.notes.strip(), active=True, created_at=now)
            session.add(thing)
            session.flush()
            values = _validated(FollowUpInput(
                subject=f"Wartung: {thing.name}", due_date=data.first_due,
                assignee=data.assignee, rrule=rule, recur_from="completion"))
            add_followup(session, customer_id=customer_id, values=values, at=now, by=by,
                         maintenance_object_id=thing.id)
            timeline.record(session, customer_id=customer_id, channel="system",
                            subject=f"Wartungsobjekt angelegt: {thing.name}", author=by,
                            at=now)
            result = self._maintenance_dto(session, thing)
            session.commit()
        return result

    def update_maintenance(self, object_id: int, data: MaintenanceInput) -> MaintenanceDTO:
        """Change the object; its pending follow-up takes the new interval and due date."""
        rule = self._validated_maintenance(data)
        with self.db.write() as session:
            thing = session.get(MaintenanceObject, object_id)
            if thing is None:
                raise NotFoundError(f"Wartungsobjekt {object_id} nicht gefunden")
            self._check_address(session, thing.customer_id, data.address_id)
            thing.name = data.name.strip()
            thing.model = data.model.strip()
            thing.year_built = data.year_built
            thing.address_id = data.address_id
            thing.rrule = rule
            thing.notes = data.notes.strip()
            for row in session.scalars(select(FollowUp).where(
                    FollowUp.maintenance_object_id == thing.id, FollowUp.status.in_(PENDING))):
                row.rrule = rule
                row.series_id = row.series_id or new_series_id()
                row.subject = f"Wartung: {thing.name}"
                if row.due_date != data.first_due:
                    row.due_date = data.first_due
                    row.notified_at = None
                if data.assignee:
                    row.assignee = data.assignee
                self._touch(row)
            result = self._maintenance_dto(session, thing)
            session.commit()
        return result

    def retire_maintenance(self, object_id: int) -> MaintenanceDTO:
        """Switch an object off (sold, scrapped): its pending follow-ups go away."""
        with self.db.write() as session:
            thing = session.get(MaintenanceObject, object_id)
            if thing is None:
                raise NotFoundError(f"Wartungsobjekt {object_id} nicht gefunden")
            thing.active = False
            for row in session.scalars(select(FollowUp).where(
                    FollowUp.maintenance_object_id == thing.id, FollowUp.status.in_(PENDING))):
                session.delete(row)
            session.flush()
            result = self._maintenance_dto(session, thing)
            session.commit()
        return result

    # --- helpers ---------------------------------------------------------------------

    @staticmethod
    def _joined():  # type: ignore[no-untyped-def]
        """Follow-ups with the few customer columns a list shows (not the search text)."""
        return (select(FollowUp, Customer).join(Customer, Customer.id == FollowUp.customer_id)
                .options(load_only(Customer.number, Customer.kind, Customer.title,
                                   Customer.first_name, Customer.last_name, Customer.company,
                                   Customer.phone, Customer.mobile, Customer.archived_at,
                                   Customer.owner)))

    @staticmethod
    def _load(session: Session, followup_id: int) -> tuple[FollowUp, Customer]:
        row = session.get(FollowUp, followup_id)
        if row is None:
            raise NotFoundError(f"Wiedervorlage {followup_id} nicht gefunden")
        customer = session.get(Customer, row.customer_id)
        assert customer is not None
        return row, customer

    def _touch(self, row: FollowUp) -> None:
        row.updated_at = self.clock.now()
        row.revision = (row.revision or 0) + 1

    def _next_occurrence(self, session: Session, row: FollowUp, *, today: date, by: str,
                         at: datetime) -> FollowUp | None:
        due = recurrence.next_due(row.rrule, recur_from=row.recur_from,
                                  plan_date=row.due_date, completed_on=today, at=row.due_time)
        if due is None:
            return None
        values: dict[str, object] = {
            "subject": row.subject, "due_date": due, "due_time": row.due_time,
            "notes": row.notes, "assignee": row.assignee, "priority": row.priority,
            "contact_id": row.contact_id, "rrule": row.rrule, "recur_from": row.recur_from}
        following = add_followup(session, customer_id=row.customer_id, values=values, at=at,
                                 by=by, rule_id=row.rule_id,
                                 maintenance_object_id=row.maintenance_object_id,
                                 series_id=row.series_id)
        following.revision = row.revision  # the series' SEQUENCE in calendars keeps rising
        return following

    @staticmethod
    def _check_contact(session: Session, customer_id: int, contact_id: int | None) -> None:
        if contact_id is None:
            return
        contact = session.get(ContactPerson, contact_id)
        if contact is None or contact.customer_id != customer_id:
            raise invalid({"contact_id": "Ansprechperson gehört nicht zu diesem Kunden"})

    @staticmethod
    def _check_address(session: Session, customer_id: int, address_id: int | None) -> None:
        if address_id is None:
            return
        address = session.get(Address, address_id)
        if address is None or address.customer_id != customer_id:
            raise invalid({"address_id": "Adresse gehört nicht zu diesem Kunden"})

    @staticmethod
    def _validated_maintenance(data: MaintenanceInput) -> str:
        errors: dict[str, str] = {}
        if not data.name.strip():
            errors["name"] = "bitte eine Bezeichnung angeben (z. B. Gasheizung)"
        if data.year_built is not None and not 1900 <= data.year_built <= 2200:
            errors["year_built"] = "bitte ein Jahr wie 2015 angeben"
        rule = ""
        try:
            rule = recurrence.normalized(data.rrule)
            if not rule:
                errors["rrule"] = "ein Wartungsobjekt braucht ein Wartungsintervall"
        except ValidationError as error:
            errors.update(error.fields)
        if errors:
            raise invalid(errors)
        return rule

    @staticmethod
    def _maintenance_dto(session: Session, thing: MaintenanceObject) -> MaintenanceDTO:
        address_text = ""
        if thing.address_id is not None:
            address = session.get(Address, thing.address_id)
            if address is not None:
                address_text = f"{address.label}: {address.street}, {address.postcode} " \
                               f"{address.city}".strip()
        next_due = session.scalar(select(func.min(FollowUp.due_date)).where(
            FollowUp.maintenance_object_id == thing.id, FollowUp.status.in_(PENDING)))
        return MaintenanceDTO(
            id=thing.id, customer_id=thing.customer_id, name=thing.name, model=thing.model,
            year_built=thing.year_built, rrule=thing.rrule,
            rrule_text=recurrence.describe(thing.rrule), address_id=thing.address_id,
            address_text=address_text, last_service=thing.last_service, next_due=next_due,
            notes=thing.notes, active=thing.active)
