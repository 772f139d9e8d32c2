"""Benchmark: a 70,000-row sales file whose rows name 23,000 customers the database does not
know yet, imported with `--create-missing` (issue 13: target under 8 s). The customers are
created the one way every customer is (`customers.creating`), in batches."""

from __future__ import annotations

import pathlib
import random
import time

from app.db import open_database
from app.services.clock import SystemClock
from app.services.container import Services
from app.services.demo.dataset import FIRST_FEMALE, FIRST_MALE, LAST_NAMES, PLACES

ROWS = 70_000
NEW_CUSTOMERS = 23_000


def write_csv(path: pathlib.Path, rows: int, customers: int, *, seed: int = 3) -> pathlib.Path:
    """A cp1252 accounting export with the customer's name, postcode and city per row."""
    rnd = random.Random(seed)
    people = []
    for index in range(customers):
        first = rnd.choice(FIRST_FEMALE + FIRST_MALE)
        postcode, city, _area = rnd.choice(PLACES)
        people.append((f"{70_000 + index}", f"{first} {rnd.choice(LAST_NAMES)}", postcode,
                       city))
    lines = ["Kundennummer;Datum;Betrag;Belegnummer;Text;Name;PLZ;Ort"]
    for index in range(rows):
        number, name, postcode, city = people[index] if index < customers else rnd.choice(
            people)
        lines.append(f"{number};{rnd.randint(1, 28):02d}.{rnd.randint(1, 12):02d}.2025;"
                     f"{rnd.randint(10, 2000)},{rnd.randint(0, 99):02d};R-{index:07d};"
                     f"Wartung;{name};{postcode};{city}")
    path.write_bytes("\r\n".join(lines).encode("cp1252", errors="replace"))
    return path


def run(db_url: str, workdir: pathlib.Path, *, customers: int) -> dict[str, float]:
    """Into a new, empty database, so every customer number of the file is new."""
    path = write_csv(workdir / "umsatz-neue-kunden.csv", ROWS, NEW_CUSTOMERS)
    target = workdir / "sales-create-missing.sqlite3"
    for leftover in workdir.glob(f"{target.name}*"):
        leftover.unlink()
    db = open_database(f"sqlite:///{target}")
    try:
        services = Services.build(db, SystemClock())
        importer = services.sales_import
        importer.after_import = None  # the reclassification is measured by scenario_sales
        started, cpu = time.perf_counter(), time.process_time()
        report = importer.apply(path, create_missing=True, by="bench")
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        db.dispose()
        for leftover in workdir.glob(f"{target.name}*"):
            leftover.unlink()
        path.unlink()
    assert len(report.new_customers) == NEW_CUSTOMERS, len(report.new_customers)
    return {"sales_create_missing_s": elapsed, "sales_create_missing_cpu_s": cpu}


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        print(run(f"sqlite:///{tmp}/bench.sqlite3", pathlib.Path(tmp), customers=0))
