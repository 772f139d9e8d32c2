"""Data protection: the append-only audit log, consents and the advertising suppression list.

The audit log and the suppression list deliberately have no foreign key to `customers`:
they must outlive a customer's erasure. Neither holds personal data in clear text — the
audit log names customers by id and number only, the suppression list holds hashes.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime


class AuditEntry(Base):
    """Who did what when; the database refuses UPDATE and DELETE on this table (triggers)."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_customer_at", "customer_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(128), default="")
    action: Mapped[str] = mapped_column(String(32), index=True)
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    customer_id: Mapped[int | None] = mapped_column(Integer)  # no FK: survives erasure
    details: Mapped[str] = mapped_column(Text, default="{}")  # JSON, no personal data


class Consent(Base):
    """One consent event (granted or withdrawn) for one advertising purpose; never edited.

    The current state of a purpose is its newest event; no event means no consent.
    """

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_customer_purpose", "customer_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(16))  # letter | email | phone
    granted: Mapped[bool] = mapped_column(Boolean)
    given_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(16))  # form | oral | email
    wording_version: Mapped[str] = mapped_column(String(64), default="")
    recorded_by: Mapped[str] = mapped_column(String(128), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Suppression(Base):
    """Werbesperrliste: the hash of an objecting person's name and address (Art. 21 DSGVO)."""

    __tablename__ = "suppressions"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
