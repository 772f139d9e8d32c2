"""Datei → Einstellungen: one tab per entry of `SETTINGS_PAGES`, so features add their own.

A page is a QWidget taking `(context, parent)` with a `save()` method; it raises a
`ValidationError` to keep the dialog open. OK saves every page; what a page wrote to the
database is announced by the services' change tracker, and this PC's own preferences (QSettings,
e.g. "Ich bin") are announced here as a settings change.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changes, Domain
from app.services.errors import StammkundeError
from app.ui import preferences
from app.ui.context import AppContext
from app.ui.errors import show_error
from app.ui.keys import focus_first_field
from app.ui.row_menu import add_row_menu
from app.ui.sales.classification_settings import ClassificationSettingsPage


def tr(text: str) -> str:
    return QCoreApplication.translate("Einstellungen", text)


class SettingsPage(Protocol):
    def save(self) -> None: ...


@dataclass(frozen=True)
class SettingsPageSpec:
    key: str
    title: Callable[[], str]
    factory: Callable[[AppContext, QWidget], QWidget]


class StaffPage(QWidget):
    """The staff list (Betreuer) shared by all PCs, and who works at this PC ("Ich bin")."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.staff = QListWidget()
        for name in context.services.settings.staff():
            self._add_item(name)
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText(tr("Name, z. B. Meister Krause"))
        self.new_name.returnPressed.connect(self.add)
        add = QPushButton(tr("Hinzufügen"))
        add.setAutoDefault(False)
        add.clicked.connect(self.add)
        remove = QPushButton(tr("Entfernen"))
        remove.setAutoDefault(False)
        remove.clicked.connect(self.remove)
        add_row_menu(self.staff, remove)
        self.me = QComboBox()
        self._fill_me(preferences.staff_name())
        self.staff.model().rowsInserted.connect(lambda *_: self._fill_me(self._me()))
        self.staff.model().rowsRemoved.connect(lambda *_: self._fill_me(self._me()))
        self.staff.itemChanged.connect(lambda _item: self._fill_me(self._me()))

        row = QHBoxLayout()
        row.addWidget(self.new_name, 1)
        row.addWidget(add)
        row.addWidget(remove)
        hint = QLabel(tr("Betreuer können Kunden zugeordnet werden; die Liste gilt für alle "
                         "Arbeitsplätze. „Ich bin“ gilt nur für diesen Arbeitsplatz und "
                         "bestimmt „Meine Kunden“ und den Autor von Notizen."))
        hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("Ich bin"), self.me)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Betreuer")))
        layout.addWidget(self.staff, 1)
        layout.addLayout(row)
        layout.addLayout(form)
        layout.addWidget(hint)

    def names(self) -> list[str]:
        return [self.staff.item(i).text().strip() for i in range(self.staff.count())
                if self.staff.item(i).text().strip()]

    def add(self) -> None:
        name = self.new_name.text().strip()
        if name and name not in self.names():
            self._add_item(name)
        self.new_name.clear()

    def remove(self) -> None:
        row = self.staff.currentRow()
        if row >= 0:
            self.staff.takeItem(row)

    def save(self) -> None:
        names = self.context.services.settings.set_staff(self.names())
        me = self._me()
        preferences.set_staff_name(me if me in names else "")

    def _add_item(self, name: str) -> None:
        item = QListWidgetItem(name, self.staff)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)

    def _me(self) -> str:
        return str(self.me.currentData() or "")

    def _fill_me(self, current: str) -> None:
        self.me.blockSignals(True)
        self.me.clear()
        self.me.addItem(tr("(nicht gewählt)"), "")
        for name in self.names():
            self.me.addItem(name, name)
        self.me.setCurrentIndex(max(0, self.me.findData(current)))
        self.me.blockSignals(False)


def _lazy(module: str, name: str) -> Callable[[AppContext, QWidget], QWidget]:
    """A page of the set-up assistant, imported when the dialog is built (they import this)."""

    def build(context: AppContext, parent: QWidget) -> QWidget:
        widget: QWidget = getattr(importlib.import_module(module), name)(context, parent)
        return widget

    return build


SETTINGS_PAGES: list[SettingsPageSpec] = [
    SettingsPageSpec("letterhead", lambda: tr("Briefkopf"),
                     _lazy("app.ui.setup.letterhead_page", "LetterheadPage")),
    SettingsPageSpec("staff", lambda: tr("Betreuer"), StaffPage),
    SettingsPageSpec("classes", lambda: tr("Klassen"), ClassificationSettingsPage),
    SettingsPageSpec("rules", lambda: tr("Regeln"),
                     _lazy("app.ui.setup.rules_page", "RulesChoicePage")),
    SettingsPageSpec("backups", lambda: tr("Sicherung"),
                     _lazy("app.ui.setup.pages", "BackupPage")),
]


class SettingsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Einstellungen"))
        self.context = context
        self.tabs = QTabWidget()
        self.pages: dict[str, QWidget] = {}
        for spec in SETTINGS_PAGES:
            page = spec.factory(context, self.tabs)
            self.pages[spec.key] = page
            self.tabs.addTab(page, spec.title())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.setup_button = buttons.addButton(tr("Einrichtungsassistent …"),
                                              QDialogButtonBox.ButtonRole.ResetRole)
        self.setup_button.clicked.connect(self.open_setup)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.resize(900, 600)
        focus_first_field(self.pages[SETTINGS_PAGES[0].key])

    def open_setup(self) -> QDialog:
        """Close without saving and open the assistant with the same pages."""
        from app.ui.setup.wizard import SetupWizard

        self.reject()
        wizard = SetupWizard(self.context, self.parentWidget())
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.wizard = wizard
        wizard.open()
        return wizard

    def accept(self) -> None:
        for key, page in self.pages.items():
            try:
                page.save()  # type: ignore[attr-defined]
            except StammkundeError as error:
                self.tabs.setCurrentWidget(self.pages[key])
                show_error(self, error)
                return
        self.context.bus.publish(Changes.of(Domain.SETTINGS))  # QSettings are not tracked
        super().accept()
