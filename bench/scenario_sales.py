"""Sales scenario: import a 1,000,000-row sales CSV, then classify + RFM over all sales.

`python bench/scenario_sales.py [--customers N] [--sales N] [--db URL]` runs it alone;
`bench/run.py` calls `run(db_url, workdir, customers=N)`. Figures: `sales_import_rows_per_s`
(read, check and insert, without the reclassification the app runs afterwards),
`classify_s` (classify + RFM + churn, the first run after the import, which gives every
customer a class: the median of three runs on fresh copies, with `classify_min_s` and
`classify_max_s`), `classify_again_s` (the nightly case: figures computed, few rows changed)
and `dashboard_s`, both medians of three. The `*_cpu_s` figures are this process's CPU
seconds, which stay meaningful on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from app.db import Database, open_database  # noqa: E402
from app.models import Customer, Sale  # noqa: E402
from app.services.clock import SystemClock  # noqa: E402
from app.services.container import Services  # noqa: E402
from app.services.demo.dataset import SERVICES, fill  # noqa: E402
from app.services.formatting import format_cents  # noqa: E402
from app.services.sales.importing import SalesImportService  # noqa: E402

SEED = 42


def write_sales_csv(path: Path, numbers: list[str], rows: int, *, today: date,
                    prefix: str) -> None:
    """A German accounting export: cp1252, `;`, TT.MM.JJJJ, 1.234,56."""
    rnd = random.Random(SEED)
    dates = [(today - timedelta(days=d)).strftime("%d.%m.%Y") for d in range(1095)]
    with path.open("w", encoding="cp1252", newline="") as handle:
        handle.write("Kundennummer;Rechnungsdatum;Brutto;Rechnungsnummer;Text\r\n")
        for index in range(rows):
            cents = int(rnd.lognormvariate(10.5, 1.0)) + 500
            handle.write(f"{rnd.choice(numbers)};{rnd.choice(dates)};"
                         f"{format_cents(cents, symbol=False)};{prefix}{index:07d};"
                         f"{rnd.choice(SERVICES)}\r\n")


def _measure(work: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one run."""
    started, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - started, time.process_time() - cpu


def _summary(samples: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """Median wall and CPU seconds, and the fastest and slowest wall time: one sample on a
    shared machine says as much about the neighbours as about the code."""
    walls = [wall for wall, _cpu in samples]
    return (statistics.median(walls), statistics.median(cpu for _wall, cpu in samples),
            min(walls), max(walls))


def timed(work: Callable[[], object], times: int) -> tuple[float, float, float, float]:
    return _summary([_measure(work) for _ in range(times)])


def first_classification(db: Database, clock: SystemClock, workdir: Path, times: int
                         ) -> tuple[float, float, float, float]:
    """The first run after the import (every customer gets a class and a history row),
    `times` times on fresh copies of the imported database; once on other databases."""
    source = db.sqlite_path
    if source is None:
        return timed(lambda: Services.build(db, clock).classification.recompute(
            with_scores=False), 1)
    db.dispose()  # the last connection closing folds the WAL into the file
    samples = []
    for run_number in range(times):
        copy = workdir / f"first-classification-{run_number}.sqlite3"
        shutil.copyfile(source, copy)
        other = open_database(f"sqlite:///{copy}")
        try:
            samples.append(_measure(lambda other=other: Services.build(
                other, clock).classification.recompute(with_scores=False)))
        finally:
            other.dispose()
            for leftover in workdir.glob(f"{copy.name}*"):
                leftover.unlink()
    return _summary(samples)


def run(db_url: str, workdir: Path, *, customers: int, sales: int = 1_000_000,
        times: int = 3) -> dict[str, float]:
    workdir.mkdir(parents=True, exist_ok=True)
    clock = SystemClock()
    db = open_database(db_url)
    try:
        services = Services.build(db, clock)
        with db.read() as session:
            have = int(session.scalar(select(func.count(Customer.id))) or 0)
        if have < customers:
            fill(db, clock, customers=customers - have, seed=SEED)
        with db.read() as session:
            numbers = list(session.scalars(select(Customer.number)))
        path = workdir / f"sales-{sales}.csv"
        write_sales_csv(path, numbers, sales, today=clock.today(),
                        prefix=f"B{int(time.time())}-")
        importer = SalesImportService(db, clock)  # the figure without the reclassification
        started, cpu = time.perf_counter(), time.process_time()
        report = importer.apply(path)
        import_s = time.perf_counter() - started
        import_cpu_s = time.process_time() - cpu
        path.unlink()
        assert len(report.to_add) == sales, report.summary()
        with db.read() as session:
            total_sales = int(session.scalar(select(func.count(Sale.id))) or 0)
        # A/B/C + RFM + churn as the app runs it after an import (`classify --out` adds the
        # per-customer rows on top)
        classify = first_classification(db, clock, workdir, times)
        services.classification.recompute(with_scores=False)  # the engine reconnects
        again = timed(lambda: services.classification.recompute(with_scores=False), times)
        dashboard = timed(services.dashboard.compute, times)
    finally:
        db.dispose()
    return {
        "sales_import_rows_per_s": round(sales / import_s),
        "sales_import_s": round(import_s, 2),
        # medians of `times` runs, with the fastest and slowest for the first run
        "classify_s": round(classify[0], 2),
        "classify_min_s": round(classify[2], 2),
        "classify_max_s": round(classify[3], 2),
        "classify_again_s": round(again[0], 2),
        "dashboard_s": round(dashboard[0], 2),
        # CPU seconds of this process: what the figures are on a machine with idle cores
        "sales_import_cpu_s": round(import_cpu_s, 2),
        "classify_cpu_s": round(classify[1], 2),
        "classify_again_cpu_s": round(again[1], 2),
        "dashboard_cpu_s": round(dashboard[1], 2),
        "sales_in_db": total_sales,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--sales", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/stammkunde-bench-sales"))
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file in workdir)")
    args = parser.parse_args()
    url = args.db
    if url is None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        file = args.workdir / f"sales-{args.customers}.sqlite3"
        file.unlink(missing_ok=True)
        url = f"sqlite:///{file}"
    print(json.dumps(run(url, args.workdir, customers=args.customers, sales=args.sales),
                     indent=2))
