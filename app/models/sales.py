"""Sales: what a customer bought, in integer cents."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime


class Sale(Base):
    __tablename__ = "sales"
    # Covers the classification's aggregate (customer, date, amount) besides per-customer lists.
    __table_args__ = (Index("ix_sales_customer_date_amount", "customer_id", "sale_date",
                            "amount_cents"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    sale_date: Mapped[date] = mapped_column(Date, index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    # A document number is unique when given; it is what makes a re-import add nothing.
    document_no: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
