"""A file Stammkunde refuses keeps every byte: newer schema, another program's Alembic
database, a zero-byte or empty SQLite file (issue 16, points 5 and 8)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.db import open_database
from app.paths import sqlite_url
from app.services.errors import StorageError


def files_beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def test_a_database_of_a_newer_version_is_refused_and_keeps_every_byte(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode = DELETE")  # the header says "rollback journal"
    conn.execute("INSERT INTO alembic_version VALUES ('ffff')")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(StorageError, match="neueren Stammkunde-Version") as err:
        open_database(sqlite_url(db_path))
    assert "ffff" in err.value.message
    assert db_path.read_bytes() == before
    assert files_beside(db_path) == [db_path.name]


def test_another_programs_alembic_database_is_called_foreign_and_keeps_every_byte(
    tmp_path: Path,
) -> None:
    path = tmp_path / "fremd.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
    conn.execute("INSERT INTO alembic_version VALUES ('3f2a9c1d7e6b')")
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, login TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match="eines anderen Programms"):
        open_database(sqlite_url(path))
    assert path.read_bytes() == before
    assert files_beside(path) == [path.name]
