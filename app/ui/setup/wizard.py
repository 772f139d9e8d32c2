"""The first-start assistant (Einrichtungsassistent): company and letterhead, who works here,
what to import, which rules to switch on, where backups go.

Shown at start while the database has no letterhead and nobody is chosen under "Ich bin" on
this PC; always reachable under Datei → Einrichtungsassistent…, and its pages are tabs of the
settings too. Each page saves when "Weiter" leaves it, so an assistant closed half-way keeps
what was done (an import is done anyway).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.services.changes import Changes, Domain
from app.services.errors import StammkundeError
from app.ui import preferences
from app.ui.context import AppContext
from app.ui.errors import show_error
from app.ui.settings_dialog import StaffPage
from app.ui.setup.letterhead_page import LetterheadPage
from app.ui.setup.pages import BackupPage, ImportPage
from app.ui.setup.rules_page import RulesChoicePage


def tr(text: str) -> str:
    return QCoreApplication.translate("Einrichtung", text)


def setup_needed(context: AppContext) -> bool:
    """A database without a letterhead, at a PC where nobody chose "Ich bin": a first start."""
    return not context.services.company.get().name and not preferences.staff_name()


class _Page(QWizardPage):
    """A wizard page around a settings widget with `save()`; saved when the page is left."""

    def __init__(self, title: str, subtitle: str, widget: QWidget) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.widget = widget
        layout = QVBoxLayout(self)
        layout.addWidget(widget)

    def validatePage(self) -> bool:  # noqa: N802 (Qt override)
        try:
            self.widget.save()  # type: ignore[attr-defined]
        except StammkundeError as error:
            show_error(self, error)
            return False
        return True


class SetupWizard(QWizard):
    """Five pages; "Fertig" on the last one saves it and closes."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(tr("Einrichtungsassistent"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.letterhead = LetterheadPage(context)
        self.staff = StaffPage(context)
        self.imports = ImportPage(context)
        self.rules = RulesChoicePage(context)
        self.backups = BackupPage(context)
        self.pages = [
            _Page(tr("Ihre Firma und der Briefkopf"),
                  tr("So steht Ihre Firma auf jedem Brief. Rechts sehen Sie ihn, wie er "
                     "gedruckt wird."), self.letterhead),
            _Page(tr("Wer hier arbeitet"),
                  tr("Die Betreuer gelten für alle PCs; „Ich bin“ nur für diesen. Ihr Name "
                     "steht auf Briefen unter „Ihr Kontakt“."), self.staff),
            _Page(tr("Kunden und Umsätze übernehmen"),
                  tr("Aus Excel oder dem alten Programm – oder später."), self.imports),
            _Page(tr("Automatische Wiedervorlagen"),
                  tr("Welche Regeln sollen für Sie mitdenken?"), self.rules),
            _Page(tr("Sicherungen"), tr("Wohin die Sicherungen gehen."), self.backups),
        ]
        for page in self.pages:
            self.addPage(page)
        self.currentIdChanged.connect(self._entered)
        self.resize(1000, 680)

    def accept(self) -> None:
        super().accept()
        self.context.bus.publish(Changes.of(Domain.SETTINGS))  # "Ich bin" is not tracked

    def _entered(self, page_id: int) -> None:
        if self.page(page_id) is self.pages[3]:
            self.rules.refresh()  # after an import the numbers are different
