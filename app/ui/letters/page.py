"""The "Briefe" page: template editor with live preview, serial letters, mailing results."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.services.changes import Changes, Domain
from app.ui.context import AppContext
from app.ui.letters.common import tr
from app.ui.letters.company_dialog import CompanyDialog
from app.ui.letters.mailing_tab import MailingTab
from app.ui.letters.results_tab import ResultsTab
from app.ui.letters.templates_tab import TemplatesTab


class LettersPage(QWidget):
    """Briefe: Vorlagen, Serienbrief, Auswertung — and the Briefkopf dialog."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.templates = TemplatesTab(context)
        self.mailing = MailingTab(context)
        self.results = ResultsTab(context)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.templates, tr("Vorlagen"))
        self.tabs.addTab(self.mailing, tr("Serienbrief"))
        self.tabs.addTab(self.results, tr("Auswertung"))
        company = QPushButton(tr("Briefkopf …"))
        company.clicked.connect(self.edit_company)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("<b>Briefe</b>")))
        top.addStretch(1)
        top.addWidget(company)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        context.bus.changed.connect(self._changed)

    def edit_company(self) -> None:
        CompanyDialog(self.context, self).exec()

    def _changed(self, changes: Changes) -> None:
        if changes.touches(Domain.LETTERS):
            self.mailing.reload_templates()
            self.results.reload()
        if changes.touches(Domain.SETTINGS):
            self.templates.update_preview()
            self.mailing.reload_staff()
