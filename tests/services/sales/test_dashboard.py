from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from app.services.container import Services
from app.services.sales.dashboard import CACHE_KEY, from_json, pareto_points
from tests.services.sales.dashboard_data import add_assignment, seed


def test_windows_are_the_twelve_months_ending_on_the_as_of_date(services: Services) -> None:
    seed(services)
    figures = services.dashboard.compute()
    assert (figures.as_of, figures.window_start, figures.previous_start) == (
        date(2026, 3, 15), date(2025, 3, 16), date(2024, 3, 16))
    assert "16.03.2025–15.03.2026" in figures.definitions.window


def test_active_dormant_and_never_bought_customers(services: Services) -> None:
    seed(services)
    figures = services.dashboard.compute()
    assert (figures.customers_total, figures.customers_buying) == (5, 4)
    assert (figures.active_customers, figures.dormant_customers, figures.never_bought) == (3, 1, 1)


def test_revenue_of_the_window_ignores_future_sales(services: Services) -> None:
    seed(services)
    figures = services.dashboard.compute()
    assert figures.revenue_12m_cents == 85_000  # 300 + 150 + 400 €
    assert figures.revenue_previous_12m_cents == 30_000  # 50 + 200 + 50 €


def test_churn_is_previous_window_buyers_without_a_purchase_now(services: Services) -> None:
    seed(services)
    figures = services.dashboard.compute()
    assert (figures.churned_customers, figures.previous_window_customers) == (1, 3)
    assert figures.churn_rate_pct == pytest.approx(33.3)
    assert "geteilt durch alle Kunden mit Kauf im Vorjahr" in figures.definitions.churn


def test_repeat_rate_is_the_share_of_buyers_with_two_or_more_purchases(
    services: Services,
) -> None:
    seed(services)
    figures = services.dashboard.compute()
    assert (figures.repeat_customers, figures.repeat_rate_pct) == (2, 50.0)


def test_revenue_per_customer_and_clv_follow_their_formulas(services: Services) -> None:
    seed(services)
    figures = services.dashboard.compute()
    assert figures.revenue_per_customer_year_cents == 28_333  # 850 € / 3 active
    # lifetimes: Müller 809 days, the others at least 365 → Ø 476 days = 1.30 years
    assert figures.average_lifetime_years == 1.30
    assert figures.clv_cents == 36_833  # 283,33 € × 1,30
    assert "= 283,33 € × 1,30 Jahre = 368,33 €" in figures.definitions.clv


def test_classes_show_customers_revenue_and_cumulative_share(services: Services) -> None:
    seed(services)
    figures = services.dashboard.compute()
    assert [(c.abc_class, c.customers, c.revenue_cents, c.cumulative_share_pct)
            for c in figures.classes] == [
        ("A", 2, 70_000, 82.4), ("B", 1, 15_000, 100.0), ("C", 1, 0, 100.0),
        ("", 1, 0, 100.0)]


def test_pareto_points_are_cumulative_revenue_shares_by_customer_rank() -> None:
    points = pareto_points(np.array([10, 50, 0, 30, 10]), steps=4)
    assert [(p.customer_share_pct, p.revenue_share_pct) for p in points] == [
        (25.0, 50.0), (50.0, 80.0), (75.0, 90.0), (100.0, 100.0)]


def test_pareto_of_no_revenue_is_empty() -> None:
    assert pareto_points(np.array([0, 0])) == ()


def test_months_cover_24_months_ending_with_the_current_one(services: Services) -> None:
    seed(services)
    figures = services.dashboard.compute()
    assert len(figures.months) == 24 and len(figures.months_12) == 12
    assert (figures.months[0].month, figures.months[-1].month) == ("2024-04", "2026-03")
    assert (figures.months[-1].revenue_cents, figures.months[-1].sales) == (40_000, 1)
    assert (figures.months[11].month, figures.months[11].revenue_cents) == ("2025-03", 20_000)
    assert figures.months[-1].label == "03/26"


def test_top_customers_by_window_revenue_and_at_risk_by_total_revenue(
    services: Services,
) -> None:
    ids = seed(services)
    figures = services.dashboard.compute()
    assert [(c.id, c.revenue_cents) for c in figures.top_customers] == [
        (ids["Dietz"], 40_000), (ids["Müller"], 30_000), (ids["Schäfer"], 15_000)]
    assert figures.top_customers[1].name == "Müller, Kim"
    assert [(c.id, c.revenue_cents, c.last_purchase) for c in figures.at_risk_customers] == [
        (ids["Becker"], 20_000, date(2024, 12, 1))]
    assert figures.at_risk_total == 1


def test_movers_come_from_the_latest_classification_date(services: Services) -> None:
    ids = seed(services)
    add_assignment(services, ids["Engel"], "B", "A", date(2026, 1, 1))  # an older run
    add_assignment(services, ids["Müller"], "B", "A", date(2026, 3, 1))
    add_assignment(services, ids["Becker"], "A", "C", date(2026, 3, 1))
    add_assignment(services, ids["Schäfer"], "B", "C", date(2026, 3, 1))
    add_assignment(services, ids["Dietz"], None, "A", date(2026, 3, 1))
    figures = services.dashboard.compute()
    assert figures.movers_as_of == date(2026, 3, 1)
    assert [(m.id, m.previous_class, m.new_class) for m in figures.risen_to_a] == [
        (ids["Müller"], "B", "A"), (ids["Dietz"], "", "A")]
    assert [(m.id, m.previous_class, m.new_class) for m in figures.fallen_from_a] == [
        (ids["Becker"], "A", "C")]
    assert "01.03.2026" in figures.definitions.movers


def test_nps_trend_has_one_value_per_month(services: Services) -> None:
    ids = seed(services)
    for score, day in ((10, date(2026, 3, 1)), (0, date(2026, 3, 2)), (9, date(2026, 1, 9))):
        services.feedback.record_score(ids["Müller"], kind="nps", score=score, given_on=day)
    figures = services.dashboard.compute()
    trend = {m.month: (m.score, m.answers) for m in figures.nps_months}
    assert len(trend) == 12
    assert trend["2026-03"] == (0.0, 2)
    assert trend["2026-01"] == (100.0, 1)
    assert trend["2026-02"] == (None, 0)
    assert (figures.nps_12m, figures.nps_answers_12m) == (pytest.approx(33.3), 3)


def test_an_empty_database_gives_figures_without_values(services: Services) -> None:
    figures = services.dashboard.compute()
    assert (figures.churn_rate_pct, figures.repeat_rate_pct, figures.clv_cents) == (
        None, None, None)
    assert figures.pareto == () and figures.top_customers == ()


def test_computed_figures_are_cached_and_read_back_equal(services: Services) -> None:
    seed(services)
    assert services.dashboard.cached() is None
    figures = services.dashboard.compute()
    assert services.dashboard.cached() == figures


def test_a_cache_of_another_layout_is_ignored(services: Services) -> None:
    services.settings.set(CACHE_KEY, {"version": 0, "figures": {}})
    assert services.dashboard.cached() is None
    assert from_json({"version": 1, "figures": {"as_of": "2026-03-15"}}) is None
