"""The customer view's "Bonus & Gutscheine" tab: cards, balances, ledgers, vouchers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changes, Domain
from app.services.errors import StammkundeError
from app.services.formatting import format_cents, format_date
from app.services.loyalty import card_numbers
from app.services.loyalty import pdf as loyalty_pdf
from app.services.loyalty.cards import CardDTO
from app.services.loyalty.vouchers import VoucherInput
from app.ui.context import AppContext
from app.ui.errors import show_error
from app.ui.loyalty.vouchers_page import VoucherIssueDialog
from app.ui.messages import MessageLabel
from app.ui.row_menu import add_row_menu
from app.ui.rows_model import Row, RowsModel, selected_payload, table_view
from app.ui.save_file import ask_save_file


def tr(text: str) -> str:
    return QCoreApplication.translate("BonusTab", text)


class LoyaltyTab(QWidget):
    def __init__(self, context: AppContext, customer_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.services = context.services
        self.customer_id = customer_id
        self.cards: list[CardDTO] = []
        self._prefer: str | None = None  # card number to select on the next refresh
        layout = QVBoxLayout(self)
        self.discount = QLabel()
        layout.addWidget(self.discount)
        self.message = MessageLabel()  # known errors inline, e.g. "Nicht genug Punkte"
        layout.addWidget(self.message)
        top = QHBoxLayout()
        self.card_picker = QComboBox()
        self.card_picker.currentIndexChanged.connect(self._show_card)
        top.addWidget(QLabel(tr("Karte")))
        top.addWidget(self.card_picker, 1)
        self.balance = QLabel()
        top.addWidget(self.balance)
        layout.addLayout(top)
        self.ledger_model = RowsModel[int]([tr("Nr."), tr("Datum"), tr("Buchung"), tr("Punkte"),
                                            tr("Grund"), tr("Karte"), tr("Von")],
                                           self, right_aligned=(3,))
        self.ledger = table_view(self.ledger_model, default_width=120)
        layout.addWidget(self.ledger, 2)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, label, slot in (
            ("enrol", tr("Aufnehmen …"), self._enrol_dialog),
            ("credit", tr("Gutschreiben …"), self._credit_dialog),
            ("reward", tr("Prämie einlösen …"), self._reward_dialog),
            ("correct", tr("Korrigieren …"), self._correct_dialog),
            ("replace", tr("Karte ersetzen …"), self._replace_dialog),
            ("voucher", tr("Gutschein ausgeben …"), self._voucher_dialog),
            ("print", tr("Karte drucken …"), self._print_dialog),
        ):
            button = QPushButton(label)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.buttons[key] = button
        buttons.addStretch(1)
        add_row_menu(self.ledger, self.buttons["correct"], self.buttons["credit"],
                     self.buttons["reward"])
        layout.addLayout(buttons)
        layout.addWidget(QLabel(tr("Gutscheine")))
        self.voucher_model = RowsModel[str]([tr("Code"), tr("Gutschein"), tr("Restwert"),
                                             tr("Status"), tr("Gültig bis")],
                                            self, right_aligned=(2,))
        self.vouchers = table_view(self.voucher_model, default_width=120)
        add_row_menu(self.vouchers, self.buttons["voucher"])
        layout.addWidget(self.vouchers, 1)
        context.bus.changed.connect(self._on_changed)
        self.refresh()

    @property
    def card(self) -> CardDTO | None:
        index = self.card_picker.currentIndex()
        return self.cards[index] if 0 <= index < len(self.cards) else None

    def refresh(self) -> None:
        keep = self._prefer or (self.card.number if self.card else None)
        self._prefer = None
        discount = self.services.discounts.discount_for(self.customer_id)
        source = {"customer": tr("persönlich"), "class": tr("nach Klasse"),
                  "club": tr("Kundenclub"), "none": ""}[discount.source]
        self.discount.setText(tr("Stammkundenrabatt: ") + discount.percent_text
                              + (f" ({source})" if source else ""))
        self.cards = self.services.loyalty.cards_of(self.customer_id)
        self.card_picker.blockSignals(True)
        self.card_picker.clear()
        for card in self.cards:
            blocked = "" if card.status == "active" else tr(" – gesperrt")
            self.card_picker.addItem(f"{card.program_name} – {card.display_number}{blocked}")
        numbers = [c.number for c in self.cards]
        self.card_picker.setCurrentIndex(numbers.index(keep) if keep in numbers else 0)
        self.card_picker.blockSignals(False)
        self._show_card()
        vouchers = self.services.vouchers.of_customer(self.customer_id)
        self.voucher_model.set_rows(
            Row((v.display_code, v.description, format_cents(v.remaining_cents), v.status_label,
                 format_date(v.valid_until)), v.code) for v in vouchers)

    # --- actions (the dialogs below ask, these do) ---------------------------------------

    def enrol(self, program_id: int) -> None:
        def enrol() -> None:
            self._prefer = self.services.loyalty.enrol(self.customer_id, program_id=program_id,
                                                       by=self.context.actor).number

        self._run(enrol)

    def credit(self, points: int, reason: str) -> None:
        card = self._active_card()
        self._run(lambda: self.services.loyalty.credit(card, points=points, reason=reason,
                                                       by=self.context.actor))

    def redeem_reward(self, reward_id: int) -> None:
        card = self._active_card()
        self._run(lambda: self.services.loyalty.redeem_reward(card, reward_id=reward_id,
                                                              by=self.context.actor))

    def correct(self, *, reason: str, points: int | None = None,
                entry_id: int | None = None) -> None:
        card = self._active_card()
        self._run(lambda: self.services.loyalty.correct(card, points=points, entry_id=entry_id,
                                                        reason=reason, by=self.context.actor))

    def replace_card(self, reason: str) -> None:
        card = self._active_card()

        def replace() -> None:
            self._prefer = self.services.loyalty.replace_card(card, reason=reason,
                                                              by=self.context.actor).number

        self._run(replace)

    def issue_voucher(self, data: VoucherInput) -> None:
        self._run(lambda: self.services.vouchers.issue(data, by=self.context.actor))

    def print_cards(self, path: Path) -> Path:
        active = [c for c in self.cards if c.status == "active"]
        return loyalty_pdf.cards_pdf(active, path,
                                     company=self.services.company.get())

    # --- internals ---------------------------------------------------------------------

    def _active_card(self) -> str:
        return self.card.number if self.card else ""

    def _run(self, action: Callable[[], object]) -> bool:
        self.message.clear()
        try:
            action()
        except StammkundeError as error:
            self.message.error(error.message)
            return False
        return True

    def _show_card(self) -> None:
        card = self.card
        for key in ("credit", "reward", "correct", "replace", "print"):
            self.buttons[key].setEnabled(card is not None and card.status == "active")
        if card is None:
            self.balance.setText(tr("Noch keine Bonuskarte."))
            self.ledger_model.set_rows([])
            return
        self.balance.setText(tr("Stand: ") + f"<b>{card.balance} {card.unit}</b>")
        entries = self.services.loyalty.entries(card.number)
        self.ledger_model.set_rows(
            Row((str(e.id), format_date(e.entry_date),
                 e.label + (tr(" (storniert)") if e.reversed else ""), f"{e.points:+d}", e.reason,
                 card_numbers.grouped(e.card_number) if e.card_number else "", e.author), e.id)
            for e in entries)

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Domain.LOYALTY, self.customer_id):
            self.refresh()

    def _enrol_dialog(self) -> None:
        programs = self.services.programs.programs(active_only=True)
        if not programs:
            show_error(self, StammkundeError(tr("Noch kein Bonusprogramm angelegt "
                                                "(Gutscheine → Bonusprogramme).")))
            return
        names = [f"{p.name} ({p.summary})" for p in programs]
        choice, ok = QInputDialog.getItem(self, tr("Aufnehmen"), tr("Bonusprogramm"), names,
                                          0, False)
        if ok:
            self.enrol(programs[names.index(choice)].id)

    def _credit_dialog(self) -> None:
        points, ok = QInputDialog.getInt(self, tr("Gutschreiben"), tr("Anzahl"), 1, 1, 100_000)
        if ok:
            reason, ok = QInputDialog.getText(self, tr("Gutschreiben"), tr("Grund"))
            if ok:
                self.credit(points, reason)

    def _reward_dialog(self) -> None:
        card = self.card
        if card is None:
            return
        rewards = [r for r in self.services.programs.rewards(card.program_id) if r.active]
        if not rewards:
            show_error(self, StammkundeError(tr("Für dieses Programm ist keine Prämie "
                                                "angelegt.")))
            return
        names = [f"{r.name} – {r.cost} {card.unit}" for r in rewards]
        choice, ok = QInputDialog.getItem(self, tr("Prämie einlösen"), tr("Prämie"), names,
                                          0, False)
        if ok:
            self.redeem_reward(rewards[names.index(choice)].id)

    def _correct_dialog(self) -> None:
        reason, ok = QInputDialog.getText(self, tr("Korrigieren"), tr("Grund der Korrektur"))
        if not ok:
            return
        entry_id = selected_payload(self.ledger, self.ledger_model)
        if entry_id is not None:
            self.correct(reason=reason, entry_id=entry_id)
            return
        points, ok = QInputDialog.getInt(self, tr("Korrigieren"),
                                         tr("Punkte (+/−), keine Buchung gewählt"),
                                         0, -100_000, 100_000)
        if ok:
            self.correct(reason=reason, points=points)

    def _replace_dialog(self) -> None:
        reason, ok = QInputDialog.getText(self, tr("Karte ersetzen"),
                                          tr("Grund (z. B. verloren)"), text=tr("verloren"))
        if ok:
            self.replace_card(reason)

    def _voucher_dialog(self) -> None:
        dialog = VoucherIssueDialog(self.services.clock.today(), self, allow_batch=False)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                data = dialog.data(self.customer_id)
            except StammkundeError as error:
                show_error(self, error)
                return
            self.issue_voucher(data)

    def _print_dialog(self) -> None:
        path = ask_save_file(self, self.context.services, tr("Bonuskarte als PDF speichern"),
                             self.context.data_dir / "Bonuskarte.pdf",
                             {tr("PDF-Dateien (*.pdf)"): ".pdf"})
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.print_cards(path))))
