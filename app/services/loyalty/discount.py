"""The loyalty discount (Stammkundenrabatt): a rate per A/B/C class, or a customer's own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db import Database
from app.models import ClubLevel, ClubMembership, Customer, CustomerDiscount
from app.services import timeline
from app.services.clock import Clock
from app.services.errors import NotFoundError, ValidationError
from app.services.settings import SettingsService

DISCOUNT_KEY = "loyalty_discount_rates"  # {"A": 500, "B": 200, "C": 0} in basis points
invalid = ValidationError.labelled({"discount": "Stammkundenrabatt"})
_CHUNK = 500


@dataclass(frozen=True)
class Discount:
    rate_bp: int  # basis points: 500 = 5 %
    source: str  # customer | class | club | none

    @property
    def percent_text(self) -> str:
        return f"{Decimal(self.rate_bp) / 100:g} %".replace(".", ",")


class DiscountService:
    def __init__(self, db: Database, clock: Clock, settings: SettingsService) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings

    def class_rates(self) -> dict[str, int]:
        return {k: int(v) for k, v in dict(self.settings.get(DISCOUNT_KEY, {})).items()}

    def set_class_rates(self, rates: dict[str, int]) -> dict[str, int]:
        cleaned = {}
        for klass, rate in rates.items():
            if klass not in ("A", "B", "C") or not 0 <= rate <= 10_000:
                raise invalid({"discount": f"Klasse {klass}: Rabatt 0 bis 100 %"})
            cleaned[klass] = rate
        self.settings.set(DISCOUNT_KEY, cleaned)
        return cleaned

    def set_customer_discount(self, customer_id: int, *, rate_bp: int | None,
                              reason: str = "", by: str = "") -> Discount:
        """A customer's own rate (None: back to the class rate)."""
        if rate_bp is not None and not 0 <= rate_bp <= 10_000:
            raise invalid({"discount": "Rabatt zwischen 0 und 100 %"})
        now = self.clock.now()
        with self.db.write() as session:
            if session.get(Customer, customer_id) is None:
                raise NotFoundError(f"Kunde {customer_id} nicht gefunden.")
            session.execute(delete(CustomerDiscount)
                            .where(CustomerDiscount.customer_id == customer_id))
            if rate_bp is None:
                subject = "Stammkundenrabatt: wieder nach Klasse"
            else:
                session.add(CustomerDiscount(customer_id=customer_id, rate_bp=rate_bp,
                                             reason=reason.strip(), updated_at=now))
                subject = f"Stammkundenrabatt auf {Discount(rate_bp, 'customer').percent_text}" \
                          " gesetzt"
            timeline.record(session, customer_id=customer_id, channel="system", at=now,
                            author=by, subject=subject, text=reason.strip())
            session.commit()
        return self.discount_for(customer_id)

    def discount_for(self, customer_id: int) -> Discount:
        """The customer's own rate if set, else the rate of their A/B/C class, else none;
        a club member's rate instead where it is higher."""
        with self.db.read() as session:
            return discounts_in(session, [customer_id], self.class_rates()).get(
                customer_id, Discount(0, "none"))


def discounts_in(session: Session, customer_ids: Sequence[int], class_rates: Mapping[str, int]
                 ) -> dict[int, Discount]:
    """The discount of many customers in a few queries (serial letters): their own rate if
    set, else the rate of their A/B/C class, else none; a club member's rate where higher."""
    found: dict[int, Discount] = {}
    for start in range(0, len(customer_ids), _CHUNK):
        chunk = list(customer_ids[start:start + _CHUNK])
        for cid, klass in session.execute(select(Customer.id, Customer.abc_class)
                                          .where(Customer.id.in_(chunk))):
            rate = class_rates.get(klass or "", 0)
            found[cid] = Discount(rate, "class") if rate else Discount(0, "none")
        # ascending ids: the newest own rate of a customer is written last
        for cid, rate_bp in session.execute(
                select(CustomerDiscount.customer_id, CustomerDiscount.rate_bp)
                .where(CustomerDiscount.customer_id.in_(chunk))
                .order_by(CustomerDiscount.id)):
            found[cid] = Discount(rate_bp, "customer")
        # a club member gets the level's discount where it is higher (Kundenclub)
        for cid, rate_bp in session.execute(
                select(ClubMembership.customer_id, ClubLevel.discount_bp)
                .join(ClubLevel, ClubLevel.id == ClubMembership.level_id)
                .where(ClubMembership.customer_id.in_(chunk),
                       ClubMembership.left_on.is_(None))):
            if cid in found and rate_bp > found[cid].rate_bp:
                found[cid] = Discount(rate_bp, "club")
    return found
