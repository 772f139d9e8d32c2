"""The loyalty discount (Stammkundenrabatt): a rate per A/B/C class, or a customer's own."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, select

from app.db import Database
from app.models import Customer, CustomerDiscount
from app.services import timeline
from app.services.clock import Clock
from app.services.errors import NotFoundError, ValidationError
from app.services.settings import SettingsService

DISCOUNT_KEY = "loyalty_discount_rates"  # {"A": 500, "B": 200, "C": 0} in basis points
invalid = ValidationError.labelled({"discount": "Stammkundenrabatt"})


@dataclass(frozen=True)
class Discount:
    rate_bp: int  # basis points: 500 = 5 %
    source: str  # customer | class | none

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
        """The customer's own rate if set, else the rate of their A/B/C class, else none."""
        with self.db.read() as session:
            own = session.scalar(select(CustomerDiscount.rate_bp)
                                 .where(CustomerDiscount.customer_id == customer_id)
                                 .order_by(CustomerDiscount.id.desc()).limit(1))
            if own is not None:
                return Discount(own, "customer")
            klass = session.scalar(select(Customer.abc_class).where(Customer.id == customer_id))
        rate = self.class_rates().get(klass or "", 0)
        return Discount(rate, "class") if rate else Discount(0, "none")
