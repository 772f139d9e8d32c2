"""Frozen data handed to the UI and the CLI; ORM objects never leave a service."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from app.services.customers import naming


@dataclass(frozen=True)
class Birthday:
    day: int
    month: int
    year: int | None = None

    def display(self) -> str:
        return f"{self.day:02d}.{self.month:02d}." + (f"{self.year}" if self.year else "")

    def as_date(self) -> date | None:
        return date(self.year, self.month, self.day) if self.year else None


@dataclass(frozen=True)
class ContactInput:
    first_name: str = ""
    last_name: str = ""
    salutation: str = ""
    title: str = ""
    role: str = ""
    phone: str = ""
    email: str = ""
    is_primary: bool = False


@dataclass(frozen=True)
class ContactPersonDTO:
    id: int
    customer_id: int
    salutation: str
    title: str
    first_name: str
    last_name: str
    role: str
    phone: str  # E.164
    phone_display: str
    email: str
    is_primary: bool

    @property
    def name(self) -> str:
        return naming.display_name(kind="private", title=self.title,
                                   first_name=self.first_name, last_name=self.last_name,
                                   company="")


@dataclass(frozen=True)
class AddressInput:
    label: str
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "DE"
    notes: str = ""


@dataclass(frozen=True)
class AddressDTO:
    id: int
    customer_id: int
    label: str
    street: str
    postcode: str
    city: str
    country: str
    notes: str


@dataclass(frozen=True)
class CustomerInput:
    """What a form or an import gives for one customer (unvalidated)."""

    kind: str = "private"
    salutation: str = ""
    title: str = ""
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "DE"
    email: str = ""
    phone: str = ""
    mobile: str = ""
    birthday: Birthday | None = None
    notes: str = ""
    owner: str = ""
    tags: tuple[str, ...] = ()
    number: str | None = None  # only when brought along from an old system


@dataclass(frozen=True)
class CustomerRow:
    """One line of the customer list."""

    id: int
    number: str
    name: str
    company: str
    street: str
    postcode: str
    city: str
    phone: str  # display format
    email: str
    owner: str
    archived: bool
    abc_class: str | None = None


@dataclass(frozen=True)
class CustomerDetail:
    id: int
    number: str
    kind: str
    salutation: str
    title: str
    first_name: str
    last_name: str
    company: str
    street: str
    postcode: str
    city: str
    country: str
    email: str
    phone: str
    mobile: str
    birthday: Birthday | None
    notes: str
    owner: str
    tags: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None
    contacts: tuple[ContactPersonDTO, ...] = field(default=())
    addresses: tuple[AddressDTO, ...] = field(default=())

    @property
    def display_name(self) -> str:
        return naming.display_name(kind=self.kind, title=self.title,
                                   first_name=self.first_name, last_name=self.last_name,
                                   company=self.company)

    def as_input(self, **changes: object) -> CustomerInput:
        """The editable fields, for a form or an update with a few fields changed."""
        values = {name: getattr(self, name) for name in CustomerInput.__dataclass_fields__
                  if name != "number"}
        values.update(changes)
        return CustomerInput(**values)


@dataclass(frozen=True)
class DuplicateHint:
    customer: CustomerRow
    reason: str


@dataclass(frozen=True)
class CustomerFilter:
    text: str = ""
    tag: str | None = None
    owner: str | None = None
    status: str = "active"  # active | archived | all
    abc_class: str | None = None  # "A" | "B" | "C"
    segment: str | None = None  # name of a saved segment (services.segments)


SORT_KEYS = ("number", "name", "company", "street", "postcode", "city", "phone", "email", "owner",
             "abc_class")
