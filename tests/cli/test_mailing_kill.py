"""A mailing killed before it is recorded leaves no per-customer letters quoting voucher codes
that were never booked (issue 16, point 4)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app.services.faults import VARIABLE

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


def run(db: Path, *args: str, kill_at: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != VARIABLE}
    if kill_at:
        env[VARIABLE] = kill_at
    return subprocess.run([sys.executable, "main.py", "--db", str(db), *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=180, check=False)


def test_per_customer_letters_appear_only_with_the_committed_mailing(tmp_path: Path) -> None:
    db = tmp_path / "kunden.sqlite3"
    assert run(db, "demo", "--customers", "8").returncode == 0
    letters = tmp_path / "einzeln"
    mailing = ["mailing", "--template", "Willkommen", "--customers", "K-000001,K-000002",
               "--out", str(tmp_path / "serie.pdf"), "--per-customer", str(letters),
               "--voucher", "10"]
    killed = run(db, *mailing, kill_at="mailing:printed")
    assert killed.returncode == -signal.SIGKILL
    assert list(letters.iterdir()) == []
    assert not (tmp_path / "serie.pdf").exists()

    done = run(db, *mailing)
    assert done.returncode == 0, done.stderr
    assert len(list(letters.glob("*.pdf"))) == 2
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == [
        "backups", "einzeln", "logs"]  # the killed run's staging folder is gone too
