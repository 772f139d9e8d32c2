"""The customer view's "Umsätze" tab: the customer's sales, totals and a small form to add one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changes
from app.services.errors import ValidationError
from app.services.formatting import format_cents, format_date, parse_cents, parse_date
from app.services.sales import SaleDTO, SaleInput
from app.ui.context import AppContext
from app.ui.sales.class_box import ClassBox

Index = QModelIndex | QPersistentModelIndex


def tr(text: str) -> str:
    return QCoreApplication.translate("SalesTab", text)


class SalesTableModel(QAbstractTableModel):
    """A customer's sales, newest first; texts are formatted once when the rows arrive."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str, str, str]] = []
        self._headers = (tr("Datum"), tr("Betrag"), tr("Belegnummer"), tr("Text"))

    def set_sales(self, sales: list[SaleDTO]) -> None:
        self.beginResetModel()
        self._rows = [(format_date(s.sale_date), format_cents(s.amount_cents),
                       s.document_no or "", s.description) for s in sales]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None


class SalesTab(QWidget):
    """Lists the sales of one customer and adds a sale typed by hand."""

    def __init__(self, context: AppContext, customer_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.customer_id = customer_id
        self.model = SalesTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.totals = QLabel()

        self.date_edit = QLineEdit()
        self.date_edit.setPlaceholderText(tr("TT.MM.JJJJ"))
        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText(tr("1.234,56"))
        self.document_edit = QLineEdit()
        self.description_edit = QLineEdit()
        self.add_button = QPushButton(tr("Umsatz hinzufügen"))
        self.add_button.clicked.connect(self.add_sale)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b00020")
        self.error_label.setWordWrap(True)
        form_box = QGroupBox(tr("Neuer Umsatz"))
        form = QFormLayout(form_box)
        form.addRow(tr("Datum"), self.date_edit)
        form.addRow(tr("Betrag (€)"), self.amount_edit)
        form.addRow(tr("Belegnummer"), self.document_edit)
        form.addRow(tr("Text"), self.description_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error_label, 1)
        buttons.addWidget(self.add_button)
        form.addRow(buttons)

        self.class_box = ClassBox(context, customer_id)
        layout = QVBoxLayout(self)
        layout.addWidget(self.totals)
        layout.addWidget(self.table, 1)
        side = QHBoxLayout()
        side.addWidget(form_box, 1)
        side.addWidget(self.class_box, 1)
        layout.addLayout(side)
        context.bus.changed.connect(self._on_changed)
        self.refresh()

    def refresh(self) -> None:
        sales = self.context.services.sales
        self.model.set_sales(sales.for_customer(self.customer_id))
        totals = sales.totals(self.customer_id)
        if totals.count:
            self.totals.setText(tr("{count} Umsätze, gesamt {total}; letzte 12 Monate {recent}; "
                                   "letzter Kauf {last}").format(
                count=totals.count, total=format_cents(totals.total_cents),
                recent=format_cents(totals.last_12_months_cents),
                last=format_date(totals.last_date)))
        else:
            self.totals.setText(tr("Noch keine Umsätze erfasst."))

    def add_sale(self) -> None:
        errors: dict[str, str] = {}
        sale_date = amount = None
        try:
            sale_date = parse_date(self.date_edit.text())
        except ValueError as exc:
            errors["sale_date"] = str(exc)
        try:
            amount = parse_cents(self.amount_edit.text())
        except ValueError as exc:
            errors["amount"] = str(exc)
        try:
            if errors:
                raise ValidationError(errors)
            self.context.services.sales.add(
                self.customer_id,
                SaleInput(sale_date=sale_date, amount_cents=amount,
                          description=self.description_edit.text(),
                          document_no=self.document_edit.text()),
                by=self.context.user)
        except ValidationError as error:
            self.error_label.setText(error.message)
            return
        self.error_label.clear()
        for edit in (self.date_edit, self.amount_edit, self.document_edit,
                     self.description_edit):
            edit.clear()
        self.context.bus.publish(Changes.of("sales", "timeline", customers=(self.customer_id,)))

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches("sales", self.customer_id):
            self.refresh()
        if changes.touches("sales", self.customer_id) or changes.touches(
                "classification", self.customer_id):
            self.class_box.refresh()
