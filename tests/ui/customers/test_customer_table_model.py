"""The customer list model: ids from SQL, lazy pages, SQL sorting, one-row refresh."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.db import open_database
from app.services.clock import LOCAL_ZONE, FixedClock
from app.services.container import Services
from app.services.customers.dto import CustomerFilter, CustomerInput
from app.services.demo.dataset import fill
from app.ui.customers.table_model import CLASS_COLUMN, COLUMNS, PAGE_SIZE, CustomerTableModel

CITY = [key for key, _title in COLUMNS].index("city")


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """5,000 demo customers, filled once for the read-only tests of this module."""
    path = tmp_path_factory.mktemp("big") / "big.sqlite3"
    database = open_database(f"sqlite:///{path}")
    clock = FixedClock(datetime(2026, 3, 15, 10, 30, tzinfo=LOCAL_ZONE))
    fill(database, clock, customers=5000, seed=7)
    yield Services.build(database, clock)
    database.dispose()


def test_the_model_passes_the_qt_model_tester(
        services: Services, qtmodeltester: ModelTester) -> None:
    fill(services.db, services.clock, customers=300, seed=7)
    model = CustomerTableModel(services)
    qtmodeltester.check(model)
    model.sort(CITY, Qt.SortOrder.DescendingOrder)
    model.set_filter(CustomerFilter(text="Müller"))
    qtmodeltester.check(model)


@pytest.mark.slow
def test_first_rows_of_5000_customers_show_without_loading_all(filled: Services) -> None:
    model = CustomerTableModel(filled)
    assert model.rowCount() == 5000
    assert model.index(0, 0).data().startswith("K-")
    assert model.index(0, 1).data()
    assert len(model._pages) == 1  # only the first page was fetched
    assert model.index(4999, 0).data().startswith("K-")
    assert len(model._pages) == 2


@pytest.mark.slow
def test_sorting_by_city_happens_in_sql_in_both_directions(filled: Services) -> None:
    model = CustomerTableModel(filled)
    model.sort(CITY, Qt.SortOrder.AscendingOrder)
    cities = [model.index(row, CITY).data() for row in range(0, 5000, 97)]
    assert cities == sorted(cities, key=str.casefold)
    assert cities[0] != cities[-1]
    model.sort(CITY, Qt.SortOrder.DescendingOrder)
    assert model.index(0, CITY).data() == cities[-1]


@pytest.mark.slow
def test_sorting_keeps_the_selected_customer_selected(filled: Services) -> None:
    model = CustomerTableModel(filled)
    chosen = model.customer_id(PAGE_SIZE + 3)
    keep = QPersistentModelIndex(model.index(PAGE_SIZE + 3, 0))
    model.sort(CITY, Qt.SortOrder.AscendingOrder)
    assert model.customer_id(keep.row()) == chosen


def test_the_class_column_is_a_coloured_badge(services: Services) -> None:
    created = services.customers.create(CustomerInput(last_name="Anders"))
    model = CustomerTableModel(services)
    assert model.index(0, CLASS_COLUMN).data(Qt.ItemDataRole.BackgroundRole) is None
    with services.db.write() as session:
        from sqlalchemy import text

        session.execute(text("UPDATE customers SET abc_class='A' WHERE id=:i"),
                        {"i": created.id})
        session.commit()
    model.refresh_customer(created.id)
    brush = model.index(0, CLASS_COLUMN).data(Qt.ItemDataRole.BackgroundRole)
    assert isinstance(brush, QBrush)
    assert brush.color().name() == "#2e7d32"
    assert model.index(0, CLASS_COLUMN).data() == "A"


def test_refreshing_one_customer_changes_only_its_row(
        services: Services, qtbot: QtBot) -> None:
    first = services.customers.create(CustomerInput(last_name="Albers"))
    services.customers.create(CustomerInput(last_name="Brandt"))
    model = CustomerTableModel(services)
    assert model.index(0, 1).data() == "Albers"
    services.customers.update(first.id, first.as_input(city="Erfurt"))
    with qtbot.assertNotEmitted(model.modelReset), \
            qtbot.waitSignal(model.dataChanged) as changed:
        model.refresh_customer(first.id)
    top_left, bottom_right = changed.args[:2]
    assert (top_left.row(), bottom_right.row()) == (0, 0)
    assert model.index(0, CITY).data() == "Erfurt"


def test_a_new_customer_resets_the_model(services: Services, qtbot: QtBot) -> None:
    services.customers.create(CustomerInput(last_name="Brandt"))
    model = CustomerTableModel(services)
    added = services.customers.create(CustomerInput(last_name="Albers"))
    with qtbot.waitSignal(model.modelReset):
        model.refresh_customer(added.id)
    assert [model.index(r, 1).data() for r in range(2)] == ["Albers", "Brandt"]
