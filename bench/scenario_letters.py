"""Benchmark: 5,000 one-page serial letters into one PDF — time and peak memory.

The mailing runs in a child process so that its peak RSS (`bench.memory`) is the
generation's own and not the parent's data set-up. Figures: `letters_5000_s`,
`letters_peak_rss_mb` (targets ≤ 20 s and ≤ 400 MB), plus `letters_5000_cpu_s` (the
process's CPU time, which a busy machine does not inflate) and the PDF's size.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
LETTERS = 5_000


def _child(db_url: str, out: str, letters: int) -> None:
    from app.db import Database
    from app.services.clock import SystemClock
    from app.services.container import Services
    from app.services.letters.recipients import IdSource
    from bench.memory import peak_rss_mb

    services = Services.build(Database(db_url), SystemClock())
    template = services.letters.by_name("Wartungserinnerung")
    with services.db.read() as session:
        from sqlalchemy import select

        from app.models import Customer

        ids = tuple(session.scalars(select(Customer.id).where(Customer.street != "")
                                    .order_by(Customer.id).limit(letters)))
    started, cpu_started = time.perf_counter(), time.process_time()
    result = services.mailings.run(template.id, IdSource(ids), out=pathlib.Path(out),
                                   by="Benchmark")
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak_mb = peak_rss_mb()
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak_mb,
                      "letters": result.mailing.letters_printed}))


def run(db_url: str, workdir: pathlib.Path, *, customers: int) -> dict[str, float]:
    from app.db import open_database
    from app.services.clock import SystemClock
    from app.services.company import CompanyProfile
    from app.services.container import Services
    from app.services.demo.dataset import fill

    db = open_database(db_url)
    services = Services.build(db, SystemClock())
    have = services.customers.count()
    wanted = max(customers, LETTERS)
    if have < wanted:
        fill(db, services.clock, customers=wanted - have, seed=5)
    services.company.save(CompanyProfile(
        name="Heizung Bauer GmbH", street="Ringstraße 4", postcode="80331", city="München",
        phone="089 1234567", email="info@bauer.example", iban="DE89370400440532013000",
        vat_id="DE136695976", managing_director="Max Bauer"))
    db.dispose()
    out = workdir / "letters_5000.pdf"
    child = subprocess.run(
        [sys.executable, "-c",
         "import sys; from bench.scenario_letters import _child; "
         "_child(sys.argv[1], sys.argv[2], int(sys.argv[3]))", db_url, str(out), str(LETTERS)],
        cwd=ROOT, check=True, capture_output=True, text=True)
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    if figures["letters"] != LETTERS:
        raise RuntimeError(f"only {figures['letters']} letters printed")
    return {"letters_5000_s": round(figures["seconds"], 2),
            "letters_peak_rss_mb": round(figures["peak_mb"], 1),
            "letters_5000_cpu_s": round(figures["cpu_seconds"], 2),
            "letters_pdf_mb": round(out.stat().st_size / 1e6, 1)}


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        print(run(f"sqlite:///{work / 'bench.sqlite3'}", work, customers=LETTERS))
