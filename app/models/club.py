"""The customer club (Kundenclub): levels defined by the shop and their memberships."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime


class ClubLevel(Base):
    """A membership level ("Service-Club", "Premium") with its fee and benefits."""

    __tablename__ = "club_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    fee_cents: Mapped[int] = mapped_column(Integer, default=0)  # per year, 0 = free
    discount_bp: Mapped[int] = mapped_column(Integer, default=0)  # 500 = 5 %
    free_check: Mapped[bool] = mapped_column(Boolean, default=False)
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    join_voucher_cents: Mapped[int] = mapped_column(Integer, default=0)
    benefits: Mapped[str] = mapped_column(Text, default="")  # further benefits in words
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ClubMembership(Base):
    """One membership of a customer; a member has at most one without `left_on`."""

    __tablename__ = "club_memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    level_id: Mapped[int] = mapped_column(ForeignKey("club_levels.id"), index=True)
    card_number: Mapped[str] = mapped_column(String(13), unique=True)  # EAN-13, prefix 20
    joined_on: Mapped[date] = mapped_column(Date)
    paid_until: Mapped[date] = mapped_column(Date, index=True)  # renewal due the day after
    left_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
