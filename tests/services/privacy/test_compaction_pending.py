"""An erasure's compaction is a recorded step: a crash right after the erasure commits, or a
reader that blocks the checkpoint, leaves it pending, and the next start finishes it — the
erased name leaves the file for good (issue 16, point 3)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.db import open_database
from app.services.clock import FixedClock
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.errors import StorageError
from app.services.faults import VARIABLE
from app.services.privacy.erasure import COMPACTION_PENDING

pytestmark = pytest.mark.sqlite_only("compacts the SQLite file")
ROOT = Path(__file__).resolve().parents[3]
NAME = b"Quaxenbrink"


def on_disk(db: Path) -> bytes:
    wal = db.with_name(db.name + "-wal")
    return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_kill_right_after_the_erasure_commits_is_compacted_at_the_next_start(
    db_path: Path, clock: FixedClock,
) -> None:
    database = open_database(f"sqlite:///{db_path}")
    Services.build(database, clock).customers.create(
        CustomerInput(last_name=NAME.decode(), phone="+49 30 1234567"))
    database.dispose()
    env = {**os.environ, VARIABLE: "erase:committed"}
    killed = subprocess.run([sys.executable, "main.py", "--db", str(db_path), "privacy",
                             "erase", "K-000001"], cwd=ROOT, env=env, capture_output=True,
                            timeout=120, check=False)
    assert killed.returncode == -signal.SIGKILL
    assert NAME in on_disk(db_path)  # still in the search index's segments

    started = subprocess.run([sys.executable, "main.py", "--db", str(db_path), "check"],
                             cwd=ROOT, capture_output=True, timeout=120, check=False)
    assert started.returncode == 0, started.stderr
    assert NAME not in on_disk(db_path)


def test_an_erasure_blocked_by_a_reader_says_so_and_is_finished_later(
    services: Services, db_path: Path,
) -> None:
    anna = services.customers.create(CustomerInput(last_name=NAME.decode()))
    reader = sqlite3.connect(db_path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM customers").fetchone()  # the window, reading
    try:
        with pytest.raises(StorageError, match="nicht verdichtet"):
            services.privacy.erase(anna.id, by="chef")
        assert services.settings.get(COMPACTION_PENDING) is True
    finally:
        reader.rollback()
        reader.close()
    assert services.privacy.finish_compaction()
    assert services.settings.get(COMPACTION_PENDING) is False
    assert not services.privacy.finish_compaction()
    assert NAME not in on_disk(db_path)
