"""The customer view's "Umsätze" tab: the customer's sales, totals and a small form to add one."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changes, Domain
from app.services.errors import ValidationError
from app.services.formatting import format_cents, format_count, format_date, parse_cents, parse_date
from app.services.sales.service import SaleDTO, SaleInput, invalid
from app.ui.context import AppContext
from app.ui.messages import MessageLabel
from app.ui.rows_model import Row, RowsModel, table_view
from app.ui.sales.class_box import ClassBox


def tr(text: str) -> str:
    return QCoreApplication.translate("SalesTab", text)


def sale_row(sale: SaleDTO) -> Row[SaleDTO]:
    return Row((format_date(sale.sale_date), format_cents(sale.amount_cents),
                sale.document_no or "", sale.description), sale)


class SalesTab(QWidget):
    """Lists the sales of one customer and adds a sale typed by hand."""

    def __init__(self, context: AppContext, customer_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.customer_id = customer_id
        # newest first, as the service lists them
        self.model = RowsModel[SaleDTO](
            [tr("Datum"), tr("Betrag"), tr("Belegnummer"), tr("Text")], self, right_aligned=(1,))
        self.table = table_view(self.model, stretch=(3,))
        self.totals = QLabel()

        self.date_edit = QLineEdit()
        self.date_edit.setPlaceholderText(tr("TT.MM.JJJJ"))
        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText(tr("1.234,56"))
        self.document_edit = QLineEdit()
        self.description_edit = QLineEdit()
        self.add_button = QPushButton(tr("Umsatz hinzufügen"))
        self.add_button.clicked.connect(self.add_sale)
        self.error_label = MessageLabel()
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
        self.model.set_rows(map(sale_row, sales.for_customer(self.customer_id)))
        totals = sales.totals(self.customer_id)
        if totals.count:
            self.totals.setText(tr("{count}, gesamt {total}; letzte 12 Monate {recent}; "
                                   "letzter Kauf {last}").format(
                count=format_count(totals.count, tr("Umsatz"), tr("Umsätze")),
                total=format_cents(totals.total_cents),
                recent=format_cents(totals.last_12_months_cents),
                last=format_date(totals.last_date)))
        else:
            self.totals.setText(tr("Noch keine Umsätze erfasst."))

    def show_class_reason(self) -> None:
        """"Warum A?" opened (the customer view's header asks for it)."""
        self.class_box.why_button.setChecked(True)

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
                raise invalid(errors)
            self.context.services.sales.add(
                self.customer_id,
                SaleInput(sale_date=sale_date, amount_cents=amount,
                          description=self.description_edit.text(),
                          document_no=self.document_edit.text()),
                by=self.context.actor)
        except ValidationError as error:
            self.error_label.error(error.message)
            return
        self.error_label.clear()
        for edit in (self.date_edit, self.amount_edit, self.document_edit,
                     self.description_edit):
            edit.clear()

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Domain.SALES, self.customer_id):
            self.refresh()
        if changes.touches(Domain.SALES, self.customer_id) or changes.touches(
                Domain.CLASSES, self.customer_id):
            self.class_box.refresh()
