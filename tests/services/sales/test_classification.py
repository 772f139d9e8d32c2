from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import select

from app.models import Customer
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.errors import ValidationError
from app.services.sales.classification import (
    ClassificationSettings,
    churn_reason,
    quintile_scores,
    segment_of,
)
from app.services.sales.service import SaleInput

TODAY = date(2026, 3, 15)


def customers_with(services: Services, revenues: dict[str, int],
                   day: date = date(2026, 1, 10)) -> dict[str, int]:
    """Create customers by number, each with one sale of the given revenue (0: no sale)."""
    ids = {}
    for number, cents in revenues.items():
        cid = services.customers.create(CustomerInput(last_name="Kunde", number=number)).id
        if cents:
            services.sales.add(cid, SaleInput(day, cents, "", f"RE-{number}"))
        ids[number] = cid
    return ids


def classes(services: Services, **kwargs: object) -> dict[str, str]:
    result = services.classification.recompute(**kwargs)  # type: ignore[arg-type]
    return {s.number: s.abc_class for s in result.scores}


def test_the_customer_reaching_exactly_the_a_threshold_is_b(services: Services) -> None:
    customers_with(services, {"K-1": 5_000, "K-2": 3_000, "K-3": 1_500, "K-4": 500})
    assert classes(services) == {"K-1": "A", "K-2": "A", "K-3": "B", "K-4": "C"}


def test_equal_revenue_is_ordered_by_customer_number(services: Services) -> None:
    customers_with(services, {"K-3": 2_000, "K-1": 6_000, "K-2": 2_000})
    assert classes(services) == {"K-1": "A", "K-2": "A", "K-3": "B"}


def test_zero_revenue_is_always_c_even_when_nobody_bought(services: Services) -> None:
    customers_with(services, {"K-1": 0, "K-2": 0})
    assert classes(services) == {"K-1": "C", "K-2": "C"}
    customers_with(services, {"K-3": 100})
    assert classes(services) == {"K-1": "C", "K-2": "C", "K-3": "A"}


def test_all_equal_revenue_gives_eight_a_and_two_b_of_ten(services: Services) -> None:
    customers_with(services, {f"K-{i:02d}": 1_000 for i in range(10)})
    found = classes(services)
    assert [found[f"K-{i:02d}"] for i in range(10)] == ["A"] * 8 + ["B"] * 2


def test_a_single_customer_with_revenue_is_a(services: Services) -> None:
    customers_with(services, {"K-1": 1})
    assert classes(services) == {"K-1": "A"}


def test_the_window_is_the_twelve_months_ending_on_the_as_of_day_inclusive(
    services: Services,
) -> None:
    ids = customers_with(services, {"K-1": 0, "K-2": 0, "K-3": 0})
    services.sales.add(ids["K-1"], SaleInput(date(2025, 3, 15), 9_000, "", "D-1"))  # outside
    services.sales.add(ids["K-2"], SaleInput(date(2025, 3, 16), 100, "", "D-2"))  # first day
    services.sales.add(ids["K-3"], SaleInput(date(2026, 3, 15), 100, "", "D-3"))  # as-of day
    result = services.classification.recompute(as_of=TODAY)
    revenue = {s.number: s.revenue_cents for s in result.scores}
    assert revenue == {"K-1": 0, "K-2": 100, "K-3": 100}
    assert result.window_start == date(2025, 3, 16)
    earlier = services.classification.recompute(as_of=date(2026, 3, 14))
    assert {s.number: s.revenue_cents for s in earlier.scores}["K-3"] == 0
    all_time = services.classification.recompute(as_of=TODAY, all_time=True)
    assert {s.number: s.abc_class for s in all_time.scores}["K-1"] == "A"
    assert all_time.window_start is None


def test_the_amount_method_uses_fixed_euro_limits(services: Services) -> None:
    customers_with(services, {"K-1": 500_000, "K-2": 499_999, "K-3": 100_000, "K-4": 99_999})
    services.classification.save_settings(ClassificationSettings(method="amount"))
    assert classes(services) == {"K-1": "A", "K-2": "B", "K-3": "B", "K-4": "C"}


def test_thresholds_must_be_ordered(services: Services) -> None:
    with pytest.raises(ValidationError):
        services.classification.save_settings(ClassificationSettings(a_share_pct=95,
                                                                     ab_share_pct=80))


@pytest.mark.parametrize(("settings", "label"), [
    (ClassificationSettings(method="ranking"), "Methode: "),
    (ClassificationSettings(a_min_cents=100, b_min_cents=200), "B ab: "),
    (ClassificationSettings(one_time_days=5), "Einmalkäufer gefährdet nach: "),
])
def test_a_refused_setting_is_named_in_german_in_the_message(
        settings: ClassificationSettings, label: str) -> None:
    with pytest.raises(ValidationError) as refused:
        settings.validated()
    assert refused.value.message.startswith(label)


def test_a_class_change_is_stored_in_history_timeline_and_the_customer(
    services: Services,
) -> None:
    ids = customers_with(services, {"K-1": 1_000, "K-2": 0})
    first = services.classification.recompute()
    assert (first.changed, first.updated) == (2, 2)
    services.sales.add(ids["K-2"], SaleInput(date(2026, 2, 1), 50_000, "", "RE-X"))
    # the sale placed K-2 in A at once (test_class_standing); the run moves K-1 down
    assert services.classification.info(ids["K-2"]).abc_class == "A"
    second = services.classification.recompute(by="Nachtlauf")
    assert second.changed == 1
    subjects = [e.subject for e in services.timeline.entries(ids["K-2"])]
    # the first class is history only; the timeline tells of the change
    assert "Klasse C → A" in subjects and not any(s.startswith("Klasse –") for s in subjects)
    assert [(h.previous_class, h.abc_class) for h in services.classification.info(
        ids["K-2"]).history] == [("C", "A"), (None, "C")]
    info = services.classification.info(ids["K-1"])
    assert [(h.previous_class, h.abc_class, h.method) for h in info.history] == [
        ("A", "C", "auto"), (None, "A", "auto")]
    assert services.customers.rows([ids["K-1"]])[0].abc_class == "C"
    assert services.classification.recompute().changed == 0


def test_a_manual_class_overrides_until_it_expires(services: Services) -> None:
    ids = customers_with(services, {"K-1": 1_000, "K-2": 10})
    services.classification.recompute()
    info = services.classification.set_manual(ids["K-2"], abc_class="A", reason="Großauftrag",
                                              valid_until=date(2026, 3, 31), by="Chef")
    assert (info.abc_class, info.manual, info.reason) == ("A", True, "Großauftrag")
    result = services.classification.recompute(as_of=date(2026, 3, 31))
    score = next(s for s in result.scores if s.number == "K-2")
    assert (score.abc_class, score.abc_computed) == ("A", "C")
    services.clock.set(services.clock.now() + timedelta(days=17))  # type: ignore[attr-defined]
    expired = services.classification.recompute()
    assert next(s for s in expired.scores if s.number == "K-2").abc_class == "C"
    info = services.classification.info(ids["K-2"])
    assert not info.manual and info.history[0].reason == "manuelle Klasse abgelaufen"
    subjects = [e.subject for e in services.timeline.entries(ids["K-2"])]
    assert subjects[:2] == ["Klasse A → C", "Klasse C → A (manuell)"]


def test_clearing_a_manual_class_lets_the_next_run_decide(services: Services) -> None:
    ids = customers_with(services, {"K-1": 1_000})
    services.classification.set_manual(ids["K-1"], abc_class="C", reason="zahlt schlecht")
    assert classes(services) == {"K-1": "C"}
    assert not services.classification.clear_manual(ids["K-1"]).manual
    assert classes(services) == {"K-1": "A"}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"abc_class": "D", "reason": "x"}, "abc_class"), ({"abc_class": "A", "reason": " "},
                                                        "reason"),
     ({"abc_class": "A", "reason": "x", "valid_until": date(2026, 3, 14)}, "valid_until")],
)
def test_a_manual_class_needs_a_valid_class_a_reason_and_a_future_end(
    services: Services, kwargs: dict[str, object], field: str
) -> None:
    ids = customers_with(services, {"K-1": 0})
    with pytest.raises(ValidationError) as err:
        services.classification.set_manual(ids["K-1"], **kwargs)  # type: ignore[arg-type]
    assert field in err.value.fields


def test_archived_customers_are_left_out(services: Services) -> None:
    ids = customers_with(services, {"K-1": 1_000, "K-2": 9_000})
    services.customers.set_archived(ids["K-2"], True)
    result = services.classification.recompute()
    assert [s.number for s in result.scores] == ["K-1"]
    assert result.total_revenue_cents == 1_000


@pytest.mark.parametrize(
    ("values", "scores"),
    [
        ([10, 20, 30, 40, 50], [1, 2, 3, 4, 5]),
        (list(range(10)), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]),
        ([7, 7, 7, 7], [3, 3, 3, 3]),
        ([1, 2, 2, 3, 4], [1, 3, 3, 4, 5]),
        ([42], [3]),
    ],
    ids=["five", "ten", "all-equal", "ties", "single"],
)
def test_quintile_scores_share_one_score_among_ties(values: list[int], scores: list[int]
                                                    ) -> None:
    assert quintile_scores(pd.Series(values)).tolist() == scores


def test_every_cell_of_the_rfm_grid_has_a_named_segment() -> None:
    assert segment_of(5, 5) == "champions"
    assert segment_of(3, 4) == "loyal"
    assert segment_of(5, 1) == "new"
    assert segment_of(2, 3) == "at_risk"
    assert segment_of(1, 1) == "hibernating"
    assert segment_of(1, 5) == "cant_lose"
    assert len({segment_of(r, f) for r in range(1, 6) for f in range(1, 6)}) == 10


def test_rfm_segment_and_churn_risk_are_stored_on_the_customer(services: Services) -> None:
    ids = customers_with(services, {"K-1": 0, "K-2": 0})
    for index, day in enumerate((date(2024, 1, 10), date(2024, 6, 10), date(2024, 11, 10),
                                 date(2025, 1, 10))):
        services.sales.add(ids["K-1"], SaleInput(day, 1_000, "", f"A-{index}"))
    services.sales.add(ids["K-2"], SaleInput(date(2026, 3, 1), 500, "", "B-1"))
    result = services.classification.recompute()
    scores = {s.number: s for s in result.scores}
    assert (scores["K-1"].r, scores["K-1"].f, scores["K-1"].segment) == (2, 4, "at_risk")
    assert (scores["K-2"].r, scores["K-2"].f, scores["K-2"].segment) == (4, 2, "potential")
    assert scores["K-1"].at_risk and not scores["K-2"].at_risk
    with services.db.read() as session:
        stored = dict(session.execute(select(Customer.number, Customer.at_risk)).all())
    assert stored == {"K-1": True, "K-2": False}
    churn = services.classification.churn(ids["K-1"])
    assert churn.at_risk
    assert churn.reason == "letzter Kauf vor 14 Monaten, kauft sonst alle 4 Monate"


def test_a_one_time_buyer_is_at_risk_after_365_days() -> None:
    settings = ClassificationSettings()
    assert churn_reason(366, None, settings)[0]
    assert not churn_reason(365, None, settings)[0]
    assert churn_reason(150, 60.0, settings) == (True, "letzter Kauf vor 5 Monaten, "
                                                 "kauft sonst alle 2 Monate")
    assert not churn_reason(120, 60.0, settings)[0]
