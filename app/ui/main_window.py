"""The main window: navigation on the left, one page at a time on the right.

Pages and the customer view's tabs are registered in `PAGES` and `CUSTOMER_TABS`; a feature
adds its page there and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from app.ui.context import AppContext


def tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: Callable[[], str]
    factory: Callable[[AppContext, QWidget], QWidget]


@dataclass(frozen=True)
class TabSpec:
    """A tab of the customer view; `factory(context, customer_id, parent)`."""

    key: str
    title: Callable[[], str]
    factory: Callable[[AppContext, int, QWidget], QWidget]


def _customer_list(context: AppContext, parent: QWidget) -> QWidget:
    from app.ui.customers.list_page import CustomerListPage

    return CustomerListPage(context, parent)


def _segments(context: AppContext, parent: QWidget) -> QWidget:
    from app.ui.sales.segments_page import SegmentsPage

    return SegmentsPage(context, parent)


PAGES: list[PageSpec] = [
    PageSpec("customers", lambda: tr("Kunden"), _customer_list),
    PageSpec("segments", lambda: tr("Segmente"), _segments),
]


def _sales_tab(context: AppContext, customer_id: int, parent: QWidget) -> QWidget:
    from app.ui.sales.sales_tab import SalesTab

    return SalesTab(context, customer_id, parent)


CUSTOMER_TABS: list[TabSpec] = [
    TabSpec("sales", lambda: tr("Umsätze"), _sales_tab),
]


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.setWindowTitle(tr("Stammkunde"))
        self.resize(1280, 800)
        self._nav = QListWidget()
        self._nav.setFixedWidth(180)
        self._stack = QStackedWidget()
        self._pages: dict[str, QWidget] = {}
        for spec in PAGES:
            page = spec.factory(context, self._stack)
            self._pages[spec.key] = page
            self._stack.addWidget(page)
            item = QListWidgetItem(spec.title())
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self._nav.addItem(item)
        self._nav.currentRowChanged.connect(self._stack.setCurrentIndex)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._nav)
        layout.addWidget(self._stack, 1)
        self.setCentralWidget(central)
        self._build_menu()
        self.statusBar().showMessage(tr("Datenbank: ") + context.services.db.url)
        context.open_customer = self.open_customer
        self._nav.setCurrentRow(0)
        self._restore_geometry()

    def page(self, key: str) -> QWidget:
        return self._pages[key]

    def show_page(self, key: str) -> QWidget:
        self._nav.setCurrentRow(list(self._pages).index(key))
        return self._pages[key]

    def open_customer(self, customer_id: int) -> None:
        customers = self.show_page("customers")
        customers.open_customer(customer_id)  # type: ignore[attr-defined]

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu(tr("&Datei"))
        import_sales = QAction(tr("&Umsätze importieren…"), self)
        import_sales.triggered.connect(self.import_sales)
        file_menu.addAction(import_sales)
        quit_action = QAction(tr("&Beenden"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu(tr("&Hilfe"))
        about = QAction(tr("Ü&ber Stammkunde"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def import_sales(self) -> None:
        from app.ui.sales.import_dialog import SalesImportDialog

        name, _filter = QFileDialog.getOpenFileName(
            self, tr("Umsätze importieren"), "",
            tr("Tabellen (*.csv *.txt *.xlsx);;Alle Dateien (*)"))
        if name:
            SalesImportDialog(self.context, Path(name), self).exec()

    def _about(self) -> None:
        QMessageBox.about(self, tr("Über Stammkunde"), tr(
            "Stammkunde – Kundenverwaltung für Handwerksbetriebe.\n\n"
            "Daten: {data}\nProtokoll: {log}").format(
                data=self.context.data_dir, log=self.context.log_file))

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("main_window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        super().closeEvent(event)
