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
    QDialog,
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


def _today_page(context: AppContext, parent: QWidget) -> QWidget:
    from app.ui.today_page import TodayPage

    return TodayPage(context, parent)


def _letters_page(context: AppContext, parent: QWidget) -> QWidget:
    from app.ui.letters.page import LettersPage

    return LettersPage(context, parent)


def _followups_tab(context: AppContext, customer_id: int, parent: QWidget) -> QWidget:
    from app.ui.customer_followups import CustomerFollowUpsTab

    return CustomerFollowUpsTab(context, customer_id, parent)


def _sales_tab(context: AppContext, customer_id: int, parent: QWidget) -> QWidget:
    from app.ui.sales.sales_tab import SalesTab

    return SalesTab(context, customer_id, parent)


def _privacy_page(context: AppContext, parent: QWidget) -> QWidget:
    from app.ui.privacy.page import PrivacyPage

    return PrivacyPage(context, parent)


def _privacy_tab(context: AppContext, customer_id: int, parent: QWidget) -> QWidget:
    from app.ui.privacy.customer_tab import PrivacyTab

    return PrivacyTab(context, customer_id, parent)


def _dashboard(context: AppContext, parent: QWidget) -> QWidget:
    from app.ui.dashboard_page import DashboardPage

    return DashboardPage(context, parent)


def _feedback_tab(context: AppContext, customer_id: int, parent: QWidget) -> QWidget:
    from app.ui.feedback_tab import FeedbackTab

    return FeedbackTab(context, customer_id, parent)


PAGES: list[PageSpec] = [
    PageSpec("today", lambda: tr("Heute"), _today_page),
    PageSpec("customers", lambda: tr("Kunden"), _customer_list),
    PageSpec("letters", lambda: tr("Briefe"), _letters_page),
    PageSpec("privacy", lambda: tr("Datenschutz"), _privacy_page),
    PageSpec("dashboard", lambda: tr("Auswertungen"), _dashboard),
]

CUSTOMER_TABS: list[TabSpec] = [
    TabSpec("sales", lambda: tr("Umsätze"), _sales_tab),
    TabSpec("followups", lambda: tr("Wiedervorlagen"), _followups_tab),
    TabSpec("privacy", lambda: tr("Datenschutz"), _privacy_tab),
    TabSpec("feedback", lambda: tr("Zufriedenheit"), _feedback_tab),
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

    def find_customer(self) -> None:
        """Ctrl+F: the Kunden page with its search box focused."""
        self.show_page("customers").focus_search()  # type: ignore[attr-defined]

    def new_customer(self) -> QWidget:
        return self.show_page("customers").new_customer()  # type: ignore[attr-defined, no-any-return]

    def open_settings(self) -> QDialog:
        from app.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.settings_dialog = dialog
        dialog.open()
        return dialog

    def _action(self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str,
                slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.setShortcut(shortcut)
        action.triggered.connect(slot)
        return action

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu(tr("&Datei"))
        import_sales = QAction(tr("&Umsätze importieren…"), self)
        import_sales.triggered.connect(self.import_sales)
        file_menu.addAction(import_sales)
        backups = QAction(tr("&Sicherungen…"), self)
        backups.triggered.connect(self._backups)
        file_menu.addAction(backups)
        file_menu.addAction(self._action(tr("&Einstellungen …"), "Ctrl+,", self.open_settings))
        file_menu.addSeparator()
        quit_action = QAction(tr("&Beenden"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        customers_menu = self.menuBar().addMenu(tr("&Kunden"))
        customers_menu.addAction(self._action(
            tr("Kunden &suchen"), QKeySequence.StandardKey.Find, self.find_customer))
        customers_menu.addAction(self._action(
            tr("&Neuer Kunde …"), QKeySequence.StandardKey.New, self.new_customer))
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

    def _backups(self) -> None:
        from app.ui.privacy.backups_dialog import BackupsDialog

        BackupsDialog(self.context, self).exec()

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
