"""What the contact policy needs to know besides consents: a letter came back, an e-mail
bounced, the person died. Each is one timestamp on the customer (migration 0010).

A new postal address or e-mail address is worth trying again: changing it on the customer
clears the matching mark (`clear_on_change`, called by the customer service).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.models import Customer
from app.services import audit, timeline
from app.services.errors import ValidationError
from app.services.privacy.base import PrivacyBase

invalid = ValidationError.labelled({"fact": "Vermerk"})


@dataclass(frozen=True)
class Fact:
    column: str
    marked: str  # timeline subject when set
    cleared: str  # … when taken back


FACTS: dict[str, Fact] = {
    "letter_returned": Fact("address_invalid_at", "Brief kam zurück: Anschrift unzustellbar",
                            "Anschrift wieder zustellbar"),
    "email_bounced": Fact("email_invalid_at", "E-Mail unzustellbar",
                          "E-Mail-Adresse wieder zustellbar"),
    "deceased": Fact("deceased_at", "Verstorben eingetragen", "Eintrag „verstorben“ entfernt"),
}
_ADDRESS = ("street", "postcode", "city", "country")


def clear_on_change(customer: Customer, before: Mapping[str, object]) -> None:
    """Forget a returned letter or a bounced e-mail once that address was changed."""
    if any(key in before and before[key] != getattr(customer, key) for key in _ADDRESS):
        customer.address_invalid_at = None
    if "email" in before and before["email"] != customer.email:
        customer.email_invalid_at = None


class Reachability(PrivacyBase):
    """Mark a customer's address unusable, or the person deceased, and take it back."""

    def set_fact(self, customer_id: int, fact: str, *, on: bool = True, by: str) -> None:
        if fact not in FACTS:
            raise invalid({"fact": "Rückläufer, E-Mail unzustellbar oder verstorben wählen"})
        spec = FACTS[fact]
        now = self.clock.now()
        with self.db.write() as session:
            customer = self._customer(session, customer_id)
            if customer.anonymized_at is not None:
                raise invalid({"fact": "Der Kunde ist gelöscht (anonymisiert)"})
            if (getattr(customer, spec.column) is not None) == on:
                return
            setattr(customer, spec.column, now if on else None)
            customer.updated_at = now
            timeline.record(session, customer_id=customer_id, channel="system", author=by,
                            at=now, subject=spec.marked if on else spec.cleared)
            audit.record(session, at=now, actor=by, action="update", entity="customer",
                         entity_id=customer_id, customer_id=customer_id,
                         details={"fields": [spec.column]})
            session.commit()
