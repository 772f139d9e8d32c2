"""The customer aggregate: customer, contact persons, extra addresses, tags and the timeline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime

customer_tags = Table(
    "customer_tags",
    Base.metadata,
    Column("customer_id", ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class Customer(Base):
    __tablename__ = "customers"
    # The list's default order (active customers by name) is read straight from this index.
    __table_args__ = (Index("ix_customers_list_order", "archived_at", "sort_name", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="private")  # private | business
    salutation: Mapped[str] = mapped_column(String(32), default="")
    title: Mapped[str] = mapped_column(String(64), default="")
    first_name: Mapped[str] = mapped_column(String(128), default="")
    last_name: Mapped[str] = mapped_column(String(128), default="")
    company: Mapped[str] = mapped_column(String(200), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(16), default="", index=True)
    city: Mapped[str] = mapped_column(String(128), default="")
    country: Mapped[str] = mapped_column(String(2), default="DE")
    email: Mapped[str] = mapped_column(String(254), default="", index=True)
    phone: Mapped[str] = mapped_column(String(32), default="", index=True)  # E.164
    mobile: Mapped[str] = mapped_column(String(32), default="", index=True)  # E.164
    birth_day: Mapped[int | None] = mapped_column(Integer)
    birth_month: Mapped[int | None] = mapped_column(Integer)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(128), default="", index=True)  # Betreuer
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    anonymized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Kept by the classification service (effective class, RFM segment, churn flag), read by
    # letters, loyalty and reminders. The class has no index: three values narrow nothing,
    # and 100,000 class changes would each update it (migration 0009).
    abc_class: Mapped[str | None] = mapped_column(String(1))
    rfm_segment: Mapped[str | None] = mapped_column(String(32))
    at_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    # Werbewiderspruch (Art. 21 DSGVO): set once, blocks all advertising from then on.
    advertising_objection_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the contact policy must know besides consents (migration 0010): a letter came back
    # (the postal address is wrong), an e-mail bounced, the person has died.
    address_invalid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_invalid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deceased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Derived columns kept by the customer service: display/sort name and folded search text.
    sort_name: Mapped[str] = mapped_column(String(400), default="", index=True)
    search_text: Mapped[str] = mapped_column(Text, default="")

    contacts: Mapped[list[ContactPerson]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="ContactPerson.id"
    )
    addresses: Mapped[list[Address]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="Address.id"
    )
    tags: Mapped[list[Tag]] = relationship(secondary=customer_tags, order_by="Tag.name")


class ContactPerson(Base):
    __tablename__ = "contact_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    salutation: Mapped[str] = mapped_column(String(32), default="")
    title: Mapped[str] = mapped_column(String(64), default="")
    first_name: Mapped[str] = mapped_column(String(128), default="")
    last_name: Mapped[str] = mapped_column(String(128), default="")
    role: Mapped[str] = mapped_column(String(128), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)

    customer: Mapped[Customer] = relationship(back_populates="contacts")


class Address(Base):
    """An extra address of a customer: Objekt-, Baustellen- or Lieferadresse."""

    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(128))
    street: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(16), default="")
    city: Mapped[str] = mapped_column(String(128), default="")
    country: Mapped[str] = mapped_column(String(2), default="DE")
    notes: Mapped[str] = mapped_column(Text, default="")

    customer: Mapped[Customer] = relationship(back_populates="addresses")


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)


class Interaction(Base):
    """One entry of a customer's contact history (timeline)."""

    __tablename__ = "interactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # visit | phone | letter | email | order | complaint | note | system
    channel: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
