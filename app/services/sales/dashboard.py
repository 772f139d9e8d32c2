"""The owner's figures ("Auswertungen"), computed with pandas over all sales.

`DashboardService.compute()` is the slow path (run it off the GUI thread); it stores what it
computed under the settings key `dashboard_cache`, and `cached()` hands that back at once, so
the page opens instantly and then refreshes. Every figure carries its definition in words:
the screen and the PDF print them, a tooltip is not enough for churn and CLV.

Windows (as-of date D, both ends inclusive, like the A/B/C classification):
current = the 12 months ending on D, previous = the 12 months before that.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from app.db import Database
from app.models import ClassAssignment, Customer, Feedback
from app.services.clock import Clock
from app.services.customers.naming import list_name
from app.services.formatting import format_cents, format_date, format_number
from app.services.progress import NO_PROGRESS, Progress
from app.services.sales.feedback import FeedbackService, OpenComplaint, nps
from app.services.settings import SettingsService

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

CACHE_KEY = "dashboard_cache"
CACHE_VERSION = 2
CLASSES = ("A", "B", "C", "")  # "" = not classified yet
TOP_N = 10
MOVERS_MAX = 100
READ_BATCH = 100_000
EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class ClassFigure:
    abc_class: str  # "A" | "B" | "C" | "" (ohne Klasse)
    customers: int
    revenue_cents: int  # in the current 12 months
    revenue_share_pct: float
    cumulative_share_pct: float


@dataclass(frozen=True)
class ParetoPoint:
    customer_share_pct: float  # the top x % of customers by revenue …
    revenue_share_pct: float  # … bring y % of the revenue


@dataclass(frozen=True)
class MonthRevenue:
    month: str  # "2026-03"
    revenue_cents: int
    sales: int

    @property
    def label(self) -> str:
        return f"{self.month[5:]}/{self.month[2:4]}"


@dataclass(frozen=True)
class NpsMonth:
    month: str
    score: float | None
    answers: int


@dataclass(frozen=True)
class CustomerFigure:
    id: int
    number: str
    name: str
    abc_class: str
    revenue_cents: int
    last_purchase: date | None


@dataclass(frozen=True)
class Mover:
    id: int
    number: str
    name: str
    previous_class: str
    new_class: str
    as_of: date
    reason: str


@dataclass(frozen=True)
class Definitions:
    """The figures' definitions in words, with the dates and numbers of this computation."""

    window: str
    classes: str
    pareto: str
    active: str
    churn: str
    repeat: str
    revenue_per_customer: str
    clv: str
    nps: str
    satisfaction: str
    movers: str


@dataclass(frozen=True)
class DashboardFigures:
    as_of: date
    computed_at: datetime
    window_start: date
    previous_start: date
    customers_total: int
    customers_buying: int  # with at least one purchase up to the as-of date
    active_customers: int
    dormant_customers: int
    never_bought: int
    revenue_12m_cents: int
    revenue_previous_12m_cents: int
    classes: tuple[ClassFigure, ...]
    pareto: tuple[ParetoPoint, ...]
    top20_revenue_share_pct: float | None
    months: tuple[MonthRevenue, ...]  # the last 24 months, oldest first
    churn_rate_pct: float | None
    churned_customers: int
    previous_window_customers: int
    repeat_rate_pct: float | None
    repeat_customers: int
    revenue_per_customer_year_cents: int | None
    average_lifetime_years: float | None
    clv_cents: int | None
    nps_12m: float | None
    nps_answers_12m: int
    nps_months: tuple[NpsMonth, ...]  # the last 12 months, oldest first
    csat_average_12m: float | None
    csat_answers_12m: int
    ces_average_12m: float | None
    ces_answers_12m: int
    open_complaints: tuple[OpenComplaint, ...]
    top_customers: tuple[CustomerFigure, ...]
    at_risk_customers: tuple[CustomerFigure, ...]
    at_risk_total: int
    movers_as_of: date | None
    risen_to_a: tuple[Mover, ...]
    fallen_from_a: tuple[Mover, ...]
    definitions: Definitions

    @property
    def months_12(self) -> tuple[MonthRevenue, ...]:
        return self.months[-12:]


# --- JSON round trip for the cache ------------------------------------------------------


def to_json(figures: DashboardFigures) -> dict[str, Any]:
    return {"version": CACHE_VERSION, "figures": _encode(figures)}


def from_json(data: Any) -> DashboardFigures | None:
    """The cached figures, or None when there are none or they are of an older layout."""
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return None
    try:
        return typing.cast(DashboardFigures, _decode(DashboardFigures, data["figures"]))
    except (KeyError, TypeError, ValueError):
        return None


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [_encode(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _decode(kind: Any, value: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin in (types.UnionType, typing.Union):
        if value is None:
            return None
        kind = next(arg for arg in typing.get_args(kind) if arg is not type(None))
        origin = typing.get_origin(kind)
    if origin is tuple:
        item_kind = typing.get_args(kind)[0]
        return tuple(_decode(item_kind, item) for item in value)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(**{f.name: _decode(hints[f.name], value[f.name])
                       for f in dataclasses.fields(kind)})
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    return value


# --- computing --------------------------------------------------------------------------


def _pct(part: float, whole: float) -> float | None:
    return None if whole == 0 else round(100.0 * part / whole, 1)


def pareto_points(revenues: np.ndarray, steps: int = 20) -> tuple[ParetoPoint, ...]:
    """Cumulative revenue share of the top 5 %, 10 %, … 100 % of customers by revenue.

    `revenues` are the customers' positive revenues in any order.
    """
    import numpy as np

    ordered = np.sort(revenues[revenues > 0])[::-1]
    if len(ordered) == 0:
        return ()
    cumulative = np.cumsum(ordered, dtype=np.int64)
    total = int(cumulative[-1])
    points = []
    for step in range(1, steps + 1):
        share = step / steps
        count = max(1, int(np.ceil(share * len(ordered) - 1e-9)))
        points.append(ParetoPoint(round(100.0 * share, 1),
                                  round(100.0 * int(cumulative[count - 1]) / total, 1)))
    return tuple(points)


def _day_number(day: date) -> int:
    """Days since 1970-01-01, the unit sale days are compared in."""
    return (day - EPOCH).days


def _top(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """The TOP_N rows by `column`, ties by customer id (= order of creation)."""
    return frame.sort_values(column, ascending=False, kind="stable").head(TOP_N)


def _customer_figures(frame: pd.DataFrame, column: str,
                      names: dict[int, tuple[str, str]]) -> tuple[CustomerFigure, ...]:
    import pandas as pd

    return tuple(
        CustomerFigure(id=int(cid), number=names[int(cid)][0], name=names[int(cid)][1],
                       abc_class=str(abc), revenue_cents=int(revenue),
                       last_purchase=None if pd.isna(last) else EPOCH + timedelta(int(last)))
        for cid, abc, revenue, last in zip(frame.index, frame["abc_class"], frame[column],
                                           frame["last"], strict=True))


class DashboardService:
    def __init__(self, db: Database, clock: Clock, settings: SettingsService,
                 feedback: FeedbackService) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.feedback = feedback

    def cached(self) -> DashboardFigures | None:
        return from_json(self.settings.get(CACHE_KEY))

    def compute(self, as_of: date | None = None, *,
                progress: Progress = NO_PROGRESS) -> DashboardFigures:
        """All figures as of `as_of` (default today); stores them as the cache."""
        day = as_of or self.clock.today()
        window_start = day - relativedelta(months=12) + relativedelta(days=1)
        previous_start = day - relativedelta(months=24) + relativedelta(days=1)
        progress.report(0, 5, "Kunden lesen")
        customers = self._customers(progress)
        progress.report(1, 5, "Umsätze lesen")
        sales = self._sales(day, progress)
        progress.report(2, 5, "Kennzahlen berechnen")
        figures = self._figures(day, window_start, previous_start, customers, sales)
        progress.checkpoint()
        progress.report(3, 5, "Zufriedenheit")
        satisfaction = self._satisfaction(day, window_start)
        progress.report(4, 5, "Klassenwechsel")
        movers = self._movers(customers)
        names = self._names({int(i) for i in figures["top_customers"].index}
                            | {int(i) for i in figures["at_risk_customers"].index}
                            | {m[0] for m in movers["risen_to_a"] + movers["fallen_from_a"]})
        figures["top_customers"] = _customer_figures(figures["top_customers"], "cur_cents",
                                                     names)
        figures["at_risk_customers"] = _customer_figures(figures["at_risk_customers"], "cents",
                                                         names)
        for key in ("risen_to_a", "fallen_from_a"):
            movers[key] = tuple(sorted(
                (Mover(cid, *names[cid], before, new, movers["movers_as_of"], reason)
                 for cid, before, new, reason in movers[key]),
                key=lambda m: m.number)[:MOVERS_MAX])
        result = DashboardFigures(
            as_of=day, computed_at=self.clock.now(), window_start=window_start,
            previous_start=previous_start, **figures, **satisfaction, **movers,
            definitions=self._definitions(day, window_start, previous_start, figures,
                                          movers["movers_as_of"]))
        progress.checkpoint()
        self.settings.set(CACHE_KEY, to_json(result))
        progress.report(5, 5, "fertig")
        return result

    def _rows(self, sql: str, dtype: np.dtype[Any], progress: Progress) -> np.ndarray:
        """A query's rows as a structured array, read in batches through the raw DBAPI
        cursor: SQLAlchemy's row objects cost seconds at a million rows."""
        import numpy as np

        parts = []
        with self.db.engine.connect() as conn:
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                cursor.execute(sql)
                while rows := cursor.fetchmany(READ_BATCH):
                    progress.checkpoint()
                    parts.append(np.fromiter(rows, dtype=dtype, count=len(rows)))
            finally:
                cursor.close()
        return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)

    def _customers(self, progress: Progress) -> pd.DataFrame:
        """id → abc_class ("" = none), at_risk, current (not archived)."""
        import numpy as np
        import pandas as pd

        rows = self._rows(
            "SELECT id, COALESCE(abc_class, ''), "
            "CASE WHEN at_risk THEN 1 ELSE 0 END, "
            "CASE WHEN archived_at IS NULL THEN 1 ELSE 0 END FROM customers ORDER BY id",
            np.dtype([("id", "i8"), ("abc_class", "U1"), ("at_risk", "i8"), ("current", "i8")]),
            progress)
        return pd.DataFrame({"abc_class": rows["abc_class"], "at_risk": rows["at_risk"] == 1,
                             "current": rows["current"] == 1},
                            index=pd.Index(rows["id"], name="id"))

    def _sales(self, day: date, progress: Progress) -> pd.DataFrame:
        """customer_id, day (days since 1970-01-01) and cents of every sale up to `day`."""
        import numpy as np
        import pandas as pd

        if self.db.is_sqlite:
            # SQLite turns the ISO dates into day numbers itself: at 1.4 million sales that
            # is 0.7 s less than fetching ten-character strings and parsing them in numpy.
            rows = self._rows(
                "SELECT customer_id, CAST(julianday(sale_date) - 2440587.5 AS INTEGER), "
                "amount_cents FROM sales",
                np.dtype([("customer_id", "i8"), ("day", "i8"), ("cents", "i8")]), progress)
            days = rows["day"]
        else:
            rows = self._rows(
                "SELECT customer_id, CAST(sale_date AS VARCHAR(10)), amount_cents FROM sales",
                np.dtype([("customer_id", "i8"), ("sale_date", "U10"), ("cents", "i8")]),
                progress)
            days = rows["sale_date"].astype("datetime64[D]").astype(np.int64)
        keep = days <= _day_number(day)
        return pd.DataFrame({"customer_id": rows["customer_id"][keep], "day": days[keep],
                             "cents": rows["cents"][keep]})

    def _names(self, ids: set[int]) -> dict[int, tuple[str, str]]:
        """id → (number, list name) for the few customers the lists show."""
        names: dict[int, tuple[str, str]] = {}
        with self.db.read() as session:
            ordered = sorted(ids)
            for start in range(0, len(ordered), 500):
                rows = session.execute(
                    select(Customer.id, Customer.number, Customer.first_name,
                           Customer.last_name, Customer.company)
                    .where(Customer.id.in_(ordered[start:start + 500])))
                for cid, number, first, last, company in rows:
                    names[cid] = (number, list_name(last, first, company))
        return names

    def _figures(self, day: date, window_start: date, previous_start: date,
                 customers: pd.DataFrame, sales: pd.DataFrame) -> dict[str, Any]:
        import numpy as np
        import pandas as pd

        days = sales["day"].to_numpy()
        in_current = days >= _day_number(window_start)
        in_previous = (days >= _day_number(previous_start)) & ~in_current
        cents = sales["cents"].to_numpy()
        per = pd.DataFrame({
            "customer_id": sales["customer_id"].to_numpy(),
            "cents": cents,
            "cur_sales": in_current.astype(np.int64),
            "cur_cents": np.where(in_current, cents, 0),
            "prev_sales": in_previous.astype(np.int64),
            "day": days,
        }).groupby("customer_id").agg(
            sales=("cents", "size"), cents=("cents", "sum"), cur_sales=("cur_sales", "sum"),
            cur_cents=("cur_cents", "sum"), prev_sales=("prev_sales", "sum"),
            first=("day", "min"), last=("day", "max"))
        table = customers.join(per, how="left")
        for column in ("sales", "cents", "cur_sales", "cur_cents", "prev_sales"):
            table[column] = table[column].fillna(0).astype(np.int64)
        current = table[table["current"]]

        buying = table[table["sales"] > 0]
        active = int((table["cur_sales"] > 0).sum())
        previous_buyers = table["prev_sales"] > 0
        churned = int((previous_buyers & (table["cur_sales"] == 0)).sum())
        repeat = int((buying["sales"] >= 2).sum())
        revenue_12m = int(table["cur_cents"].sum())
        per_customer = None if active == 0 else round(revenue_12m / active)
        lifetime_days = (buying["last"] - buying["first"]).clip(lower=365)
        lifetime = None if buying.empty else round(float(lifetime_days.mean()) / 365.25, 2)
        clv = None if per_customer is None or lifetime is None else round(per_customer * lifetime)

        class_rows = []
        cumulative = 0
        class_total = int(current["cur_cents"].sum())
        for abc in CLASSES:
            members = current[current["abc_class"] == abc]
            if abc == "" and members.empty:
                continue
            revenue = int(members["cur_cents"].sum())
            cumulative += revenue
            class_rows.append(ClassFigure(abc, len(members), revenue,
                                          _pct(revenue, class_total) or 0.0,
                                          _pct(cumulative, class_total) or 0.0))
        pareto = pareto_points(table["cur_cents"].to_numpy())
        top20 = next((p.revenue_share_pct for p in pareto if p.customer_share_pct == 20.0), None)

        return {
            "customers_total": len(current),
            "customers_buying": len(buying),
            "active_customers": active,
            "dormant_customers": len(buying) - active,
            "never_bought": int((current["sales"] == 0).sum()),
            "revenue_12m_cents": revenue_12m,
            "revenue_previous_12m_cents": int(np.where(in_previous, cents, 0).sum()),
            "classes": tuple(class_rows),
            "pareto": pareto,
            "top20_revenue_share_pct": top20,
            "months": self._months(day, sales),
            "churn_rate_pct": _pct(churned, int(previous_buyers.sum())),
            "churned_customers": churned,
            "previous_window_customers": int(previous_buyers.sum()),
            "repeat_rate_pct": _pct(repeat, len(buying)),
            "repeat_customers": repeat,
            "revenue_per_customer_year_cents": per_customer,
            "average_lifetime_years": lifetime,
            "clv_cents": clv,
            "top_customers": _top(current[current["cur_cents"] > 0], "cur_cents"),
            "at_risk_customers": _top(current[current["at_risk"]], "cents"),
            "at_risk_total": int(current["at_risk"].sum()),
        }

    @staticmethod
    def _months(day: date, sales: pd.DataFrame) -> tuple[MonthRevenue, ...]:
        import numpy as np

        first = date(day.year, day.month, 1) - relativedelta(months=23)
        recent = sales[sales["day"].to_numpy() >= _day_number(first)]
        keys = recent["day"].to_numpy().astype("datetime64[D]").astype("datetime64[M]")
        grouped = recent["cents"].groupby(keys.astype(np.int64)).agg(["sum", "count"])
        result = []
        for offset in range(24):
            month = first + relativedelta(months=offset)
            key = (month.year - 1970) * 12 + month.month - 1
            total, count = (grouped.loc[key] if key in grouped.index else (0, 0))
            result.append(MonthRevenue(f"{month:%Y-%m}", int(total), int(count)))
        return tuple(result)

    def _satisfaction(self, day: date, window_start: date) -> dict[str, Any]:
        first = date(day.year, day.month, 1) - relativedelta(months=11)
        kpis = self.feedback.kpis(start=window_start, end=day)
        with self.db.read() as session:
            rows = session.execute(
                select(Feedback.given_on, Feedback.score)
                .where(Feedback.kind == "nps", Feedback.given_on >= first,
                       Feedback.given_on <= day)).all()
        by_month: dict[str, list[int]] = {}
        for given_on, score in rows:
            by_month.setdefault(f"{given_on:%Y-%m}", []).append(score)
        months = []
        for offset in range(12):
            key = f"{first + relativedelta(months=offset):%Y-%m}"
            result = nps(by_month.get(key, []))
            months.append(NpsMonth(key, result.score, result.answers))
        return {
            "nps_12m": kpis.nps.score,
            "nps_answers_12m": kpis.nps.answers,
            "nps_months": tuple(months),
            "csat_average_12m": kpis.csat_average,
            "csat_answers_12m": kpis.csat_answers,
            "ces_average_12m": kpis.ces_average,
            "ces_answers_12m": kpis.ces_answers,
            "open_complaints": kpis.open_complaints,
        }

    def _movers(self, customers: pd.DataFrame) -> dict[str, Any]:
        """Who rose to A and who fell from A on the latest classification date with changes,
        as (id, class before, class after, reason)."""
        with self.db.read() as session:
            latest = session.scalar(select(func.max(ClassAssignment.as_of)))
            rows = [] if latest is None else session.execute(
                select(ClassAssignment.customer_id, ClassAssignment.previous_class,
                       ClassAssignment.abc_class, ClassAssignment.reason)
                .where(ClassAssignment.as_of == latest)
                .order_by(ClassAssignment.id)).all()
        final: dict[int, tuple[str, str, str]] = {}
        for customer_id, previous, new, reason in rows:
            before = final[customer_id][0] if customer_id in final else (previous or "")
            final[customer_id] = (before, new, reason)
        risen: list[tuple[int, str, str, str]] = []
        fallen: list[tuple[int, str, str, str]] = []
        for customer_id, (before, new, reason) in final.items():
            if (before == "A") == (new == "A") or customer_id not in customers.index:
                continue
            (risen if new == "A" else fallen).append((customer_id, before, new, reason))
        return {"movers_as_of": latest, "risen_to_a": risen, "fallen_from_a": fallen}

    @staticmethod
    def _definitions(day: date, window_start: date, previous_start: date,
                     figures: dict[str, Any], movers_as_of: date | None) -> Definitions:
        current = f"{format_date(window_start)}–{format_date(day)}"
        previous = (f"{format_date(previous_start)}–"
                    f"{format_date(window_start - relativedelta(days=1))}")
        per_customer = figures["revenue_per_customer_year_cents"]
        lifetime = figures["average_lifetime_years"]
        clv = figures["clv_cents"]
        clv_numbers = ("" if clv is None else
                       f" = {format_cents(per_customer)} × {format_number(lifetime, 2)} Jahre"
                       f" = {format_cents(clv)}")
        return Definitions(
            window=f"Zeitraum: die letzten 12 Monate ({current}); Vorjahr: {previous}.",
            classes=("Kunden und Umsatz der letzten 12 Monate je A/B/C-Klasse (aus der "
                     "letzten Klassifizierung); die Linie zeigt den kumulierten Umsatzanteil."),
            pareto=("Kunden nach Umsatz der letzten 12 Monate absteigend sortiert: welchen "
                    "Anteil am Umsatz bringen die besten x % der Kunden."),
            active=(f"Aktiv: mindestens ein Kauf im Zeitraum {current}. Ruhend: früher "
                    "gekauft, aber nicht in diesem Zeitraum."),
            churn=(f"Abwanderung: Kunden mit Kauf im Vorjahr ({previous}) und ohne Kauf in "
                   f"den letzten 12 Monaten ({current}), geteilt durch alle Kunden mit Kauf "
                   "im Vorjahr."),
            repeat=("Wiederkaufrate: Anteil der Kunden mit mindestens zwei Käufen an allen "
                    "Kunden, die je gekauft haben."),
            revenue_per_customer=("Umsatz der letzten 12 Monate geteilt durch die Zahl der "
                                  "aktiven Kunden."),
            clv=("Kundenwert (CLV, historisch) = Ø Jahresumsatz je aktivem Kunden × Ø "
                 "Kundendauer in Jahren (erster bis letzter Kauf, mindestens 1 Jahr)"
                 + clv_numbers + "."),
            nps=("NPS = % Förderer (9–10) − % Kritiker (0–6) der NPS-Antworten des Monats "
                 "bzw. der letzten 12 Monate; Werte von −100 bis +100."),
            satisfaction=(f"Ø Zufriedenheit (CSAT, 1–5) und Ø Aufwand (CES, 1–7): Mittelwert "
                          f"der Bewertungen im Zeitraum {current}."),
            movers=("Keine Klassifizierung gespeichert." if movers_as_of is None else
                    f"Klassenwechsel der Klassifizierung vom {format_date(movers_as_of)}: "
                    "wer neu in A ist und wer aus A herausgefallen ist."),
        )
