"""Letter placeholders from other features: bonus points, vouchers, the loyalty discount,
maintenance objects and appointments.

Each provider reads its values for many customers in a few queries (mailings render
thousands of letters) and is registered with `LetterService.register_provider` where the
services are composed (`container.build`). The providers read models only, so neither the
letters nor the feature services import each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any, cast

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from app.models import (
    BonusCard,
    FollowUp,
    LoyaltyAccount,
    MaintenanceObject,
    PointsEntry,
    Voucher,
    VoucherEntry,
)
from app.services.followups.service import PENDING
from app.services.formatting import format_cents, format_date
from app.services.letters.service import LetterService
from app.services.loyalty import codes as voucher_codes
from app.services.loyalty.discount import discounts_in

_CHUNK = 500
WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start:start + _CHUNK])


def voucher_values(code: str, kind: str, value_cents: int, remaining_cents: int,
                   percent: int | None, service_text: str) -> dict[str, str]:
    """`gutschein.code` and `gutschein.wert` of one voucher: the remaining value of a value
    voucher, otherwise what it gives ("10 % Rabatt", the service)."""
    if kind == "percent":
        worth = f"{percent} % Rabatt"
    elif kind == "service":
        worth = service_text or format_cents(value_cents)
    else:
        worth = format_cents(remaining_cents)
    return {"code": voucher_codes.grouped(code), "wert": worth}


class BonusPointsProvider:
    """`{{ bonuspunkte }}`: the sum of the balances of the customer's active cards."""

    provides = frozenset({"bonuspunkte"})

    def values(self, session: Session, customer_ids: Sequence[int], *, on: date
               ) -> Mapping[int, Mapping[str, Any]]:
        found: dict[int, dict[str, Any]] = {}
        has_card = exists().where(BonusCard.account_id == LoyaltyAccount.id,
                                  BonusCard.status == "active")
        for chunk in _chunks(customer_ids):
            for cid, points in session.execute(
                    select(LoyaltyAccount.customer_id, func.sum(PointsEntry.points))
                    .join(PointsEntry, PointsEntry.account_id == LoyaltyAccount.id)
                    .where(LoyaltyAccount.customer_id.in_(chunk), has_card)
                    .group_by(LoyaltyAccount.customer_id)):
                found[cast(int, cid)] = {"bonuspunkte": str(int(points or 0))}
        return found


class VoucherProvider:
    """`{{ gutschein.code }}`, `{{ gutschein.wert }}`: the customer's newest voucher that is
    valid on the letter date and not used up. A mailing that issues a voucher per recipient
    puts that one in instead (`MailingService.run`)."""

    provides = frozenset({"gutschein"})

    def values(self, session: Session, customer_ids: Sequence[int], *, on: date
               ) -> Mapping[int, Mapping[str, Any]]:
        remaining = func.coalesce(func.sum(VoucherEntry.amount_cents), 0)
        uses = func.coalesce(func.sum(case((VoucherEntry.kind == "redeem", 1),
                                           (VoucherEntry.kind == "reversal", -1), else_=0)), 0)
        usable = or_(and_(Voucher.kind == "value", remaining > 0),
                     and_(Voucher.kind != "value", uses <= 0))
        found: dict[int, dict[str, Any]] = {}
        for chunk in _chunks(customer_ids):
            rows = session.execute(
                select(Voucher.customer_id, Voucher.code, Voucher.kind, Voucher.value_cents,
                       remaining, Voucher.percent, Voucher.service_text)
                .join(VoucherEntry, VoucherEntry.voucher_id == Voucher.id)
                .where(Voucher.customer_id.in_(chunk), Voucher.valid_until >= on)
                .group_by(Voucher.id).having(usable)
                .order_by(Voucher.issued_on, Voucher.id))
            for cid, code, kind, value, rest, percent, service in rows:
                # ascending order: the newest voucher of a customer is written last
                values = voucher_values(code, kind, value, int(rest), percent, service)
                found[cast(int, cid)] = {"gutschein": values}
        return found


class MaintenanceProvider:
    """`{{ wartung.objekt }}`: the customer's active maintenance object due next (the one
    with the earliest pending maintenance follow-up)."""

    provides = frozenset({"wartung"})

    def values(self, session: Session, customer_ids: Sequence[int], *, on: date
               ) -> Mapping[int, Mapping[str, Any]]:
        found: dict[int, dict[str, Any]] = {}
        for chunk in _chunks(customer_ids):
            rows = session.execute(
                select(MaintenanceObject.customer_id, MaintenanceObject.name)
                .join(FollowUp, FollowUp.maintenance_object_id == MaintenanceObject.id)
                .where(MaintenanceObject.customer_id.in_(chunk),
                       MaintenanceObject.active.is_(True), FollowUp.status.in_(PENDING))
                .order_by(FollowUp.due_date.desc(), FollowUp.id.desc()))
            for cid, name in rows:
                found[cid] = {"wartung": {"objekt": name}}  # the earliest due comes last
        return found


class DiscountProvider:
    """`{{ rabatt }}`: the customer's loyalty discount (Stammkundenrabatt), e.g. „5 %“ — their
    own rate, else the rate of their A/B/C class, else „0 %“."""

    provides = frozenset({"rabatt"})

    def __init__(self, class_rates: Callable[[], Mapping[str, int]]) -> None:
        self.class_rates = class_rates

    def values(self, session: Session, customer_ids: Sequence[int], *, on: date
               ) -> Mapping[int, Mapping[str, Any]]:
        return {cid: {"rabatt": discount.percent_text} for cid, discount in
                discounts_in(session, customer_ids, self.class_rates()).items()}


class AppointmentProvider:
    """`{{ termin }}`: the customer's next appointment — the earliest pending follow-up with
    a time of day on or after the letter date —, e.g. „Dienstag, 24.03.2026, 09:30 Uhr“.
    A follow-up without a time is a task, not an appointment."""

    provides = frozenset({"termin"})

    def values(self, session: Session, customer_ids: Sequence[int], *, on: date
               ) -> Mapping[int, Mapping[str, Any]]:
        found: dict[int, dict[str, Any]] = {}
        for chunk in _chunks(customer_ids):
            rows = session.execute(
                select(FollowUp.customer_id, FollowUp.due_date, FollowUp.due_time)
                .where(FollowUp.customer_id.in_(chunk), FollowUp.status.in_(PENDING),
                       FollowUp.due_time.is_not(None), FollowUp.due_date >= on)
                .order_by(FollowUp.due_date.desc(), FollowUp.due_time.desc(),
                          FollowUp.id.desc()))
            for cid, day, at in rows:  # the earliest comes last
                found[cid] = {"termin": f"{WEEKDAYS[day.weekday()]}, {format_date(day)}, "
                                        f"{at:%H:%M} Uhr"}
        return found


def register_all(letters: LetterService, *,
                 class_rates: Callable[[], Mapping[str, int]]) -> None:
    """Make the loyalty, voucher, discount, maintenance and appointment placeholders
    available in letters; `class_rates` gives the discount per A/B/C class."""
    for provider in (BonusPointsProvider(), VoucherProvider(), DiscountProvider(class_rates),
                     MaintenanceProvider(), AppointmentProvider()):
        letters.register_provider(provider)
