"""Property: redemptions and reversals in any order never spend more than a voucher holds."""

from __future__ import annotations

import threading

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services.container import Services
from app.services.errors import StammkundeError
from app.services.loyalty.vouchers import VoucherInput

steps = st.lists(st.one_of(
    st.tuples(st.just("redeem"), st.integers(-100, 6000)),
    st.tuples(st.just("reverse"), st.integers(0, 20)),
), max_size=10)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=steps)
def test_the_remaining_value_is_the_ledger_sum_and_never_below_zero_or_above_the_value(
    services: Services, ops: list[tuple[str, int]],
) -> None:
    code = services.vouchers.issue(VoucherInput(value_cents=5000)).code
    for op, n in ops:
        before = services.vouchers.get(code)
        try:
            if op == "redeem":
                services.vouchers.redeem(code, amount_cents=n)
            else:
                redeems = [e.id for e in before.entries if e.kind == "redeem"]
                services.vouchers.reverse(redeems[n % len(redeems)] if redeems else -1)
        except StammkundeError:
            assert services.vouchers.get(code) == before
        after = services.vouchers.get(code)
        assert after.remaining_cents == sum(e.amount_cents for e in after.entries)
        assert 0 <= after.remaining_cents <= 5000


def test_two_threads_redeeming_the_full_value_at_once_book_it_once(
    services: Services,
) -> None:
    code = services.vouchers.issue(VoucherInput(value_cents=5000)).code
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def counter() -> None:
        barrier.wait(timeout=10)
        try:
            services.vouchers.redeem(code, amount_cents=5000)
            outcomes.append("ok")
        except StammkundeError:
            outcomes.append("refused")

    threads = [threading.Thread(target=counter) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["ok", "refused"]
    assert services.vouchers.get(code).remaining_cents == 0
