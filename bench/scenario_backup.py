"""Backup, check, access export and erasure on a large database (issue 7).

Figures: `backup_s` (backup API, quick_check of the copy, fsync, rename — what the app
does; target ≤ 5 s at 100,000 customers), `backup_full_check_s` (the same with the full
integrity_check), `check_s` (integrity_check + report), `access_export_s`
(Art. 15 JSON + PDF of one customer), `erase_s` (Art. 17 erasure of one customer including
the FTS optimize and VACUUM that make the name unreadable in the file), `backup_mb`.
"""

from __future__ import annotations

import pathlib
import time
from datetime import datetime

from app.db import backup_sqlite, open_database
from app.services.clock import LOCAL_ZONE, FixedClock
from app.services.container import Services
from app.services.demo.dataset import fill


def run(db_url: str, workdir: pathlib.Path, *, customers: int) -> dict[str, float]:
    db = open_database(db_url)
    try:
        services = Services.build(db, FixedClock(datetime(2026, 3, 15, 10, 30,
                                                          tzinfo=LOCAL_ZONE)))
        missing = customers - services.customers.count()
        if missing > 0:
            fill(db, services.clock, customers=missing, seed=11)
        figures: dict[str, float] = {}
        start = time.perf_counter()
        info = services.backups.backup_now(workdir / "sicherung.sqlite3", by="bench")
        figures["backup_s"] = time.perf_counter() - start
        figures["backup_mb"] = info.size / 1024 / 1024
        start = time.perf_counter()
        backup_sqlite(services.backups.database, workdir / "voll.sqlite3",
                      verify="integrity_check")
        figures["backup_full_check_s"] = time.perf_counter() - start
        start = time.perf_counter()
        report = services.backups.check()
        figures["check_s"] = time.perf_counter() - start
        assert report.ok and report.customers >= customers
        customer_id = services.customers.ids()[len(services.customers.ids()) // 2]
        start = time.perf_counter()
        services.privacy.export_access(customer_id, workdir / "auskunft", by="bench")
        figures["access_export_s"] = time.perf_counter() - start
        start = time.perf_counter()
        services.privacy.erase(customer_id, by="bench")
        figures["erase_s"] = time.perf_counter() - start
        return figures
    finally:
        db.dispose()


if __name__ == "__main__":
    import sys
    import tempfile

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as folder:
        work = pathlib.Path(folder)
        result = run(f"sqlite:///{work / 'bench.sqlite3'}", work, customers=size)
    for key, value in result.items():
        print(f"{key:>18}: {value:.3f}")
