"""Dashboard refresh at scale: 100,000 customers and 1,000,000 sales (target ≤ 3 s).

Customers (and some sales) come from the demo generator; the sales are topped up to ten per
customer with one `executemany` on the raw connection (the ORM would take minutes). Every
customer gets an A/B/C class, one in 17 is flagged at risk and one in 50 has a class change,
so every figure has work to do. `dashboard_cpu_s` is reported too: on a shared machine the
wall-clock time also measures the neighbours.
"""

from __future__ import annotations

import pathlib
import sqlite3
import sys
import time
from datetime import date, datetime

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from app.db import open_database  # noqa: E402
from app.services import demo  # noqa: E402
from app.services.clock import LOCAL_ZONE, FixedClock  # noqa: E402
from app.services.container import Services  # noqa: E402

SALES_PER_CUSTOMER = 10
TODAY = date(2026, 3, 15)


def _seed_sales(path: pathlib.Path, customers: int) -> int:
    """Top the demo's sales up to SALES_PER_CUSTOMER per customer; returns the total."""
    rng = np.random.default_rng(7)
    conn = sqlite3.connect(path)
    (existing,) = conn.execute("SELECT count(*) FROM sales").fetchone()
    count = customers * SALES_PER_CUSTOMER - existing
    customer_ids = rng.integers(1, customers + 1, size=count)
    days = rng.integers(0, 1095, size=count)
    cents = (rng.lognormal(11.0, 1.0, size=count) // 10 * 10 + 990).astype(np.int64)
    start = TODAY.toordinal()
    day_text = {d: date.fromordinal(start - d).isoformat() for d in range(1095)}
    created = datetime(2026, 3, 15, 9, 0).isoformat(sep=" ")
    rows = ((int(c), day_text[int(d)], int(a), "Wartung", f"B-{i:08d}", created)
            for i, (c, d, a) in enumerate(zip(customer_ids, days, cents, strict=True)))
    try:
        conn.execute("PRAGMA synchronous = OFF")
        conn.executemany(
            "INSERT INTO sales (customer_id, sale_date, amount_cents, description, document_no,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)", rows)
        ids = np.arange(1, customers + 1)
        classes = rng.choice(np.array(["A", "B", "C"]), size=customers, p=[0.2, 0.3, 0.5])
        conn.executemany("UPDATE customers SET abc_class = ?, at_risk = ? WHERE id = ?",
                         ((str(k), int(i % 17 == 0), int(i))
                          for k, i in zip(classes, ids, strict=True)))
        conn.executemany(
            "INSERT INTO class_assignments (customer_id, abc_class, previous_class, as_of,"
            " method, reason, created_at) VALUES (?, ?, ?, ?, 'auto', 'Umsatz', ?)",
            ((int(i), str(k), "B" if k == "A" else "A", TODAY.isoformat(), created)
             for k, i in zip(classes[::50], ids[::50], strict=True)))
        conn.commit()
    finally:
        conn.close()
    return existing + count


def run(db_url: str, workdir: pathlib.Path, *, customers: int) -> dict[str, float]:
    db = open_database(db_url)
    clock = FixedClock(datetime(2026, 3, 15, 10, 30, tzinfo=LOCAL_ZONE))
    started = time.perf_counter()
    demo.fill(db, clock, customers=customers)
    path = db.sqlite_path
    assert path is not None, "the scenario writes its sales through sqlite3"
    db.dispose()
    sales = _seed_sales(path, customers)
    seed_s = time.perf_counter() - started
    services = Services.build(open_database(db_url), clock)
    started, cpu = time.perf_counter(), time.process_time()
    services.dashboard.compute()
    dashboard_s = time.perf_counter() - started
    dashboard_cpu_s = time.process_time() - cpu
    started = time.perf_counter()
    services.dashboard.cached()
    cached_s = time.perf_counter() - started
    services.db.dispose()
    return {"dashboard_s": round(dashboard_s, 3), "dashboard_cpu_s": round(dashboard_cpu_s, 3),
            "dashboard_cached_s": round(cached_s, 4),
            "dashboard_seed_s": round(seed_s, 1), "dashboard_sales": float(sales)}


if __name__ == "__main__":
    import tempfile

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        print(run(url, pathlib.Path(tmp), customers=size))
