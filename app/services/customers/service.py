"""Customers and their contact persons, addresses and tags: the one place their rules live."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Select,
    Table,
    and_,
    delete,
    func,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session, selectinload

from app.db import Database
from app.models import Address, Base, ContactPerson, Customer, Tag, customer_tags
from app.services import audit, bulk, timeline, validation
from app.services.clock import Clock
from app.services.customers import segments
from app.services.customers.creating import create_customers, new_customer
from app.services.customers.dto import (
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
from app.services.customers.duplicates import phonetic
from app.services.customers.naming import customer_list_name, sort_name
from app.services.customers.numbers import NumberAllocator
from app.services.customers.rules import validated, validated_address, validated_contact
from app.services.customers.search_text import customer_search_text, query_terms
from app.services.errors import ConflictError, NotFoundError
from app.services.privacy import reachability

# Up to this many search matches are fetched by id before the list is sorted (`_filtered`).
_FEW_MATCHES = 500
# Fields a merge fills on the surviving customer when they are empty there.
MERGE_FILL_FIELDS = ("salutation", "title", "first_name", "last_name", "company", "street",
                     "postcode", "city", "email", "phone", "mobile", "birth_day", "birth_month",
                     "birth_year", "owner")


def _row(customer: Customer) -> CustomerRow:
    return CustomerRow(
        id=customer.id,
        number=customer.number,
        name=customer_list_name(customer),
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


class CustomerService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # --- reading ---------------------------------------------------------------------

    def get(self, customer_id: int) -> CustomerDetail:
        with self.db.read() as session:
            return _detail(self._load(session, customer_id))

    def exists(self, customer_id: int) -> bool:
        """Whether the customer is still there (not erased, not merged into another)."""
        with self.db.read() as session:
            return session.get(Customer, customer_id) is not None

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
            return [cid for (cid,) in bulk.fetch_rows(
                session, self._ordered(query, sort, descending))]

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

    def validate(self, data: CustomerInput) -> None:
        """Raise the ValidationError `create`/`update` would raise, without saving; a form
        checks first so the duplicate question is only asked about valid data."""
        validated(data, today=self.clock.now())

    def create(self, data: CustomerInput, *, by: str = "") -> CustomerDetail:
        now = self.clock.now()
        values = validated(data, today=now)
        with self.db.write() as session:
            numbers = NumberAllocator(session)
            numbers.require_free(data.number)
            [created] = create_customers(session, [new_customer(data, values)], now=now, by=by,
                                         allocator=numbers)
            result = _detail(self._load(session, created.id))
            session.commit()
        return result

    def update(self, customer_id: int, data: CustomerInput, *, by: str = "") -> CustomerDetail:
        now = self.clock.now()
        values = validated(data, today=now)
        with self.db.write() as session:
            customer = self._load(session, customer_id)
            before = {key: getattr(customer, key) for key in values}
            before["tags"] = sorted(t.name for t in customer.tags)
            for key, value in values.items():
                setattr(customer, key, value)
            reachability.clear_on_change(customer, before)
            customer.tags = self._tags(session, data.tags)
            after = {**values, "tags": sorted(t.name for t in customer.tags)}
            audit.record(session, at=now, actor=by, action="update", entity="customer",
                         entity_id=customer.id, customer_id=customer.id,
                         details={"fields": audit.changed_fields(before, after)})
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
            audit.record(session, at=now, actor=by, entity="customer", entity_id=customer.id,
                         customer_id=customer.id, action="archive" if archived else "unarchive")
            result = _detail(customer)
            session.commit()
        return result

    def add_contact(self, customer_id: int, data: ContactInput, *, by: str
                    ) -> ContactPersonDTO:
        with self.db.write() as session:
            customer = self._load(session, customer_id)
            contact = ContactPerson(**validated_contact(data, region=customer.country))
            customer.contacts.append(contact)
            self._primary_only(customer, contact)
            self._refresh_derived(customer)
            session.flush()
            audit.record(session, at=self.clock.now(), actor=by, action="contact_add",
                         entity="contact_person", entity_id=contact.id, customer_id=customer.id)
            result = _contact_dto(contact)
            session.commit()
        return result

    def update_contact(self, contact_id: int, data: ContactInput, *, by: str
                       ) -> ContactPersonDTO:
        with self.db.write() as session:
            contact = session.get(ContactPerson, contact_id)
            if contact is None:
                raise NotFoundError("Die Ansprechperson gibt es nicht mehr.")
            customer = contact.customer
            values = validated_contact(data, region=customer.country)
            before = {key: getattr(contact, key) for key in values}
            for key, value in values.items():
                setattr(contact, key, value)
            audit.record(session, at=self.clock.now(), actor=by, action="contact_update",
                         entity="contact_person", entity_id=contact.id, customer_id=customer.id,
                         details={"fields": audit.changed_fields(before, values)})
            self._primary_only(customer, contact)
            self._refresh_derived(customer)
            result = _contact_dto(contact)
            session.commit()
        return result

    def remove_contact(self, contact_id: int, *, by: str) -> None:
        with self.db.write() as session:
            contact = session.get(ContactPerson, contact_id)
            if contact is None:
                return
            customer = contact.customer
            customer.contacts.remove(contact)
            audit.record(session, at=self.clock.now(), actor=by, action="contact_remove",
                         entity="contact_person", entity_id=contact_id, customer_id=customer.id)
            self._refresh_derived(customer)
            session.commit()

    def add_address(self, customer_id: int, data: AddressInput, *, by: str) -> AddressDTO:
        with self.db.write() as session:
            customer = self._load(session, customer_id)
            address = Address(**validated_address(data))
            customer.addresses.append(address)
            session.flush()
            audit.record(session, at=self.clock.now(), actor=by, action="address_add",
                         entity="address", entity_id=address.id, customer_id=customer.id)
            result = _address_dto(address)
            session.commit()
        return result

    def update_address(self, address_id: int, data: AddressInput, *, by: str
                       ) -> AddressDTO:
        with self.db.write() as session:
            address = session.get(Address, address_id)
            if address is None:
                raise NotFoundError("Die Adresse gibt es nicht mehr.")
            values = validated_address(data)
            before = {key: getattr(address, key) for key in values}
            for key, value in values.items():
                setattr(address, key, value)
            audit.record(session, at=self.clock.now(), actor=by, action="address_update",
                         entity="address", entity_id=address.id,
                         customer_id=address.customer_id,
                         details={"fields": audit.changed_fields(before, values)})
            result = _address_dto(address)
            session.commit()
        return result

    def remove_address(self, address_id: int, *, by: str) -> None:
        with self.db.write() as session:
            customer_id = session.scalar(select(Address.customer_id)
                                         .where(Address.id == address_id))
            if customer_id is None:
                return
            session.execute(delete(Address).where(Address.id == address_id))
            audit.record(session, at=self.clock.now(), actor=by, action="address_remove",
                         entity="address", entity_id=address_id, customer_id=customer_id)
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
                            f"ähnlicher Name an gleicher PLZ ({customer_list_name(customer)}, "
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
            for column in MERGE_FILL_FIELDS:
                if not getattr(survivor, column) and getattr(duplicate, column):
                    setattr(survivor, column, getattr(duplicate, column))
            if duplicate.notes:
                survivor.notes = "\n".join(n for n in (survivor.notes, duplicate.notes) if n)
            survivor.tags = sorted({*survivor.tags, *duplicate.tags}, key=lambda t: t.name)
            session.flush()
            session.execute(delete(customer_tags).where(
                customer_tags.c.customer_id == duplicate_id))
            for table, reference in _customer_references():
                session.execute(update(table).where(reference == duplicate_id)
                                .values({reference.name: survivor_id}))
            duplicate_number = duplicate.number
            label = f"{duplicate_number} ({customer_list_name(duplicate)})"
            session.expunge(duplicate)
            session.execute(delete(Customer).where(Customer.id == duplicate_id))
            session.expire(survivor)
            survivor = self._load(session, survivor_id)
            survivor.updated_at = now
            self._refresh_derived(survivor)
            timeline.record(session, customer_id=survivor_id, channel="system", author=by,
                            at=now, subject=f"Zusammengeführt mit {label}")
            audit.record(session, at=now, actor=by, action="merge", entity="customer",
                         entity_id=survivor_id, customer_id=survivor_id,
                         details={"merged_customer_id": duplicate_id,
                                  "merged_number": duplicate_number})
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
        customer.sort_name = sort_name(customer.last_name, customer.first_name,
                                       customer.company)
        customer.search_text = customer_search_text(customer)

    def _filtered(self, query: Select[Any], flt: CustomerFilter) -> Select[Any]:
        terms = query_terms(flt.text)
        match = " AND ".join(f'"{term}"*' for term in terms)
        few = self._few_matches(match) if terms and self.db.is_sqlite else None
        if few is not None:
            query = query.where(Customer.id.in_(few))
        if flt.status == "active":
            active = Customer.archived_at.is_(None)
            # Without the hint SQLite walks the whole list order to find a few matches.
            query = query.where(active if few is None else _mostly_true(active))
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
        if terms and few is None:
            if self.db.is_sqlite:
                query = query.where(Customer.id.in_(_search_matches(match)))
            else:
                query = query.where(and_(*(
                    (" " + Customer.search_text).like(f"% {term}%") for term in terms)))
        return query

    def _few_matches(self, match: str) -> list[int] | None:
        """The ids of a search with few matches, None for many.

        The list is sorted by name: for many matches ("m") SQLite walks the name order and
        finds 50 at once; for a few ("K-035167") that walk would pass every customer, so the
        few are fetched first and looked up by id.
        """
        with self.db.read() as session:
            ids = list(session.scalars(_search_matches(match).limit(_FEW_MATCHES + 1)))
        return ids if len(ids) <= _FEW_MATCHES else None

    @staticmethod
    def _ordered(query: Select[Any], sort: str, descending: bool) -> Select[Any]:
        if sort not in SORT_KEYS:
            sort = "name"
        column = Customer.sort_name if sort == "name" else getattr(Customer, sort)
        if sort == "phone":
            column = func.coalesce(func.nullif(Customer.phone, ""), Customer.mobile)
        primary = column.desc() if descending else column.asc()
        return query.order_by(primary, Customer.number.asc())


def _search_matches(match: str) -> Select[Any]:
    """The rowids of the customers an FTS5 query matches (SQLite's search index)."""
    return (select(text("rowid")).select_from(text("customer_fts"))
            .where(text("customer_fts MATCH :match")).params(match=match))


def _mostly_true(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """SQLite's planner hint that a condition holds for most rows (a no-op when run)."""
    return func.likelihood(condition, literal_column("0.9375"))


def _customer_references() -> list[tuple[Table, Column[Any]]]:
    """(table, column) of every foreign key to customers.id, except the tag links."""
    found: list[tuple[Table, Column[Any]]] = []
    for table in Base.metadata.sorted_tables:
        if table is customer_tags:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == "customers" and fk.column.name == "id":
                found.append((table, fk.parent))
    return found
