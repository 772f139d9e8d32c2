"""A restore never brings an erased person back (issue 16, point 2): erasures are recognised
independently of audit row ids, and applied to the backup before it replaces the live file,
so a kill in between leaves the erasure in place."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from app.services.clock import FixedClock
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.faults import VARIABLE

pytestmark = pytest.mark.sqlite_only("restores SQLite files")
ROOT = Path(__file__).resolve().parents[3]


def test_restoring_the_safety_copy_after_an_erasure_keeps_the_person_erased(
    services: Services, tmp_path: Path, clock: FixedClock,
) -> None:
    services.backups.set_folder(tmp_path, by="chef")
    paul = services.customers.create(CustomerInput(last_name="Paulsen", city="Kiel"))
    old = services.backups.backup_now(by="chef")
    for n in range(15):  # audit ids of the live file run far past the old backup's
        services.customers.create(CustomerInput(last_name=f"Kunde {n}"))
    clock.set(datetime(2026, 3, 16, 9, 0))
    safety = services.backups.restore(old.path, by="chef").safety_copy
    clock.set(datetime(2026, 3, 16, 10, 0))
    services.privacy.erase(paul.id, by="chef")  # a low audit id again, after the restore

    clock.set(datetime(2026, 3, 16, 11, 0))
    result = services.backups.restore(safety, by="chef")

    assert result.reapplied == ("K-000001: Gelöscht (Art. 17)",)
    assert services.customers.search("Paulsen") == []
    assert services.customers.count() == 15
    assert b"Paulsen" not in services.db.sqlite_path.read_bytes()  # type: ignore[union-attr]


def stammkunde(db: Path, *args: str, kill_at: str | None = None
               ) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != VARIABLE}
    if kill_at:
        env[VARIABLE] = kill_at
    return subprocess.run([sys.executable, "main.py", "--db", str(db), *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=180, check=False)


def name_of(db: Path, number: str) -> str | None:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT last_name FROM customers WHERE number = ? AND "
                           "anonymized_at IS NULL", (number,)).fetchone()
    finally:
        conn.close()
    return row[0] if row else None


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_restore_killed_before_the_copy_is_in_place_loses_no_erasure(tmp_path: Path) -> None:
    db = tmp_path / "stammkunde.sqlite3"
    assert stammkunde(db, "demo", "--customers", "12").returncode == 0
    backup = Path(json.loads(stammkunde(db, "backup", "--json").stdout)["path"])
    name = name_of(db, "K-000003")
    assert name is not None
    assert stammkunde(db, "privacy", "erase", "K-000003").returncode == 0

    killed = stammkunde(db, "restore", str(backup), kill_at="restore:prepared")
    assert killed.returncode == -signal.SIGKILL
    assert stammkunde(db, "check").returncode == 0
    assert name_of(db, "K-000003") is None

    done = stammkunde(db, "restore", str(backup))
    assert done.returncode == 0, done.stderr
    assert "K-000003" in done.stdout
    assert name_of(db, "K-000003") is None


def test_no_chain_of_restores_of_a_backup_made_before_an_erasure_brings_the_person_back(
    services: Services, tmp_path: Path, clock: FixedClock,
) -> None:
    services.backups.set_folder(tmp_path, by="chef")
    paul = services.customers.create(CustomerInput(last_name="Paulsen", phone="0431 123456"))
    services.customers.create(CustomerInput(last_name="Bleibt"))
    before = services.backups.backup_now(by="chef").path
    clock.set(datetime(2026, 3, 15, 11, 0))
    services.privacy.erase(paul.id, by="chef")
    live = services.db.sqlite_path
    assert live is not None

    restored_files = []
    for hour, choose in ((12, lambda: before), (13, lambda: restored_files[-1]),
                         (14, lambda: before), (15, lambda: restored_files[0])):
        clock.set(datetime(2026, 3, 15, hour, 0))
        result = services.backups.restore(choose(), by="chef")
        restored_files.append(result.safety_copy)  # the automatic copy of the state before
        assert services.customers.search("Paulsen") == [], f"restore at {hour}:00"
        assert services.customers.count() == 1
        assert b"Paulsen" not in live.read_bytes()
        assert b"0431" not in live.read_bytes()
