"""Dialogs of the contracts: a new contract (with the law explained as it is typed), the
notice (with the resulting last day shown before it is recorded), a price adjustment."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from app.services.contracts.service import (
    ENDED_BY,
    PAYMENT_INTERVALS,
    PRICE_PER,
    ContractDTO,
    ContractInput,
)
from app.services.errors import StammkundeError
from app.services.followups.recurrence import PRESETS
from app.services.formatting import format_cents, format_date, parse_cents
from app.ui.context import AppContext
from app.ui.dates import to_date, to_qdate
from app.ui.followups.dialogs import _SaveDialog


def tr(text: str) -> str:
    return QCoreApplication.translate("Verträge", text)


def _date_edit(context: AppContext) -> QDateEdit:
    edit = QDateEdit(to_qdate(context.services.clock.today()))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd.MM.yyyy")
    return edit


def _spin(value: int, top: int, suffix: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, top)
    spin.setValue(value)
    spin.setSuffix(suffix)
    return spin


class ContractDialog(_SaveDialog):
    """A new maintenance contract on some of the customer's maintenance objects. The rule
    line below the form says in words what the law makes of the terms typed."""

    def __init__(self, context: AppContext, customer_id: int, *, object_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, customer_id, tr("Wartungsvertrag"), parent)
        self.saved: ContractDTO | None = None
        self.kind = context.services.customers.get(customer_id).kind
        self.title = QLineEdit(tr("Wartungsvertrag"))
        self.objects = QListWidget()
        self.objects.setMaximumHeight(90)
        for thing in context.services.followups.maintenance_objects(customer_id):
            if not thing.active:
                continue
            item = QListWidgetItem(f"{thing.name} ({tr(thing.rrule_text)})")
            item.setData(Qt.ItemDataRole.UserRole, thing.id)
            item.setCheckState(Qt.CheckState.Checked if thing.id == object_id
                               else Qt.CheckState.Unchecked)
            self.objects.addItem(item)
        self.start = _date_edit(context)
        self.concluded = _date_edit(context)
        self.min_months = _spin(12, 120, tr(" Monate"))
        self.renewal = QComboBox()
        self.renewal.addItem(tr("verlängert sich stillschweigend"), "tacit")
        self.renewal.addItem(tr("endet nach der Mindestlaufzeit"), "none")
        self.notice_months = _spin(1, 24, tr(" Monate"))
        self.renewal_months = _spin(12, 60, tr(" Monate"))
        self.renewal_months.setMinimum(1)
        self.price = QLineEdit("0,00")
        self.per = QComboBox()
        for key, label in PRICE_PER.items():
            self.per.addItem(tr(label), key)
        self.payment = QComboBox()
        for key, label in PAYMENT_INTERVALS.items():
            self.payment.addItem(tr(label), key)
        self.interval = QComboBox()
        self.interval.addItem(tr("wie das Wartungsobjekt"), "")
        for label, rule in PRESETS[1:]:
            self.interval.addItem(tr(label), rule)
        self.included = QLineEdit()
        self.included.setPlaceholderText(tr("z. B. jährliche Wartung inkl. Anfahrt"))
        self.services_text = QPlainTextEdit()
        self.services_text.setPlaceholderText(tr("eine Leistung je Zeile"))
        self.services_text.setMaximumHeight(70)
        self.rule = QLabel()
        self.rule.setWordWrap(True)
        self._lay_out([
            (tr("Bezeichnung"), self.title), (tr("Wartungsobjekte"), self.objects),
            (tr("Beginn"), self.start), (tr("Vertragsschluss"), self.concluded),
            (tr("Mindestlaufzeit"), self.min_months), (tr("Verlängerung"), self.renewal),
            (tr("Verlängerung um"), self.renewal_months),
            (tr("Kündigungsfrist"), self.notice_months), (tr("Preis (€)"), self.price),
            (tr("Preis je"), self.per), (tr("Zahlweise"), self.payment),
            (tr("Besuchsintervall"), self.interval), (tr("Umfang"), self.included),
            (tr("Leistungen"), self.services_text),
            (tr("Rechtslage"), self.rule)])
        for spin in (self.min_months, self.notice_months, self.renewal_months):
            spin.valueChanged.connect(self.explain)
        for combo in (self.renewal, self.interval):
            combo.currentIndexChanged.connect(self.explain)
        for edit in (self.start, self.concluded):
            edit.dateChanged.connect(self.explain)
        self.objects.itemChanged.connect(self.explain)
        self.explain()

    def value(self) -> ContractInput:
        try:
            price = parse_cents(self.price.text())
        except ValueError:
            price = -1  # the service names the field
        chosen = tuple(int(self.objects.item(i).data(Qt.ItemDataRole.UserRole))
                       for i in range(self.objects.count())
                       if self.objects.item(i).checkState() == Qt.CheckState.Checked)
        return ContractInput(
            customer_id=self.customer_id, title=self.title.text(), object_ids=chosen,
            start=to_date(self.start.date()), concluded_on=to_date(self.concluded.date()),
            min_months=self.min_months.value(), renewal=str(self.renewal.currentData()),
            renewal_months=self.renewal_months.value(),
            notice_months=self.notice_months.value(), price_cents=price,
            price_per=str(self.per.currentData()),
            payment_interval=str(self.payment.currentData()),
            visit_rrule=str(self.interval.currentData()), included=self.included.text(),
            services=tuple(self.services_text.toPlainText().splitlines()))

    def explain(self) -> None:
        """The term rule in words, or what the law does not allow, while typing."""
        data = self.value()
        try:
            text = self.context.services.contracts.describe(
                ContractInput(**{**data.__dict__, "price_cents": max(data.price_cents, 0)}),
                customer_kind=self.kind)
        except StammkundeError as error:
            text = error.message
        if self.kind == "business":
            text += " " + tr("Firmenkunde: Laufzeit und Frist wie vereinbart.")
        self.rule.setText(text)

    def save(self) -> None:
        self.saved = self.context.services.contracts.add(self.value(), by=self.context.actor)


class EndContractDialog(_SaveDialog):
    """Record a notice: received when and from whom; the last day is shown before saving."""

    def __init__(self, context: AppContext, contract: ContractDTO,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, contract.customer_id,
                         tr("Kündigung von {number}").format(number=contract.number), parent)
        self.contract = contract
        self.saved: ContractDTO | None = None
        self.received = _date_edit(context)
        self.ended_by = QComboBox()
        for key, label in ENDED_BY.items():
            self.ended_by.addItem(tr(label), key)
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self._lay_out([(tr("Eingegangen am"), self.received), (tr("Gekündigt von"),
                                                                self.ended_by),
                       (tr("Ergebnis"), self.outcome)])
        self.received.dateChanged.connect(self.preview)
        self.preview()

    def preview(self) -> None:
        try:
            ending = self.context.services.contracts.ending_preview(
                self.contract.number, received=to_date(self.received.date()))
        except StammkundeError as error:
            self.outcome.setText(error.message)
            return
        self.outcome.setText(tr("Letzter Tag: {day}. {rule}").format(
            day=format_date(ending.last_day), rule=ending.rule))

    def save(self) -> None:
        self.saved = self.context.services.contracts.end(
            self.contract.number, received=to_date(self.received.date()),
            ended_by=str(self.ended_by.currentData()), by=self.context.actor)


class PriceDialog(_SaveDialog):
    """A new price from a day on; the price-adjustment letter then shows old and new."""

    def __init__(self, context: AppContext, contract: ContractDTO,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, contract.customer_id,
                         tr("Preis von {number} anpassen").format(number=contract.number),
                         parent)
        self.contract = contract
        self.saved: ContractDTO | None = None
        self.price = QLineEdit(format_cents(contract.price_cents, symbol=False))
        self.from_day = _date_edit(context)
        self._lay_out([(tr("Bisher"), QLabel(contract.price_text)),
                       (tr("Neuer Preis (€)"), self.price), (tr("Gilt ab"), self.from_day)])

    def save(self) -> None:
        try:
            price = parse_cents(self.price.text())
        except ValueError:
            price = -1  # the service names the field
        self.saved = self.context.services.contracts.adjust_price(
            self.contract.number, price_cents=price, from_day=to_date(self.from_day.date()),
            by=self.context.actor)
