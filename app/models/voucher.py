"""Vouchers (Gutscheine) and their append-only ledger.

A voucher's remaining value is the sum of its ledger; the voucher row itself holds only
what never changes after issue (code, kind, value, VAT treatment, validity) plus the
customer link, which erasure may null.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime


class Voucher(Base):
    __tablename__ = "vouchers"
    __table_args__ = (
        CheckConstraint("kind IN ('value', 'service', 'percent')", name="kind"),
        CheckConstraint("purpose IN ('single', 'multi')", name="purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # 12 characters, no dashes
    kind: Mapped[str] = mapped_column(String(16))  # value | service | percent
    # Einzweck (single: VAT due at issue, rate recorded) or Mehrzweck (multi: VAT at
    # redemption), § 3 Abs. 13–15 UStG
    purpose: Mapped[str] = mapped_column(String(8), default="multi")
    vat_rate_bp: Mapped[int | None] = mapped_column(Integer)  # basis points: 1900 = 19 %
    value_cents: Mapped[int] = mapped_column(Integer, default=0)
    percent: Mapped[int | None] = mapped_column(Integer)
    service_text: Mapped[str] = mapped_column(Text, default="")
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    campaign: Mapped[str] = mapped_column(String(128), default="", index=True)
    promo: Mapped[bool] = mapped_column(default=False)
    issued_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(128), default="")


class VoucherEntry(Base):
    """One line of a voucher's ledger: issue (+), redeem (−), reversal (+), expire (0).

    An expire entry records the moment of expiry and books 0: the remaining value stays
    in the records, as the law wants it (it is a liability until written off).
    """

    __tablename__ = "voucher_entries"
    __table_args__ = (
        CheckConstraint("kind IN ('issue', 'redeem', 'reversal', 'expire')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    voucher_id: Mapped[int] = mapped_column(ForeignKey("vouchers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount_cents: Mapped[int] = mapped_column(Integer)  # signed
    entry_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("voucher_entries.id"))
    author: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
