"""A/B/C class history: every change of a customer's class, computed or set by hand."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime


class ClassAssignment(Base):
    __tablename__ = "class_assignments"
    __table_args__ = (Index("ix_class_assignments_customer_as_of", "customer_id", "as_of"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    abc_class: Mapped[str] = mapped_column(String(1))
    previous_class: Mapped[str | None] = mapped_column(String(1))
    as_of: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(16))  # auto | manual | amount
    reason: Mapped[str] = mapped_column(Text, default="")
    valid_until: Mapped[date | None] = mapped_column(Date)  # manual classes may expire
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
