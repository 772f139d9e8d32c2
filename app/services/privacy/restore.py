"""Applying erasures and objections again after a restore (which ones: `restore_copy`)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.models import Customer
from app.services import audit
from app.services.privacy.consents import Consents
from app.services.privacy.erasure import Erasure


class RestoreSupport(Consents, Erasure):
    """Erasures and objections a restored backup lacks, applied to it again."""

    def reapply(self, items: list[tuple[str, str, date | None]], *, by: str) -> list[str]:
        """Apply recorded erasures and objections again (after a restore)."""
        done = []
        for action, number, as_of in items:
            with self.db.read() as session:
                customer_id, anonymized_at = session.execute(
                    select(Customer.id, Customer.anonymized_at)
                    .where(Customer.number == number)).first() or (None, None)
            if customer_id is None or (action != "objection" and anonymized_at is not None):
                continue  # gone or erased already
            if action == "objection":
                self.object_to_advertising(customer_id, by=by)
            elif action == "erase":
                self.erase(customer_id, by=by, as_of=as_of)
            else:
                self.erase(customer_id, by=by, as_of=date.max)
            done.append(f"{number}: {audit.ACTIONS[action]}")
        return done
