"""The full integrity check runs weekly before the nightly backup; damage that the start-up
`quick_check` misses stops the backup; unreadable text is "beschädigt", not a bug (issue 16,
point 9)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from app.db import open_database
from app.services.clock import FixedClock
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.demo.dataset import fill
from app.services.errors import StorageError

pytestmark = pytest.mark.sqlite_only("damages the SQLite file itself")


def mismatch_an_index(path: Path) -> None:
    """The index on postcode now claims to index city: every page is sound (quick_check
    passes), but the index no longer matches its table (integrity_check fails)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX ix_customers_postcode ON "
                 "customers (city)' WHERE name = 'ix_customers_postcode'")
    conn.commit()
    conn.close()


def test_the_weekly_check_finds_index_damage_and_stops_the_backup(
    db_path: Path, clock: FixedClock,
) -> None:
    database = open_database(f"sqlite:///{db_path}")
    fill(database, clock, customers=40, seed=2)
    database.dispose()
    mismatch_an_index(db_path)
    database = open_database(f"sqlite:///{db_path}")  # quick_check at start: no complaint
    services = Services.build(database, clock)
    try:
        with pytest.raises(StorageError, match="beschädigt"):
            services.nightly.backup()
        assert services.backups.backups() == []
    finally:
        database.dispose()


def test_the_full_check_runs_once_a_week(services: Services, clock: FixedClock) -> None:
    assert services.nightly.check_integrity()
    clock.set(clock.now() + timedelta(days=6))
    assert not services.nightly.check_integrity()
    clock.set(clock.now() + timedelta(days=1))
    assert services.nightly.check_integrity()


def test_a_text_that_is_not_utf8_makes_search_say_damaged_not_unexpected(
    services: Services, db_path: Path,
) -> None:
    services.customers.create(CustomerInput(last_name="Müller"))
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE customers SET last_name = CAST(X'4DFC6C6C6572' AS TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StorageError, match="beschädigt: ein gespeicherter Text"):
        services.customers.search("M")

