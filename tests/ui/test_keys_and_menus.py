"""The shared keyboard and mouse helpers (issue #15): the confirmation of irreversible
actions, right-click menus built from a page's buttons, Strg+Enter, Esc in a search field."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.ui.confirm import action_button, confirm, confirmation_box
from app.ui.context import AppContext
from app.ui.keys import ctrl_enter_accepts, escape_clears
from app.ui.main_window import MainWindow
from app.ui.row_menu import add_row_menu
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
