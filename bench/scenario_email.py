"""Benchmark: an e-mail campaign to 5,000 customers with a PDF attachment each — queuing time
and peak memory, then sending to a local SMTP server (aiosmtpd on 127.0.0.1).

Queuing runs in a child process so that its peak RSS (`bench.memory`) is its own. Figures:
`email_queue_5000_s`, `email_queue_peak_rss_mb` (targets ≤ 20 s and ≤ 400 MB),
`email_queue_cpu_s`, the database growth per mail (the PDF is stored once for the campaign),
and `email_send_per_s` (target ≥ 20 with no rate limit) over the first `SEND` mails of the
campaign, sent by `mail flush`'s function, with `email_send_cpu_s` (this process: the sender
and the in-process test server together).
"""

from __future__ import annotations

import json
import pathlib
import socket
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
MAILS = 5_000
SEND = 1_000


def _child_queue(db_url: str, mails: int) -> None:
    from sqlalchemy import select

    from app.db import Database
    from app.models import Customer
    from app.services.clock import SystemClock
    from app.services.container import Services
    from app.services.email.message import Attachment
    from app.services.letters.recipients import IdSource
    from bench.memory import peak_rss_mb

    services = Services.build(Database(db_url), SystemClock())
    template = services.email.templates.by_name("Willkommen")
    with services.db.read() as session:
        ids = tuple(session.scalars(select(Customer.id).where(Customer.email != "")
                                    .order_by(Customer.id).limit(mails)))
    flyer = services.letters.preview(services.letters.by_name("Wartungserinnerung"), ids[0])
    started, cpu_started = time.perf_counter(), time.process_time()
    result = services.email.run_campaign(
        template.id, IdSource(ids), by="Benchmark",
        attachments=(Attachment("Wartung.pdf", flyer),))
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "cpu_seconds": time.process_time() - cpu_started,
                      "peak_mb": peak_rss_mb(), "queued": result.queued,
                      "pdf_kb": len(flyer) / 1000}))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _size(path: pathlib.Path | None) -> int:
    """The database file after moving the write-ahead log into it."""
    if path is None:
        return 0
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path.stat().st_size


class _Sink:
    """Accepts every mail and forgets it (a local mail server, not the thing measured)."""

    count = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.count += 1
        return "250 OK"


def run(db_url: str, workdir: pathlib.Path, *, customers: int) -> dict[str, float]:
    from aiosmtpd.controller import Controller
    from sqlalchemy import func, select, update

    from app.db import open_database
    from app.models import Customer, EmailMessage
    from app.services.clock import SystemClock
    from app.services.company import CompanyProfile
    from app.services.container import Services
    from app.services.demo.dataset import fill
    from app.services.email.account import EmailAccount, connector
    from app.services.email.sender import flush

    db = open_database(db_url)
    services = Services.build(db, SystemClock())
    with db.read() as session:
        have = session.scalar(select(func.count()).where(Customer.email != "")) or 0
    if have < MAILS:  # about 60 % of the demo customers have an address
        fill(db, services.clock, customers=(MAILS - have) * 2, seed=5)
    services.company.save(CompanyProfile(
        name="Heizung Bauer GmbH", street="Ringstraße 4", postcode="80331", city="München",
        phone="089 1234567", email="info@bauer.example", vat_id="DE136695976",
        managing_director="Max Bauer", legal_form="gmbh", seat="München",
        register_court="Amtsgericht München", register_number="HRB 123456"))
    port = _free_port()
    account = EmailAccount(host="127.0.0.1", port=port, security="none",
                           from_address="info@bauer.example", from_name="Heizung Bauer GmbH")
    services.email.set_account(account, password=None, by="Benchmark")
    size_before = _size(db.sqlite_path)
    db.dispose()
    child = subprocess.run(
        [sys.executable, "-c",
         "import sys; from bench.scenario_email import _child_queue; "
         "_child_queue(sys.argv[1], int(sys.argv[2]))", db_url, str(MAILS)],
        cwd=ROOT, check=True, capture_output=True, text=True)
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    if figures["queued"] != MAILS:
        raise RuntimeError(f"only {figures['queued']} mails queued")
    with db.write() as session:  # send the first SEND mails; the rest waits for a later run
        session.execute(update(EmailMessage).where(EmailMessage.id > SEND)
                        .values(state="failed", last_error="Benchmark: nicht gesendet"))
        session.commit()
    growth_kb = (_size(db.sqlite_path) - size_before) / 1000 / MAILS
    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        started, cpu_started = time.perf_counter(), time.process_time()
        report = flush(db, services.clock, connector(account, None),
                       sender=account.from_address)
        send_seconds = time.perf_counter() - started
        send_cpu = time.process_time() - cpu_started
    finally:
        controller.stop()
    db.dispose()
    if report.sent != SEND or sink.count != SEND:
        raise RuntimeError(f"sent {report.sent}, server got {sink.count}: {report.summary()}")
    return {"email_queue_5000_s": round(figures["seconds"], 2),
            "email_queue_peak_rss_mb": round(figures["peak_mb"], 1),
            "email_queue_cpu_s": round(figures["cpu_seconds"], 2),
            "email_attachment_kb": round(figures["pdf_kb"], 1),
            "email_db_growth_kb_per_mail": round(growth_kb, 1),
            "email_send_per_s": round(SEND / send_seconds, 1),
            "email_send_cpu_s": round(send_cpu, 2)}


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "bench.sqlite3"
        print(json.dumps(run(f"sqlite:///{path}", pathlib.Path(folder), customers=MAILS),
                         indent=2))
