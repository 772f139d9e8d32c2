from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from app.db import Database

NOW = "2026-03-15 09:30:00"


def _ledger_rows(db: Database) -> None:
    with db.write() as session:
        session.execute(text(
            "INSERT INTO loyalty_programs (id, name, kind, points_per_euro, rounding, "
            "min_purchase_cents, service_category, active, created_at) "
            f"VALUES (1, 'Punkte', 'points', 1, 'down', 0, '', 1, '{NOW}')"))
        session.execute(text(
            f"INSERT INTO loyalty_accounts (id, program_id, created_at) VALUES (1, 1, '{NOW}')"))
        session.execute(text(
            "INSERT INTO points_entries (account_id, kind, points, entry_date, reason, author, "
            f"created_at) VALUES (1, 'earn', 10, '{date(2026, 3, 15)}', '', '', '{NOW}')"))
        session.execute(text(
            "INSERT INTO vouchers (id, code, kind, purpose, value_cents, service_text, "
            "campaign, promo, issued_on, valid_until, created_at, created_by) VALUES "
            f"(1, 'ABCDEFGHJKMN', 'value', 'multi', 5000, '', '', 0, '2026-03-15', "
            f"'2029-12-31', '{NOW}', '')"))
        session.execute(text(
            "INSERT INTO voucher_entries (voucher_id, kind, amount_cents, entry_date, reason, "
            f"author, created_at) VALUES (1, 'issue', 5000, '2026-03-15', '', '', '{NOW}')"))
        session.commit()


@pytest.mark.parametrize("table", ["points_entries", "voucher_entries"])
@pytest.mark.parametrize("statement", ["UPDATE {t} SET reason = 'x'", "DELETE FROM {t}"])
def test_the_database_refuses_to_rewrite_or_delete_a_ledger_row(
    db: Database, table: str, statement: str
) -> None:
    _ledger_rows(db)
    with db.write() as session, pytest.raises(DatabaseError, match="append-only"):
        session.execute(text(statement.format(t=table)))
    with db.read() as session:
        assert session.execute(text(f"SELECT count(*), min(reason) FROM {table}")).one() == (
            1, "")


def test_erasing_a_customer_keeps_the_ledger_and_unlinks_the_account(db: Database) -> None:
    _ledger_rows(db)
    with db.write() as session:
        session.execute(text(
            "INSERT INTO customers (id, number, kind, salutation, title, first_name, last_name,"
            " company, street, postcode, city, country, email, phone, mobile, notes, owner, "
            "created_at, updated_at, at_risk, sort_name, search_text) VALUES (7, 'K-7', "
            f"'private', '', '', '', 'X', '', '', '', '', 'DE', '', '', '', '', '', '{NOW}', "
            f"'{NOW}', 0, '', '')"))
        session.execute(text("UPDATE loyalty_accounts SET customer_id = 7"))
        session.execute(text("UPDATE vouchers SET customer_id = 7"))
        session.execute(text("DELETE FROM customers WHERE id = 7"))
        session.commit()
    with db.read() as session:
        assert session.execute(text("SELECT customer_id FROM loyalty_accounts")).scalar() is None
        assert session.execute(text("SELECT customer_id FROM vouchers")).scalar() is None
        assert session.execute(text("SELECT sum(points) FROM points_entries")).scalar() == 10


# Columns that hold a ratio, never an amount of money.
NOT_MONEY = {"mailings.control_share"}


def test_no_column_of_any_table_stores_money_as_floating_point_or_numeric(db: Database) -> None:
    inspector = inspect(db.engine)
    offenders = [
        f"{table}.{column['name']}: {column['type']}"
        for table in inspector.get_table_names()
        for column in inspector.get_columns(table)
        if any(word in str(column["type"]).upper()
               for word in ("REAL", "FLOAT", "DOUBLE", "NUMERIC", "DECIMAL"))
        and f"{table}.{column['name']}" not in NOT_MONEY
    ]
    assert offenders == []
