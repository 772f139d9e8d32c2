"""What a campaign brought: the share of buyers and the revenue per head of the reached
customers against the control group, within 30, 60 and 90 days, with the difference
(lift in percentage points) and its 95 % interval.

Any channel (letters, e-mail) that records who was reached and who was held back measures
its result here; nothing here knows how the campaign was delivered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Sale

RESULT_WINDOWS = (30, 60, 90)
Z_95 = 1.959963984540054


@dataclass(frozen=True)
class WindowResult:
    """Recipients against control group for purchases within `days` after the mailing."""

    days: int
    complete: bool  # False while the window has not passed yet
    recipients: int
    recipient_buyers: int
    control: int
    control_buyers: int
    recipient_revenue_cents: int
    control_revenue_cents: int

    @property
    def recipient_rate(self) -> float:
        return self.recipient_buyers / self.recipients if self.recipients else 0.0

    @property
    def control_rate(self) -> float:
        return self.control_buyers / self.control if self.control else 0.0

    @property
    def difference(self) -> float:
        return self.recipient_rate - self.control_rate

    @property
    def confidence_interval(self) -> tuple[float, float] | None:
        """95 % Wald interval of p₁ − p₂: d ± 1.96·√(p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂)."""
        if not self.recipients or not self.control:
            return None
        p1, p2 = self.recipient_rate, self.control_rate
        se = math.sqrt(p1 * (1 - p1) / self.recipients + p2 * (1 - p2) / self.control)
        return (self.difference - Z_95 * se, self.difference + Z_95 * se)

    @property
    def revenue_per_recipient_cents(self) -> int:
        return _per_head(self.recipient_revenue_cents, self.recipients)

    @property
    def revenue_per_control_cents(self) -> int:
        return _per_head(self.control_revenue_cents, self.control)


def _per_head(cents: int, people: int) -> int:
    if not people:
        return 0
    return int((Decimal(cents) / people).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def compare_groups(session: Session, *, recipients: list[int], control: list[int],
                   start: date, today: date) -> tuple[WindowResult, ...]:
    """Buyers and revenue of both groups per window, counting sales strictly after `start`;
    a window is complete once `today` has reached its end."""
    sales: dict[int, list[tuple[date, int]]] = {}
    everyone = recipients + control
    last = start + timedelta(days=max(RESULT_WINDOWS))
    for offset in range(0, len(everyone), 500):
        chunk = everyone[offset:offset + 500]
        for cid, day, cents in session.execute(
                select(Sale.customer_id, Sale.sale_date, Sale.amount_cents)
                .where(Sale.customer_id.in_(chunk), Sale.sale_date > start,
                       Sale.sale_date <= last)):
            sales.setdefault(cid, []).append((day, cents))
    windows = []
    for days in RESULT_WINDOWS:
        end = start + timedelta(days=days)

        def bought(ids: list[int], end: date = end) -> tuple[int, int]:
            buyers = revenue = 0
            for cid in ids:
                amounts = [c for d, c in sales.get(cid, ()) if d <= end]
                buyers += bool(amounts)
                revenue += sum(amounts)
            return buyers, revenue

        r_buyers, r_revenue = bought(recipients)
        c_buyers, c_revenue = bought(control)
        windows.append(WindowResult(
            days=days, complete=today >= end, recipients=len(recipients),
            recipient_buyers=r_buyers, control=len(control),
            control_buyers=c_buyers, recipient_revenue_cents=r_revenue,
            control_revenue_cents=c_revenue))
    return tuple(windows)
