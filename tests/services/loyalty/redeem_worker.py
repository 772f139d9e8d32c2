"""A second app process for the concurrency test: redeem each code in step with the other."""

from __future__ import annotations

from typing import Any

from app.db import Database
from app.services.clock import SystemClock
from app.services.container import Services
from app.services.errors import ConflictError


def redeem_all(url: str, codes: list[str], amount_cents: int, barrier: Any, results: Any,
               name: str) -> None:
    db = Database(url)
    services = Services.build(db, SystemClock())
    try:
        for round_no, code in enumerate(codes):
            barrier.wait(timeout=30)
            try:
                services.vouchers.redeem(code, amount_cents=amount_cents, by=name)
                results.put((round_no, name, "ok"))
            except ConflictError:
                results.put((round_no, name, "refused"))
    finally:
        db.dispose()
