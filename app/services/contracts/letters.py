"""`{{ vertrag.… }}` in letters: the customer's maintenance contract.

Registered with `LetterService.register_provider` in the container, like the loyalty and
maintenance placeholders. The contract a letter talks about is the customer's newest one
that is still running on the letter date (a noticed contract runs until its last day), else
the newest one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Contract, ContractObject, MaintenanceObject
from app.services.contracts import terms
from app.services.contracts.service import PRICE_PER, contract_end, terms_of
from app.services.formatting import format_cents, format_date

FIELDS = ("nummer", "bezeichnung", "objekte", "beginn", "mindestlaufzeit_bis", "laufzeit",
          "preis", "alter_preis", "preis_ab", "verlaengerung_am", "kuendigung_eingang",
          "letzter_tag", "leistungen")
_CHUNK = 500


def contract_values(row: Contract, objects: Sequence[str], *, on: date) -> dict[str, str]:
    agreed = terms_of(row)
    per = PRICE_PER[row.price_per]
    renews = None if row.last_day else terms.renews_on(agreed, on)
    return {
        "nummer": row.number, "bezeichnung": row.title, "objekte": ", ".join(objects),
        "beginn": format_date(row.start),
        "mindestlaufzeit_bis": format_date(terms.min_term_end(agreed)),
        "laufzeit": terms.describe(agreed),
        "preis": f"{format_cents(row.price_cents)} {per}",
        "alter_preis": (f"{format_cents(row.previous_price_cents)} {per}"
                        if row.previous_price_cents is not None else ""),
        "preis_ab": format_date(row.price_changed_on),
        "verlaengerung_am": format_date(renews),
        "kuendigung_eingang": format_date(row.notice_received),
        "letzter_tag": format_date(row.last_day),
        "leistungen": ", ".join(s for s in row.services.split("\n") if s),
    }


class ContractProvider:
    provides = frozenset({"vertrag"})

    def values(self, session: Session, customer_ids: Sequence[int], *, on: date
               ) -> Mapping[int, Mapping[str, Any]]:
        found: dict[int, dict[str, Any]] = {}
        for start in range(0, len(customer_ids), _CHUNK):
            chunk = list(customer_ids[start:start + _CHUNK])
            rows = session.scalars(select(Contract).where(Contract.customer_id.in_(chunk))
                                   .order_by(Contract.start, Contract.id)).all()
            names: dict[int, list[str]] = {}
            for contract_id, name in session.execute(
                    select(ContractObject.contract_id, MaintenanceObject.name)
                    .join(MaintenanceObject,
                          MaintenanceObject.id == ContractObject.maintenance_object_id)
                    .where(ContractObject.contract_id.in_([r.id for r in rows]))
                    .order_by(MaintenanceObject.id)):
                names.setdefault(contract_id, []).append(name)
            running: set[int] = set()
            for row in rows:  # oldest first: the newest (running one) is written last
                end = contract_end(row)
                is_running = end is None or end >= on
                if is_running or row.customer_id not in running:
                    found[row.customer_id] = {"vertrag": contract_values(
                        row, names.get(row.id, []), on=on)}
                if is_running:
                    running.add(row.customer_id)
        return found
