from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services.formatting import (
    MAX_CENTS,
    format_cents,
    format_count,
    format_date,
    format_number,
    format_points,
    format_share,
    parse_cents,
    parse_date,
)


@pytest.mark.parametrize(
    ("text", "cents"),
    [("1.234,56", 123456), ("1234.56", 123456), ("1234,56 €", 123456), ("12", 1200),
     ("1.234", 123400), ("1,5", 150), ("-5,00", -500), ("1,234.56", 123456),
     ("0,125", 13), ("1.234.567", 123456700), ("EUR 3,10", 310)],
)
def test_money_is_read_as_german_users_write_it(text: str, cents: int) -> None:
    assert parse_cents(text) == cents


@pytest.mark.parametrize("text", ["", "abc", "1,2,3,4x", "NaN", "Infinity"])
def test_what_is_not_money_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(ValueError):
        parse_cents(text)


@given(st.integers(min_value=-MAX_CENTS, max_value=MAX_CENTS))
def test_formatted_money_reads_back_to_the_same_cents(cents: int) -> None:
    assert parse_cents(format_cents(cents)) == cents


def test_money_and_dates_are_shown_the_german_way() -> None:
    assert format_cents(123456) == "1.234,56 €"
    assert format_date(date(2026, 3, 5)) == "05.03.2026"
    assert parse_date("5.3.2026") == date(2026, 3, 5)
    assert parse_date("2026-03-05") == date(2026, 3, 5)


def test_numbers_and_shares_are_written_the_german_way() -> None:
    assert format_number(1234567.891, 2) == "1.234.567,89"
    assert format_number(100000, 0) == "100.000"
    assert format_share(0.123) == "12,3 %"
    assert format_share(1) == "100,0 %"
    assert format_points(0.125) == "+12,5 Pp."
    assert format_points(-0.0314) == "-3,1 Pp."
    assert format_points(0) == "+0,0 Pp."


@pytest.mark.parametrize(("count", "expected"), [
    (1, "1 Kunde"), (2, "2 Kunden"), (0, "0 Kunden"), (-1, "-1 Kunde"), (1234, "1.234 Kunden"),
])
def test_a_count_takes_the_singular_only_for_exactly_one(count: int, expected: str) -> None:
    assert format_count(count, "Kunde", "Kunden") == expected
