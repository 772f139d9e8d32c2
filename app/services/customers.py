"""Customers and their contact persons, addresses and tags: the one place their rules live."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

import cologne_phonetics
from sqlalchemy import ColumnElement, Select, and_, delete, func, or_, select, text, update
from sqlalchemy.orm import Session, selectinload

from app.db import Database
from app.models import Address, Base, ContactPerson, Counter, Customer, Tag, customer_tags
from app.services import segments, timeline, validation
from app.services.clock import Clock
from app.services.dto import (
    SORT_KEYS,
    AddressDTO,
    AddressInput,
    Birthday,
    ContactInput,
    ContactPersonDTO,
    CustomerDetail,
    CustomerFilter,
    CustomerInput,
    CustomerRow,
    DuplicateHint,
)
from app.services.errors import ConflictError, NotFoundError, ValidationError
from app.services.text import digits, fold, looks_like_phone_query, search_words, words

NUMBER_PREFIX = "K-"
_GENERATED_NUMBER = re.compile(r"K-(\d+)")
_COUNTER = "customer_number"
SALUTATIONS = ("", "Frau", "Herr", "Divers", "Familie")


def _person_name(title: str, first: str, last: str) -> str:
    return " ".join(p for p in (title, first, last) if p)


def _list_name(customer: Customer) -> str:
    if customer.last_name:
        return f"{customer.last_name}, {customer.first_name}".rstrip(", ")
    return customer.company or customer.first_name


def _sort_name(customer: Customer) -> str:
    return fold(_list_name(customer) or customer.company)


def _phone_words(e164: str) -> set[str]:
    if not e164:
        return set()
    national = digits(validation.display_phone(e164))
    return {digits(e164), national, national.lstrip("0")}


def _search_text(customer: Customer) -> str:
    values = [
        customer.first_name, customer.last_name, customer.company, customer.street,
        customer.postcode, customer.city, customer.email, customer.number,
    ]
    extra = {fold(customer.number.replace("-", "")), digits(customer.number).lstrip("0")}
    for contact in customer.contacts:
        values += [contact.first_name, contact.last_name, contact.email, contact.role]
        extra |= _phone_words(contact.phone)
    extra |= _phone_words(customer.phone) | _phone_words(customer.mobile)
    return " ".join(sorted(search_words(*values) | {w for w in extra if w}))


def phonetic(name: str) -> str:
    """Kölner Phonetik of a name: Meier, Mayer, Maier and Meyer share one code."""
    return " ".join(code for _word, code in cologne_phonetics.encode(name)) if name else ""


def _row(customer: Customer) -> CustomerRow:
    return CustomerRow(
        id=customer.id,
        number=customer.number,
        name=_list_name(customer),
        company=customer.company,
        street=customer.street,
        postcode=customer.postcode,
        city=customer.city,
        phone=validation.display_phone(customer.phone or customer.mobile),
        email=customer.email,
        owner=customer.owner,
        archived=customer.archived_at is not None,
        abc_class=customer.abc_class,
    )


def _contact_dto(contact: ContactPerson) -> ContactPersonDTO:
    return ContactPersonDTO(
        id=contact.id, customer_id=contact.customer_id, salutation=contact.salutation,
        title=contact.title, first_name=contact.first_name, last_name=contact.last_name,
        role=contact.role, phone=contact.phone,
        phone_display=validation.display_phone(contact.phone), email=contact.email,
        is_primary=contact.is_primary,
    )


def _address_dto(address: Address) -> AddressDTO:
    return AddressDTO(
        id=address.id, customer_id=address.customer_id, label=address.label,
        street=address.street, postcode=address.postcode, city=address.city,
        country=address.country, notes=address.notes,
    )


def _detail(customer: Customer) -> CustomerDetail:
    birthday = (
        Birthday(customer.birth_day, customer.birth_month, customer.birth_year)
        if customer.birth_day and customer.birth_month else None
    )
    return CustomerDetail(
        id=customer.id, number=customer.number, kind=customer.kind,
        salutation=customer.salutation, title=customer.title,
        first_name=customer.first_name, last_name=customer.last_name,
        company=customer.company, street=customer.street, postcode=customer.postcode,
        city=customer.city, country=customer.country, email=customer.email,
        phone=customer.phone, mobile=customer.mobile, birthday=birthday,
        notes=customer.notes, owner=customer.owner,
        tags=tuple(tag.name for tag in customer.tags),
        created_at=customer.created_at, updated_at=customer.updated_at,
        archived_at=customer.archived_at,
        contacts=tuple(_contact_dto(c) for c in customer.contacts),
        addresses=tuple(_address_dto(a) for a in customer.addresses),
    )


def validated(data: CustomerInput, *, today: datetime) -> dict[str, object]:
    """Check every field; return the normalised column values or raise ValidationError."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {}

    def check(field: str, func: object, *args: object, **kwargs: object) -> object:
        try:
            return func(*args, **kwargs)  # type: ignore[operator]
        except validation.FieldError as exc:
            errors[field] = str(exc)
            return ""

    if data.kind not in ("private", "business"):
        errors["kind"] = "Privat- oder Firmenkunde wählen"
    country = str(check("country", validation.country, data.country) or "DE")
    values.update(
        kind=data.kind,
        salutation=data.salutation.strip(),
        title=data.title.strip(),
        first_name=data.first_name.strip(),
        last_name=data.last_name.strip(),
        company=data.company.strip(),
        street=data.street.strip(),
        city=data.city.strip(),
        notes=data.notes.strip(),
        owner=data.owner.strip(),
        country=country,
        postcode=check("postcode", validation.postcode, data.postcode, country_code=country),
        email=check("email", validation.email, data.email),
        phone=check("phone", validation.phone, data.phone, region=country),
        mobile=check("mobile", validation.phone, data.mobile, region=country),
    )
    if data.kind == "business" and not values["company"]:
        errors["company"] = "Firmenkunden brauchen einen Firmennamen"
    if data.kind == "private" and not values["last_name"] and not values["company"]:
        errors["last_name"] = "Nachname angeben"
    bday = data.birthday
    check(
        "birthday", validation.birthday,
        bday.day if bday else None, bday.month if bday else None, bday.year if bday else None,
        today=today.date(),
    )
    values.update(
        birth_day=bday.day if bday else None,
        birth_month=bday.month if bday else None,
        birth_year=bday.year if bday else None,
    )
    if errors:
        raise ValidationError(errors)
    return values


def _validated_contact(data: ContactInput, *, region: str) -> dict[str, object]:
    errors: dict[str, str] = {}
    values: dict[str, object] = {
        "salutation": data.salutation.strip(), "title": data.title.strip(),
        "first_name": data.first_name.strip(), "last_name": data.last_name.strip(),
        "role": data.role.strip(), "is_primary": data.is_primary,
    }
    if not values["last_name"] and not values["first_name"]:
        errors["last_name"] = "Name der Ansprechperson angeben"
    try:
        values["email"] = validation.email(data.email)
    except validation.FieldError as exc:
        errors["email"] = str(exc)
    try:
        values["phone"] = validation.phone(data.phone, region=region)
    except validation.FieldError as exc:
        errors["phone"] = str(exc)
    if errors:
        raise ValidationError(errors)
    return values


def _validated_address(data: AddressInput) -> dict[str, object]:
    errors: dict[str, str] = {}
    if not data.label.strip():
        errors["label"] = "Bezeichnung angeben (z. B. Baustelle, Objekt)"
    try:
        country = validation.country(data.country)
        postcode = validation.postcode(data.postcode, country_code=country)
    except validation.FieldError as exc:
        errors["postcode"] = str(exc)
    if errors:
        raise ValidationError(errors)
    return {
        "label": data.label.strip(), "street": data.street.strip(), "postcode": postcode,
        "city": data.city.strip(), "country": country, "notes": data.notes.strip(),
    }


def claim_number(session: Session, wanted: str | None) -> str:
    """A free customer number: `wanted` if given and free, else the next generated one."""
    counter = session.get(Counter, _COUNTER)
    if counter is None:
        counter = Counter(name=_COUNTER, value=0)
        session.add(counter)
    if wanted and wanted.strip():
        number = wanted.strip()
        if session.scalar(select(Customer.id).where(Customer.number == number)):
            raise ValidationError({"number": f"Kundennummer {number} ist schon vergeben"})
        if match := _GENERATED_NUMBER.fullmatch(number):
            counter.value = max(counter.value, int(match.group(1)))
        return number
    while True:
        counter.value += 1
        number = f"{NUMBER_PREFIX}{counter.value:06d}"
        if not session.scalar(select(Customer.id).where(Customer.number == number)):
            return number


def insert_imported(session: Session, inputs: Sequence[CustomerInput], *, now: datetime,
                    by: str = "", source: str = "") -> dict[str, int]:
    """Create customers an import brings along, inside the caller's unit of work.

    Each input goes through the same rules as a typed customer (`validated`, the number
    claim); the first invalid one raises ValidationError. Returns number → new id.
    """
    created: list[Customer] = []
    for data in inputs:
        values = validated(data, today=now)
        customer = Customer(number=claim_number(session, data.number), created_at=now,
                            updated_at=now, **values)
        customer.contacts = []
        customer.tags = []
        CustomerService._refresh_derived(customer)
        session.add(customer)
        session.flush()  # the next number claim must see this one
        created.append(customer)
    subject = f"Kunde angelegt (Import {source})" if source else "Kunde angelegt (Import)"
    for customer in created:
        timeline.record(session, customer_id=customer.id, channel="system", subject=subject,
                        author=by, at=now)
    return {customer.number: customer.id for customer in created}


class CustomerService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # --- reading ---------------------------------------------------------------------

    def get(self, customer_id: int) -> CustomerDetail:
        with self.db.read() as session:
            return _detail(self._load(session, customer_id))

    def get_by_number(self, number: str) -> CustomerDetail:
        with self.db.read() as session:
            customer = session.scalar(select(Customer).where(Customer.number == number.strip()))
            if customer is None:
                raise NotFoundError(f"Kundennummer „{number}“ gibt es nicht.")
            return _detail(customer)

    def ids(self, flt: CustomerFilter | None = None, *, sort: str = "name",
            descending: bool = False) -> list[int]:
        """The ordered ids of the list for a filter; filtering and sorting happen in SQL."""
        query = self._filtered(select(Customer.id), flt or CustomerFilter())
        with self.db.read() as session:
            return list(session.scalars(self._ordered(query, sort, descending)))

    def rows(self, ids: Sequence[int]) -> list[CustomerRow]:
        """The list rows for some ids, in the order given."""
        if not ids:
            return []
        with self.db.read() as session:
            by_id = {c.id: _row(c) for c in session.scalars(
                select(Customer).where(Customer.id.in_(list(ids))))}
        return [by_id[i] for i in ids if i in by_id]

    def search(self, text_query: str, *, limit: int = 50,
               include_archived: bool = False) -> list[CustomerRow]:
        status = "all" if include_archived else "active"
        query = self._filtered(select(Customer), CustomerFilter(text=text_query, status=status))
        with self.db.read() as session:
            return [_row(c) for c in session.scalars(
                self._ordered(query, "name", False).limit(limit))]

    def count(self, flt: CustomerFilter | None = None) -> int:
        with self.db.read() as session:
            return int(session.scalar(
                self._filtered(select(func.count(Customer.id)), flt or CustomerFilter())) or 0)

    def tags(self) -> list[str]:
        with self.db.read() as session:
            return list(session.scalars(select(Tag.name).order_by(Tag.name)))

    # --- writing ---------------------------------------------------------------------

    def create(self, data: CustomerInput, *, by: str = "") -> CustomerDetail:
        now = self.clock.now()
        values = validated(data, today=now)
        with self.db.write() as session:
            number = self._claim_number(session, data.number)
            customer = Customer(number=number, created_at=now, updated_at=now, **values)
            customer.tags = self._tags(session, data.tags)
            session.add(customer)
            self._refresh_derived(customer)
            session.flush()
            timeline.record(session, customer_id=customer.id, channel="system",
                            subject="Kunde angelegt", author=by, at=now)
            result = _detail(customer)
            session.commit()
        return result

    def update(self, customer_id: int, data: CustomerInput, *, by: str = "") -> CustomerDetail:
        now = self.clock.now()
        values = validated(data, today=now)
        with self.db.write() as session:
            customer = self._load(session, customer_id)
            for key, value in values.items():
                setattr(customer, key, value)
            customer.tags = self._tags(session, data.tags)
            customer.updated_at = now
            self._refresh_derived(customer)
            result = _detail(customer)
            session.commit()
        return result

    def set_archived(self, customer_id: int, archived: bool, *, by: str = "") -> CustomerDetail:
        now = self.clock.now()
        with self.db.write() as session:
            customer = self._load(session, customer_id)
            if (customer.archived_at is not None) == archived:
                return _detail(customer)
            customer.archived_at = now if archived else None
            customer.updated_at = now
            timeline.record(
                session, customer_id=customer.id, channel="system", author=by, at=now,
                subject="Kunde archiviert" if archived else "Kunde wieder aktiv",
            )
            result = _detail(customer)
            session.commit()
        return result

    def add_contact(self, customer_id: int, data: ContactInput) -> ContactPersonDTO:
        with self.db.write() as session:
            customer = self._load(session, customer_id)
            contact = ContactPerson(**_validated_contact(data, region=customer.country))
            customer.contacts.append(contact)
            self._primary_only(customer, contact)
            self._refresh_derived(customer)
            session.flush()
            result = _contact_dto(contact)
            session.commit()
        return result

    def update_contact(self, contact_id: int, data: ContactInput) -> ContactPersonDTO:
        with self.db.write() as session:
            contact = session.get(ContactPerson, contact_id)
            if contact is None:
                raise NotFoundError("Die Ansprechperson gibt es nicht mehr.")
            customer = contact.customer
            for key, value in _validated_contact(data, region=customer.country).items():
                setattr(contact, key, value)
            self._primary_only(customer, contact)
            self._refresh_derived(customer)
            result = _contact_dto(contact)
            session.commit()
        return result

    def remove_contact(self, contact_id: int) -> None:
        with self.db.write() as session:
            contact = session.get(ContactPerson, contact_id)
            if contact is None:
                return
            customer = contact.customer
            customer.contacts.remove(contact)
            self._refresh_derived(customer)
            session.commit()

    def add_address(self, customer_id: int, data: AddressInput) -> AddressDTO:
        with self.db.write() as session:
            customer = self._load(session, customer_id)
            address = Address(**_validated_address(data))
            customer.addresses.append(address)
            session.flush()
            result = _address_dto(address)
            session.commit()
        return result

    def update_address(self, address_id: int, data: AddressInput) -> AddressDTO:
        with self.db.write() as session:
            address = session.get(Address, address_id)
            if address is None:
                raise NotFoundError("Die Adresse gibt es nicht mehr.")
            for key, value in _validated_address(data).items():
                setattr(address, key, value)
            result = _address_dto(address)
            session.commit()
        return result

    def remove_address(self, address_id: int) -> None:
        with self.db.write() as session:
            session.execute(delete(Address).where(Address.id == address_id))
            session.commit()

    # --- duplicates and merging --------------------------------------------------------

    def duplicates(self, data: CustomerInput, *, exclude_id: int | None = None
                   ) -> list[DuplicateHint]:
        """Existing customers that look like `data`: same e-mail, same phone number, or the
        same name by Kölner Phonetik at the same postcode."""
        hints: dict[int, DuplicateHint] = {}
        country = data.country.strip().upper() or "DE"
        email = data.email.strip().lower()
        phones = set()
        for raw in (data.phone, data.mobile):
            try:
                if value := validation.phone(raw, region=country):
                    phones.add(value)
            except validation.FieldError:
                continue
        with self.db.read() as session:
            def add(condition: ColumnElement[bool], reason: str) -> None:
                query = select(Customer).where(condition, Customer.anonymized_at.is_(None))
                if exclude_id is not None:
                    query = query.where(Customer.id != exclude_id)
                for customer in session.scalars(query.limit(20)):
                    hints.setdefault(customer.id, DuplicateHint(_row(customer), reason))

            if email:
                add(func.lower(Customer.email) == email, f"gleiche E-Mail ({email})")
            for number in sorted(phones):
                add(or_(Customer.phone == number, Customer.mobile == number),
                    f"gleiche Telefonnummer ({validation.display_phone(number)})")
            name = data.last_name.strip() if data.kind == "private" else data.company.strip()
            if name and data.postcode.strip():
                code = phonetic(name)
                column = Customer.last_name if data.kind == "private" else Customer.company
                query = select(Customer).where(
                    Customer.postcode == data.postcode.strip(), column != "",
                    Customer.anonymized_at.is_(None))
                if exclude_id is not None:
                    query = query.where(Customer.id != exclude_id)
                for customer in session.scalars(query):
                    other = customer.last_name if data.kind == "private" else customer.company
                    same_first = (
                        data.kind != "private" or not data.first_name or not customer.first_name
                        or phonetic(data.first_name) == phonetic(customer.first_name)
                    )
                    if phonetic(other) == code and same_first:
                        hints.setdefault(customer.id, DuplicateHint(
                            _row(customer),
                            f"ähnlicher Name an gleicher PLZ ({_list_name(customer)}, "
                            f"{customer.postcode})"))
        return list(hints.values())

    def merge(self, survivor_id: int, duplicate_id: int, *, by: str = "") -> CustomerDetail:
        """Move everything of the duplicate to the survivor, then remove the duplicate.

        Every table that references a customer is moved, found from the schema, so a
        feature added later cannot be forgotten. Empty fields of the survivor are filled
        from the duplicate. The duplicate's number is never given out again.
        """
        if survivor_id == duplicate_id:
            raise ConflictError("Ein Kunde kann nicht mit sich selbst zusammengeführt werden.")
        now = self.clock.now()
        with self.db.write() as session:
            survivor = self._load(session, survivor_id)
            duplicate = self._load(session, duplicate_id)
            for column in ("salutation", "title", "first_name", "last_name", "company",
                           "street", "postcode", "city", "email", "phone", "mobile",
                           "birth_day", "birth_month", "birth_year", "owner"):
                if not getattr(survivor, column) and getattr(duplicate, column):
                    setattr(survivor, column, getattr(duplicate, column))
            if duplicate.notes:
                survivor.notes = "\n".join(n for n in (survivor.notes, duplicate.notes) if n)
            survivor.tags = sorted({*survivor.tags, *duplicate.tags}, key=lambda t: t.name)
            session.flush()
            session.execute(delete(customer_tags).where(
                customer_tags.c.customer_id == duplicate_id))
            for table, column in _customer_references():
                session.execute(update(table).where(column == duplicate_id)
                                .values({column.name: survivor_id}))
            label = f"{duplicate.number} ({_list_name(duplicate)})"
            session.expunge(duplicate)
            session.execute(delete(Customer).where(Customer.id == duplicate_id))
            session.expire(survivor)
            survivor = self._load(session, survivor_id)
            survivor.updated_at = now
            self._refresh_derived(survivor)
            timeline.record(session, customer_id=survivor_id, channel="system", author=by,
                            at=now, subject=f"Zusammengeführt mit {label}")
            result = _detail(survivor)
            session.commit()
        return result

    # --- internals -----------------------------------------------------------------------

    def _load(self, session: Session, customer_id: int) -> Customer:
        customer = session.get(Customer, customer_id, options=[
            selectinload(Customer.contacts), selectinload(Customer.addresses),
            selectinload(Customer.tags)])
        if customer is None:
            raise NotFoundError("Diesen Kunden gibt es nicht (mehr).")
        return customer

    def _claim_number(self, session: Session, wanted: str | None) -> str:
        return claim_number(session, wanted)

    def _tags(self, session: Session, names: Iterable[str]) -> list[Tag]:
        wanted = sorted({n.strip() for n in names if n.strip()})
        if not wanted:
            return []
        existing = {t.name: t for t in session.scalars(select(Tag).where(Tag.name.in_(wanted)))}
        for name in wanted:
            if name not in existing:
                existing[name] = Tag(name=name)
                session.add(existing[name])
        return [existing[n] for n in wanted]

    @staticmethod
    def _primary_only(customer: Customer, contact: ContactPerson) -> None:
        if contact.is_primary:
            for other in customer.contacts:
                if other is not contact:
                    other.is_primary = False

    @staticmethod
    def _refresh_derived(customer: Customer) -> None:
        customer.sort_name = _sort_name(customer)
        customer.search_text = _search_text(customer)

    def _filtered(self, query: Select, flt: CustomerFilter) -> Select:  # type: ignore[type-arg]
        if flt.status == "active":
            query = query.where(Customer.archived_at.is_(None))
        elif flt.status == "archived":
            query = query.where(Customer.archived_at.is_not(None))
        if flt.owner:
            query = query.where(Customer.owner == flt.owner)
        if flt.abc_class:
            query = query.where(Customer.abc_class == flt.abc_class)
        if flt.segment:
            with self.db.read() as session:
                spec = segments.load_spec(session, flt.segment)
            query = query.where(*segments.conditions(spec, now=self.clock.now()))
        if flt.tag:
            query = query.where(Customer.id.in_(
                select(customer_tags.c.customer_id).join(Tag).where(Tag.name == flt.tag)))
        terms = _query_terms(flt.text)
        if terms:
            if self.db.is_sqlite:
                match = " AND ".join(f'"{term}"*' for term in terms)
                query = query.where(Customer.id.in_(
                    select(text("rowid")).select_from(text("customer_fts"))
                    .where(text("customer_fts MATCH :match")).params(match=match)))
            else:
                query = query.where(and_(*(
                    (" " + Customer.search_text).like(f"% {term}%") for term in terms)))
        return query

    @staticmethod
    def _ordered(query: Select, sort: str, descending: bool) -> Select:  # type: ignore[type-arg]
        if sort not in SORT_KEYS:
            sort = "name"
        column = Customer.sort_name if sort == "name" else getattr(Customer, sort)
        if sort == "phone":
            column = func.coalesce(func.nullif(Customer.phone, ""), Customer.mobile)
        primary = column.desc() if descending else column.asc()
        return query.order_by(primary, Customer.number.asc())


def _query_terms(query: str) -> list[str]:
    """The FTS terms of what the user typed; a phone number becomes one run of digits."""
    if not query.strip():
        return []
    if looks_like_phone_query(query):
        number = digits(query)
        if number.startswith("00"):
            number = number[2:]
        return [number]
    return [fold(word) for word in words(query)]


def _customer_references() -> list[tuple[object, object]]:
    """(table, column) of every foreign key to customers.id, except the tag links."""
    found = []
    for table in Base.metadata.sorted_tables:
        if table is customer_tags:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == "customers" and fk.column.name == "id":
                found.append((table, fk.parent))
    return found
