"""The append-only tables (voucher and points ledgers, audit log) cannot be rewritten with
one statement: not with REPLACE INTO on SQLite, not with TRUNCATE on PostgreSQL (issue 16,
point 13)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.loyalty.programs import ProgramInput
from app.services.loyalty.vouchers import VoucherInput

TABLES = ("voucher_entries", "points_entries", "audit_entries")
POINTS = ProgramInput(name="Punkte", kind="points", points_per_euro=1, rounding="down",
                      min_purchase_cents=1000, expiry_years=2)


@pytest.fixture
def booked(services: Services) -> dict[str, list[tuple[object, ...]]]:
    """A voucher issued and redeemed, points credited, all audited: every table's rows."""
    anna = services.customers.create(CustomerInput(last_name="Müller")).id
    voucher = services.vouchers.issue(VoucherInput(value_cents=5000, customer_id=anna))
    services.vouchers.redeem(voucher.code, amount_cents=2000, key="kasse-1")
    program = services.programs.save_program(POINTS)
    card = services.loyalty.enrol(anna, program_id=program.id)
    services.loyalty.credit(card.number, points=40, reason="Treue")
    return rows(services)


def rows(services: Services) -> dict[str, list[tuple[object, ...]]]:
    with services.db.read() as session:
        return {table: [tuple(r) for r in session.execute(
            text(f"SELECT * FROM {table} ORDER BY id"))] for table in TABLES}


REPLACEMENTS = {
    "voucher_entries": "REPLACE INTO voucher_entries (id, voucher_id, kind, amount_cents, "
                       "entry_date, reason, author, created_at) SELECT id, voucher_id, kind, -1, "
                       "entry_date, 'umgebucht', author, created_at FROM voucher_entries "
                       "WHERE kind = 'redeem'",
    "voucher_entries by its key": "INSERT OR REPLACE INTO voucher_entries (voucher_id, kind, "
                                  "amount_cents, entry_date, reason, idempotency_key, author, "
                                  "created_at) SELECT voucher_id, kind, -1, entry_date, "
                                  "'umgebucht', idempotency_key, author, created_at FROM "
                                  "voucher_entries WHERE idempotency_key = 'kasse-1'",
    "points_entries": "REPLACE INTO points_entries (id, account_id, kind, points, entry_date, "
                      "reason, author, created_at) SELECT id, account_id, kind, 4000, "
                      "entry_date, reason, author, created_at FROM points_entries",
    "audit_entries": "REPLACE INTO audit_entries (id, at, actor, action, entity, details) "
                     "SELECT id, at, 'jemand', action, entity, '{}' FROM audit_entries",
}


@pytest.mark.sqlite_only("REPLACE INTO is SQLite's; PostgreSQL has no such statement")
@pytest.mark.parametrize("target", list(REPLACEMENTS))
def test_replace_into_cannot_rewrite_an_append_only_entry(
    services: Services, booked: dict[str, list[tuple[object, ...]]], target: str,
) -> None:
    with services.db.write() as session, pytest.raises(DBAPIError, match="append-only"):
        session.execute(text(REPLACEMENTS[target]))
        session.commit()
    assert rows(services) == booked


@pytest.mark.parametrize("table", TABLES)
def test_an_append_only_table_cannot_be_emptied_at_once(
    services: Services, booked: dict[str, list[tuple[object, ...]]], table: str,
) -> None:
    emptying = ("TRUNCATE " if services.db.engine.dialect.name == "postgresql"
                else "DELETE FROM ") + table
    with services.db.write() as session, pytest.raises(DBAPIError):
        session.execute(text(emptying))
        session.commit()
    assert rows(services) == booked


def test_new_entries_with_fresh_ids_are_still_booked(
    services: Services, booked: dict[str, list[tuple[object, ...]]],
) -> None:
    voucher = services.vouchers.issue(VoucherInput(value_cents=1000))
    services.vouchers.redeem(voucher.code, amount_cents=1000, key="kasse-2")
    assert services.vouchers.redeem(voucher.code, amount_cents=1000, key="kasse-2").replayed
    after = rows(services)
    assert len(after["voucher_entries"]) == len(booked["voucher_entries"]) + 2
