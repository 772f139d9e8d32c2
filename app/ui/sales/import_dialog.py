"""Datei → Umsätze importieren…: preview the three groups of rows, then apply in the background."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.formatting import format_cents, format_count, format_date
from app.services.progress import Progress
from app.services.sales.importing import SalesImportReport
from app.ui.context import AppContext
from app.ui.errors import show_error
from app.ui.tasks import Task

SHOWN_PER_GROUP = 500  # the tree shows the first rows of each group; the counts are complete


def tr(text: str) -> str:
    return QCoreApplication.translate("SalesImportDialog", text)


class SalesImportDialog(QDialog):
    """Checks a sales file, shows what will be added, skipped and rejected, then applies it.

    Signals: none of its own; publishes Changes("sales", "customers", "classification")
    after a successful import.
    """

    def __init__(self, context: AppContext, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.path = path
        self.report: SalesImportReport | None = None
        self._task: Task | None = None
        self.setWindowTitle(tr("Umsätze importieren – {name}").format(name=path.name))
        self.resize(900, 600)
        self.create_missing = QCheckBox(tr("Fehlende Kunden anlegen (Name/Firma aus der Datei)"))
        self.skip_invalid = QCheckBox(tr("Abgelehnte Zeilen überspringen"))
        self.create_missing.toggled.connect(self.check)
        self.skip_invalid.toggled.connect(self._update_buttons)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([tr("Zeile"), tr("Kunde"), tr("Datum"), tr("Betrag"),
                                   tr("Beleg"), tr("Hinweis")])
        self.tree.setUniformRowHeights(True)
        self.progress = QProgressBar()
        self.progress.hide()
        self.apply_button = QPushButton(tr("Übernehmen"))
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self._close_or_cancel)
        options = QHBoxLayout()
        options.addWidget(self.create_missing)
        options.addWidget(self.skip_invalid)
        options.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(options)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.check()

    # --- preview and apply ---------------------------------------------------------------

    def check(self) -> None:
        """Run the preview off the GUI thread (a big file takes seconds)."""
        importer = self.context.services.sales_import
        create = self.create_missing.isChecked()

        def work(progress: Progress) -> SalesImportReport:
            return importer.preview(self.path, create_missing=create, progress=progress)

        self._run(work, self._show_report)

    def apply(self) -> None:
        importer = self.context.services.sales_import
        create, skip, user = (self.create_missing.isChecked(), self.skip_invalid.isChecked(),
                              self.context.actor)

        def work(progress: Progress) -> SalesImportReport:
            return importer.apply(self.path, create_missing=create, skip_invalid=skip, by=user,
                                  progress=progress)

        self._run(work, self._applied)

    def _run(self, work: Any, on_done: Any) -> None:
        self.apply_button.setEnabled(False)
        self.create_missing.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self._task = self.context.tasks.start(
            work, on_done=on_done, on_error=self._failed, on_progress=self._on_progress,
            on_cancel=self._cancelled)

    def _on_progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{text} %p %")

    def _finish_task(self) -> None:
        self._task = None
        self.progress.hide()
        self.create_missing.setEnabled(True)

    def _show_report(self, report: SalesImportReport) -> None:
        self._finish_task()
        self.report = report
        self.summary.setText(report.summary())
        self.tree.clear()
        groups = (
            (tr("Werden übernommen ({n})"), report.to_add,
             lambda r: [str(r.line), r.customer_no, format_date(r.sale_date),
                        format_cents(r.amount_cents), r.document_no, r.description]),
            (tr("Übersprungen, schon vorhanden ({n})"), report.skipped,
             lambda r: [str(r.line), "", "", "", r.document_no, r.reason]),
            (tr("Abgelehnt ({n})"), report.rejected,
             lambda r: [str(r.line), "", "", "", "", r.reason]),
        )
        items = []
        for title, rows, columns in groups:
            group = QTreeWidgetItem([title.format(n=len(rows))])
            items.append(group)
            self.tree.addTopLevelItem(group)
            group.setFirstColumnSpanned(True)  # only takes effect once the item is in the tree
            group.addChildren([QTreeWidgetItem(columns(r)) for r in rows[:SHOWN_PER_GROUP]])
            if len(rows) > SHOWN_PER_GROUP:
                group.addChild(QTreeWidgetItem(
                    ["…", tr("und {n} weitere").format(n=len(rows) - SHOWN_PER_GROUP)]))
        items[2].setExpanded(bool(report.rejected))
        items[0].setExpanded(not report.rejected)
        self._update_buttons()

    def _update_buttons(self) -> None:
        report = self.report
        ready = (report is not None and not report.applied and self._task is None
                 and bool(report.to_add)
                 and (not report.rejected or self.skip_invalid.isChecked()))
        self.apply_button.setEnabled(ready)

    def _applied(self, report: SalesImportReport) -> None:
        self._show_report(report)
        if report.classes_changed:
            self.summary.setText(report.summary() + "\n" + tr(
                "Klassen neu berechnet: {customers} mit neuer Klasse.").format(
                    customers=format_count(report.classes_changed, tr("Kunde"), tr("Kunden"))))

    def _failed(self, error: BaseException) -> None:
        self._finish_task()
        self._update_buttons()
        show_error(self, error)

    def _cancelled(self) -> None:
        self._finish_task()
        self.summary.setText(tr("Abgebrochen – es wurde nichts übernommen."))
        self._update_buttons()

    def _close_or_cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            return
        self.reject()
