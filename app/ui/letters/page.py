"""The "Briefe" page: template editor with live preview, serial letters, mailing results."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.services.changes import Changes, Domain
from app.services.formatting import format_count
from app.ui.context import AppContext
from app.ui.headings import page_title
from app.ui.icons import icon
from app.ui.letters.common import tr
from app.ui.letters.company_dialog import CompanyDialog
from app.ui.letters.mailing_tab import MailingTab
from app.ui.letters.results_tab import ResultsTab
from app.ui.letters.templates_tab import TemplatesTab
from app.ui.messages import MessageLabel


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
        top.addWidget(page_title(tr("Briefe")))
        top.addStretch(1)
        top.addWidget(company)
        self.waiting = MessageLabel()
        self.waiting_button = QPushButton(icon("list-checks"), tr("Vorgemerkte Briefe drucken …"))
        self.waiting_button.clicked.connect(self.show_letter_lists)
        waiting = QHBoxLayout()
        waiting.addWidget(self.waiting, 1)
        waiting.addWidget(self.waiting_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(waiting)
        layout.addWidget(self.tabs, 1)
        context.bus.changed.connect(self._changed)
        self.show_waiting()

    def show_waiting(self) -> None:
        """Say how many letters "Brief vormerken" and the rules have put aside for printing."""
        lists = self.context.services.mailings.letter_lists()
        total = sum(letters.count for letters in lists)
        self.waiting.warning(tr("Vorgemerkt: {letters} ({lists}).").format(
            letters=format_count(total, tr("Brief"), tr("Briefe")),
            lists=", ".join(f"{letters.name} {letters.count}" for letters in lists))
            if lists else "")
        self.waiting.setVisible(bool(lists))
        self.waiting_button.setVisible(bool(lists))

    def show_letter_lists(self) -> None:
        """The Serienbrief tab with the vorgemerkte Briefe as recipients."""
        self.tabs.setCurrentWidget(self.mailing)
        self.mailing.show_letter_lists()

    def edit_company(self) -> None:
        CompanyDialog(self.context, self).exec()

    def _changed(self, changes: Changes) -> None:
        if changes.touches(Domain.LETTERS):
            self.mailing.reload_templates()
            self.mailing.reload_letter_lists()
            self.results.reload()
            self.show_waiting()
        if changes.touches(Domain.SETTINGS):
            self.templates.update_preview()
            self.mailing.reload_staff()
