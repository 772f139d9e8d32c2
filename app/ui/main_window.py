"""The main window: navigation on the left, one page at a time on the right.

Pages and the customer view's tabs are registered in `PAGES` and `CUSTOMER_TABS`; a feature
adds its page there and nowhere else.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings, QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from app.ui.context import AppContext
from app.ui.icons import icon
from app.ui.screen_fit import resize_to_fit


def tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: Callable[[], str]
    factory: Callable[[AppContext, QWidget], QWidget]
    icon: str = ""  # a file in resources/icons without ".svg"


@dataclass(frozen=True)
class TabSpec:
    """A tab of the customer view; `factory(context, customer_id, parent)`."""

    key: str
    title: Callable[[], str]
    factory: Callable[[AppContext, int, QWidget], QWidget]


def _lazy(module: str, name: str) -> Callable[..., QWidget]:
    """A factory that imports the widget's module only when the page or tab is built."""

    def build(*args: object) -> QWidget:
        widget: QWidget = getattr(importlib.import_module(module), name)(*args)
        return widget

    return build


PAGES: list[PageSpec] = [
    PageSpec("today", lambda: tr("Heute"), _lazy("app.ui.followups.today_page", "TodayPage"),
             "calendar-check"),
    PageSpec("customers", lambda: tr("Kunden"),
             _lazy("app.ui.customers.list_page", "CustomerListPage"), "users"),
    PageSpec("segments", lambda: tr("Segmente"),
             _lazy("app.ui.customers.segments_page", "SegmentsPage"), "funnel"),
    PageSpec("dashboard", lambda: tr("Auswertungen"),
             _lazy("app.ui.sales.dashboard_page", "DashboardPage"), "chart-column"),
    PageSpec("vouchers", lambda: tr("Gutscheine"),
             _lazy("app.ui.loyalty.vouchers_page", "VouchersPage"), "ticket"),
    PageSpec("letters", lambda: tr("Briefe"), _lazy("app.ui.letters.page", "LettersPage"),
             "mail"),
    PageSpec("email", lambda: tr("E-Mail"), _lazy("app.ui.email.page", "EmailPage"), "at-sign"),
    PageSpec("privacy", lambda: tr("Datenschutz"), _lazy("app.ui.privacy.page", "PrivacyPage"),
             "shield-check"),
]

CUSTOMER_TABS: list[TabSpec] = [
    TabSpec("sales", lambda: tr("Umsätze"), _lazy("app.ui.sales.sales_tab", "SalesTab")),
    TabSpec("feedback", lambda: tr("Zufriedenheit"),
            _lazy("app.ui.sales.feedback_tab", "FeedbackTab")),
    TabSpec("loyalty", lambda: tr("Bonus & Gutscheine"),
            _lazy("app.ui.loyalty.customer_tab", "LoyaltyTab")),
    TabSpec("followups", lambda: tr("Wiedervorlagen"),
            _lazy("app.ui.followups.customer_tab", "CustomerFollowUpsTab")),
    TabSpec("contracts", lambda: tr("Verträge & Club"),
            _lazy("app.ui.contracts.customer_tab", "ContractsTab")),
    TabSpec("letters", lambda: tr("Briefe"),
            _lazy("app.ui.letters.customer_tab", "CustomerLettersTab")),
    TabSpec("email", lambda: tr("E-Mail"),
            _lazy("app.ui.email.customer_tab", "CustomerEmailTab")),
    TabSpec("privacy", lambda: tr("Datenschutz"),
            _lazy("app.ui.privacy.customer_tab", "PrivacyTab")),
]


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.setWindowTitle(tr("Stammkunde – Demo") if context.demo else tr("Stammkunde"))
        resize_to_fit(self, QSize(1280, 800))  # a 1366×768 laptop gets less
        self._nav = QListWidget()
        self._nav.setFixedWidth(180)
        self._stack = QStackedWidget()
        # Pages are built the first time they are shown: start-up pays only for the first.
        self._pages: dict[str, QWidget] = {}
        for spec in PAGES:
            self._stack.addWidget(QWidget())
            item = QListWidgetItem(spec.title())
            if spec.icon:
                item.setIcon(icon(spec.icon))
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self._nav.addItem(item)
        self._nav.currentRowChanged.connect(self._show_row)
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
        """The page for `key`, built now if it was never shown."""
        if key not in self._pages:
            index = [spec.key for spec in PAGES].index(key)
            page = PAGES[index].factory(self.context, self._stack)
            placeholder = self._stack.widget(index)
            assert placeholder is not None  # every page has a placeholder until it is built
            self._stack.insertWidget(index, page)
            self._stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self._pages[key] = page
        return self._pages[key]

    def show_page(self, key: str) -> QWidget:
        self._nav.setCurrentRow([spec.key for spec in PAGES].index(key))
        return self.page(key)

    def _show_row(self, row: int) -> None:
        self.page(PAGES[row].key)
        self._stack.setCurrentIndex(row)

    def open_customer(self, customer_id: int) -> None:
        customers = self.show_page("customers")
        customers.open_customer(customer_id)  # type: ignore[attr-defined]

    def find_customer(self) -> None:
        """Ctrl+F: the Kunden page with its search box focused."""
        self.show_page("customers").focus_search()  # type: ignore[attr-defined]

    def new_customer(self) -> QWidget:
        return self.show_page("customers").new_customer()  # type: ignore[attr-defined]

    def open_settings(self) -> QDialog:
        from app.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.settings_dialog = dialog
        dialog.open()
        return dialog

    def _action(self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str,
                slot: Callable[[], object], icon_name: str = "") -> QAction:
        action = QAction(icon(icon_name), text, self) if icon_name else QAction(text, self)
        action.setShortcut(shortcut)
        action.triggered.connect(slot)
        return action

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu(tr("&Datei"))
        file_menu.addAction(self._action(tr("Kunden &importieren …"), "", self._import_customers,
                                         "file-input"))
        file_menu.addAction(self._action(tr("Kunden &exportieren …"), "", self._export_customers,
                                         "file-output"))
        file_menu.addAction(self._action(tr("&Umsätze importieren …"), "", self.import_sales,
                                         "file-input"))
        file_menu.addSeparator()
        file_menu.addAction(self._action(tr("&Sicherungen …"), "", self._backups,
                                         "database-backup"))
        file_menu.addAction(self._action(tr("&Einstellungen …"), "Ctrl+,", self.open_settings,
                                         "settings"))
        file_menu.addAction(self._action(tr("Einrichtungs&assistent …"), "", self.open_setup))
        file_menu.addSeparator()
        # Windows has no StandardKey.Quit: bind Strg+Q itself
        file_menu.addAction(self._action(tr("&Beenden"), QKeySequence("Ctrl+Q"), self.close,
                                         "log-out"))
        customers_menu = self.menuBar().addMenu(tr("&Kunden"))
        customers_menu.addAction(self._action(
            tr("Kunden &suchen"), QKeySequence.StandardKey.Find, self.find_customer, "search"))
        customers_menu.addAction(self._action(
            tr("&Neuer Kunde …"), QKeySequence.StandardKey.New, self.new_customer, "user-plus"))
        help_menu = self.menuBar().addMenu(tr("&Hilfe"))
        help_menu.addAction(self._action(tr("&Handbuch …"), QKeySequence.StandardKey.HelpContents,
                                         self.open_manual))
        help_menu.addAction(self._action(tr("Ü&ber Stammkunde"), "", self.about, "info"))

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

    def _import_customers(self) -> None:
        from app.ui.customers.import_dialog import CustomerImportDialog

        CustomerImportDialog(self.context, self).exec()

    def _export_customers(self) -> None:
        from app.ui.customers.export_dialog import export_customers

        export_customers(self.context, self)

    def open_setup(self) -> QDialog:
        from app.ui.setup.wizard import SetupWizard

        wizard = SetupWizard(self.context, self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setup_wizard = wizard
        wizard.open()
        return wizard

    def current_page_key(self) -> str:
        return PAGES[self._stack.currentIndex()].key

    def open_manual(self) -> QDialog:
        """F1: the manual at the chapter of the page on screen."""
        from app.ui.help import PAGE_CHAPTERS, ManualDialog

        dialog = ManualDialog(PAGE_CHAPTERS.get(self.current_page_key(), ""), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.manual = dialog
        dialog.show()
        return dialog

    def about(self) -> QWidget:
        from app.ui.help import show_about

        return show_about(self.context, self)

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("main_window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        super().closeEvent(event)
