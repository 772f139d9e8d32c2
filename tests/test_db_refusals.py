"""A file Stammkunde refuses keeps every byte: newer schema, another program's Alembic
database, a zero-byte or empty SQLite file (issue 16, points 5 and 8)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.db import open_database
from app.paths import sqlite_url
from app.services.errors import StorageError, UnusableDatabaseError

ROOT = Path(__file__).resolve().parent.parent


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


def test_a_zero_byte_database_is_refused_naming_the_newest_backup(tmp_path: Path) -> None:
    path = tmp_path / "stammkunde.sqlite3"
    path.write_bytes(b"")
    backups = tmp_path / "backups"
    backups.mkdir()
    (backups / "stammkunde-20260314-180000.sqlite3").write_bytes(b"SQLite format 3\x00")
    with pytest.raises(UnusableDatabaseError, match="ist leer") as err:
        open_database(sqlite_url(path), backup_dir=backups)
    assert err.value.newest_backup == backups / "stammkunde-20260314-180000.sqlite3"
    assert "stammkunde-20260314-180000.sqlite3" in err.value.message
    assert path.read_bytes() == b""
    assert files_beside(path) == ["backups", path.name]


def test_an_sqlite_file_without_tables_is_refused_not_migrated(tmp_path: Path) -> None:
    path = tmp_path / "leer.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 3")  # another program's empty database
    conn.close()
    before = path.read_bytes()
    with pytest.raises(UnusableDatabaseError, match="keine Tabellen"):
        open_database(sqlite_url(path))
    assert path.read_bytes() == before


def stammkunde(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)


def test_the_command_line_restores_a_backup_over_a_zero_byte_database(tmp_path: Path) -> None:
    path = tmp_path / "stammkunde.sqlite3"
    assert stammkunde("--db", str(path), "demo", "--customers", "8").returncode == 0
    made = stammkunde("--db", str(path), "backup", "--json")
    backup = Path(json.loads(made.stdout)["path"])
    path.write_bytes(b"")

    refused = stammkunde("--db", str(path), "check")
    assert refused.returncode == 2
    assert "ist leer (0 Byte)" in refused.stderr and backup.name in refused.stderr
    assert path.read_bytes() == b""

    restored = stammkunde("--db", str(path), "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "unbrauchbare Datei" in restored.stdout
    assert [p.stat().st_size for p in tmp_path.glob("stammkunde.sqlite3.unbrauchbar-*")] == [0]
    checked = stammkunde("--db", str(path), "check", "--json")
    assert checked.returncode == 0 and json.loads(checked.stdout)["customers"] >= 8
