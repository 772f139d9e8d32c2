"""The dashboard's row "Kundenbindung": contracts, club and referrals in figures.

The row reads its figures itself, on the task runner (the club's comparison reads every
sale), whenever contracts, the club, referrals or sales change — independent of the
dashboard's long computation.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from app.services.changes import Changes, Domain
from app.services.club.service import ClubFigures
from app.services.contracts.service import ContractFigures
from app.services.formatting import format_cents, format_number
from app.services.progress import Progress
from app.services.referrals.service import ReferralStats
from app.ui.context import AppContext
from app.ui.errors import show_error
from app.ui.sales.dashboard_page import FigureCard

DOMAINS = (Domain.CONTRACTS, Domain.CLUB, Domain.REFERRALS, Domain.SALES, Domain.FOLLOWUPS)


def tr(text: str) -> str:
    return QCoreApplication.translate("Verträge", text)


def _percent(share: float) -> str:
    return f"{format_number(share * 100)} %"


class BindingFigures(QWidget):
    """Signals: loaded() after new figures are shown."""

    loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.cards = {key: FigureCard(title) for key, title in (
            ("contracts", tr("Wartungsverträge")),
            ("recurring", tr("Wiederkehrender Umsatz")),
            ("ending", tr("Verträge enden in 90 Tagen")),
            ("club", tr("Kundenclub")),
            ("referrals", tr("Kunden werben Kunden")),
        )}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for index, card in enumerate(self.cards.values()):  # three a row: fits 1024 pixels
            grid.addWidget(card, index // 3, index % 3)
        context.bus.changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, changes: Changes) -> None:
        if any(changes.touches(domain) for domain in DOMAINS):
            self.refresh()

    def refresh(self) -> None:
        services = self.context.services

        def work(_progress: Progress) -> tuple[ContractFigures, ClubFigures, ReferralStats]:
            return (services.contracts.figures(), services.club.figures(),
                    services.referrals.statistics())

        self.context.tasks.start(work, on_done=self._show,
                                 on_error=lambda error: show_error(self, error))

    def _show(self, figures: tuple[ContractFigures, ClubFigures, ReferralStats]) -> None:
        contracts, club, referrals = figures
        self.cards["contracts"].show_figure(
            str(contracts.active + contracts.ending),
            tr("Laufende Verträge, davon {ending} gekündigt; {ended} beendet. "
               "Kündigungsquote: {rate} aller Verträge.").format(
                ending=contracts.ending, ended=contracts.ended,
                rate=_percent(contracts.cancellation_rate)))
        self.cards["recurring"].show_figure(
            format_cents(contracts.recurring_cents),
            tr("Summe der Jahrespreise der laufenden Verträge (Preis je Besuch × Besuche "
               "im Jahr)."))
        self.cards["ending"].show_figure(
            str(contracts.ending_within_90_days),
            tr("Gekündigt oder mit fester Laufzeit. Kunden mit Wartungsobjekt, aber ohne "
               "Vertrag: {n} – das beste nächste Angebot.").format(
                n=contracts.objects_without_contract))
        self.cards["club"].show_figure(
            str(club.members),
            tr("Mitglieder; Beiträge {fees} im Jahr. Wiederkauf: Mitglieder {member}, "
               "übrige {other}. Ø Umsatz 12 Monate: {member_cents} gegen {other_cents}.")
            .format(fees=format_cents(club.fees_cents),
                    member=_percent(club.member_repurchase_rate),
                    other=_percent(club.other_repurchase_rate),
                    member_cents=format_cents(club.member_revenue_cents),
                    other_cents=format_cents(club.other_revenue_cents)))
        best = referrals.referrers[0] if referrals.referrers else None
        self.cards["referrals"].show_figure(
            str(referrals.referrals),
            tr("Empfehlungen, {rewarded} mit Prämie; Umsatz der Geworbenen {cents}.")
            .format(rewarded=referrals.rewarded, cents=format_cents(referrals.revenue_cents))
            + ("" if best is None else " " + tr("Bester Werber: {name} ({n}).").format(
                name=best.name, n=best.referred)))
        self.loaded.emit()
