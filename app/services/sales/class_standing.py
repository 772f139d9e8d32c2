"""One customer's A/B/C standing: placed at once after a sale, and explained ("Warum A?").

A/B/C by revenue share is relative: whether a customer is A depends on every other
customer's revenue, so a full run reads all sales of all customers (the nightly run, "Jetzt
neu berechnen", an import). Doing that after every typed sale would make a shop with 20,000
customers wait at the counter. Instead each run keeps its thresholds as revenue amounts (the
smallest revenue that was still A, and still B), and a new sale places its one customer
against those amounts: a customer who passes the last A customer's revenue is A now. The
other customers keep their class until the next full run, which may move this customer
again by a hair (ties, a grown total); the class box says which run the thresholds are from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.models import ClassAssignment, Customer, Sale
from app.services import settings as settings_store
from app.services import timeline
from app.services.formatting import format_cents, format_date
from app.services.sales.service import window_start

RUN_KEY = "classification_last_run"
METHOD_WORDS = {"share": "nach Umsatzanteil", "amount": "nach Umsatzhöhe"}


@dataclass(frozen=True)
class RunThresholds:
    """What the last full run drew the lines at, in revenue of its window."""

    as_of: date
    method: str  # share | amount
    window_months: int | None  # None: all time
    a_min_cents: int | None  # the smallest revenue classed A (share) or the A limit (amount)
    b_min_cents: int | None  # the same for B; None: nobody was B
    a_share_pct: int
    ab_share_pct: int

    def class_for(self, revenue_cents: int) -> str:
        if revenue_cents <= 0:
            return "C"
        if self.a_min_cents is not None and revenue_cents >= self.a_min_cents:
            return "A"
        if self.b_min_cents is not None and revenue_cents >= self.b_min_cents:
            return "B"
        return "C"


@dataclass(frozen=True)
class Placement:
    """A customer placed after a sale: the class before and after, and the thresholds used."""

    previous: str | None
    abc_class: str
    revenue_cents: int
    run: RunThresholds

    @property
    def changed(self) -> bool:
        return self.previous != self.abc_class


@dataclass(frozen=True)
class ClassExplanation:
    """Why a customer has its class: the figures a "Warum A?" shows."""

    abc_class: str | None  # the class in force
    manual_reason: str  # "" unless a manual class is in force
    window_start: date | None  # None: all time
    as_of: date
    revenue_cents: int  # in the window
    rank: int  # 1 = highest revenue (ties by customer number)
    customers: int  # active customers ranked
    total_cents: int  # revenue of all active customers in the window
    before_pct: float  # share of the customers ranked above
    own_pct: float
    method: str
    a_share_pct: int
    ab_share_pct: int
    a_min_cents: int | None  # the A line in revenue (last run, or the amount setting)
    b_min_cents: int | None
    run_as_of: date | None  # the run the revenue lines come from; None: no run yet
    computed_now: str  # the class today's figures give

    @property
    def lines(self) -> tuple[str, ...]:
        """The explanation in plain German, one sentence a line."""
        period = (f"{format_date(self.window_start)} bis {format_date(self.as_of)}"
                  if self.window_start else f"alle Umsätze bis {format_date(self.as_of)}")
        result = [f"Umsatz im Zeitraum {period}: {format_cents(self.revenue_cents)}."]
        if self.customers:
            result.append(
                f"Rang {self.rank} von {self.customers} Kunden; das sind "
                f"{_pct(self.own_pct)} des Gesamtumsatzes von {format_cents(self.total_cents)}, "
                f"die Kunden davor haben zusammen {_pct(self.before_pct)}.")
        if self.method == "share":
            result.append(
                f"Regel ({METHOD_WORDS['share']}): A, solange die Kunden davor unter "
                f"{self.a_share_pct} % des Umsatzes haben; B unter {self.ab_share_pct} %; "
                "sonst C.")
        else:
            result.append(f"Regel ({METHOD_WORDS['amount']}): feste Umsatzgrenzen.")
        if self.a_min_cents is not None or self.b_min_cents is not None:
            since = (f" (Lauf vom {format_date(self.run_as_of)})"
                     if self.method == "share" and self.run_as_of else "")
            result.append(f"Grenzen{since}: A ab {_cents(self.a_min_cents)}, "
                          f"B ab {_cents(self.b_min_cents)}.")
        if self.manual_reason:
            result.append(f"Die Klasse {self.abc_class} ist von Hand festgelegt: "
                          f"{self.manual_reason}.")
        elif self.abc_class and self.computed_now != self.abc_class:
            result.append(f"Mit den heutigen Zahlen wäre es {self.computed_now}; die nächste "
                          "Neuberechnung (nachts) ordnet neu ein.")
        return tuple(result)


def _pct(value: float) -> str:
    return f"{value:.1f} %".replace(".", ",")


def _cents(value: int | None) -> str:
    return format_cents(value) if value is not None else "–"


def store_run(session: Session, run: RunThresholds) -> None:
    """Keep a full run's thresholds (inside the run's unit of work)."""
    settings_store.store(session, RUN_KEY, {
        "as_of": run.as_of.isoformat(), "method": run.method,
        "window_months": run.window_months, "a_min_cents": run.a_min_cents,
        "b_min_cents": run.b_min_cents, "a_share_pct": run.a_share_pct,
        "ab_share_pct": run.ab_share_pct})


def last_run(session: Session) -> RunThresholds | None:
    value = settings_store.read(session, RUN_KEY)
    if not isinstance(value, dict):
        return None
    return RunThresholds(
        as_of=date.fromisoformat(value["as_of"]), method=value["method"],
        window_months=value["window_months"], a_min_cents=value["a_min_cents"],
        b_min_cents=value["b_min_cents"], a_share_pct=value["a_share_pct"],
        ab_share_pct=value["ab_share_pct"])


def window_revenue(session: Session, customer_id: int, *, start: date | None,
                   day: date) -> int:
    query = select(func.coalesce(func.sum(Sale.amount_cents), 0)).where(
        Sale.customer_id == customer_id, Sale.sale_date <= day)
    if start is not None:
        query = query.where(Sale.sale_date >= start)
    return max(int(session.scalar(query) or 0), 0)


def place(session: Session, customer: Customer, *, run: RunThresholds, day: date,
          manual: bool, method_code: str, at: datetime, by: str) -> Placement:
    """Place one customer against the last run's lines; write the class if it changed."""
    start = window_start(day, run.window_months) if run.window_months else None
    revenue = window_revenue(session, customer.id, start=start, day=day)
    previous = customer.abc_class
    placement = Placement(previous, previous if manual and previous else run.class_for(revenue),
                          revenue, run)
    if not placement.changed:
        return placement
    reason = (f"Umsatz {format_cents(revenue)} ({METHOD_WORDS[run.method]}), nach neuem "
              f"Umsatz eingeordnet mit den Grenzen vom {format_date(run.as_of)}")
    customer.abc_class = placement.abc_class
    session.add(ClassAssignment(
        customer_id=customer.id, abc_class=placement.abc_class, previous_class=previous,
        as_of=day, method=method_code, reason=reason,
        valid_until=None, created_at=at))
    if previous is not None:
        timeline.record(session, customer_id=customer.id, channel="system", author=by,
                        at=at, subject=f"Klasse {previous} → {placement.abc_class}",
                        text=reason)
    return placement


def explain(session: Session, customer: Customer, *, run: RunThresholds | None,
            method: str, a_share_pct: int, ab_share_pct: int, amount_lines: tuple[int, int],
            window_months: int | None, day: date, manual_reason: str) -> ClassExplanation:
    """Rank, share and lines of one customer, from today's sales (three small queries)."""
    start = window_start(day, window_months) if window_months else None
    revenue = window_revenue(session, customer.id, start=start, day=day)
    in_window = [Sale.sale_date <= day] + ([Sale.sale_date >= start] if start else [])
    per_customer = (select(Sale.customer_id.label("cid"),
                           func.sum(Sale.amount_cents).label("revenue"))
                    .where(*in_window).group_by(Sale.customer_id).subquery())
    active = and_(Customer.archived_at.is_(None), Customer.anonymized_at.is_(None))
    positive = case((per_customer.c.revenue > 0, per_customer.c.revenue), else_=0)
    total = int(session.scalar(
        select(func.coalesce(func.sum(positive), 0))
        .select_from(per_customer.join(Customer, Customer.id == per_customer.c.cid))
        .where(active)) or 0)
    ahead, ahead_revenue = session.execute(
        select(func.count(), func.coalesce(func.sum(positive), 0))
        .select_from(per_customer.join(Customer, Customer.id == per_customer.c.cid))
        .where(active, or_(per_customer.c.revenue > revenue, and_(
            per_customer.c.revenue == revenue, Customer.number < customer.number)))).one()
    customers = int(session.scalar(select(func.count()).select_from(Customer).where(active))
                    or 0)
    if revenue <= 0:  # zero revenue ranks after every buyer
        ahead = int(session.scalar(
            select(func.count()).select_from(per_customer.join(
                Customer, Customer.id == per_customer.c.cid))
            .where(active, per_customer.c.revenue > 0)) or 0)
    before = 100.0 * int(ahead_revenue) / total if total else 0.0
    own = 100.0 * revenue / total if total else 0.0
    if method == "share":
        a_line = run.a_min_cents if run and run.method == "share" else None
        b_line = run.b_min_cents if run and run.method == "share" else None
        computed = ("C" if revenue <= 0 else "A" if before < a_share_pct
                    else "B" if before < ab_share_pct else "C")
    else:
        a_line, b_line = amount_lines
        computed = RunThresholds(day, "amount", window_months, max(a_line, 1), max(b_line, 1),
                                 a_share_pct, ab_share_pct).class_for(revenue)
    return ClassExplanation(
        abc_class=customer.abc_class, manual_reason=manual_reason, window_start=start,
        as_of=day, revenue_cents=revenue, rank=int(ahead) + 1, customers=customers,
        total_cents=total, before_pct=before, own_pct=own, method=method,
        a_share_pct=a_share_pct, ab_share_pct=ab_share_pct, a_min_cents=a_line,
        b_min_cents=b_line, run_as_of=run.as_of if run else None, computed_now=computed)
