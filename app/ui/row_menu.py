"""Right-click menus for lists and tables, built from the buttons the page already has.

A page keeps one place for each action (its button, with the button's slot); `add_row_menu`
offers the same actions on a right click, for the row under the mouse: the row is selected
first, then the menu lists the buttons in the order given, with their texts and enabled
states at that moment. A hidden button is left out, `None` draws a separator, and a button
with a drop-down menu becomes a sub-menu.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QMenu, QPushButton

Source = QAbstractButton | QAction | None


class RowMenu(QObject):
    """The right-click menu of one view; `menu` is the one shown last (for tests)."""

    def __init__(self, view: QAbstractItemView, sources: Sequence[Source]) -> None:
        super().__init__(view)  # the view is the parent; no Python reference back to it, so
        self._sources = tuple(sources)  # no cycle keeps a widget for the garbage collector
        self.menu: QMenu | None = None
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self.show_at)

    def _view(self) -> QAbstractItemView:
        view = self.parent()
        assert isinstance(view, QAbstractItemView)
        return view

    def build(self) -> QMenu:
        menu = QMenu(self._view())
        for source in self._sources:
            if source is None:
                if menu.actions() and not menu.actions()[-1].isSeparator():
                    menu.addSeparator()
            elif isinstance(source, QAction):
                if source.isVisible():
                    menu.addAction(source)
            elif not source.isHidden():
                self._add_button(menu, source)
        if menu.actions() and menu.actions()[-1].isSeparator():
            menu.removeAction(menu.actions()[-1])
        return menu

    def show_at(self, pos: QPoint) -> None:
        view = self._view()
        index = view.indexAt(pos)
        if index.isValid():
            view.setCurrentIndex(index)
        if self.menu is not None:
            self.menu.deleteLater()
        self.menu = self.build()
        if self.menu.actions():
            self.menu.popup(view.viewport().mapToGlobal(pos))

    @staticmethod
    def _add_button(menu: QMenu, button: QAbstractButton) -> None:
        drop_down = button.menu() if isinstance(button, QPushButton) else None
        if drop_down is not None:
            sub = menu.addMenu(button.text())
            sub.addActions(drop_down.actions())
            sub.setEnabled(button.isEnabled())
            return
        action = menu.addAction(button.text())
        action.setEnabled(button.isEnabled())
        action.setToolTip(button.toolTip())
        action.triggered.connect(button.click)


def add_row_menu(view: QAbstractItemView, *sources: Source) -> RowMenu:
    """Give `view` a right-click menu of `sources` (buttons or actions; None = separator)."""
    return RowMenu(view, sources)
