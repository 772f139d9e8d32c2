"""A second app process for the referral test: book the referred customer's sale in step."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.db import Database
from app.services.clock import SystemClock
from app.services.container import Services
from app.services.sales.service import SaleInput


def book_first_sales(url: str, customer_ids: list[int], barrier: Any, results: Any,
                     name: str) -> None:
    db = Database(url)
    services = Services.build(db, SystemClock())
    try:
        for round_no, customer_id in enumerate(customer_ids):
            barrier.wait(timeout=30)
            services.sales.add(customer_id, SaleInput(sale_date=date(2026, 1, 5),
                                                      amount_cents=120_00), by=name)
            results.put((round_no, name))
    finally:
        db.dispose()
