"""Which rows hold a customer's data, found from the schema.

Every table with a foreign key to `customers.id`, or to a table that has one. A table added
later is exported and erased without anyone remembering to add it here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, or_, select

from app.models import Base


@dataclass(frozen=True)
class Detach:
    """A row that outlives the customer (its foreign key says ON DELETE SET NULL, e.g. a
    voucher or a loyalty ledger): erasure cuts the link and leaves the row alone."""

    table: Table
    column: Column[Any]
    condition: ColumnElement[bool]


def data_tables(customer_id: int) -> dict[str, ColumnElement[bool]]:
    """Every table holding a customer's data, by name, with the filter for their rows.

    Found from the schema: tables with a foreign key to `customers.id`, tables with a
    foreign key to those (recursively), and tables that carry a plain `customer_id` column
    without foreign keys (the audit log). This is what the access export covers.
    """
    return tables_of(customer_id, erasure=False)[0]


def tables_of(customer_id: int, *, erasure: bool
              ) -> tuple[dict[str, ColumnElement[bool]], list[Detach]]:
    """With `erasure`, the walk does not follow ON DELETE SET NULL links (those rows are
    detached, not deleted) and leaves tables without foreign keys (the audit log) alone."""
    customers = Base.metadata.tables["customers"]
    found: dict[str, ColumnElement[bool]] = {"customers": customers.c.id == customer_id}
    detached: list[Detach] = []
    grew = True
    while grew:
        grew = False
        for table in Base.metadata.sorted_tables:
            if table.name in found:
                continue
            clauses: list[ColumnElement[bool]] = []
            for fk in table.foreign_keys:
                parent = fk.column.table
                if parent.name not in found:
                    continue
                linked = fk.parent.in_(
                    select(fk.column).where(found[parent.name]).scalar_subquery())
                if erasure and (fk.ondelete or "").upper() == "SET NULL":
                    if not any(d.column is fk.parent for d in detached):
                        detached.append(Detach(table, fk.parent, linked))
                else:
                    clauses.append(linked)
            if (not erasure and not clauses and "customer_id" in table.c
                    and not table.foreign_keys):
                clauses.append(table.c.customer_id == customer_id)
            if clauses:
                found[table.name] = or_(*clauses)
                grew = True
    return found, detached
