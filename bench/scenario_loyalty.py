"""Loyalty and voucher scenario: enrol, credit sales, expire, issue/redeem vouchers,
liability, PDFs. Works on a private copy of the benchmark database (it writes)."""

from __future__ import annotations

import statistics
import time
from datetime import date
from pathlib import Path

from sqlalchemy import select, update

from app.db import open_database
from app.models import Customer, LoyaltyAccount
from app.services.clock import SystemClock
from app.services.company import CompanyProfile
from app.services.container import Services
from app.services.loyalty import pdf as loyalty_pdf
from app.services.loyalty.programs import ProgramInput
from app.services.loyalty.vouchers import VoucherInput

ENROL_MAX = 2000
VOUCHERS = 1000
REDEEMS = 200


def _timed(work) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def run(db_url: str, workdir: Path, *, customers: int) -> dict[str, float]:
    workdir.mkdir(parents=True, exist_ok=True)
    db = open_database(db_url)
    services = Services.build(db, SystemClock())
    figures: dict[str, float] = {}
    try:
        with db.read() as session:
            ids = list(session.scalars(select(Customer.id).order_by(Customer.id)
                                       .limit(ENROL_MAX)))
        program = services.programs.save_program(ProgramInput(name="Bench-Punkte", expiry_years=2))
        enrol_s = _timed(lambda: [services.loyalty.enrol(i, program_id=program.id)
                                  for i in ids])
        figures["enrol_per_card_ms"] = enrol_s / max(len(ids), 1) * 1000
        with db.write() as session:
            # demo sales lie before today's enrolment and would never count: move it back
            session.execute(update(LoyaltyAccount).values(credit_from=date(2000, 1, 1)))
            session.commit()
        figures["credit_sales_first_s"] = _timed(services.loyalty.credit_sales)
        figures["credit_sales_rerun_s"] = _timed(services.loyalty.credit_sales)
        figures["expire_s"] = _timed(lambda: services.loyalty.expire(as_of=date(2099, 1, 1)))
        batch: list = []
        figures["issue_1000_vouchers_s"] = _timed(lambda: batch.extend(
            services.vouchers.issue_batch(VoucherInput(value_cents=2500, campaign="Bench"),
                                          count=VOUCHERS)))
        times = []
        for voucher in batch[:REDEEMS]:
            started = time.perf_counter()
            services.vouchers.redeem(voucher.code, amount_cents=1000)
            times.append((time.perf_counter() - started) * 1000)
        figures["redeem_p95_ms"] = statistics.quantiles(times, n=20)[18]
        figures["voucher_list_1000_s"] = _timed(services.vouchers.listing)
        figures["liability_s"] = _timed(services.liability.liability)
        figures["liability_csv_s"] = _timed(
            lambda: services.liability.export_liability_csv(workdir / "liability.csv"))
        company = CompanyProfile(name="Bench GmbH", city="Dresden")
        figures["voucher_pdf_100_s"] = _timed(lambda: loyalty_pdf.voucher_pdf(
            batch[:100], workdir / "vouchers.pdf", company=company))
        cards = [services.loyalty.cards_of(i)[0] for i in ids[:100]]
        figures["cards_pdf_100_s"] = _timed(lambda: loyalty_pdf.cards_pdf(
            cards, workdir / "cards.pdf", company=company))
    finally:
        db.dispose()
    return figures
