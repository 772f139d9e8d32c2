"""Maintenance and service contracts (Wartungsverträge) and the objects they cover.

The term rules (minimum term, tacit renewal, notice) are computed by
`app.services.contracts.terms` from the columns here; what a notice resulted in (the last
day and the rule in words) is stored when the notice is recorded, so it never changes later.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    and_,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime


class Contract(Base):
    __tablename__ = "contracts"
    __table_args__ = (
        CheckConstraint("renewal IN ('tacit', 'none')", name="renewal"),
        CheckConstraint("price_per IN ('year', 'visit')", name="price_per"),
        CheckConstraint("customer_kind IN ('private', 'business')", name="customer_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # WV-2026-0001
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    # Verbraucher or Unternehmer when the contract was made: the law that applies stays.
    customer_kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200), default="Wartungsvertrag")
    concluded_on: Mapped[date] = mapped_column(Date)
    start: Mapped[date] = mapped_column(Date)
    min_months: Mapped[int] = mapped_column(Integer)  # 0: indefinite from the start
    min_term_end: Mapped[date | None] = mapped_column(Date)  # derived, for queries
    renewal: Mapped[str] = mapped_column(String(8))  # tacit | none
    renewal_months: Mapped[int] = mapped_column(Integer, default=12)
    notice_months: Mapped[int] = mapped_column(Integer)
    price_cents: Mapped[int] = mapped_column(Integer)
    price_per: Mapped[str] = mapped_column(String(8))  # year | visit
    previous_price_cents: Mapped[int | None] = mapped_column(Integer)
    price_changed_on: Mapped[date | None] = mapped_column(Date)
    payment_interval: Mapped[str] = mapped_column(String(16), default="yearly")
    visit_rrule: Mapped[str] = mapped_column(String(200), default="")  # "" = no visits
    included: Mapped[str] = mapped_column(Text, default="")  # what is included, in words
    services: Mapped[str] = mapped_column(Text, default="")  # one service a line
    # the notice: who ended it (customer | company), received when, resulting last day, why
    ended_by: Mapped[str] = mapped_column(String(16), default="")
    notice_received: Mapped[date | None] = mapped_column(Date)
    last_day: Mapped[date | None] = mapped_column(Date, index=True)
    end_rule: Mapped[str] = mapped_column(Text, default="")
    end_recorded_by: Mapped[str] = mapped_column(String(128), default="")
    created_by: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @classmethod
    def running_on(cls, day: date) -> ColumnElement[bool]:
        """SQL: the contract runs on `day` (no notice or its last day not passed, and a
        fixed term not run out). The call list and the figures ask the same question."""
        return or_(cls.last_day >= day,
                   and_(cls.last_day.is_(None),
                        or_(cls.renewal == "tacit", cls.min_term_end.is_(None),
                            cls.min_term_end >= day)))


class ContractObject(Base):
    """A maintenance object covered by a contract; its visits are the contract's visits."""

    __tablename__ = "contract_objects"

    contract_id: Mapped[int] = mapped_column(
        ForeignKey("contracts.id", ondelete="CASCADE"), primary_key=True
    )
    maintenance_object_id: Mapped[int] = mapped_column(
        ForeignKey("maintenance_objects.id", ondelete="CASCADE"), primary_key=True, index=True
    )
