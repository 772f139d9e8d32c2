"""The legal rules of a contract's term (§§ 187, 188, 309 Nr. 9 BGB), case by case."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services.contracts import terms
from app.services.contracts.terms import Terms

D = date
JAN_2024 = D(2024, 1, 1)


def consumer(*, concluded: date = JAN_2024, start: date | None = None, min_months: int = 12,
             renewal: str = "tacit", notice: int = 1, renewal_months: int = 12) -> Terms:
    return Terms(customer_kind="private", concluded_on=concluded, start=start or concluded,
                 min_months=min_months, renewal=renewal, notice_months=notice,
                 renewal_months=renewal_months)


def business(**kwargs: object) -> Terms:
    return Terms(**{**consumer(**kwargs).__dict__, "customer_kind": "business"})  # type: ignore[arg-type]


# --- §§ 187, 188 BGB ---------------------------------------------------------------------

@pytest.mark.parametrize(("start", "months", "last"), [
    (D(2026, 3, 15), 12, D(2027, 3, 14)),
    (D(2026, 1, 1), 12, D(2026, 12, 31)),
    (D(2027, 1, 31), 1, D(2027, 2, 28)),   # § 188 Abs. 3: no 30.02.
    (D(2028, 1, 30), 1, D(2028, 2, 29)),   # leap year: 29.02. exists
    (D(2027, 1, 30), 1, D(2027, 2, 28)),
    (D(2026, 3, 1), 1, D(2026, 3, 31)),
    (D(2024, 2, 29), 12, D(2025, 2, 28)),
    (D(2026, 12, 1), 24, D(2028, 11, 30)),
])
def test_a_term_beginning_on_a_day_counts_that_day(start: date, months: int, last: date) -> None:
    assert terms.months_from_day(start, months) == last


@pytest.mark.parametrize(("received", "months", "last"), [
    (D(2026, 6, 10), 1, D(2026, 7, 10)),   # the example
    (D(2027, 1, 31), 1, D(2027, 2, 28)),   # § 188 Abs. 3
    (D(2028, 1, 31), 1, D(2028, 2, 29)),   # leap year
    (D(2026, 11, 30), 3, D(2027, 2, 28)),
    (D(2026, 8, 31), 1, D(2026, 9, 30)),
])
def test_a_notice_period_starts_the_day_after_receipt(received: date, months: int,
                                                      last: date) -> None:
    assert terms.months_after_event(received, months) == last


@given(st.dates(D(2000, 1, 1), D(2090, 12, 31)), st.integers(1, 120))
def test_a_term_of_n_months_ends_the_day_before_the_same_day_n_months_later(
        start: date, months: int) -> None:
    last = terms.months_from_day(start, months)
    next_start = last + timedelta(days=1)
    # the next term starts on the same day number, or on the 1st after a short month
    assert next_start.day == start.day or (next_start.day == 1 and start.day > 28)
    assert (next_start.year * 12 + next_start.month) - (start.year * 12 + start.month) in (
        months, months + 1)


@given(st.dates(D(2000, 1, 1), D(2090, 12, 31)), st.integers(1, 24))
def test_a_notice_period_never_ends_before_the_same_day_number_or_the_month_end(
        received: date, months: int) -> None:
    last = terms.months_after_event(received, months)
    assert last > received
    assert last.day == received.day or (last + timedelta(days=1)).day == 1


# --- minimum term and renewal --------------------------------------------------------------

def test_the_minimum_term_of_a_contract_starting_mid_month_ends_the_day_before() -> None:
    assert terms.min_term_end(consumer(start=D(2026, 3, 15))) == D(2027, 3, 14)


def test_a_contract_without_minimum_term_has_no_minimum_term_end() -> None:
    assert terms.min_term_end(consumer(min_months=0)) is None


def test_a_new_consumer_contract_renews_indefinitely_after_the_minimum_term() -> None:
    contract = consumer(concluded=D(2024, 1, 1))
    assert terms.period_end_on(contract, D(2024, 6, 1)) == D(2024, 12, 31)
    assert terms.period_end_on(contract, D(2025, 6, 1)) is None
    assert terms.renews_on(contract, D(2024, 6, 1)) == D(2025, 1, 1)


def test_an_old_consumer_contract_renews_year_by_year() -> None:
    contract = consumer(concluded=D(2021, 4, 1), notice=3)
    assert terms.period_end_on(contract, D(2022, 3, 31)) == D(2022, 3, 31)
    assert terms.period_end_on(contract, D(2022, 4, 1)) == D(2023, 3, 31)
    assert terms.period_end_on(contract, D(2025, 7, 1)) == D(2026, 3, 31)


def test_an_old_consumer_contract_renews_by_one_year_at_most_even_if_agreed_longer() -> None:
    contract = consumer(concluded=D(2021, 1, 1), renewal_months=24)
    assert terms.period_end_on(contract, D(2022, 1, 5)) == D(2022, 12, 31)


def test_a_business_contract_renews_by_the_agreed_period() -> None:
    contract = business(concluded=D(2024, 1, 1), renewal_months=24, notice=6)
    assert terms.period_end_on(contract, D(2025, 1, 1)) == D(2026, 12, 31)


def test_a_contract_without_renewal_ends_with_its_minimum_term() -> None:
    contract = consumer(renewal="none")
    assert terms.period_end_on(contract, D(2030, 1, 1)) == D(2024, 12, 31)
    assert terms.renews_on(contract, D(2024, 6, 1)) is None


# --- notice ------------------------------------------------------------------------------

def test_a_notice_in_time_ends_a_new_consumer_contract_with_its_minimum_term() -> None:
    result = terms.ending(consumer(concluded=D(2024, 1, 1)), D(2024, 11, 30))
    assert result.last_day == D(2024, 12, 31)
    assert "Mindestlaufzeit" in result.rule


def test_a_late_notice_ends_a_new_consumer_contract_one_month_after_receipt() -> None:
    result = terms.ending(consumer(concluded=D(2024, 1, 1)), D(2024, 12, 10))
    assert result.last_day == D(2025, 1, 10)
    assert "§ 309 Nr. 9 b BGB" in result.rule


def test_a_notice_on_10_june_after_the_minimum_term_ends_on_10_july() -> None:
    result = terms.ending(consumer(concluded=D(2024, 1, 1)), D(2026, 6, 10))
    assert result.last_day == D(2026, 7, 10)
    assert "10.07.2026" in result.rule


def test_a_new_consumer_contract_cannot_be_held_to_a_longer_notice_than_one_month() -> None:
    result = terms.ending(consumer(concluded=D(2024, 1, 1), notice=3), D(2026, 1, 31))
    assert result.last_day == D(2026, 2, 28)


def test_a_new_consumer_notice_on_31_january_of_a_leap_year_ends_on_29_february() -> None:
    assert terms.ending(consumer(concluded=D(2024, 1, 1)), D(2028, 1, 31)).last_day == \
        D(2028, 2, 29)


def test_a_late_notice_to_an_old_consumer_contract_waits_for_the_next_year_end() -> None:
    contract = consumer(concluded=D(2021, 1, 1), notice=3)
    assert terms.ending(contract, D(2024, 9, 30)).last_day == D(2024, 12, 31)
    late = terms.ending(contract, D(2024, 10, 1))
    assert late.last_day == D(2025, 12, 31)
    assert "a.F." in late.rule


def test_contracts_made_on_1_march_2022_follow_the_new_law_and_the_day_before_the_old() -> None:
    new = consumer(concluded=D(2022, 3, 1), notice=1)
    old = consumer(concluded=D(2022, 2, 28), notice=1)
    assert terms.ending(new, D(2023, 6, 10)).last_day == D(2023, 7, 10)
    assert terms.ending(old, D(2023, 6, 10)).last_day == D(2024, 2, 27)


def test_a_business_contract_keeps_the_agreed_notice_and_renewal() -> None:
    contract = business(concluded=D(2024, 1, 1), notice=6)
    assert terms.ending(contract, D(2025, 6, 30)).last_day == D(2025, 12, 31)
    assert terms.ending(contract, D(2025, 7, 1)).last_day == D(2026, 12, 31)
    assert "Unternehmer" in terms.ending(contract, D(2025, 7, 1)).rule


def test_a_contract_without_minimum_term_ends_after_the_notice_period() -> None:
    assert terms.ending(consumer(min_months=0), D(2026, 6, 10)).last_day == D(2026, 7, 10)


def test_a_fixed_term_contract_ends_with_its_term_whenever_the_notice_came() -> None:
    contract = consumer(renewal="none")
    assert terms.ending(contract, D(2024, 12, 30)).last_day == D(2024, 12, 31)
    with pytest.raises(ValueError, match="ausgelaufen"):
        terms.ending(contract, D(2025, 1, 2))


@given(st.dates(D(2022, 3, 1), D(2040, 12, 31)), st.integers(1, 24),
       st.dates(D(2022, 3, 1), D(2045, 12, 31)))
def test_a_new_consumer_contract_ends_at_most_one_month_after_the_notice_or_the_term_end(
        start: date, min_months: int, received: date) -> None:
    contract = consumer(concluded=start, min_months=min_months)
    result = terms.ending(contract, received)
    first = terms.min_term_end(contract)
    assert first is not None
    assert result.last_day == max(first, terms.months_after_event(received, 1))


@given(st.sampled_from(["private", "business"]), st.dates(D(2015, 1, 1), D(2021, 12, 31)),
       st.integers(1, 24), st.integers(0, 3), st.integers(1, 12),
       st.integers(0, 4000))
def test_an_old_or_business_contract_ends_on_a_period_end_no_sooner_than_the_notice(
        kind: str, start: date, min_months: int, notice: int, renewal_months: int,
        offset: int) -> None:
    contract = Terms(customer_kind=kind, concluded_on=start, start=start,
                     min_months=min_months, renewal="tacit", notice_months=notice,
                     renewal_months=renewal_months)
    received = start + timedelta(days=offset)
    result = terms.ending(contract, received)
    assert result.last_day >= terms.months_after_event(received, notice)
    assert terms.period_end_on(contract, result.last_day) == result.last_day


# --- what the law forbids in a consumer contract -------------------------------------------

def test_a_consumer_contract_may_bind_for_24_months_at_most() -> None:
    assert "min_months" in terms.problems(consumer(min_months=36))
    assert terms.problems(business(min_months=36)) == {}


def test_a_new_consumer_contract_may_ask_for_one_month_notice_at_most() -> None:
    assert "§ 309 Nr. 9 c" in terms.problems(consumer(notice=3))["notice_months"]
    assert terms.problems(consumer(concluded=D(2021, 5, 1), notice=3)) == {}
    assert "notice_months" in terms.problems(consumer(concluded=D(2021, 5, 1), notice=4))


def test_the_description_explains_the_indefinite_renewal_of_a_new_consumer_contract() -> None:
    text = terms.describe(consumer(start=D(2026, 3, 15), concluded=D(2026, 3, 15)))
    assert text.startswith("Mindestlaufzeit bis 14.03.2027")
    assert "§ 309 Nr. 9 BGB" in text
