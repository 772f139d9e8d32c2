"""Kunden werben Kunden: who recommended whom, and the reward issued for it.

Both customer links cascade: erasing either person (Art. 17 DSGVO) removes the link.
The reward row's UNIQUE referral is what makes the reward once-only, even when two
processes book the referred customer's first sale at the same moment.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime


class Referral(Base):
    __tablename__ = "referrals"
    __table_args__ = (CheckConstraint("referrer_id <> referred_id", name="not_self"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referrer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    # a customer is recommended once: the first referrer counts
    referred_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), unique=True
    )
    via_code: Mapped[bool] = mapped_column(default=False)
    referred_on: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReferralReward(Base):
    __tablename__ = "referral_rewards"
    __table_args__ = (CheckConstraint("kind IN ('voucher', 'points')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[str] = mapped_column(String(8))  # voucher | points
    amount: Mapped[int] = mapped_column(Integer)  # cents for a voucher, points for points
    voucher_id: Mapped[int | None] = mapped_column(ForeignKey("vouchers.id"))
    points_entry_id: Mapped[int | None] = mapped_column(ForeignKey("points_entries.id"))
    sale_id: Mapped[int | None] = mapped_column(Integer)  # plain reference, like the ledger
    issued_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
