"""Commands next to an open window (issue 16, point 11): ordinary writes run alongside it,
`restore` needs the database to itself and takes the window's lock, and the compaction an
erasure left pending waits for the window to close."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOLDER = ("import sys; from pathlib import Path; from app.lock import InstanceLock\n"
          "lock = InstanceLock(Path(sys.argv[1])); lock.acquire(); print('held', flush=True)\n"
          "sys.stdin.read()\n")

pytestmark = pytest.mark.sqlite_only("locks the SQLite file")


def stammkunde(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", "--db", str(db), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=180, check=False)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    db = tmp_path / "kunden.sqlite3"
    assert stammkunde(db, "demo", "--customers", "6").returncode == 0
    return db


@pytest.fixture
def window(shop: Path) -> Iterator[subprocess.Popen[str]]:
    """A process holding the database's lock the way the open window does."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(shop) + ".lock"], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    yield holder
    holder.kill()
    holder.communicate()


def pending(db: Path) -> bool:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = 'compaction_pending'"
                           ).fetchone()
    finally:
        conn.close()
    return row is not None and json.loads(row[0]) is True


def set_pending(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        conn.execute("UPDATE settings SET value = 'true' WHERE key = 'compaction_pending'")
        conn.commit()
    finally:
        conn.close()


def test_restore_is_refused_while_the_window_holds_the_database(
    shop: Path, window: subprocess.Popen[str],
) -> None:
    backup = json.loads(stammkunde(shop, "backup", "--json").stdout)["path"]
    refused = stammkunde(shop, "restore", backup)
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1
    assert "braucht sie für sich allein" in refused.stderr
    assert f"Prozess {window.pid}" in refused.stderr
    assert refused.stdout == ""


def test_ordinary_writes_run_alongside_the_window(
    shop: Path, window: subprocess.Popen[str],
) -> None:
    done = stammkunde(shop, "privacy", "object", "K-000002")
    assert done.returncode == 0, done.stderr
    assert stammkunde(shop, "run-due").returncode == 0


def test_a_pending_compaction_waits_until_no_window_holds_the_database(shop: Path) -> None:
    assert stammkunde(shop, "privacy", "erase", "K-000003").returncode == 0
    set_pending(shop)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(shop) + ".lock"], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        assert stammkunde(shop, "check").returncode == 0
        assert pending(shop)
    finally:
        holder.kill()
        holder.communicate()
    assert stammkunde(shop, "check").returncode == 0
    assert not pending(shop)


def test_the_list_of_backups_to_restore_is_shown_while_the_window_is_open(
    shop: Path, window: subprocess.Popen[str],
) -> None:
    assert stammkunde(shop, "backup").returncode == 0
    listed = stammkunde(shop, "restore")
    assert listed.returncode == 0, listed.stderr
    assert "manuell" in listed.stdout and "restore NR" in listed.stdout
