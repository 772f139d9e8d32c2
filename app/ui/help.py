"""Hilfe → Handbuch (F1: the chapter of the current page) and Hilfe → Über.

The manual is the `docs/` folder of the project, rendered with QTextBrowser's Markdown. A
wheel carries it as `resources/manual` (copied by setup.py's build step); a source checkout
reads `docs/` itself.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

import resources
from app.ui.context import AppContext

# The chapters in reading order: file → title.
CHAPTERS = {
    "erste-schritte.md": "Erste Schritte",
    "customers.md": "Kunden",
    "followups.md": "Wiedervorlagen, Regeln, Heute",
    "sales.md": "Umsätze, Klassen, Segmente",
    "dashboard.md": "Auswertungen, Zufriedenheit",
    "loyalty.md": "Bonus & Gutscheine",
    "contracts.md": "Verträge, Club, Empfehlungen",
    "letters.md": "Briefe",
    "email.md": "E-Mail",
    "import-export.md": "Import und Export",
    "privacy.md": "Datenschutz und Sicherungen",
}
# The main window's pages → their chapter (F1).
PAGE_CHAPTERS = {
    "today": "followups.md", "customers": "customers.md", "segments": "sales.md",
    "dashboard": "dashboard.md", "vouchers": "loyalty.md", "letters": "letters.md",
    "email": "email.md", "privacy": "privacy.md",
}
START = "erste-schritte.md"


def tr(text: str) -> str:
    return QCoreApplication.translate("Hilfe", text)


def manual_dir() -> Path:
    """Where the chapters are: inside the installed package, else the checkout's docs/."""
    bundled = Path(resources.__file__).parent / "manual"
    return bundled if bundled.is_dir() else Path(resources.__file__).parent.parent / "docs"


def version() -> str:
    try:
        return metadata.version("stammkunde")
    except metadata.PackageNotFoundError:
        return tr("unbekannt")


class ManualDialog(QDialog):
    """The chapters on the left, the chosen one rendered on the right; links between chapters
    open inside, links to the web in the browser."""

    def __init__(self, chapter: str = START, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Handbuch"))
        self.folder = manual_dir()
        self.chapters = QListWidget()
        self.chapters.setFixedWidth(220)
        for name, title in CHAPTERS.items():
            if (self.folder / name).is_file():
                item = QListWidgetItem(tr(title))
                item.setData(Qt.ItemDataRole.UserRole, name)
                self.chapters.addItem(item)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        # Tab leaves the text for the chapter list instead of walking its links.
        self.browser.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                             | Qt.TextInteractionFlag.TextSelectableByKeyboard
                                             | Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.browser.setTabChangesFocus(True)
        self.browser.setSearchPaths([str(self.folder)])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        body = QHBoxLayout()
        body.addWidget(self.chapters)
        body.addWidget(self.browser, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(buttons)
        self.chapters.currentRowChanged.connect(self._chosen)
        self.resize(1000, 700)
        self.show_chapter(chapter)

    def show_chapter(self, name: str) -> None:
        names = [self.chapters.item(i).data(Qt.ItemDataRole.UserRole)
                 for i in range(self.chapters.count())]
        if name not in names:
            name = START if START in names else names[0]
        self.chapters.setCurrentRow(names.index(name))

    @property
    def chapter(self) -> str:
        return str(self.chapters.currentItem().data(Qt.ItemDataRole.UserRole))

    def _chosen(self, row: int) -> None:
        if row >= 0:
            path = self.folder / str(self.chapters.item(row).data(Qt.ItemDataRole.UserRole))
            self.browser.setSource(QUrl.fromLocalFile(str(path)))


def show_about(context: AppContext, parent: QWidget) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Information, tr("Über Stammkunde"), tr(
        "Stammkunde {version} – Kundenverwaltung für Handwerksbetriebe.\n\n"
        "Datenordner: {data}\nDatenbank: {db}\nProtokoll: {log}").format(
            version=version(), data=context.data_dir, db=context.services.db.url,
            log=context.log_file), QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.open()
    return box
