"""Bonusprogramme: programs, their rewards catalogue and the Stammkundenrabatt per class."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import StammkundeError
from app.services.formatting import format_cents, parse_cents
from app.services.loyalty.programs import ProgramDTO, ProgramInput, invalid
from app.ui.context import AppContext
from app.ui.errors import show_error
from app.ui.rows_model import Row, RowsModel, table_view


def tr(text: str) -> str:
    return QCoreApplication.translate("Bonusprogramme", text)


class ProgramsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Bonusprogramme"))
        self.context = context
        self.programs_service = context.services.programs
        self.discounts = context.services.discounts
        self.programs: list[ProgramDTO] = []
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.program_list = QListWidget()
        self.program_list.currentRowChanged.connect(self._show_program)
        new = QPushButton(tr("Neues Programm"))
        new.clicked.connect(lambda: self.program_list.setCurrentRow(-1))
        left.addWidget(self.program_list)
        left.addWidget(new)
        layout.addLayout(left, 1)

        right = QVBoxLayout()
        box = QGroupBox(tr("Programm"))
        form = QFormLayout(box)
        self.name = QLineEdit()
        self.kind = QComboBox()
        self.kind.addItem(tr("Punkteprogramm"), "points")
        self.kind.addItem(tr("Stempelkarte"), "stamps")
        self.points_per_euro = QSpinBox()
        self.points_per_euro.setRange(1, 1000)
        self.rounding = QComboBox()
        self.rounding.addItem(tr("abrunden"), "down")
        self.rounding.addItem(tr("kaufmännisch runden"), "half_up")
        self.min_purchase = QLineEdit("0,00")
        self.stamps = QSpinBox()
        self.stamps.setRange(1, 100)
        self.stamps.setValue(10)
        self.category = QLineEdit()
        self.category.setPlaceholderText(tr("z. B. Fensterreinigung (leer: jeder Umsatz)"))
        self.expiry = QSpinBox()
        self.expiry.setRange(0, 10)
        self.expiry.setSpecialValueText(tr("nie"))
        self.active = QCheckBox(tr("aktiv"))
        self.active.setChecked(True)
        for label, widget in ((tr("Name"), self.name), (tr("Art"), self.kind),
                              (tr("Punkte je Euro"), self.points_per_euro),
                              (tr("Rundung"), self.rounding),
                              (tr("Mindestumsatz (€)"), self.min_purchase),
                              (tr("Stempel bis zur Prämie"), self.stamps),
                              (tr("Leistung"), self.category),
                              (tr("Verfall nach Jahren"), self.expiry), ("", self.active)):
            form.addRow(label, widget)
        save = QPushButton(tr("Programm speichern"))
        save.clicked.connect(self._save_program)
        form.addRow(save)
        right.addWidget(box)

        rewards = QGroupBox(tr("Prämien"))
        rewards_layout = QVBoxLayout(rewards)
        self.reward_model = RowsModel[int]([tr("Prämie"), tr("Preis"), tr("Gutschein")], self,
                                           right_aligned=(1, 2))
        table = table_view(self.reward_model, default_width=120)
        rewards_layout.addWidget(table)
        add_row = QHBoxLayout()
        self.reward_name = QLineEdit()
        self.reward_name.setPlaceholderText(tr("z. B. 25-€-Gutschein"))
        self.reward_cost = QSpinBox()
        self.reward_cost.setRange(1, 1_000_000)
        self.reward_cost.setValue(500)
        self.reward_voucher = QLineEdit()
        self.reward_voucher.setPlaceholderText(tr("Gutscheinwert € (leer: Leistung)"))
        add = QPushButton(tr("Prämie hinzufügen"))
        add.clicked.connect(self._add_reward)
        for control in (self.reward_name, self.reward_cost, self.reward_voucher, add):
            add_row.addWidget(control)
        rewards_layout.addLayout(add_row)
        right.addWidget(rewards)

        discounts = QGroupBox(tr("Stammkundenrabatt je Klasse (%)"))
        discount_row = QHBoxLayout(discounts)
        rates = self.discounts.class_rates()
        self.rates: dict[str, QDoubleSpinBox] = {}
        for klass in ("A", "B", "C"):
            spin = QDoubleSpinBox()
            spin.setRange(0, 100)
            spin.setDecimals(1)
            spin.setValue(rates.get(klass, 0) / 100)
            spin.setPrefix(f"{klass}: ")
            self.rates[klass] = spin
            discount_row.addWidget(spin)
        save_rates = QPushButton(tr("Rabatte speichern"))
        save_rates.clicked.connect(self._save_rates)
        discount_row.addWidget(save_rates)
        right.addWidget(discounts)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        right.addWidget(close)
        layout.addLayout(right, 2)
        self._reload()

    @property
    def program(self) -> ProgramDTO | None:
        row = self.program_list.currentRow()
        return self.programs[row] if 0 <= row < len(self.programs) else None

    def form_input(self) -> ProgramInput:
        try:
            minimum = parse_cents(self.min_purchase.text() or "0")
        except ValueError as exc:
            raise invalid({"min_purchase": str(exc)}) from None
        return ProgramInput(
            name=self.name.text(), kind=str(self.kind.currentData()),
            points_per_euro=self.points_per_euro.value(),
            rounding=str(self.rounding.currentData()), min_purchase_cents=minimum,
            stamps_required=self.stamps.value(), service_category=self.category.text(),
            expiry_years=self.expiry.value() or None, active=self.active.isChecked())

    def _reload(self, select: int | None = None) -> None:
        self.programs = self.programs_service.programs()
        self.program_list.blockSignals(True)
        self.program_list.clear()
        for program in self.programs:
            self.program_list.addItem(f"{program.name} – {program.summary}")
        ids = [p.id for p in self.programs]
        self.program_list.setCurrentRow(ids.index(select) if select in ids else -1)
        self.program_list.blockSignals(False)
        self._show_program()

    def _show_program(self) -> None:
        program = self.program
        self.name.setText(program.name if program else "")
        self.kind.setCurrentIndex(self.kind.findData(program.kind if program else "points"))
        self.points_per_euro.setValue(program.points_per_euro if program else 1)
        self.rounding.setCurrentIndex(self.rounding.findData(program.rounding if program
                                                             else "down"))
        self.min_purchase.setText(format_cents(program.min_purchase_cents if program else 0,
                                               symbol=False))
        self.stamps.setValue((program.stamps_required or 10) if program else 10)
        self.category.setText(program.service_category if program else "")
        self.expiry.setValue((program.expiry_years or 0) if program else 0)
        self.active.setChecked(program.active if program else True)
        rewards = self.programs_service.rewards(program.id) if program else []
        self.reward_model.set_rows(
            Row((r.name, str(r.cost), format_cents(r.voucher_value_cents)
                 if r.voucher_value_cents else ""), r.id) for r in rewards)

    def _save_program(self) -> None:
        try:
            saved = self.programs_service.save_program(self.form_input(),
                                              program_id=self.program.id if self.program
                                              else None)
        except StammkundeError as error:
            show_error(self, error)
            return
        self._reload(saved.id)

    def _add_reward(self) -> None:
        program = self.program
        if program is None:
            show_error(self, StammkundeError(tr("Bitte zuerst ein Programm wählen.")))
            return
        try:
            text = self.reward_voucher.text().strip()
            value = parse_cents(text) if text else None
        except ValueError as exc:
            show_error(self, invalid({"voucher_value": str(exc)}))
            return
        try:
            self.programs_service.save_reward(program_id=program.id, name=self.reward_name.text(),
                                     cost=self.reward_cost.value(), voucher_value_cents=value)
        except StammkundeError as error:
            show_error(self, error)
            return
        self.reward_name.clear()
        self.reward_voucher.clear()
        self._show_program()

    def _save_rates(self) -> None:
        rates = {k: int(Decimal(str(spin.value())) * 100) for k, spin in self.rates.items()}
        try:
            self.discounts.set_class_rates(rates)
        except StammkundeError as error:
            show_error(self, error)
            return
