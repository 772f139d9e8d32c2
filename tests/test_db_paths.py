"""Folder and file names with "#", "?", "%", spaces and umlauts name exactly that file: the
start-up check, the backup and the inspection of a backup read the real database, never a
phantom file beside it (issue 16, point 1)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.db import open_database
from app.paths import sqlite_uri, sqlite_url
from app.services.errors import StorageError
from app.services.privacy.backups import inspect

ROOT = Path(__file__).resolve().parent.parent
AWKWARD = ["Büro #1", "Kasse ?2", "Ablage%20alt", "50 % Rabatt#"]


def stammkunde(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.mark.parametrize("folder", AWKWARD)
def test_a_backup_from_an_awkwardly_named_folder_holds_every_customer(
    tmp_path: Path, folder: str,
) -> None:
    data = tmp_path / folder
    assert stammkunde("--data-dir", str(data), "demo", "--customers", "12").returncode == 0
    done = stammkunde("--data-dir", str(data), "backup", str(tmp_path / "stick"), "--json")
    assert done.returncode == 0, done.stderr
    backup = Path(json.loads(done.stdout)["path"])
    conn = sqlite3.connect(backup)
    try:
        assert conn.execute("SELECT count(*) FROM customers").fetchone()[0] >= 12
    finally:
        conn.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([folder, "stick"])


def test_another_programs_database_in_a_folder_with_a_hash_is_refused_untouched(
    tmp_path: Path,
) -> None:
    path = tmp_path / "Büro #1" / "places.sqlite"
    path.parent.mkdir()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match="anderen Programms"):
        open_database(sqlite_url(path))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Büro #1"]


@pytest.mark.parametrize("name", ["kunden%20alt.sqlite3", "kunden?mode=rwc.sqlite3",
                                  "Müller #2.sqlite3"])
def test_the_database_option_opens_the_file_of_exactly_that_name(
    tmp_path: Path, name: str,
) -> None:
    path = tmp_path / name
    done = stammkunde("--db", str(path), "demo", "--customers", "3")
    assert done.returncode == 0, done.stderr
    assert path.exists()
    assert inspect(path)[0] >= 3


def test_a_read_only_uri_names_the_file_and_cannot_create_it(tmp_path: Path) -> None:
    missing = tmp_path / "Büro #1" / "k?.sqlite3"
    missing.parent.mkdir()
    with pytest.raises(sqlite3.OperationalError):
        sqlite3.connect(sqlite_uri(missing), uri=True).execute("SELECT 1")
    assert list(missing.parent.iterdir()) == []
