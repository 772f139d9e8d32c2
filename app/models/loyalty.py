"""Bonus programs, their cards and the append-only points/stamps ledger.

The ledger (`points_entries`) never references a customer: it hangs on an account
(`loyalty_accounts`), and only the account knows its customer. Merging or erasing a
customer rewrites or nulls `loyalty_accounts.customer_id` and never touches a ledger row,
which database triggers forbid to change (revision 0003).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime


class LoyaltyProgram(Base):
    """A points program (points per euro) or a stamp card (N stamps → reward)."""

    __tablename__ = "loyalty_programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # points | stamps
    # points: whole points per full euro; rounding of the euro amount: down | half_up
    points_per_euro: Mapped[int] = mapped_column(Integer, default=1)
    rounding: Mapped[str] = mapped_column(String(16), default="down")
    min_purchase_cents: Mapped[int] = mapped_column(Integer, default=0)
    # stamps: how many stamps make the reward; a sale earns one stamp when its description
    # contains service_category (case-insensitive), or any sale when it is empty
    stamps_required: Mapped[int | None] = mapped_column(Integer)
    service_category: Mapped[str] = mapped_column(String(128), default="")
    # None: never; N: points expire at the end of the N-th calendar year after earning
    expiry_years: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoyaltyReward(Base):
    """An entry of the rewards catalogue: spend `cost` points/stamps, get a reward."""

    __tablename__ = "loyalty_rewards"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("loyalty_programs.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    cost: Mapped[int] = mapped_column(Integer)
    # a reward may come as a value voucher of this amount; None: a service given at once
    voucher_value_cents: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class LoyaltyAccount(Base):
    """One customer's membership in one program; its cards come and go, the balance stays."""

    __tablename__ = "loyalty_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("loyalty_programs.id"), index=True)
    # SET NULL: erasing a customer keeps the (then anonymous) ledger for the books
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BonusCard(Base):
    """A physical card: EAN-13 number in the in-store range (prefix 20)."""

    __tablename__ = "bonus_cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("loyalty_accounts.id"), index=True)
    number: Mapped[str] = mapped_column(String(13), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | blocked
    replaces_card_id: Mapped[int | None] = mapped_column(ForeignKey("bonus_cards.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    block_reason: Mapped[str] = mapped_column(Text, default="")


class PointsEntry(Base):
    """One line of the append-only points/stamps ledger; the balance is the sum of `points`.

    `sale_id` is a plain reference, not a foreign key: a sale removed later (customer
    erased) must not need a rewrite of the ledger. UNIQUE (account, sale) makes sure a
    sale is credited once; only earn entries carry a sale.
    """

    __tablename__ = "points_entries"
    __table_args__ = (
        UniqueConstraint("account_id", "sale_id", name="uq_points_entries_account_sale"),
        CheckConstraint(
            "kind IN ('earn', 'redeem', 'expire', 'correction')", name="kind"
        ),
        CheckConstraint("sale_id IS NULL OR kind = 'earn'", name="sale_only_on_earn"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("loyalty_accounts.id"), index=True)
    card_id: Mapped[int | None] = mapped_column(ForeignKey("bonus_cards.id"))
    kind: Mapped[str] = mapped_column(String(16))
    points: Mapped[int] = mapped_column(Integer)  # signed
    entry_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    sale_id: Mapped[int | None] = mapped_column(Integer)
    voucher_id: Mapped[int | None] = mapped_column(ForeignKey("vouchers.id"))
    reward_id: Mapped[int | None] = mapped_column(ForeignKey("loyalty_rewards.id"))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("points_entries.id"))
    author: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CustomerDiscount(Base):
    """A customer's own Stammkundenrabatt, overriding the rate of their A/B/C class."""

    __tablename__ = "customer_discounts"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    rate_bp: Mapped[int] = mapped_column(Integer)  # basis points: 500 = 5 %
    reason: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
