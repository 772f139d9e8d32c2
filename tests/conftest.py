"""Shared fixtures: a real SQLite file per test, a fixed clock, the services on top."""

from __future__ import annotations

import os
import shutil

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from collections.abc import Iterator  # noqa: E402
from datetime import datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from app.db import Database, open_database  # noqa: E402
from app.services.clock import LOCAL_ZONE, FixedClock  # noqa: E402
from app.services.company import CompanyProfile  # noqa: E402
from app.services.container import Services  # noqa: E402

TESTS = Path(__file__).parent

# `make test-postgres` sets this to a server URL: each test then gets its own fresh
# PostgreSQL database instead of a SQLite file. Tests about SQLite itself (its file, PRAGMAs,
# sqlite_master, the backup API) carry `@pytest.mark.sqlite_only("why")` and are skipped there.
POSTGRES_URL = os.environ.get("STAMMKUNDE_TEST_POSTGRES")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if (TESTS / "ui") in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.gui)
        only = item.get_closest_marker("sqlite_only")
        if only is not None and POSTGRES_URL:
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {only.args[0]}"))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 15, 10, 30, tzinfo=LOCAL_ZONE))


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One freshly migrated database per test run; each test gets a copy of it."""
    path = tmp_path_factory.mktemp("template") / "stammkunde.sqlite3"
    database = open_database(f"sqlite:///{path}")
    with database.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path


@pytest.fixture
def db_path(tmp_path: Path, migrated_template: Path) -> Path:
    """A migrated, empty database file of this test's own."""
    path = tmp_path / "stammkunde.sqlite3"
    shutil.copyfile(migrated_template, path)
    return path


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    if POSTGRES_URL:
        yield from _postgres_database(POSTGRES_URL)
        return
    database = open_database(f"sqlite:///{db_path}")
    yield database
    database.dispose()


def _postgres_database(server_url: str) -> Iterator[Database]:
    from uuid import uuid4

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"stammkunde_test_{uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    database = open_database(
        make_url(server_url).set(database=name).render_as_string(hide_password=False))
    try:
        yield database
    finally:
        database.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def db_args(db: Database, tmp_path: Path) -> list[str]:
    """The command-line options naming this test's database: the SQLite file (logs beside
    it), or the PostgreSQL URL with the logs in this test's folder."""
    if db.sqlite_path is not None:
        return ["--db", str(db.sqlite_path)]
    return ["--db", db.url, "--data-dir", str(tmp_path)]


@pytest.fixture
def services(db: Database, clock: FixedClock) -> Services:
    return Services.build(db, clock)


@pytest.fixture
def letterhead(services: Services) -> CompanyProfile:
    """A complete Briefkopf: letters and mailings are refused without a sender."""
    return services.company.save(CompanyProfile(
        name="Heizung Bauer GmbH", street="Ringstraße 4", postcode="80331", city="München"))
