from __future__ import annotations

import multiprocessing
from collections import Counter

import pytest

from app.services.container import Services
from app.services.loyalty.vouchers import VoucherInput
from tests.services.loyalty.redeem_worker import redeem_all

ROUNDS = 20


@pytest.mark.slow  # two fresh Python processes, ~3–5 s
def test_two_processes_redeeming_the_full_value_at_once_succeed_exactly_once_per_voucher(
    services: Services,
) -> None:
    codes = [services.vouchers.issue(VoucherInput(value_cents=5000)).code
             for _ in range(ROUNDS)]
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    workers = [context.Process(target=redeem_all, args=(services.db.url, codes, 5000,
                                                        barrier, results, name))
               for name in ("Kasse 1", "Kasse 2")]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=60) for _ in range(2 * ROUNDS)]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    per_round = Counter((round_no, outcome) for round_no, _name, outcome in outcomes)
    assert all(per_round[(r, "ok")] == 1 and per_round[(r, "refused")] == 1
               for r in range(ROUNDS)), per_round
    assert all(services.vouchers.get(code).remaining_cents == 0 for code in codes)
    assert services.liability.liability().valid_cents == 0
