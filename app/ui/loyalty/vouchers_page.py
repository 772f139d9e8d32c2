"""The Gutscheine page: scan or type a code → the voucher, its history and a redeem field;
below, the list of vouchers with filters and the outstanding liability."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changes, Domain
from app.services.errors import StammkundeError
from app.services.formatting import format_cents, format_date, parse_cents
from app.services.loyalty import pdf as loyalty_pdf
from app.services.loyalty.vouchers import (
    VoucherDTO,
    VoucherInput,
    default_valid_until,
    invalid,
    new_key,
)
from app.ui.context import AppContext
from app.ui.dates import to_date, to_qdate
from app.ui.errors import show_error
from app.ui.headings import page_title
from app.ui.icons import icon
from app.ui.keys import escape_clears
from app.ui.messages import MessageLabel
from app.ui.row_menu import add_row_menu
from app.ui.rows_model import Row, RowsModel, selected_payload, table_view
from app.ui.save_file import ask_save_file


def tr(text: str) -> str:
    return QCoreApplication.translate("Gutscheine", text)


def _remaining(voucher: VoucherDTO) -> str:
    """A percent or service voucher has no money value left, only "used" or not."""
    return format_cents(voucher.remaining_cents) if voucher.kind == "value" else "–"


class VoucherIssueDialog(QDialog):
    """Ask what to issue: kind, value, VAT treatment, validity, campaign and count."""

    def __init__(self, today: date, parent: QWidget | None = None, *,
                 allow_batch: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Gutschein ausgeben"))
        self._today = today
        form = QFormLayout(self)
        self.kind = QComboBox()
        for key, label in (("value", tr("Wertgutschein")), ("service", tr("Leistungsgutschein")),
                           ("percent", tr("Rabattgutschein"))):
            self.kind.addItem(label, key)
        self.value = QLineEdit("50,00")
        self.service = QLineEdit()
        self.percent = QSpinBox()
        self.percent.setRange(1, 100)
        self.percent.setValue(10)
        self.single = QCheckBox(tr("Einzweckgutschein (USt bei Ausgabe)"))
        self.vat = QComboBox()
        self.vat.addItems(["19", "7", "0"])
        self.promo = QCheckBox(tr("Aktionsgutschein (kostenlos, kürzere Gültigkeit erlaubt)"))
        self.valid_until = QDateEdit(to_qdate(default_valid_until(today)))
        self.valid_until.setDisplayFormat("dd.MM.yyyy")
        self.valid_until.setCalendarPopup(True)
        self.campaign = QLineEdit()
        self.count = QSpinBox()
        self.count.setRange(1, 10_000)
        form.addRow(tr("Art"), self.kind)
        form.addRow(tr("Wert (€)"), self.value)
        form.addRow(tr("Leistung"), self.service)
        form.addRow(tr("Rabatt (%)"), self.percent)
        form.addRow("", self.single)
        form.addRow(tr("USt-Satz (%)"), self.vat)
        form.addRow("", self.promo)
        form.addRow(tr("Gültig bis"), self.valid_until)
        form.addRow(tr("Aktion"), self.campaign)
        if allow_batch:
            form.addRow(tr("Anzahl"), self.count)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def data(self, customer_id: int | None = None) -> VoucherInput:
        """The input for the service; a bad amount raises a ValidationError."""
        try:
            value = parse_cents(self.value.text()) if self.value.text().strip() else 0
        except ValueError as exc:
            raise invalid({"value": str(exc)}) from None
        chosen = to_date(self.valid_until.date())
        assert isinstance(chosen, date)
        default = default_valid_until(self._today)
        return VoucherInput(
            kind=str(self.kind.currentData()), value_cents=value,
            percent=self.percent.value(), service_text=self.service.text(),
            purpose="single" if self.single.isChecked() else "multi",
            vat_rate_bp=int(self.vat.currentText()) * 100 if self.single.isChecked() else None,
            customer_id=customer_id, campaign=self.campaign.text(), promo=self.promo.isChecked(),
            valid_until=None if chosen == default else chosen)


class VouchersPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.services = context.services
        self.current: VoucherDTO | None = None
        self._key = new_key()
        layout = QVBoxLayout(self)
        layout.addWidget(page_title(tr("Gutscheine")))

        lookup = QGroupBox(tr("Gutschein einlösen"))
        lookup_layout = QVBoxLayout(lookup)
        row = QHBoxLayout()
        self.scan = QLineEdit()
        self.scan.setPlaceholderText(tr("Code scannen oder eingeben, Enter"))
        self.scan.returnPressed.connect(self.lookup)
        row.addWidget(QLabel(tr("Code")))
        row.addWidget(self.scan, 1)
        lookup_layout.addLayout(row)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        lookup_layout.addWidget(self.summary)
        self.message = MessageLabel()  # known errors shown inline: no modal box at the counter
        lookup_layout.addWidget(self.message)
        self.history_model = RowsModel[int]([tr("Nr."), tr("Datum"), tr("Buchung"), tr("Betrag"),
                                             tr("Grund"), tr("Von")], self, right_aligned=(3,))
        self.history = table_view(self.history_model, default_width=120)
        self.history.setMaximumHeight(150)
        lookup_layout.addWidget(self.history)
        redeem_row = QHBoxLayout()
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(tr("Betrag in €"))
        self.amount.returnPressed.connect(self.redeem)
        self.amount.textEdited.connect(self._new_key)
        self.redeem_button = QPushButton(icon("check"), tr("Einlösen"))
        self.redeem_button.clicked.connect(self.redeem)
        self.reverse_button = QPushButton(tr("Einlösung stornieren"))
        self.reverse_button.clicked.connect(self._reverse_selected)
        self.pdf_button = QPushButton(icon("file-text"), tr("PDF …"))
        self.pdf_button.clicked.connect(self._save_pdf_dialog)
        for widget in (QLabel(tr("Betrag")), self.amount, self.redeem_button,
                       self.reverse_button, self.pdf_button):
            redeem_row.addWidget(widget)
        redeem_row.addStretch(1)
        lookup_layout.addLayout(redeem_row)
        layout.addWidget(lookup)

        filters = QHBoxLayout()
        self.status_filter = QComboBox()
        for key, label in (("", tr("alle")), ("valid", tr("gültig")), ("spent", tr("eingelöst")),
                           ("expired", tr("abgelaufen"))):
            self.status_filter.addItem(label, key)
        self.campaign_filter = QComboBox()  # campaign names are free text: never widen the page
        self.campaign_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.campaign_filter.setMinimumContentsLength(8)
        self.status_filter.currentIndexChanged.connect(self.refresh_list)
        self.campaign_filter.currentIndexChanged.connect(self.refresh_list)
        issue = QPushButton(icon("plus"), tr("Gutschein ausgeben …"))
        issue.clicked.connect(self._issue_dialog)
        export = QPushButton(tr("Verbindlichkeiten als CSV …"))
        export.clicked.connect(self._export_dialog)
        programs = QPushButton(tr("Bonusprogramme …"))
        programs.clicked.connect(self._programs_dialog)
        for control in (QLabel(tr("Status")), self.status_filter, QLabel(tr("Aktion")),
                       self.campaign_filter):
            filters.addWidget(control)
        filters.addStretch(1)
        for widget in (issue, export, programs):
            filters.addWidget(widget)
        layout.addLayout(filters)
        self.list_model = RowsModel[str]([tr("Code"), tr("Gutschein"), tr("Restwert"),
                                          tr("Status"), tr("Gültig bis"), tr("Kunde"),
                                          tr("Aktion")], self, right_aligned=(2,))
        # a whole code, XXXX-XXXX-XXXX, fits in any font; names take the spare width
        self.list = table_view(self.list_model, widths=(150,), default_width=120, stretch=(5,))
        self.list.doubleClicked.connect(self._open_from_list)
        show = QAction(tr("Anzeigen und einlösen"), self)
        show.triggered.connect(self._open_from_list)
        add_row_menu(self.list, show, None, issue, export)
        add_row_menu(self.history, self.reverse_button, self.pdf_button)
        escape_clears(self.scan)
        layout.addWidget(self.list, 1)
        self.liability = QLabel()
        layout.addWidget(self.liability)
        context.bus.changed.connect(self._on_changed)
        self._show(None)
        self.refresh_list()

    # --- lookup and redemption -----------------------------------------------------------

    def lookup(self) -> None:
        """Enter in the scan field: show the voucher (a scanner sends the code and Enter)."""
        self.message.clear()
        try:
            voucher = self.services.vouchers.get(self.scan.text())
        except StammkundeError as error:
            self._show(None)
            self.message.error(error.message)
            return
        self._new_key()
        self._show(voucher)
        self.scan.selectAll()  # the next scan replaces the code
        self.amount.setFocus()

    def redeem(self) -> None:
        """Book the amount. The key changes only when the amount is edited or another
        voucher is scanned, so a double-click or a second Enter books once."""
        if self.current is None:
            return
        self.message.clear()
        try:
            amount = parse_cents(self.amount.text()) if self.current.kind == "value" else None
        except ValueError as exc:
            self.message.error(invalid({"amount": str(exc)}).message)
            return
        try:
            result = self.services.vouchers.redeem(self.current.code, amount_cents=amount,
                                                   key=self._key, by=self.context.actor)
        except StammkundeError as error:
            self.message.error(error.message)
            return
        self._show(result.voucher)
        if result.replayed:
            self.message.warning(tr("Diese Einlösung ist bereits gebucht."))
        else:
            self.message.success(tr("{amount} eingelöst.").format(
                amount=format_cents(result.amount_cents)))

    def reverse(self, entry_id: int, reason: str = "") -> None:
        self.message.clear()
        try:
            voucher = self.services.vouchers.reverse(entry_id, reason=reason,
                                                     by=self.context.actor)
        except StammkundeError as error:
            self.message.error(error.message)
            return
        self._show(voucher)

    def save_pdf(self, path: Path) -> Path:
        assert self.current is not None
        return loyalty_pdf.voucher_pdf([self.current], path,
                                       company=self.services.company.get())

    def _new_key(self) -> None:
        self._key = new_key()

    def _show(self, voucher: VoucherDTO | None) -> None:
        self.current = voucher
        for widget in (self.amount, self.redeem_button, self.reverse_button, self.pdf_button):
            widget.setEnabled(voucher is not None)
        if voucher is None:
            self.summary.setText(tr("Noch kein Gutschein gewählt."))
            self.history_model.set_rows([])
            return
        self.amount.setEnabled(voucher.kind == "value")
        parts = [f"<b>{voucher.display_code}</b>", voucher.description,
                 *([tr("Restwert") + f" <b>{format_cents(voucher.remaining_cents)}</b>"]
                   if voucher.kind == "value" else []),
                 f"<b>{voucher.status_label}</b>",
                 tr("gültig bis") + " " + format_date(voucher.valid_until)]
        if voucher.customer_name:
            parts.append(voucher.customer_name)
        if voucher.purpose == "single" and voucher.vat_rate_bp is not None:
            parts.append(tr("Einzweck, USt") + f" {Decimal(voucher.vat_rate_bp) / 100:g} %")
        self.summary.setText(" · ".join(parts))
        self.history_model.set_rows(
            Row((str(e.id), format_date(e.entry_date),
                 e.label + (tr(" (storniert)") if e.reversed else ""),
                 format_cents(e.amount_cents), e.reason, e.author), e.id)
            for e in voucher.entries)

    def _reverse_selected(self) -> None:
        entry_id = selected_payload(self.history, self.history_model)
        if entry_id is None:
            QMessageBox.information(self, tr("Storno"), tr("Bitte die Einlösung in der "
                                                          "Liste auswählen."))
            return
        self.reverse(entry_id, tr("Storno an der Kasse"))

    def _save_pdf_dialog(self) -> None:
        if self.current is None:
            return
        path = ask_save_file(self, self.services, tr("Gutschein als PDF speichern"),
                             self.context.data_dir / f"Gutschein-{self.current.display_code}.pdf",
                             {tr("PDF-Dateien (*.pdf)"): ".pdf"})
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.save_pdf(path))))

    # --- list, liability, export ---------------------------------------------------------

    def refresh_list(self) -> None:
        campaign = self.campaign_filter.currentData() or None
        rows = self.services.vouchers.listing(status=self.status_filter.currentData() or None,
                                              campaign=campaign)
        self.list_model.set_rows(
            Row((v.display_code, v.description, _remaining(v), v.status_label,
                 format_date(v.valid_until), v.customer_name, v.campaign), v.code) for v in rows)
        self._refresh_campaigns()
        liability = self.services.liability.liability()
        self.liability.setText(
            tr("Offene Gutscheine: gültig {valid} ({nvalid}), abgelaufen {expired} "
               "({nexpired})").format(valid=format_cents(liability.valid_cents),
                                      nvalid=liability.valid_count,
                                      expired=format_cents(liability.expired_cents),
                                      nexpired=liability.expired_count))

    def export_liability(self, path: Path) -> None:
        self.services.liability.export_liability_csv(path)

    def issue(self, data: VoucherInput, count: int = 1) -> list[VoucherDTO]:
        if count == 1:
            issued = [self.services.vouchers.issue(data, by=self.context.actor)]
        else:
            issued = self.services.vouchers.issue_batch(data, count=count,
                                                        by=self.context.actor)
        return issued

    def _refresh_campaigns(self) -> None:
        current = self.campaign_filter.currentData()
        self.campaign_filter.blockSignals(True)
        self.campaign_filter.clear()
        self.campaign_filter.addItem(tr("alle"), "")
        for name in self.services.vouchers.campaigns():
            self.campaign_filter.addItem(name, name)
        index = self.campaign_filter.findData(current)
        self.campaign_filter.setCurrentIndex(max(index, 0))
        self.campaign_filter.blockSignals(False)

    def _open_from_list(self) -> None:
        code = selected_payload(self.list, self.list_model)
        if code is not None:
            self.scan.setText(code)
            self.lookup()

    def _issue_dialog(self) -> None:
        dialog = VoucherIssueDialog(self.services.clock.today(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            issued = self.issue(dialog.data(), dialog.count.value())
        except StammkundeError as error:
            show_error(self, error)
            return
        chosen = ask_save_file(self, self.services,
                               tr("Gutschein als PDF speichern") if len(issued) == 1
                               else tr("Gutscheine als PDF speichern"),
                               self.context.data_dir / f"Gutschein-{issued[0].display_code}.pdf",
                               {tr("PDF-Dateien (*.pdf)"): ".pdf"})
        if chosen is not None:
            path = loyalty_pdf.voucher_pdf(
                issued, chosen, company=self.services.company.get())
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        self.scan.setText(issued[0].code)
        self.lookup()

    def _export_dialog(self) -> None:
        default = self.context.data_dir / f"Gutscheine-{self.services.clock.today()}.csv"
        path = ask_save_file(self, self.services, tr("Gutscheinverbindlichkeiten exportieren"),
                             default, {tr("CSV-Dateien (*.csv)"): ".csv"})
        if path is not None:
            try:
                self.export_liability(path)
            except (StammkundeError, OSError) as error:
                show_error(self, error if isinstance(error, StammkundeError)
                           else invalid({"file": str(error)}))

    def _programs_dialog(self) -> None:
        from app.ui.loyalty.programs_dialog import ProgramsDialog

        ProgramsDialog(self.context, self).exec()

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Domain.LOYALTY):
            self.refresh_list()
            if self.current is not None:
                self._show(self.services.vouchers.get(self.current.code))
