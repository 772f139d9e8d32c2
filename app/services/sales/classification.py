"""A/B/C classes, RFM segments and churn risk: who carries the business, who drifts away.

The A/B/C rule is the contract of issue 3 (see docs/sales.md):
revenue of each active customer in the window (default: the 12 months ending on the as-of date,
inclusive); sorted by revenue descending, ties by customer number ascending; a customer is A
while the cumulative share *before* adding it is below the A threshold (80 %), B while below
A+B (95 %), otherwise C; zero revenue is always C. Alternatively "by revenue amount":
A ≥ x €, B ≥ y €. A manual class in force overrides the computed one.

Everything is computed in one SQL aggregate (over an index that covers it) plus pandas, and
only changed customers are written, in bulk: 100,000 customers and a million sales take under
two seconds when few classes change, under three when every customer gets its first class.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import (
    Executable,
    String,
    case,
    exists,
    func,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session, aliased

from app.db import Database
from app.models import ClassAssignment, Customer, Interaction, Sale
from app.services import actors, bulk, timeline
from app.services.clock import Clock
from app.services.customers.segments import CLASSES
from app.services.errors import NotFoundError, ValidationError
from app.services.formatting import format_cents, format_count, format_date
from app.services.progress import NO_PROGRESS, Progress
from app.services.sales import class_standing
from app.services.sales.class_standing import ClassExplanation, Placement, RunThresholds
from app.services.sales.service import window_start
from app.services.settings import SettingsService

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

SETTINGS_KEY = "classification"
METHODS = {"share": "auto", "amount": "amount"}  # setting → ClassAssignment.method
DAYS_PER_MONTH = 30.4375
invalid = ValidationError.labelled({
    "abc_class": "Klasse", "reason": "Grund", "valid_until": "Gültig bis",
    "a_share_pct": "A-Schwelle", "ab_share_pct": "A+B-Schwelle", "a_min_cents": "A ab",
    "b_min_cents": "B ab", "window_months": "Zeitraum", "churn_factor": "Faktor",
    "method": "Methode", "one_time_days": "Einmalkäufer gefährdet nach",
})

def segment_of(r: int, f: int) -> str:
    """The RFM segment code for a recency and a frequency score (1–5 each)."""
    if r >= 4 and f >= 4:
        return "champions" if r == 5 else "loyal"
    if r == 3 and f >= 4:
        return "loyal"
    if r >= 4:
        if f == 1:
            return "new" if r == 5 else "promising"
        return "potential"
    if r == 3:
        return "attention" if f == 3 else "about_to_sleep"
    if f == 5:
        return "cant_lose"
    return "at_risk" if f >= 3 else "hibernating"


@cache
def _segment_grid() -> np.ndarray:
    """The 5×5 table of segment_of, built on first use so start-up need not import numpy."""
    import numpy as np

    return np.array([[segment_of(r, f) for f in range(1, 6)] for r in range(1, 6)],
                    dtype=object)


@dataclass(frozen=True)
class ClassificationSettings:
    method: str = "share"  # share | amount
    a_share_pct: int = 80
    ab_share_pct: int = 95
    a_min_cents: int = 500_000
    b_min_cents: int = 100_000
    window_months: int | None = 12  # None: all time
    churn_factor: float = 2.0  # at risk when the last purchase is this many intervals ago
    one_time_days: int = 365  # … or this many days for one-time buyers

    def validated(self) -> ClassificationSettings:
        errors = {}
        if self.method not in METHODS:
            errors["method"] = "Anteil oder Umsatzhöhe wählen"
        if not 0 < self.a_share_pct < self.ab_share_pct <= 100:
            errors["ab_share_pct"] = "0 < A-Schwelle < A+B-Schwelle ≤ 100 %"
        if not 0 <= self.b_min_cents <= self.a_min_cents:
            errors["b_min_cents"] = "B-Grenze muss zwischen 0 und der A-Grenze liegen"
        if self.window_months is not None and not 1 <= self.window_months <= 240:
            errors["window_months"] = "1 bis 240 Monate"
        if not 1.0 <= self.churn_factor <= 10.0:
            errors["churn_factor"] = "zwischen 1 und 10"
        if not 30 <= self.one_time_days <= 3650:
            errors["one_time_days"] = "zwischen 30 und 3650 Tagen"
        if errors:
            raise invalid(errors)
        return self


class CustomerScore(NamedTuple):
    """One customer's figures of a run: what `classify --out` writes."""

    customer_id: int
    number: str
    revenue_cents: int  # in the window
    abc_class: str  # effective
    abc_computed: str
    r: int | None
    f: int | None
    m: int | None
    segment: str | None  # code, see SEGMENT_LABELS
    at_risk: bool


@dataclass(frozen=True)
class ClassSummary:
    abc_class: str
    customers: int
    revenue_cents: int
    share_pct: float  # of the window's revenue, for display only


@dataclass(frozen=True)
class ClassificationResult:
    as_of: date
    window_start: date | None  # None: all time
    method: str
    classes: tuple[ClassSummary, ...]
    total_revenue_cents: int
    changed: int  # customers whose effective class changed
    updated: int  # customers with any stored figure changed (class, segment, risk)
    scores: tuple[CustomerScore, ...]


@dataclass(frozen=True)
class ClassAssignmentDTO:
    abc_class: str
    previous_class: str | None
    as_of: date
    method: str
    reason: str
    valid_until: date | None


@dataclass(frozen=True)
class ClassInfo:
    abc_class: str | None
    manual: bool  # a manual class is in force
    reason: str
    valid_until: date | None
    history: tuple[ClassAssignmentDTO, ...]  # newest first


@dataclass(frozen=True)
class ChurnInfo:
    at_risk: bool
    reason: str  # "letzter Kauf vor 14 Monaten, kauft sonst alle 5 Monate"; "" without sales


def quintile_scores(values: pd.Series) -> pd.Series:
    """Scores 1–5 by quintiles, higher value → higher score; ties share one score.

    Each value's position is its average rank (ties averaged) at the midpoint
    p = (rank − 0.5) / n, and the score is ⌊5·p⌋ + 1. Five distinct values score 1…5;
    all-equal values (and a single customer) score 3.
    """
    import numpy as np
    import pandas as pd

    n = len(values)
    if n == 0:
        return pd.Series([], dtype="int64", index=values.index)
    position = (values.rank(method="average") - 0.5) / n
    return np.minimum(np.floor(position * 5).astype("int64") + 1, 5)


def _months(days: float) -> str:
    months = round(days / DAYS_PER_MONTH)
    if days < 2 * DAYS_PER_MONTH:
        return format_count(int(days), "Tag", "Tagen")
    return f"{months} Monaten"


def churn_reason(recency_days: int, interval_days: float | None,
                 settings: ClassificationSettings) -> tuple[bool, str]:
    """Whether a customer is at risk and why, in words."""
    if interval_days is None:
        risk = recency_days > settings.one_time_days
        return risk, (f"einziger Kaufzeitpunkt vor {_months(recency_days)}"
                      + f" (gefährdet ab {format_count(settings.one_time_days, 'Tag', 'Tagen')})")
    every = round(interval_days / DAYS_PER_MONTH)
    rhythm = (f"alle {every} Monate" if every >= 2
              else f"alle {format_count(round(interval_days), 'Tag', 'Tage')}")
    risk = recency_days > settings.churn_factor * interval_days
    return risk, f"letzter Kauf vor {_months(recency_days)}, kauft sonst {rhythm}"


class ClassificationService:
    def __init__(self, db: Database, clock: Clock, settings: SettingsService) -> None:
        self.db = db
        self.clock = clock
        self.settings_store = settings

    # --- settings ------------------------------------------------------------------------

    def settings(self) -> ClassificationSettings:
        stored = self.settings_store.get(SETTINGS_KEY, {})
        known = {k: v for k, v in stored.items()
                 if k in ClassificationSettings.__dataclass_fields__}
        return ClassificationSettings(**known)

    def save_settings(self, value: ClassificationSettings) -> ClassificationSettings:
        self.settings_store.set(SETTINGS_KEY, asdict(value.validated()))
        return value

    # --- the run -------------------------------------------------------------------------

    def recompute(self, *, as_of: date | None = None, window_months: int | None = -1,
                  all_time: bool = False, by: str = "", with_scores: bool = True,
                  progress: Progress = NO_PROGRESS) -> ClassificationResult:
        """Recompute classes, RFM segments and churn risk of every active customer.

        `window_months` (-1: the setting) or `all_time` override the window for this run.
        Only customers whose figures changed are written; each class change gets a history
        row and a timeline entry ("Klasse B → A"). `with_scores=False` leaves out the
        per-customer rows (import, nightly run) and saves their building.
        """
        settings = self.settings()
        if all_time:
            settings = replace(settings, window_months=None)
        elif window_months is None or window_months != -1:
            settings = replace(settings, window_months=window_months).validated()
        day = as_of or self.clock.today()
        start = window_start(day, settings.window_months) if settings.window_months else None
        now = self.clock.now()
        with bulk.paused_gc(), self.db.write() as session:
            progress.checkpoint()
            frame = self._frame(session, day, start)
            progress.report(1, 4, "Umsätze zusammengefasst")
            progress.checkpoint()
            frame = self._classify(frame, settings)
            frame = self._rfm(frame, day, settings)
            progress.report(2, 4, "Klassen berechnet")
            progress.checkpoint()
            changed, updated = self._store(session, frame, settings, day, now, by)
            class_standing.store_run(session, _thresholds(frame, settings, day))
            progress.report(3, 4, "Gespeichert")
            progress.checkpoint()
            session.commit()
        progress.report(4, 4, "Fertig")
        return self._result(frame, settings, day, start, changed, updated, with_scores)

    def _frame(self, session: Session, as_of: date, start: date | None) -> pd.DataFrame:
        # One pass over the index (customer, date, amount) in customer order: SQLite never
        # reads the table rows (ix_sales_customer_date_amount). Dates come back as text,
        # pandas parses them in one go.
        day = type_coerce(Sale.sale_date, String)
        revenue = (func.sum(case((Sale.sale_date >= start, Sale.amount_cents), else_=0))
                   if start else func.sum(Sale.amount_cents))
        sales = _frame_of(session, select(
            Sale.customer_id, revenue, func.sum(Sale.amount_cents), func.count(),
            func.count(func.distinct(Sale.sale_date)), func.min(day), func.max(day),
        ).where(Sale.sale_date <= as_of).group_by(Sale.customer_id),
            ["id", "revenue", "monetary", "frequency", "days", "first", "last"])
        customers = _frame_of(session, select(
            Customer.id, Customer.number, Customer.abc_class, Customer.rfm_segment,
            Customer.at_risk)
            .where(Customer.archived_at.is_(None), Customer.anonymized_at.is_(None)),
            ["id", "number", "current", "current_segment", "current_risk"])
        # A manual class counts while it is a customer's newest assignment (few rows).
        later = aliased(ClassAssignment)
        manual = _frame_of(session, select(
            ClassAssignment.customer_id, ClassAssignment.abc_class, ClassAssignment.valid_until)
            .where(ClassAssignment.method == "manual", ~exists().where(
                later.customer_id == ClassAssignment.customer_id,
                later.id > ClassAssignment.id)),
            ["id", "manual", "manual_until"])
        frame = customers.merge(sales, on="id", how="left").merge(manual, on="id", how="left")
        for column in ("revenue", "monetary", "frequency", "days"):
            frame[column] = frame[column].fillna(0).astype("int64")
        frame["current_risk"] = frame["current_risk"].fillna(False).astype(bool)
        return frame

    @staticmethod
    def _classify(frame: pd.DataFrame, settings: ClassificationSettings) -> pd.DataFrame:
        import numpy as np
        import pandas as pd

        revenue = frame["revenue"].clip(lower=0)
        if settings.method == "amount":
            computed = np.where(revenue >= max(settings.a_min_cents, 1), "A",
                                np.where(revenue >= max(settings.b_min_cents, 1), "B", "C"))
            frame["computed"] = computed
        else:
            order = frame.assign(revenue=revenue).sort_values(
                ["revenue", "number"], ascending=[False, True], kind="mergesort")
            total = int(order["revenue"].sum())
            before = order["revenue"].cumsum() - order["revenue"]
            positive = order["revenue"] > 0
            classes = np.where(positive & (before * 100 < settings.a_share_pct * total), "A",
                               np.where(positive & (before * 100 < settings.ab_share_pct * total),
                                        "B", "C"))
            frame["computed"] = pd.Series(classes, index=order.index)
        frame["revenue"] = revenue
        return frame

    @staticmethod
    def _rfm(frame: pd.DataFrame, as_of: date, settings: ClassificationSettings
             ) -> pd.DataFrame:
        import numpy as np
        import pandas as pd

        buyers = frame["frequency"] > 0
        frame["r"] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
        frame["f"] = frame["r"].copy()
        frame["m"] = frame["r"].copy()
        frame["segment"] = None
        frame["recency"] = pd.NA
        frame["interval"] = np.nan
        frame["risk"] = False
        if buyers.any():
            sub = frame.loc[buyers]
            as_of_ts = pd.Timestamp(as_of)
            last = pd.to_datetime(sub["last"])
            recency = (as_of_ts - last).dt.days
            span = (last - pd.to_datetime(sub["first"])).dt.days
            interval = span / (sub["days"] - 1).where(sub["days"] > 1)
            r = quintile_scores(-recency)
            f = quintile_scores(sub["frequency"])
            m = quintile_scores(sub["monetary"])
            frame.loc[buyers, "r"] = r
            frame.loc[buyers, "f"] = f
            frame.loc[buyers, "m"] = m
            frame.loc[buyers, "segment"] = _segment_grid()[r.to_numpy() - 1, f.to_numpy() - 1]
            frame.loc[buyers, "recency"] = recency
            frame.loc[buyers, "interval"] = interval
            risk = np.where(interval.notna(), recency > settings.churn_factor * interval,
                            recency > settings.one_time_days)
            frame.loc[buyers, "risk"] = risk
        frame["risk"] = frame["risk"].astype(bool)
        return frame

    def _store(self, session: Session, frame: pd.DataFrame, settings: ClassificationSettings,
               as_of: date, now: datetime, by: str) -> tuple[int, int]:
        import numpy as np
        import pandas as pd

        until = pd.to_datetime(frame["manual_until"])
        in_force = frame["manual"].notna() & (until.isna() | (until >= pd.Timestamp(as_of)))
        frame["effective"] = np.where(in_force, frame["manual"], frame["computed"])
        expired = frame["manual"].notna() & ~in_force
        class_changed = frame["effective"] != frame["current"].fillna("")
        dirty = (class_changed | (frame["segment"].fillna("") != frame["current_segment"]
                                  .fillna("")) | (frame["risk"] != frame["current_risk"]))
        rows = frame.loc[dirty]
        bulk.update_columns(session, Customer, rows["id"].tolist(), {
            "abc_class": rows["effective"].tolist(), "rfm_segment": rows["segment"].tolist(),
            "at_risk": rows["risk"].tolist()})
        # Column lists built in one go: the first run after a big import moves every customer.
        moved = frame.loc[class_changed]
        count = len(moved)
        ids = moved["id"].tolist()
        previous = [c if isinstance(c, str) else None for c in moved["current"].tolist()]
        new = moved["effective"].tolist()
        how = "nach Umsatzhöhe" if settings.method == "amount" else "nach Umsatzanteil"
        reasons = ["manuelle Klasse abgelaufen" if was_expired
                   else f"Umsatz {format_cents(revenue)} ({how})"
                   for revenue, was_expired in zip(moved["revenue"].tolist(),
                                                   expired[class_changed].tolist(), strict=True)]
        bulk.insert_columns(session, ClassAssignment, {
            "customer_id": ids, "abc_class": new, "previous_class": previous,
            "as_of": [as_of] * count, "method": [METHODS[settings.method]] * count,
            "reason": reasons, "valid_until": [None] * count, "created_at": [now] * count})
        # The timeline tells of changes ("Klasse B → A"); a customer's first class stays in the
        # class history only, or the first run after a big import would write 100,000 entries.
        changes = [i for i, old in enumerate(previous) if old is not None]
        bulk.insert_columns(session, Interaction, {
            "customer_id": [ids[i] for i in changes], "occurred_at": [now] * len(changes),
            "channel": ["system"] * len(changes),
            "subject": [f"Klasse {previous[i]} → {new[i]}" for i in changes],
            "text": [reasons[i] for i in changes], "author": [actors.recorded(by)] * len(changes),
            "created_at": [now] * len(changes)})
        return count, len(rows)

    @staticmethod
    def _result(frame: pd.DataFrame, settings: ClassificationSettings, as_of: date,
                start: date | None, changed: int, updated: int, with_scores: bool
                ) -> ClassificationResult:
        total = int(frame["revenue"].sum())
        grouped = frame.groupby("effective")["revenue"].agg(["count", "sum"])
        classes = []
        for name in CLASSES:
            count, revenue = (int(grouped.loc[name, "count"]), int(grouped.loc[name, "sum"])) \
                if name in grouped.index else (0, 0)
            classes.append(ClassSummary(name, count, revenue,
                                        100.0 * revenue / total if total else 0.0))
        if not with_scores:
            frame = frame.iloc[:0]
        ordered = frame.sort_values(["revenue", "number"], ascending=[False, True])
        rfm = [ordered[c].fillna(0).astype("int64").tolist() for c in ("r", "f", "m")]
        scores = tuple(
            CustomerScore(cid, number, revenue, effective, computed, r or None, f or None,
                          m or None, segment, risk)
            for cid, number, revenue, effective, computed, r, f, m, segment, risk in zip(
                ordered["id"].tolist(), ordered["number"].tolist(),
                ordered["revenue"].tolist(), ordered["effective"].tolist(),
                ordered["computed"].tolist(), *rfm, ordered["segment"].tolist(),
                ordered["risk"].tolist(), strict=True))
        return ClassificationResult(
            as_of=as_of, window_start=start, method=settings.method, classes=tuple(classes),
            total_revenue_cents=total, changed=changed, updated=updated, scores=scores)

    # --- one customer --------------------------------------------------------------------

    def set_manual(self, customer_id: int, *, abc_class: str, reason: str,
                   valid_until: date | None = None, by: str = "") -> ClassInfo:
        """Pin a class by hand; it overrides the computed class until `valid_until`."""
        errors = {}
        if abc_class not in CLASSES:
            errors["abc_class"] = "A, B oder C wählen"
        if not reason.strip():
            errors["reason"] = "Grund angeben"
        if valid_until is not None and valid_until < self.clock.today():
            errors["valid_until"] = "liegt in der Vergangenheit"
        if errors:
            raise invalid(errors)
        now = self.clock.now()
        with self.db.write() as session:
            customer = session.get(Customer, customer_id)
            if customer is None:
                raise NotFoundError("Diesen Kunden gibt es nicht (mehr).")
            previous = customer.abc_class
            session.add(ClassAssignment(
                customer_id=customer_id, abc_class=abc_class, previous_class=previous,
                as_of=self.clock.today(), method="manual", reason=reason.strip(),
                valid_until=valid_until, created_at=now))
            customer.abc_class = abc_class
            until = f", gültig bis {format_date(valid_until)}" if valid_until else ""
            timeline.record(session, customer_id=customer_id, channel="system", author=by,
                            at=now, subject=f"Klasse {previous or '–'} → {abc_class} (manuell)",
                            text=reason.strip() + until)
            session.commit()
        return self.info(customer_id)

    def clear_manual(self, customer_id: int, *, by: str = "") -> ClassInfo:
        """End a manual class now; the computed class applies from the next run on."""
        now = self.clock.now()
        with self.db.write() as session:
            customer = session.get(Customer, customer_id)
            if customer is None:
                raise NotFoundError("Diesen Kunden gibt es nicht (mehr).")
            session.add(ClassAssignment(
                customer_id=customer_id, abc_class=customer.abc_class or "C",
                previous_class=customer.abc_class, as_of=self.clock.today(),
                method=METHODS[self.settings().method], reason="manuelle Klasse aufgehoben",
                valid_until=None, created_at=now))
            timeline.record(session, customer_id=customer_id, channel="system", author=by,
                            at=now, subject="Manuelle Klasse aufgehoben")
            session.commit()
        return self.info(customer_id)

    def info(self, customer_id: int) -> ClassInfo:
        today = self.clock.today()
        with self.db.read() as session:
            customer = session.get(Customer, customer_id)
            if customer is None:
                raise NotFoundError("Diesen Kunden gibt es nicht (mehr).")
            history = tuple(
                ClassAssignmentDTO(a.abc_class, a.previous_class, a.as_of, a.method, a.reason,
                                   a.valid_until)
                for a in session.scalars(
                    select(ClassAssignment).where(ClassAssignment.customer_id == customer_id)
                    .order_by(ClassAssignment.id.desc())))
            abc_class = customer.abc_class
        latest = history[0] if history else None
        manual = bool(latest and latest.method == "manual"
                      and (latest.valid_until is None or latest.valid_until >= today))
        return ClassInfo(abc_class=abc_class, manual=manual,
                         reason=latest.reason if manual and latest else "",
                         valid_until=latest.valid_until if manual and latest else None,
                         history=history)

    def place_after_sale(self, customer_id: int, *, by: str = "") -> Placement | None:
        """Class and churn risk of one customer right after a sale, against the lines of
        the last full run (see class_standing); None before the first run."""
        info = self.info(customer_id)
        churn = self.churn(customer_id)
        now = self.clock.now()
        with self.db.write() as session:
            run = class_standing.last_run(session)
            customer = session.get(Customer, customer_id)
            if run is None or customer is None or customer.archived_at is not None \
                    or customer.anonymized_at is not None:
                return None
            customer.at_risk = churn.at_risk
            placement = class_standing.place(
                session, customer, run=run, day=now.date(), manual=info.manual,
                method_code=METHODS[run.method], at=now, by=actors.recorded(by))
            session.commit()
        return placement

    def explain(self, customer_id: int) -> ClassExplanation:
        """Why a customer is A, B or C: revenue in the window, rank and share, the lines."""
        settings = self.settings()
        info = self.info(customer_id)
        with self.db.read() as session:
            customer = session.get(Customer, customer_id)
            if customer is None:
                raise NotFoundError("Diesen Kunden gibt es nicht (mehr).")
            return class_standing.explain(
                session, customer, run=class_standing.last_run(session), method=settings.method,
                a_share_pct=settings.a_share_pct, ab_share_pct=settings.ab_share_pct,
                amount_lines=(settings.a_min_cents, settings.b_min_cents),
                window_months=settings.window_months, day=self.clock.today(),
                manual_reason=info.reason if info.manual else "")

    def churn(self, customer_id: int, *, as_of: date | None = None) -> ChurnInfo:
        """The churn risk of one customer with its reason in words."""
        day = as_of or self.clock.today()
        with self.db.read() as session:
            first, last, days = session.execute(
                select(func.min(Sale.sale_date), func.max(Sale.sale_date),
                       func.count(func.distinct(Sale.sale_date)))
                .where(Sale.customer_id == customer_id, Sale.sale_date <= day)).one()
        if last is None:
            return ChurnInfo(False, "")
        interval = (last - first).days / (days - 1) if days > 1 else None
        risk, reason = churn_reason((day - last).days, interval, self.settings())
        return ChurnInfo(risk, reason)


def _thresholds(frame: pd.DataFrame, settings: ClassificationSettings, as_of: date
                ) -> RunThresholds:
    """A run's lines as revenue: the smallest revenue still computed A (B), or the amounts."""
    a_line: int | None
    b_line: int | None
    if settings.method == "amount":
        a_line, b_line = max(settings.a_min_cents, 1), max(settings.b_min_cents, 1)
    else:
        lowest = frame.groupby("computed")["revenue"].min()
        a_line, b_line = (int(lowest[k]) if k in lowest.index else None for k in ("A", "B"))
    return RunThresholds(as_of=as_of, method=settings.method,
                         window_months=settings.window_months, a_min_cents=a_line,
                         b_min_cents=b_line, a_share_pct=settings.a_share_pct,
                         ab_share_pct=settings.ab_share_pct)


def _frame_of(session: Session, query: Executable, columns: list[str]) -> pd.DataFrame:
    """A query's rows as a DataFrame (plain tuples: pandas probes Row objects slowly)."""
    import pandas as pd

    rows = session.connection().execute(query).fetchall()
    return pd.DataFrame([tuple(row) for row in rows], columns=columns)
