"""The Auswertung tab: each mailing against its control group."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.formatting import format_cents, format_count, format_date, format_share
from app.ui.context import AppContext
from app.ui.letters.common import points_text, tr


class ResultsTab(QWidget):
    """Each mailing against its control group: buyers and revenue after 30/60/90 days."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.mailings = QTableWidget(0, 6)
        self.mailings.setHorizontalHeaderLabels(
            [tr("Nr."), tr("Datum"), tr("Vorlage"), tr("Briefe"), tr("Kontrollgruppe"),
             tr("Status")])
        self.mailings.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.mailings.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.mailings.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.mailings.itemSelectionChanged.connect(self.show_results)
        self.results = QTableWidget(0, 7)
        self.results.setHorizontalHeaderLabels(
            # two-line headers: seven columns share the width of a 1024-pixel screen
            [tr("Zeitraum"), tr("Käufer\nEmpfänger"), tr("Käufer\nKontrollgruppe"),
             tr("Differenz"), tr("Unsicherheit\n(95 % sicher)"), tr("Umsatz je\nEmpfänger"),
             tr("Umsatz je\nKontrollkunde")])
        self.results.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.results.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.results.setWordWrap(True)
        # at most a few rows: rows grow to the wrapped text instead of cutting it off
        self.results.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.note = QLabel(tr("Käufer: Anteil der Kunden mit einem Umsatz nach dem Versandtag "
                              "innerhalb des Zeitraums. Differenz: so viele Prozentpunkte mehr "
                              "Empfänger als Kunden der Kontrollgruppe haben gekauft. "
                              "Unsicherheit: mit 95 % Sicherheit liegt die wahre Wirkung des "
                              "Briefs zwischen den beiden Werten; liegt die Null dazwischen, "
                              "kann der Unterschied auch Zufall sein."))
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.mailings, 1)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.note)
        self.reload()

    def reload(self) -> None:
        rows = self.context.services.mailings.mailings()
        self.mailings.setRowCount(len(rows))
        for row, m in enumerate(rows):
            status = tr("fertig") if m.status == "complete" else tr("abgebrochen")
            for column, text in enumerate((f"#{m.id}", format_date(m.mailing_date),
                                           m.template_name, str(m.letters_printed),
                                           str(m.control), status)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, m.id)
                self.mailings.setItem(row, column, item)
        self.mailings.resizeColumnsToContents()

    def show_results(self) -> None:
        selected = self.mailings.selectedItems()
        if not selected:
            return
        results = self.context.services.mailings.results(
            int(selected[0].data(Qt.ItemDataRole.UserRole)))
        self.results.setRowCount(len(results.windows))
        for row, w in enumerate(results.windows):
            ci = w.confidence_interval
            period = format_count(w.days, tr("Tag"), tr("Tage")) + (
                "" if w.complete else tr(" (läuft)"))
            texts = (period, format_share(w.recipient_rate), format_share(w.control_rate),
                     points_text(w.difference),
                     tr("zwischen {low} und {high}").format(
                         low=points_text(ci[0]), high=points_text(ci[1])) if ci else "–",
                     format_cents(w.revenue_per_recipient_cents),
                     format_cents(w.revenue_per_control_cents))
            for column, text in enumerate(texts):
                self.results.setItem(row, column, QTableWidgetItem(text))
