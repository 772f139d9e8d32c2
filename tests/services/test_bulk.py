from __future__ import annotations

import weakref
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.models import ClassAssignment, Customer
from app.services import bulk
from app.services.container import Services
from app.services.customers.dto import CustomerInput


def test_bulk_rows_read_back_exactly_as_orm_rows(services: Services) -> None:
    cid = services.customers.create(CustomerInput(last_name="Bulk")).id
    now = services.clock.now()
    with services.db.write() as session:
        bulk.insert_rows(session, ClassAssignment, [
            {"customer_id": cid, "abc_class": "A", "previous_class": None,
             "as_of": date(2026, 3, 15), "method": "auto", "reason": "",
             "valid_until": date(2026, 12, 31), "created_at": now}])
        bulk.insert_columns(session, ClassAssignment, {
            "customer_id": [cid], "abc_class": ["B"], "previous_class": ["A"],
            "as_of": [date(2026, 3, 16)], "method": ["auto"], "reason": ["x"],
            "valid_until": [None], "created_at": [now]})
        bulk.update_columns(session, Customer, [cid], {"abc_class": ["A"], "at_risk": [True]})
        session.commit()
    with services.db.read() as session:
        row, second = session.scalars(select(ClassAssignment).order_by(ClassAssignment.id))
        customer = session.get(Customer, cid)
        assert customer is not None
        assert (row.as_of, row.valid_until, row.created_at) == (date(2026, 3, 15),
                                                                date(2026, 12, 31), now)
        assert (second.abc_class, second.previous_class, second.as_of, second.valid_until,
                second.created_at) == ("B", "A", date(2026, 3, 16), None, now)
        assert (customer.abc_class, customer.at_risk) == ("A", True)


def test_a_naive_timestamp_is_refused() -> None:
    with pytest.raises(ValueError):
        bulk.sqlite_value(datetime(2026, 1, 1))


def test_the_garbage_collector_is_paused_only_inside_the_block() -> None:
    import gc

    assert gc.isenabled()
    with bulk.paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), bulk.paused_gc():
        raise RuntimeError("boom")
    assert gc.isenabled()


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_what_a_pause_leaves_alive_is_old_and_its_cycles_still_die() -> None:
    import gc

    with bulk.paused_gc():
        kept = [_Node() for _ in range(1000)]
        cycle = _Node()
        cycle.other = cycle
    gone = weakref.ref(cycle)
    del cycle
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert all(id(node) in oldest for node in kept)
    gc.collect()
    assert gone() is None
