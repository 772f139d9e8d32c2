"""The shared keyboard and mouse helpers (issue #15): the confirmation of irreversible
actions, right-click menus built from a page's buttons, Strg+Enter, Esc in a search field."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCalendarWidget,
    QComboBox,
    QDialog,
    QHeaderView,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.services.customers.dto import CustomerInput
from app.services.followups.service import FollowUpInput
from app.services.privacy.contact_policy import Channel
from app.ui.confirm import action_button, confirm, confirmation_box
from app.ui.context import AppContext
from app.ui.customers.customer_view import CustomerView
from app.ui.customers.list_page import CustomerListPage
from app.ui.followups.customer_tab import CustomerFollowUpsTab
from app.ui.followups.dialogs import OutcomeDialog
from app.ui.keys import ctrl_enter_accepts, escape_clears
from app.ui.main_window import PAGES, MainWindow
from app.ui.privacy.customer_tab import PrivacyTab
from app.ui.row_menu import RowMenu, add_row_menu
from app.ui.rows_model import Row, RowsModel, table_view

# A popup menu grabs the keyboard and is raised; the offscreen platform says it cannot.
MENU_NOISE = r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"


def _press_on_modal_box(key: Qt.Key, still_open: list[bool]) -> None:
    """Press `key` where the focus is in the open box; close the box if the key did not
    (so a failing test fails instead of waiting for ever)."""
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox)
    QTest.keyClick(box.focusWidget() or box, key)
    still_open.append(box.isVisible())
    if box.isVisible():
        box.done(0)


def test_an_irreversible_action_defaults_to_abbrechen(qtbot: QtBot) -> None:
    box = confirmation_box(None, title="Löschen", text="Vorlage „Wartung“ löschen?",
                           action="Löschen")
    qtbot.addWidget(box)
    assert box.defaultButton() is box.escapeButton()
    assert box.defaultButton().text() == "Abbrechen"
    assert action_button(box).text() == "Löschen"
    assert not action_button(box).autoDefault()


def test_enter_and_esc_on_the_confirmation_do_nothing_irreversible(qtbot: QtBot) -> None:
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Escape, Qt.Key.Key_Space):
        still_open: list[bool] = []
        QTimer.singleShot(0, lambda key=key, s=still_open: _press_on_modal_box(key, s))
        assert confirm(None, title="Löschen", text="Wirklich?", action="Löschen") is False
        assert still_open == [False]


def test_only_the_action_button_confirms(qtbot: QtBot) -> None:
    def click_action() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        action_button(box).click()

    QTimer.singleShot(0, click_action)
    assert confirm(None, title="Löschen", text="Wirklich?", action="Endgültig löschen")


def _table_with_buttons(qtbot: QtBot) -> tuple[QWidget, QTableView, QPushButton,
                                                QPushButton, QPushButton]:
    """A page: a table of two rows and three buttons below it (one disabled, one hidden)."""
    page = QWidget()
    qtbot.addWidget(page)
    model = RowsModel[str](["Name"], page)
    model.set_rows([Row(("Adler",), "a"), Row(("Becker",), "b")])
    view = table_view(model)
    edit, remove, hidden = (QPushButton(text) for text in ("Bearbeiten …", "Entfernen",
                                                            "Versteckt"))
    layout = QVBoxLayout(page)
    for widget in (view, edit, remove, hidden):
        layout.addWidget(widget)
    remove.setEnabled(False)
    hidden.hide()
    page.resize(300, 300)
    page.show()
    return page, view, edit, remove, hidden


@pytest.mark.qt_log_ignore(MENU_NOISE)
def test_the_right_click_menu_offers_the_buttons_for_the_row_under_the_mouse(
        qtbot: QtBot) -> None:
    _page, view, edit, remove, hidden = _table_with_buttons(qtbot)
    clicked: list[str] = []
    edit.clicked.connect(lambda: clicked.append(view.currentIndex().data()))
    menu = add_row_menu(view, edit, None, remove, hidden)
    view.customContextMenuRequested.emit(view.visualRect(view.model().index(1, 0)).center())
    assert view.currentIndex().row() == 1
    assert menu.menu is not None
    qtbot.waitUntil(menu.menu.isVisible)
    actions = menu.menu.actions()
    assert [a.text() for a in actions] == ["Bearbeiten …", "", "Entfernen"]
    assert [a.isEnabled() for a in actions if not a.isSeparator()] == [True, False]
    actions[0].trigger()
    assert clicked == ["Becker"]
    menu.menu.close()


@pytest.mark.qt_log_ignore(MENU_NOISE)
def test_a_right_click_beside_the_rows_keeps_the_selection(qtbot: QtBot) -> None:
    _page, view, edit, _remove, _hidden = _table_with_buttons(qtbot)
    view.selectRow(0)
    menu = add_row_menu(view, edit)
    view.customContextMenuRequested.emit(QPoint(5, view.viewport().height() - 5))
    assert view.currentIndex().row() == 0
    assert menu.menu is not None
    menu.menu.close()


def test_ctrl_enter_in_a_multi_line_field_presses_ok_while_enter_adds_a_line(
        qtbot: QtBot) -> None:
    dialog = QDialog()
    text = QPlainTextEdit()
    ok = QPushButton("OK")
    ok.setDefault(True)
    ok.clicked.connect(dialog.accept)
    layout = QVBoxLayout(dialog)
    layout.addWidget(text)
    layout.addWidget(ok)
    ctrl_enter_accepts(dialog)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    text.setFocus()
    qtbot.keyClicks(text, "Termin")
    qtbot.keyClick(text, Qt.Key.Key_Return)
    assert dialog.isVisible() and text.toPlainText() == "Termin\n"
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_esc_empties_a_search_field_and_closes_the_dialog_only_when_it_is_empty(
        qtbot: QtBot) -> None:
    dialog = QDialog()
    search = QLineEdit()
    QVBoxLayout(dialog).addWidget(search)
    escape_clears(search)
    qtbot.addWidget(dialog)
    dialog.show()
    search.setFocus()
    qtbot.keyClicks(search, "Meier")
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    assert search.text() == "" and dialog.isVisible()
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_beenden_is_bound_to_ctrl_q_itself(context: AppContext, qtbot: QtBot) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    quit_actions = [a for a in window.findChildren(QAction) if a.text() == "&Beenden"]
    assert [a.shortcut() for a in quit_actions] == [QKeySequence("Ctrl+Q")]


# Lists whose rows have no action: a right click there has nothing to offer.
NO_ROW_ACTIONS = {
    "MainWindow._nav", "CustomerView.tab_list",  # the navigation of pages and tabs
    "ResultsTab.mailings", "ResultsTab.results",  # figures of a mailing
    "MailingTab.excluded",  # who a serial letter leaves out, and why
    "SalesTab.table", "FeedbackTab.scores",  # booked sales and scores are kept as they are
    "SegmentsPage.rfm_list",  # a check list of a segment's rule
    "AuditView.table",  # the audit log is read only
}


def _name(view: QAbstractItemView) -> str:
    """`Owner.attribute` of the view, for the message and the list above."""
    owner = view.parentWidget()
    while owner is not None:
        for attribute, value in vars(owner).items():
            if value is view:
                return f"{type(owner).__name__}.{attribute}"
        owner = owner.parentWidget()
    return type(view).__name__


def _lists(root: QWidget) -> list[QAbstractItemView]:
    """The lists and tables a user sees (not headers, nor a combo box's or calendar's own)."""
    def inner(view: QWidget) -> bool:
        parent = view.parentWidget()
        while parent is not None:
            if isinstance(parent, QComboBox | QCalendarWidget):
                return True
            parent = parent.parentWidget()
        return view.isWindow()

    return [view for view in root.findChildren(QAbstractItemView)
            if not isinstance(view, QHeaderView) and not inner(view)]


def test_every_list_of_every_page_and_customer_tab_has_a_right_click_menu(
        context: AppContext, qtbot: QtBot) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    for spec in PAGES:
        window.page(spec.key)
    customer = context.services.customers.create(CustomerInput(last_name="Becker")).id
    view = CustomerView(context, customer)
    qtbot.addWidget(view)
    without = sorted(_name(v) for root in (window, view) for v in _lists(root)
                     if v.contextMenuPolicy() != Qt.ContextMenuPolicy.CustomContextMenu)
    assert [name for name in without if name not in NO_ROW_ACTIONS] == []


def _menu_at_row(qtbot: QtBot, view: QAbstractItemView, row: int) -> QMenu:
    menu = view.findChild(RowMenu)
    assert isinstance(menu, RowMenu)
    view.customContextMenuRequested.emit(view.visualRect(view.model().index(row, 0)).center())
    assert menu.menu is not None
    qtbot.waitUntil(menu.menu.isVisible)
    return menu.menu


@pytest.mark.qt_log_ignore(MENU_NOISE)
def test_the_follow_ups_tab_offers_its_buttons_on_a_right_click(
        context: AppContext, qtbot: QtBot) -> None:
    followups = context.services.followups
    with qtbot.waitSignal(context.bus.changed):  # delivered now, not while a box is open
        customer = context.services.customers.create(CustomerInput(last_name="Becker")).id
    with qtbot.waitSignal(context.bus.changed):
        item = followups.create(customer, FollowUpInput(subject="Angebot nachfassen",
                                                        due_date=date(2026, 3, 16)))
    tab = CustomerFollowUpsTab(context, customer)
    qtbot.addWidget(tab)
    tab.show()
    menu = _menu_at_row(qtbot, tab.followups_view, 0)
    actions = {action.text(): action for action in menu.actions()}
    assert list(actions) == ["Neu…", "Bearbeiten…", "Erledigt…", "+1 Woche", "Löschen"]
    still_open: list[bool] = []
    QTimer.singleShot(0, lambda: _press_on_modal_box(Qt.Key.Key_Return, still_open))
    actions["Löschen"].trigger()  # the question defaults to Abbrechen
    assert still_open == [False] and [f.id for f in followups.for_customer(customer)] == [
        item.id]
    menu.close()
    with qtbot.waitSignal(context.bus.changed):
        actions["+1 Woche"].trigger()
    assert followups.for_customer(customer)[0].due_date == date(2026, 3, 22)


@pytest.mark.qt_log_ignore(MENU_NOISE)
def test_oeffnen_on_the_customer_list_menu_opens_the_customer(
        context: AppContext, qtbot: QtBot) -> None:
    customer = context.services.customers.create(CustomerInput(last_name="Becker")).id
    page = CustomerListPage(context, None)
    qtbot.addWidget(page)
    page.show()
    menu = _menu_at_row(qtbot, page.table, 0)
    assert [a.text() for a in menu.actions()] == ["Öffnen", "", "Neuer Kunde"]
    menu.actions()[0].trigger()
    assert list(page._views) == [customer]
    page._views[customer].close()


def test_erledigt_takes_several_lines_and_strg_enter_completes(
        context: AppContext, qtbot: QtBot) -> None:
    customer = context.services.customers.create(CustomerInput(last_name="Becker")).id
    item = context.services.followups.create(customer, FollowUpInput(
        subject="Angebot nachfassen", due_date=date(2026, 3, 16)))
    dialog = OutcomeDialog(item)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.text.hasFocus)
    qtbot.keyClicks(dialog.text, "Termin vereinbart")
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.text, "Dienstag 9 Uhr")
    assert dialog.isVisible()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.outcome() == "Termin vereinbart\nDienstag 9 Uhr"


def test_enter_on_the_werbewiderspruch_question_records_nothing(
        context: AppContext, qtbot: QtBot) -> None:
    customer = context.services.customers.create(CustomerInput(last_name="Becker")).id
    tab = PrivacyTab(context, customer)
    qtbot.addWidget(tab)
    still_open: list[bool] = []
    QTimer.singleShot(0, lambda: _press_on_modal_box(Qt.Key.Key_Return, still_open))
    tab.objection_button.click()
    assert still_open == [False]
    assert context.services.privacy.decision(customer, channel=Channel.LETTER).code != (
        "objection")
