"""The customer view and the main window on small screens (1366×768, 1280×720): every tab
reachable, nothing larger than the screen, and the view is a window of its own."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.ui.context import AppContext
from app.ui.customers.customer_view import CustomerView
from app.ui.customers.list_page import CustomerListPage
from app.ui.main_window import CUSTOMER_TABS, MainWindow
from app.ui.screen_fit import FRAME, SMALL_SCREENS, fits, fitted_size

BECKER = CustomerInput(kind="business", company="Becker Haustechnik GmbH", last_name="Becker",
                       first_name="Hans", postcode="01067", city="Dresden")


def _view(context: AppContext, services: Services, qtbot: QtBot) -> CustomerView:
    view = CustomerView(context, services.customers.create(BECKER).id)
    qtbot.addWidget(view)
    return view


@pytest.mark.parametrize("screen", SMALL_SCREENS, ids=["1366x768", "1280x720"])
def test_every_tab_of_the_customer_view_is_reachable_on_a_small_screen(
    context: AppContext, services: Services, qtbot: QtBot, screen: QRect
) -> None:
    view = _view(context, services, qtbot)
    assert fits(view.minimumSizeHint(), screen)
    view.resize(fitted_size(QSize(1100, 720), screen))
    view.show()
    qtbot.waitExposed(view)
    assert view.tabs.count() == 4 + len(CUSTOMER_TABS)  # Stammdaten … Datenschutz
    shown = view.tab_list.viewport().rect()
    metrics = view.tab_list.fontMetrics()
    for index in range(view.tabs.count()):
        item = view.tab_list.item(index)
        assert shown.contains(view.tab_list.visualItemRect(item)), item.text()
        assert metrics.horizontalAdvance(item.text()) < shown.width(), item.text()
        assert item.text() == view.tabs.tabText(index).replace("&&", "&")
        view.tab_list.setCurrentItem(item)
        assert view.tabs.currentIndex() == index
    assert view.tab_list.item(6).text() == "Bonus & Gutscheine"


def test_the_tab_column_follows_ctrl_tab_in_the_pages(
    context: AppContext, services: Services, qtbot: QtBot
) -> None:
    view = _view(context, services, qtbot)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.form.company.setFocus()
    qtbot.keyClick(view.form.company, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert view.tab_list.currentItem().text() == "Ansprechpersonen"
    view.tabs.setCurrentWidget(view.extra_tabs["sales"])
    assert view.tab_list.currentItem().text() == "Umsätze"


def test_the_customer_view_opens_no_larger_than_the_screen(
    context: AppContext, services: Services, qtbot: QtBot
) -> None:
    view = _view(context, services, qtbot)
    available = view.screen().availableGeometry()
    assert fits(view.size(), available)
    assert view.size() == QSize(1100, 720).boundedTo(available.size() - FRAME)


def test_the_customer_view_is_a_window_of_its_own_not_pinned_above_the_main_window(
    context: AppContext, services: Services, qtbot: QtBot
) -> None:
    page = CustomerListPage(context, None)
    qtbot.addWidget(page)
    view = page.open_customer(services.customers.create(BECKER).id)
    qtbot.waitExposed(view)
    assert view.parent() is None
    assert view.windowType() == Qt.WindowType.Window
    handle = view.windowHandle()
    assert handle is not None and handle.transientParent() is None
    # closing the main window still ends the program while a customer is open
    assert not view.testAttribute(Qt.WidgetAttribute.WA_QuitOnClose)
    view.close()


@pytest.mark.parametrize(("available", "expected"), [
    (QRect(0, 0, 1366, 728), QSize(1280, 688)),
    (QRect(0, 0, 1280, 680), QSize(1264, 640)),
    (QRect(0, 0, 1920, 1040), QSize(1280, 800)),
], ids=["1366x768", "1280x720", "1920x1080"])
def test_the_main_window_asks_for_1280x800_and_gets_what_the_screen_has(
    available: QRect, expected: QSize
) -> None:
    assert fitted_size(QSize(1280, 800), available) == expected


def test_the_main_window_with_heute_and_kunden_fits_a_1280x720_screen(
    context: AppContext, qtbot: QtBot
) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.page("today").loaded, timeout=5000):  # type: ignore[attr-defined]
        pass
    window.show_page("customers")
    assert fits(window.size(), window.screen().availableGeometry())
    for screen in SMALL_SCREENS:
        assert fits(window.minimumSizeHint(), screen)
    context.tasks.wait()
    QApplication.processEvents()  # the pages' loads arrive while they still exist
