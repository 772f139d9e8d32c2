"""The customer view's tab "Verträge & Club": maintenance contracts, club membership and
Kunden werben Kunden of one customer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changes, Domain
from app.services.contracts.service import ContractDTO
from app.services.errors import StammkundeError
from app.services.formatting import format_date
from app.services.referrals.service import code_for
from app.ui.context import AppContext
from app.ui.contracts.club_levels_dialog import ClubLevelsDialog
from app.ui.contracts.dialogs import ContractDialog, EndContractDialog, PriceDialog
from app.ui.errors import show_error
from app.ui.messages import MessageLabel
from app.ui.row_menu import add_row_menu
from app.ui.rows_model import Row, RowsModel, selected_payload, table_view
from app.ui.save_file import ask_save_file

REFRESH_DOMAINS = (Domain.CONTRACTS, Domain.CLUB, Domain.REFERRALS, Domain.SALES,
                   Domain.FOLLOWUPS)


def tr(text: str) -> str:
    return QCoreApplication.translate("Verträge", text)


def _contract_row(item: ContractDTO) -> Row[ContractDTO]:
    end = item.last_day or (item.min_term_end if item.renewal == "none" else None)
    return Row((item.number, item.title, ", ".join(item.object_names), item.price_text,
                format_date(item.start), format_date(item.min_term_end),
                tr(item.state_label), format_date(end)), item,
               tooltip=item.end_rule or item.term_text, warn=item.state == "ending")


def _button(label: str, slot: Callable[[], object]) -> QPushButton:
    """A button calling `slot()` without clicked's `checked` (the slots take other options)."""
    button = QPushButton(label)
    button.clicked.connect(lambda: slot())
    return button


class ContractsTab(QWidget):
    def __init__(self, context: AppContext, customer_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.customer_id = customer_id
        self.contracts = RowsModel[ContractDTO](
            [tr("Nummer"), tr("Bezeichnung"), tr("Objekte"), tr("Preis"), tr("Beginn"),
             tr("Mindestlaufzeit bis"), tr("Status"), tr("Letzter Tag")], self)
        self.contracts_view = table_view(self.contracts, stretch=(2,))
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.status = MessageLabel()
        contract_buttons = QHBoxLayout()
        new, end, price = (_button(label, slot) for label, slot in (
            (tr("Neuer Vertrag…"), self.new_contract),
            (tr("Kündigung erfassen…"), self.end_contract),
            (tr("Preis anpassen…"), self.adjust_price)))
        for button in (new, end, price):
            contract_buttons.addWidget(button)
        contract_buttons.addStretch(1)
        add_row_menu(self.contracts_view, end, price, None, new)

        self.club_state = QLabel()
        self.level = QComboBox()  # benefit texts are long: never widen the customer view
        self.level.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.level.setMinimumContentsLength(24)
        self.join_button = _button(tr("Beitreten"), self.join)
        self.renew_button = _button(tr("Verlängern"), self.renew)
        self.leave_button = _button(tr("Austreten"), self.leave)
        self.card_button = _button(tr("Mitgliedskarte drucken…"), self.print_card)
        club_row = QHBoxLayout()
        for widget in (self.level, self.join_button, self.renew_button, self.leave_button,
                       self.card_button, _button(tr("Clubstufen…"), self.edit_levels)):
            club_row.addWidget(widget)
        club_row.addStretch(1)
        club = QGroupBox(tr("Kundenclub"))
        club_layout = QVBoxLayout(club)
        club_layout.addWidget(self.club_state)
        club_layout.addLayout(club_row)

        self.referral_state = QLabel()
        self.referral_state.setWordWrap(True)
        self.referrer = QLineEdit()
        self.referrer.setPlaceholderText(tr("Kundennummer oder Empfehlungscode des Werbers"))
        referral_row = QHBoxLayout()
        referral_row.addWidget(self.referrer, 1)
        referral_row.addWidget(_button(tr("Geworben von"), self.add_referrer))
        referral_row.addWidget(_button(tr("Empfehlungskarte drucken…"),
                                       self.print_referral_card))
        referral = QGroupBox(tr("Kunden werben Kunden"))
        referral_layout = QVBoxLayout(referral)
        referral_layout.addWidget(self.referral_state)
        referral_layout.addLayout(referral_row)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("<b>Wartungsverträge</b>")))
        layout.addWidget(self.contracts_view, 1)
        layout.addWidget(self.detail)
        layout.addLayout(contract_buttons)
        layout.addWidget(club)
        layout.addWidget(referral)
        layout.addWidget(self.status)
        self.contracts_view.selectionModel().selectionChanged.connect(self._show_detail)
        context.bus.changed.connect(self._on_changed)
        self.refresh()

    # --- showing ---------------------------------------------------------------------

    def refresh(self) -> None:
        services = self.context.services
        self.contracts.set_rows([_contract_row(c) for c in
                                 services.contracts.for_customer(self.customer_id)])
        self.contracts_view.resizeColumnsToContents()
        self._show_club()
        self._show_referrals()

    def _show_detail(self) -> None:
        item = selected_payload(self.contracts_view, self.contracts)
        if item is None:
            self.detail.clear()
            return
        text = item.end_rule or item.term_text
        if item.renews_on:
            text += " " + tr("Nächste Verlängerung am {day}.").format(
                day=format_date(item.renews_on))
        self.detail.setText(text)

    def _show_club(self) -> None:
        services = self.context.services
        member = services.club.membership(self.customer_id)
        self.level.clear()
        for level in services.club.levels(active_only=True):
            self.level.addItem(f"{level.name} – {level.benefits_text}", level.id)
        if member is None:
            self.club_state.setText(tr("Kein Clubmitglied.") if self.level.count()
                                    else tr("Noch keine Clubstufe angelegt (Clubstufen…)."))
        else:
            due = tr(" – Verlängerung fällig") if member.renewal_due else ""
            self.club_state.setText(tr("Mitglied „{level}“ seit {since}, Karte {card}, bezahlt "
                                       "bis {until}{due}").format(
                level=member.level_name, since=format_date(member.joined_on),
                card=member.display_card, until=format_date(member.paid_until), due=due))
        self.level.setVisible(member is None)
        self.join_button.setVisible(member is None)
        self.join_button.setEnabled(self.level.count() > 0)
        for button in (self.renew_button, self.leave_button, self.card_button):
            button.setVisible(member is not None)

    def _show_referrals(self) -> None:
        lines = [tr("Empfehlungscode: {code}").format(code=code_for(self.customer_id))]
        for r in self.context.services.referrals.referrals(customer_id=self.customer_id):
            reward = tr("Prämie: {reward} am {day}").format(
                reward=r.reward, day=format_date(r.rewarded_on)) if r.reward else \
                tr("Prämie beim ersten Kauf")
            if r.referred_id == self.customer_id:
                lines.append(tr("Geworben von {name} ({number}); {reward}").format(
                    name=r.referrer_name, number=r.referrer_number, reward=reward))
            else:
                lines.append(tr("Hat {name} ({number}) geworben; {reward}").format(
                    name=r.referred_name, number=r.referred_number, reward=reward))
        self.referral_state.setText("\n".join(lines))

    def _on_changed(self, changes: Changes) -> None:
        if any(changes.touches(d, self.customer_id) for d in REFRESH_DOMAINS):
            self.refresh()

    # --- actions ---------------------------------------------------------------------

    def new_contract(self, object_id: int | None = None) -> ContractDialog:
        dialog = ContractDialog(self.context, self.customer_id, object_id=object_id,
                                parent=self)
        dialog.open()
        return dialog

    def end_contract(self) -> EndContractDialog | None:
        item = selected_payload(self.contracts_view, self.contracts, status=self.status)
        if item is None:
            return None
        dialog = EndContractDialog(self.context, item, parent=self)
        dialog.open()
        return dialog

    def adjust_price(self) -> PriceDialog | None:
        item = selected_payload(self.contracts_view, self.contracts, status=self.status)
        if item is None:
            return None
        dialog = PriceDialog(self.context, item, parent=self)
        dialog.open()
        return dialog

    def join(self) -> None:
        level_id = self.level.currentData()
        if level_id is not None:
            self._act(lambda: self.context.services.club.join(
                self.customer_id, level_id=int(level_id), by=self.context.actor))

    def edit_levels(self) -> ClubLevelsDialog:
        dialog = ClubLevelsDialog(self.context, parent=self)
        dialog.open()
        return dialog

    def renew(self) -> None:
        self._act(lambda: self.context.services.club.renew(self.customer_id,
                                                           by=self.context.actor))

    def leave(self) -> None:
        self._act(lambda: self.context.services.club.leave(self.customer_id,
                                                           by=self.context.actor))

    def print_card(self, path: Path | None = None) -> Path | None:
        return self._save_pdf(tr("Mitgliedskarte"), "Mitgliedskarte.pdf",
                              self.context.services.club.card_pdf, path)

    def print_referral_card(self, path: Path | None = None) -> Path | None:
        return self._save_pdf(tr("Empfehlungskarte"), "Empfehlungskarte.pdf",
                              self.context.services.referrals.card_pdf, path)

    def _save_pdf(self, what: str, default: str, write: Callable[..., Path],
                  path: Path | None) -> Path | None:
        """Ask where (unless given), write the card, say where it went."""
        if path is None:
            path = ask_save_file(self, self.context.services,
                                 tr("{what} speichern").format(what=what),
                                 self.context.data_dir / default, {tr("PDF (*.pdf)"): ".pdf"})
            if path is None:
                return None
        try:
            written = write(self.customer_id, path,
                            company=self.context.services.company.get())
        except StammkundeError as error:
            show_error(self, error)
            return None
        self.status.success(tr("{what} gespeichert: {path}").format(what=what, path=written))
        return written

    def add_referrer(self) -> None:
        text = self.referrer.text().strip()
        services = self.context.services

        def work() -> object:
            if text.upper().startswith("W"):
                return services.referrals.add_by_code(text, referred_id=self.customer_id,
                                                      by=self.context.actor)
            referrer = services.customers.get_by_number(text)
            return services.referrals.add(referrer_id=referrer.id,
                                          referred_id=self.customer_id, by=self.context.actor)

        if self._act(work):
            self.referrer.clear()

    def _act(self, work: Callable[[], object]) -> bool:
        """Run a service call; the change bus then refreshes the views it touched."""
        try:
            work()
        except StammkundeError as error:
            show_error(self, error)
            return False
        return True
