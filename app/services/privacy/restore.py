"""What a restore from an older backup must apply again: erasures and objections."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from app.models import AuditEntry, Customer
from app.services import audit
from app.services.privacy.consents import Consents
from app.services.privacy.erasure import Erasure


class RestoreSupport(Consents, Erasure):
    """Erasures and objections recorded after a backup, applied again after a restore."""

    def erasures_since(self, audit_id: int) -> list[tuple[str, str, date | None]]:
        """(action, customer number, as-of) of erasures, purges and objections after an
        audit id — what a restore from an older backup must apply again."""
        with self.db.read() as session:
            rows = session.scalars(
                select(AuditEntry).where(AuditEntry.id > audit_id,
                                         AuditEntry.action.in_(("erase", "purge", "objection")))
                .order_by(AuditEntry.id))
            result = []
            for entry in rows:
                details = json.loads(entry.details)
                number = details.get("number")
                if not number:
                    continue
                as_of = details.get("as_of")
                result.append((entry.action, str(number),
                               date.fromisoformat(as_of) if as_of else None))
            return result

    def reapply(self, items: list[tuple[str, str, date | None]], *, by: str) -> list[str]:
        """Apply recorded erasures and objections again (after a restore)."""
        done = []
        for action, number, as_of in items:
            with self.db.read() as session:
                customer_id = session.scalar(select(Customer.id)
                                             .where(Customer.number == number))
            if customer_id is None:
                continue
            if action == "objection":
                self.object_to_advertising(customer_id, by=by)
            elif action == "erase":
                self.erase(customer_id, by=by, as_of=as_of)
            else:
                self.erase(customer_id, by=by, as_of=date.max)
            done.append(f"{number}: {audit.ACTIONS[action]}")
        return done
