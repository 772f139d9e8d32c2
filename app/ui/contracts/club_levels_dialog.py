"""Clubstufen: the shop's membership levels with fee and benefits."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.club.service import LevelDTO, LevelInput
from app.services.errors import StammkundeError
from app.services.formatting import format_cents, parse_cents
from app.ui.context import AppContext
from app.ui.errors import show_error


def tr(text: str) -> str:
    return QCoreApplication.translate("Verträge", text)


class ClubLevelsDialog(QDialog):
    """The levels on the left; the chosen one (or a new one) in the form on the right."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(tr("Clubstufen"))
        self.levels = QListWidget()
        self.levels.currentRowChanged.connect(self._show)
        new = QPushButton(tr("Neue Stufe"))
        new.clicked.connect(lambda: self.levels.setCurrentRow(-1))
        left = QVBoxLayout()
        left.addWidget(self.levels, 1)
        left.addWidget(new)
        self.name = QLineEdit()
        self.fee = QLineEdit("0,00")
        self.discount = QDoubleSpinBox()
        self.discount.setRange(0, 50)
        self.discount.setDecimals(1)
        self.discount.setSuffix(" %")
        self.voucher = QLineEdit("0,00")
        self.free_check = QCheckBox(tr("kostenloser Jahrescheck"))
        self.priority = QCheckBox(tr("bevorzugte Termine"))
        self.benefits = QLineEdit()
        self.active = QCheckBox(tr("aktiv (Beitritt möglich)"))
        self.active.setChecked(True)
        form = QFormLayout()
        for label, field in ((tr("Name"), self.name), (tr("Jahresbeitrag (€)"), self.fee),
                             (tr("Rabatt"), self.discount),
                             (tr("Begrüßungsgutschein (€)"), self.voucher),
                             ("", self.free_check), ("", self.priority),
                             (tr("Weitere Vorteile"), self.benefits), ("", self.active)):
            form.addRow(label, field)
        save = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                | QDialogButtonBox.StandardButton.Close)
        save.accepted.connect(self.save)
        save.rejected.connect(self.reject)
        form.addRow(save)
        body = QHBoxLayout(self)
        body.addLayout(left, 1)
        body.addLayout(form, 2)
        self._fill()

    def _fill(self, keep: int | None = None) -> None:
        self.levels.clear()
        for level in self.context.services.club.levels():
            item = QListWidgetItem(level.name)
            item.setData(Qt.ItemDataRole.UserRole, level)
            self.levels.addItem(item)
            if level.id == keep:
                self.levels.setCurrentItem(item)

    def _current(self) -> LevelDTO | None:
        item = self.levels.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _show(self) -> None:
        level = self._current()
        self.name.setText(level.name if level else "")
        self.fee.setText(format_cents(level.fee_cents if level else 0, symbol=False))
        self.discount.setValue((level.discount_bp if level else 0) / 100)
        self.voucher.setText(format_cents(level.join_voucher_cents if level else 0,
                                          symbol=False))
        self.free_check.setChecked(bool(level and level.free_check))
        self.priority.setChecked(bool(level and level.priority))
        self.benefits.setText(level.benefits if level else "")
        self.active.setChecked(level.active if level else True)

    def save(self) -> LevelDTO | None:
        current = self._current()
        try:
            saved = self.context.services.club.save_level(LevelInput(
                name=self.name.text(), fee_cents=self._cents(self.fee),
                discount_bp=round(self.discount.value() * 100),
                join_voucher_cents=self._cents(self.voucher),
                free_check=self.free_check.isChecked(), priority=self.priority.isChecked(),
                benefits=self.benefits.text(), active=self.active.isChecked()),
                level_id=current.id if current else None)
        except StammkundeError as error:
            show_error(self, error)
            return None
        self._fill(keep=saved.id)
        return saved

    @staticmethod
    def _cents(field: QLineEdit) -> int:
        try:
            return parse_cents(field.text())
        except ValueError:
            return -1  # the service names the field
