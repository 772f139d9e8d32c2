"""The "Datenschutz" page: the audit log (filterable), retention periods and the
records-of-processing template (Art. 30 DSGVO) to print."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.audit import ACTIONS, AuditFilter, AuditRow
from app.services.changes import Changes, Domain
from app.services.errors import ValidationError
from app.services.formatting import format_count, format_datetime
from app.services.privacy.retention import RETENTION_LABELS
from app.ui.context import AppContext
from app.ui.dates import to_date
from app.ui.errors import show_error
from app.ui.headings import page_title
from app.ui.icons import icon
from app.ui.rows_model import Row, RowsModel, table_view
from app.ui.save_file import ask_save_file


def tr(text: str) -> str:
    return QCoreApplication.translate("Datenschutz", text)


def audit_row(row: AuditRow) -> Row[AuditRow]:
    """One entry in words: when, who, which customer, what happened."""
    return Row((format_datetime(row.at), row.actor, row.customer_number, row.description), row)


class AuditView(QWidget):
    """Änderungsprotokoll: who changed what and when, filtered by action, customer, date."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.action = QComboBox()
        self.action.addItem(tr("alle Aktionen"), None)
        for key, label in ACTIONS.items():
            self.action.addItem(label, key)
        self.customer = QLineEdit()
        self.customer.setPlaceholderText(tr("Kundennummer"))
        self.use_since = QCheckBox(tr("ab"))
        self.since = QDateEdit()
        self.since.setDisplayFormat("dd.MM.yyyy")
        self.since.setCalendarPopup(True)
        today = context.services.clock.today()
        self.since.setDate(QDate(today.year, today.month, 1))
        self.model = RowsModel[AuditRow](
            [tr("Zeitpunkt"), tr("Wer"), tr("Kunde"), tr("Was")], self, cell_tooltips=True)
        # one line per entry; a long description is elided and shown whole as a tooltip
        self.table = table_view(self.model, widths=(115, 150, 75))
        self.count = QLabel()
        filters = QHBoxLayout()
        for widget in (QLabel(tr("Aktion")), self.action, self.customer, self.use_since,
                       self.since):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        self.action.currentIndexChanged.connect(self.refresh)
        self.customer.editingFinished.connect(self.refresh)
        self.use_since.toggled.connect(self.refresh)
        self.since.dateChanged.connect(self.refresh)
        context.bus.changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Domain.PRIVACY):
            self.refresh()

    def current_filter(self) -> AuditFilter:
        return AuditFilter(
            action=self.action.currentData(), customer_number=self.customer.text(),
            since=to_date(self.since.date()) if self.use_since.isChecked()
            else None)

    def refresh(self) -> None:
        rows = self.context.services.audit.entries(self.current_filter())
        self.model.set_rows(map(audit_row, rows))
        self.count.setText(format_count(len(rows), tr("Eintrag"), tr("Einträge")))


class RetentionView(QWidget):
    """Aufbewahrungsfristen (years from the end of the calendar year) and the nightly run."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.spins: dict[str, QSpinBox] = {}
        form = QFormLayout()
        for key, label in RETENTION_LABELS.items():
            spin = QSpinBox()
            spin.setRange(1, 30)
            spin.setSuffix(tr(" Jahre"))
            self.spins[key] = spin
            form.addRow(label, spin)
        explanation = QLabel(tr(
            "Fristen zählen ab dem Ende des Kalenderjahres. Bei einer Löschung nach Art. 17 "
            "bleiben nur diese Unterlagen ohne Namen und Anschrift erhalten; nach Ablauf "
            "löscht Stammkunde sie automatisch (täglich)."))
        explanation.setWordWrap(True)
        self.save_button = QPushButton(icon("save"), tr("Speichern"))
        self.save_button.clicked.connect(self.save)
        self.purge_button = QPushButton(tr("Abgelaufene jetzt löschen"))
        self.purge_button.clicked.connect(self.purge)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.purge_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(explanation)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.load()

    def load(self) -> None:
        for key, years in self.context.services.privacy.retention().items():
            self.spins[key].setValue(years)

    def save(self) -> None:
        try:
            self.context.services.privacy.set_retention(
                {key: spin.value() for key, spin in self.spins.items()}, by=self.context.actor)
        except ValidationError as error:
            QMessageBox.warning(self, tr("Aufbewahrung"), error.message)
            self.load()
            return

    def purge(self) -> None:
        privacy = self.context.services.privacy

        def done(result: object) -> None:
            QMessageBox.information(self, tr("Aufbewahrung"), tr(
                "{customers} nach Ablauf der Frist gelöscht.").format(
                    customers=format_count(result.customers_deleted,  # type: ignore[attr-defined]
                                           tr("Kunde"), tr("Kunden"))))

        self.context.tasks.start(lambda _p: privacy.purge_expired(by=self.context.actor),
                                 on_done=done, on_error=lambda e: show_error(self, e))


class ProcessingRecordsView(QWidget):
    """Verzeichnis von Verarbeitungstätigkeiten (Art. 30): an editable template, as PDF."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        hint = QLabel(tr(
            "Vorlage mit Platzhaltern ($firma, $anschrift, $verantwortlich, $kontakt, "
            "$belege_jahre, $briefe_jahre, $datum); Firmendaten aus dem Firmenprofil."))
        hint.setWordWrap(True)
        self.editor = QPlainTextEdit()
        self.save_button = QPushButton(tr("Vorlage speichern"))
        self.reset_button = QPushButton(tr("Standardvorlage"))
        self.pdf_button = QPushButton(icon("file-text"), tr("Als PDF speichern…"))
        self.save_button.clicked.connect(self.save)
        self.reset_button.clicked.connect(self.reset)
        self.pdf_button.clicked.connect(self.export_pdf)
        buttons = QHBoxLayout()
        for button in (self.save_button, self.reset_button, self.pdf_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.editor, 1)
        layout.addLayout(buttons)
        self.editor.setPlainText(context.services.privacy.processing_records_template())

    def save(self) -> None:
        self.context.services.privacy.set_processing_records_template(
            self.editor.toPlainText(), by=self.context.actor)

    def reset(self) -> None:
        self.editor.setPlainText(self.context.services.privacy
                                 .default_processing_records_template())
        self.save()

    def choose_file(self) -> Path | None:
        return ask_save_file(self, self.context.services, tr("Verzeichnis speichern"),
                             "Verarbeitungsverzeichnis.pdf", {"PDF (*.pdf)": ".pdf"})

    def export_pdf(self) -> None:
        path = self.choose_file()
        if path is None:
            return
        self.save()
        self.context.services.privacy.processing_records_pdf(path)
        QMessageBox.information(self, tr("Gespeichert"), str(path))


class PrivacyPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabs = QTabWidget()
        self.audit = AuditView(context)
        self.retention = RetentionView(context)
        self.records = ProcessingRecordsView(context)
        self.tabs.addTab(self.audit, tr("Änderungsprotokoll"))
        self.tabs.addTab(self.retention, tr("Aufbewahrung"))
        self.tabs.addTab(self.records, tr("Verarbeitungsverzeichnis (Art. 30)"))
        layout = QVBoxLayout(self)
        layout.addWidget(page_title(tr("Datenschutz")))
        layout.addWidget(self.tabs)
