"""Pulling the plug mid-import: `kill -9` of a headless import at random moments leaves
either all rows or none, and a healthy database file."""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.scenario_customer_import import write_csv

MAIN = Path(__file__).parents[2] / "main.py"
ROWS = 2000
KILLS = 8


def command(db: Path, csv_file: Path) -> list[str]:
    return [sys.executable, str(MAIN), "--db", str(db), "import-customers", str(csv_file),
            "--on-duplicate", "add"]


def start(db: Path, csv_file: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command(db, csv_file), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def run_to_end(db: Path, csv_file: Path) -> None:
    done = subprocess.run(command(db, csv_file), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def state(db: Path) -> tuple[int, str, int]:
    """(customers, integrity_check, FTS insert triggers) of a database nobody holds open."""
    with sqlite3.connect(db) as conn:
        customers = conn.execute("SELECT count(*) FROM customers").fetchone()[0]
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        triggers = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                                "AND name = 'customers_fts_insert'").fetchone()[0]
    conn.close()
    return customers, integrity, triggers


@pytest.mark.slow
def test_kill_9_at_random_moments_leaves_all_rows_or_none(tmp_path: Path) -> None:
    csv_file = write_csv(tmp_path / "big.csv", ROWS)
    pristine = tmp_path / "pristine.sqlite3"
    subprocess.run([sys.executable, str(MAIN), "--db", str(pristine), "import-log"],
                   check=True, stdout=subprocess.DEVNULL)
    full = tmp_path / "full.sqlite3"
    shutil.copy(pristine, full)
    started = time.monotonic()
    run_to_end(full, csv_file)
    duration = time.monotonic() - started
    assert state(full) == (ROWS, "ok", 1)

    rnd = random.Random()
    outcomes = []
    for attempt in range(KILLS):
        db = tmp_path / f"kill{attempt}.sqlite3"
        shutil.copy(pristine, db)
        process = start(db, csv_file)
        time.sleep(rnd.uniform(0.0, duration))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        customers, integrity, triggers = state(db)
        assert (integrity, triggers) == ("ok", 1)
        assert customers in (0, ROWS)
        outcomes.append(customers)

    # The killed database takes the same import again, completely, and its search works.
    db = tmp_path / f"kill{KILLS - 1}.sqlite3"
    if outcomes[-1] == 0:
        run_to_end(db, csv_file)
    assert state(db) == (ROWS, "ok", 1)
    found = subprocess.run([sys.executable, str(MAIN), "--db", str(db), "search", "K-000001"],
                           check=True, capture_output=True, text=True).stdout
    assert found.startswith("K-000001")
