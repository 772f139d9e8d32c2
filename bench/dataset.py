"""The benchmark dataset: N demo customers in a SQLite file, built once and reused."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from app.db import open_database
from app.services.clock import SystemClock
from app.services.demo.dataset import fill

SEED = 42


def build(workdir: Path, customers: int) -> tuple[Path, float | None]:
    """Return the path of a database with `customers` demo customers and the fill time in
    seconds (None when an earlier run's file was reused)."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"customers-{customers}-seed{SEED}.sqlite3"
    if path.exists():
        return path, None
    partial = workdir / f"{path.name}.building"
    for leftover in workdir.glob(f"{partial.name}*"):
        leftover.unlink()
    db = open_database(f"sqlite:///{partial}")
    try:
        started = time.perf_counter()
        fill(db, SystemClock(), customers=customers, seed=SEED)
        elapsed = time.perf_counter() - started
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.dispose()
    shutil.move(partial, path)
    return path, elapsed


def copy_of(path: Path, workdir: Path, name: str) -> Path:
    """A private copy for a scenario that writes (imports, mailings)."""
    target = workdir / name
    shutil.copyfile(path, target)
    return target
