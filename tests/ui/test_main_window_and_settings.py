"""Main window shortcuts and the Einstellungen dialog (Betreuer list, "Ich bin")."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.customers.dto import CustomerInput
from app.ui.context import AppContext
from app.ui.customers.customer_view import CustomerView
from app.ui.customers.list_page import CustomerListPage
from app.ui.main_window import MainWindow
from app.ui.preferences import set_staff_name, staff_name
from app.ui.settings_dialog import SETTINGS_PAGES, SettingsDialog, StaffPage


@pytest.fixture
def window(context: AppContext, qtbot: QtBot) -> Iterator[MainWindow]:
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    yield win


def test_ctrl_f_focuses_the_search_box(window: MainWindow, qtbot: QtBot) -> None:
    page = window.page("customers")
    assert isinstance(page, CustomerListPage)
    page.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(page.search.hasFocus)


def test_ctrl_n_opens_an_empty_customer_form(window: MainWindow, qtbot: QtBot) -> None:
    page = window.page("customers")
    assert isinstance(page, CustomerListPage)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert len(page._new_views) == 1
    view = page._new_views[0]
    assert isinstance(view, CustomerView)
    assert view.windowTitle() == "Neuer Kunde"
    assert view.customer_id is None


def test_context_open_customer_opens_the_view(
        window: MainWindow, context: AppContext) -> None:
    cid = context.services.customers.create(CustomerInput(last_name="Offen")).id
    context.open_customer(cid)
    page = window.page("customers")
    assert isinstance(page, CustomerListPage)
    assert page._views[cid].isVisible()


def test_the_settings_menu_entry_opens_the_settings(window: MainWindow) -> None:
    file_menu = window.menuBar().actions()[0].menu()
    entry = next(a for a in file_menu.actions() if "Einstellungen" in a.text())
    assert entry.shortcut().toString() == "Ctrl+,"
    entry.trigger()
    dialog = window.settings_dialog
    assert isinstance(dialog, SettingsDialog)
    assert dialog.isVisible()
    assert dialog.tabs.count() == len(SETTINGS_PAGES)


def test_staff_and_who_i_am_are_saved_and_fill_the_list_filter(
        context: AppContext, qtbot: QtBot) -> None:
    page = CustomerListPage(context, None)
    qtbot.addWidget(page)
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    staff = dialog.pages["staff"]
    assert isinstance(staff, StaffPage)
    for name in ("Meister Krause", "Geselle Tim"):
        qtbot.keyClicks(staff.new_name, name)
        qtbot.keyClick(staff.new_name, Qt.Key.Key_Return)
    assert staff.names() == ["Meister Krause", "Geselle Tim"]
    staff.me.setCurrentIndex(staff.me.findData("Geselle Tim"))
    dialog.accept()
    assert context.services.settings.staff() == ["Meister Krause", "Geselle Tim"]
    assert staff_name() == "Geselle Tim"
    assert page.owner_filter.findText("Geselle Tim") >= 0
    mine = page.owner_filter.findText("Meine Kunden")
    assert page.owner_filter.model().index(mine, 0).flags() & Qt.ItemFlag.ItemIsEnabled


def test_removing_myself_from_the_staff_list_forgets_who_i_am(
        context: AppContext, qtbot: QtBot) -> None:
    context.services.settings.set_staff(["Meister Krause"])
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    staff = dialog.pages["staff"]
    assert isinstance(staff, StaffPage)
    staff.me.setCurrentIndex(staff.me.findData("Meister Krause"))
    staff.staff.setCurrentRow(0)
    staff.remove()
    assert staff.me.currentData() == ""
    dialog.accept()
    assert context.services.settings.staff() == []
    assert staff_name() == ""


def test_the_window_acts_as_unbekannt_until_someone_chooses_ich_bin_never_as_the_login(
        context: AppContext) -> None:
    assert context.actor == "Unbekannt"

    set_staff_name("Meisterin Weber")

    assert context.actor == "Meisterin Weber"
