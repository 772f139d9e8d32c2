"""The Kunden page: search-as-you-type, filters, count, opening customers, saved header."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.services.changes import Changes
from app.services.customers.dto import CustomerInput
from app.ui.context import AppContext
from app.ui.customers.customer_view import CustomerView
from app.ui.customers.list_page import CustomerListPage
from app.ui.preferences import set_staff_name


def names(page: CustomerListPage) -> list[str]:
    return [page.model.index(r, 1).data() for r in range(page.model.rowCount())]


def make_page(context: AppContext, qtbot: QtBot) -> CustomerListPage:
    page = CustomerListPage(context, None)
    qtbot.addWidget(page)
    page.show()
    return page


def add(context: AppContext, **fields: object) -> int:
    return context.services.customers.create(CustomerInput(**fields)).id  # type: ignore[arg-type]


def test_typing_in_the_search_box_shows_the_match(context: AppContext, qtbot: QtBot) -> None:
    add(context, last_name="Schmidt", city="Kiel")
    add(context, last_name="Wagner", city="Bonn")
    page = make_page(context, qtbot)
    assert page.count_label.text() == "2 Kunden"
    qtbot.keyClicks(page.search, "wagn")
    qtbot.waitUntil(lambda: names(page) == ["Wagner"])
    assert page.count_label.text() == "1 Kunde"


def test_umlauts_typed_one_by_one_find_mueller(context: AppContext, qtbot: QtBot) -> None:
    add(context, last_name="Müller", first_name="Anna")
    add(context, last_name="Maler")
    page = make_page(context, qtbot)
    page.search.setFocus()
    for char in "Mül":
        QTest.sendKeyEvent(QTest.KeyAction.Click, page.search, Qt.Key.Key_unknown, char,
                           Qt.KeyboardModifier.NoModifier)
    assert page.search.text() == "Mül"
    qtbot.waitUntil(lambda: names(page) == ["Müller, Anna"])


def test_filters_by_status_class_tag_and_my_customers(
        context: AppContext, qtbot: QtBot) -> None:
    context.services.settings.set_staff(["Meister Krause", "Geselle Tim"])
    add(context, last_name="Krauses Kunde", owner="Meister Krause", tags=("Vermieter",))
    gone = add(context, last_name="Archiviert")
    context.services.customers.set_archived(gone, True)
    add(context, last_name="Tims Kunde", owner="Geselle Tim")
    set_staff_name("Geselle Tim")
    page = make_page(context, qtbot)
    assert sorted(names(page)) == ["Krauses Kunde", "Tims Kunde"]
    page.owner_filter.setCurrentIndex(page.owner_filter.findText("Meine Kunden"))
    assert names(page) == ["Tims Kunde"]
    page.owner_filter.setCurrentIndex(0)
    page.tag_filter.setCurrentIndex(page.tag_filter.findText("Vermieter"))
    assert names(page) == ["Krauses Kunde"]
    page.tag_filter.setCurrentIndex(0)
    page.status_filter.setCurrentIndex(page.status_filter.findData("archived"))
    assert names(page) == ["Archiviert"]
    page.status_filter.setCurrentIndex(page.status_filter.findData("all"))
    assert len(names(page)) == 3
    page.class_filter.setCurrentIndex(page.class_filter.findData("A"))
    assert names(page) == []
    assert page.count_label.text() == "0 Kunden"


def test_my_customers_is_disabled_until_i_chose_who_i_am(
        context: AppContext, qtbot: QtBot) -> None:
    page = make_page(context, qtbot)
    mine = page.owner_filter.findText("Meine Kunden")
    assert not page.owner_filter.model().index(mine, 0).flags() & Qt.ItemFlag.ItemIsEnabled


def test_enter_in_the_table_opens_the_customer(context: AppContext, qtbot: QtBot) -> None:
    cid = add(context, last_name="Schmidt")
    page = make_page(context, qtbot)
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    view = page._views[cid]
    assert isinstance(view, CustomerView)
    assert view.isVisible()
    assert view.number_label.text() == "K-000001"
    assert page.open_customer(cid) is view  # one window per customer


def test_a_published_change_repaints_the_one_row(context: AppContext, qtbot: QtBot) -> None:
    cid = add(context, last_name="Schmidt", city="Kiel")
    page = make_page(context, qtbot)
    customer = context.services.customers.get(cid)
    context.services.customers.update(cid, customer.as_input(city="Bonn"))
    with qtbot.assertNotEmitted(page.model.modelReset):
        context.bus.publish(Changes.of("customers", customers=(cid,)))
    assert page.model.index(0, 5).data() == "Bonn"


def test_column_widths_and_sort_are_kept_in_qsettings(
        context: AppContext, qtbot: QtBot) -> None:
    add(context, last_name="Albers", city="Zwickau")
    add(context, last_name="Brandt", city="Aachen")
    page = make_page(context, qtbot)
    page.table.horizontalHeader().resizeSection(1, 333)
    page.table.sortByColumn(5, Qt.SortOrder.AscendingOrder)
    assert names(page) == ["Brandt", "Albers"]
    assert QSettings().contains("customer_list/header")
    again = make_page(context, qtbot)
    assert again.table.horizontalHeader().sectionSize(1) == 333
    assert names(again) == ["Brandt", "Albers"]


def test_enter_in_the_search_box_selects_the_first_match_and_enter_opens_it(
        context: AppContext, qtbot: QtBot) -> None:
    cid = add(context, last_name="Wagner")
    add(context, last_name="Schmidt")
    page = make_page(context, qtbot)
    qtbot.keyClicks(page.search, "wag")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)  # no waiting for the debounce
    assert page.table.currentIndex().row() == 0
    assert names(page) == ["Wagner"]
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page._views[cid].isVisible()
