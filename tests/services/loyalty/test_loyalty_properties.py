"""Property: whatever happens to a card, the ledger stays the truth and never goes negative."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services.clock import LOCAL_ZONE, FixedClock
from app.services.container import Services
from app.services.errors import StammkundeError
from tests.services.loyalty.loyalty_helpers import card

START = datetime(2026, 3, 15, 10, 30, tzinfo=LOCAL_ZONE)

operations = st.lists(st.one_of(
    st.tuples(st.just("earn"), st.integers(1, 300)),
    st.tuples(st.just("redeem"), st.integers(1, 400)),
    st.tuples(st.just("correct"), st.integers(-300, 300)),
    st.tuples(st.just("reverse"), st.integers(0, 30)),
    st.tuples(st.just("expire"), st.integers(0, 3)),
    st.tuples(st.just("wait"), st.integers(1, 500)),
), max_size=20)


@pytest.mark.slow  # ~4 s: 25 examples of up to 20 bookings on a real database
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_any_sequence_of_bookings_keeps_balance_equal_to_the_ledger_and_never_negative(
    services: Services, clock: FixedClock, ops: list[tuple[str, int]],
) -> None:
    clock.set(START)  # every example gets its own new card and starts at the same day
    number = card(services).number
    loyalty = services.loyalty
    for op, n in ops:
        before = loyalty.entries(number)
        try:
            if op == "earn":
                loyalty.credit(number, points=n, reason="Test")
            elif op == "redeem":
                loyalty.redeem(number, points=n)
            elif op == "correct":
                loyalty.correct(number, points=n, reason="Test")
            elif op == "reverse":
                ids = [e.id for e in before]
                loyalty.correct(number, entry_id=ids[n % len(ids)] if ids else -1,
                                reason="Storno")
            elif op == "expire":
                loyalty.expire(as_of=date(clock.today().year + n, 1, 1))
            else:
                clock.set(clock.now() + timedelta(days=n))
        except StammkundeError:
            assert loyalty.entries(number) == before, f"refused {op} changed the ledger"
        ledger = loyalty.entries(number)
        balance = loyalty.balance(number)
        assert balance == sum(e.points for e in ledger)
        assert balance >= 0
