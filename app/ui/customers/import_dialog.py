"""The customer import dialog: file → columns → preview → import → summary.

Reading, checking and importing run through the task runner with progress and Cancel; the
dialog only shows what the import service found and collects the user's choices.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.customers.importing.mapping import FIELDS
from app.services.customers.importing.readers import Source
from app.services.customers.importing.service import (
    DUPLICATE_CHOICES,
    ImportPreview,
    ImportResult,
    ImportRow,
)
from app.services.errors import StammkundeError
from app.services.formatting import format_count
from app.services.progress import Progress
from app.ui.context import AppContext
from app.ui.errors import show_error
from app.ui.tasks import Task

PREVIEW_ROWS = 20
SHOWN_PER_GROUP = 500  # more rows of a group are summarised in one line
_LINE = Qt.ItemDataRole.UserRole


def tr(text: str) -> str:
    return QCoreApplication.translate("CustomerImport", text)


class CustomerImportDialog(QDialog):
    """Datei → Kunden importieren…"""

    FILE, MAPPING, PREVIEW, DONE = range(4)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.importer = context.services.customer_import
        self.setWindowTitle(tr("Kunden importieren"))
        self.resize(960, 640)
        self.source: Source | None = None
        self.preview: ImportPreview | None = None
        self.checked_mapping: dict[int, str] = {}  # the mapping the preview was made with
        self.outcome: ImportResult | None = None
        self.choices: dict[int, str] = {}
        self.task: Task | None = None

        self.pages = QStackedWidget()
        self.pages.addWidget(self._file_page())
        self.pages.addWidget(self._mapping_page())
        self.pages.addWidget(self._preview_page())
        self.pages.addWidget(self._done_page())

        self.status = QLabel()
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button = QPushButton(tr("Abbrechen"))
        self.cancel_button.clicked.connect(self._cancel)
        self.back_button = QPushButton(tr("Zurück"))
        self.back_button.clicked.connect(self._back)
        self.next_button = QPushButton(tr("Weiter"))
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self._next)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.progress)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        self._show(self.FILE)

    # --- pages -------------------------------------------------------------------------

    def _file_page(self) -> QWidget:
        page = QWidget()
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(tr("Datei wählen: .csv, .txt, .xlsx oder .vcf"))
        browse = QPushButton(tr("Durchsuchen…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.history = QTreeWidget()
        self.history.setHeaderLabels([tr("Import"), tr("Datei"), tr("Ergebnis"), tr("von")])
        self.history.setColumnWidth(0, 150)
        self.history.setColumnWidth(1, 220)
        self.history.setColumnWidth(2, 420)
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(tr(
            "Kundenliste aus Excel (.xlsx), einer CSV-Datei (UTF-8 oder Windows-1252, "
            "getrennt durch Semikolon, Komma oder Tabulator) oder vCards (.vcf).")))
        layout.addLayout(row)
        layout.addWidget(QLabel(tr("Importprotokoll:")))
        layout.addWidget(self.history, 1)
        self._fill_history()
        return page

    def _mapping_page(self) -> QWidget:
        page = QWidget()
        self.source_label = QLabel()
        self.sample = QTableWidget()
        self.sample.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mapping_table = QTableWidget(0, 3)
        self.mapping_table.setHorizontalHeaderLabels(
            [tr("Spalte in der Datei"), tr("Beispiel"), tr("Feld in Stammkunde")])
        self.mapping_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch)
        self.mapping_table.setColumnWidth(0, 220)
        self.mapping_table.setColumnWidth(2, 220)
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.header_spin = QSpinBox()
        self.header_spin.setRange(1, 1_000_000)
        self.header_spin.setToolTip(tr("In welcher Zeile der Datei die Spaltenüberschriften "
                                       "stehen (über ihr z. B. ein Titel)"))
        self.reread_button = QPushButton(tr("Neu lesen"))
        self.reread_button.clicked.connect(
            lambda: self._read(header_line=self.header_spin.value()))
        header_row = QHBoxLayout()
        header_row.addWidget(QLabel(tr("Kopfzeile in Zeile")))
        header_row.addWidget(self.header_spin)
        header_row.addWidget(self.reread_button)
        header_row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(self.source_label)
        layout.addLayout(header_row)
        layout.addWidget(QLabel(tr("Die ersten Zeilen:")))
        layout.addWidget(self.sample, 1)
        layout.addWidget(QLabel(tr("Zuordnung der Spalten (wird für das nächste Mal "
                                   "gespeichert):")))
        layout.addWidget(self.mapping_table, 1)
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([tr("Zeile"), tr("Name"), tr("Hinweis"), tr("Aktion")])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tree.setColumnWidth(1, 220)
        self.tree.setColumnWidth(3, 140)
        self.tree.currentItemChanged.connect(self._show_stored)
        self.stored_label = QLabel()
        self.stored_label.setWordWrap(True)
        self.stored_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        actions = QHBoxLayout()
        actions.addWidget(QLabel(tr("Markierte Dubletten:")))
        self.choice_buttons: dict[str, QPushButton] = {}
        for choice, label in DUPLICATE_CHOICES.items():
            button = QPushButton(tr(label))
            button.clicked.connect(lambda _checked=False, c=choice: self._choose_selected(c))
            actions.addWidget(button)
            self.choice_buttons[choice] = button
        actions.addSpacing(24)
        actions.addWidget(QLabel(tr("Alle Dubletten:")))
        self.all_choice = QComboBox()
        for choice, label in DUPLICATE_CHOICES.items():
            self.all_choice.addItem(tr(label), choice)
        self.all_choice.activated.connect(self._choose_all)
        actions.addWidget(self.all_choice)
        actions.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.stored_label)
        layout.addLayout(actions)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        self.done_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(page)
        layout.addWidget(self.done_label)
        layout.addStretch(1)
        return page

    # --- navigation ----------------------------------------------------------------------

    def _show(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self.back_button.setEnabled(page in (self.MAPPING, self.PREVIEW))
        self.next_button.setText(tr("Importieren") if page == self.PREVIEW else (
            tr("Schließen") if page == self.DONE else tr("Weiter")))
        self.cancel_button.setVisible(page != self.DONE)

    def _next(self) -> None:
        page = self.pages.currentIndex()
        if page == self.FILE:
            self._read()
        elif page == self.MAPPING:
            self._check()
        elif page == self.PREVIEW:
            self._apply()
        else:
            self.accept()

    def _back(self) -> None:
        self._show(max(self.FILE, self.pages.currentIndex() - 1))

    def _cancel(self) -> None:
        self.reject()

    def reject(self) -> None:
        """Cancel (button, Esc, window close) stops running work first; the dialog closes
        only when nothing runs, so a half-finished import can never be left behind."""
        if self.task is not None:
            self.task.cancel()
            return
        super().reject()

    def _browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, tr("Kundenliste öffnen"), self.path_edit.text(),
            tr("Kundenlisten (*.csv *.txt *.xlsx *.vcf);;Alle Dateien (*)"))
        if path:
            self.path_edit.setText(path)

    # --- steps ---------------------------------------------------------------------------

    def _run(self, work: Any, on_done: Any, text: str) -> None:
        self.status.setText(text)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.next_button.setEnabled(False)
        self.back_button.setEnabled(False)
        self.task = self.context.tasks.start(
            work, on_done=lambda result: self._finished(on_done, result),
            on_error=self._failed, on_progress=self._progress, on_cancel=self._cancelled)

    def _idle(self, text: str = "") -> None:
        self.task = None
        self.status.setText(text)
        self.progress.setVisible(False)
        self.next_button.setEnabled(True)
        self._show(self.pages.currentIndex())

    def _finished(self, on_done: Any, result: Any) -> None:
        self._idle()
        on_done(result)

    def _failed(self, error: BaseException) -> None:
        self._idle()
        show_error(self, error)

    def _cancelled(self) -> None:
        self._idle(tr("Abgebrochen – es wurde nichts gespeichert."))

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if text:
            self.status.setText(text)

    def _read(self, *, header_line: int | None = None) -> None:
        """Read the file; `header_line` is the header row the user chose (else detected)."""
        path = Path(self.path_edit.text().strip())
        if not self.path_edit.text().strip():
            self.status.setText(tr("Bitte eine Datei wählen."))
            return

        def work(_progress: Progress) -> tuple[Source, dict[int, str]]:
            source = self.importer.read(path, header_line=header_line)
            return source, self.importer.suggested_mapping(source)

        self._run(work, self._show_mapping, tr("Datei wird gelesen …"))

    def _show_mapping(self, found: tuple[Source, dict[int, str]]) -> None:
        source, mapping = found
        self.source = source
        self.source_label.setText(tr("{name}: {description}, {rows}").format(
            name=source.path.name, description=source.describe(),
            rows=format_count(len(source.rows), tr("Zeile"), tr("Zeilen"))))
        self.header_spin.setValue(source.header_line or 1)
        for widget in (self.header_spin, self.reread_button):
            widget.setEnabled(source.header_line is not None)  # vCards have no header row
        rows = source.rows[:PREVIEW_ROWS]
        self.sample.clear()
        self.sample.setColumnCount(len(source.header))
        self.sample.setRowCount(len(rows))
        self.sample.setHorizontalHeaderLabels(list(source.header))
        self.sample.setVerticalHeaderLabels([str(r.line) for r in rows])
        for r, row in enumerate(rows):
            for c in range(len(source.header)):
                self.sample.setItem(r, c, QTableWidgetItem(row.get(c)[:200]))
        self.mapping_table.setRowCount(len(source.header))
        for index, header in enumerate(source.header):
            example = next((row.get(index) for row in rows if row.get(index)), "")
            self.mapping_table.setItem(index, 0, QTableWidgetItem(header))
            self.mapping_table.setItem(index, 1, QTableWidgetItem(example[:80]))
            combo = QComboBox()
            combo.addItem(tr("– nicht übernehmen –"), "")
            for code, label in FIELDS.items():
                combo.addItem(tr(label), code)
            combo.setCurrentIndex(max(0, combo.findData(mapping.get(index, ""))))
            self.mapping_table.setCellWidget(index, 2, combo)
        self._show(self.MAPPING)

    def mapping(self) -> dict[int, str]:
        """The mapping as the combos show it now."""
        found: dict[int, str] = {}
        for index in range(self.mapping_table.rowCount()):
            combo = self.mapping_table.cellWidget(index, 2)
            if isinstance(combo, QComboBox) and combo.currentData():
                found[index] = str(combo.currentData())
        return found

    def _check(self) -> None:
        source, mapping = self.source, self.mapping()
        assert source is not None
        self.checked_mapping = mapping
        self._run(lambda progress: self.importer.preview(source, mapping, progress=progress),
                  self._show_preview, tr("Zeilen werden geprüft …"))

    def _show_preview(self, preview: ImportPreview) -> None:
        self.preview = preview
        self.choices = {}
        self.summary.setText(tr(
            "{total}: {new} neu, {dup}, {rej} abgelehnt, {noted} mit "
            "Hinweisen (ein Feld nicht übernommen). Abgelehnte Zeilen werden nicht "
            "übernommen.").format(
                total=format_count(preview.total, tr("Zeile"), tr("Zeilen")),
                new=len(preview.new),
                dup=format_count(len(preview.duplicates), tr("mögliche Dublette"),
                                 tr("mögliche Dubletten")),
                rej=len(preview.rejected), noted=len(preview.with_problems))
            + "".join("\n" + group.message() for group in preview.groups))
        self.tree.clear()
        default = DUPLICATE_CHOICES[str(self.all_choice.currentData())]
        self.new_group = self._group(tr("Neu"), preview.new, lambda _row: tr("Anlegen"))
        self.duplicate_group = self._group(tr("Mögliche Dubletten"), preview.duplicates,
                                           lambda _row: tr(default))
        self.rejected_group = QTreeWidgetItem(
            self.tree, [tr("Abgelehnt ({n})").format(n=len(preview.rejected))])
        self.rejected_group.setFirstColumnSpanned(True)
        for rejected in preview.rejected[:SHOWN_PER_GROUP]:
            item = QTreeWidgetItem(self.rejected_group,
                                   [str(rejected.line), "", rejected.reason, ""])
            item.setToolTip(2, rejected.reason)
        self._more(self.rejected_group, len(preview.rejected))
        self.duplicate_group.setExpanded(True)
        self.rejected_group.setExpanded(True)
        self._show(self.PREVIEW)
        self.next_button.setEnabled(bool(preview.new or preview.duplicates))

    def _group(self, title: str, rows: tuple[ImportRow, ...], action: Any) -> QTreeWidgetItem:
        group = QTreeWidgetItem(self.tree, [f"{title} ({len(rows)})"])
        group.setFirstColumnSpanned(True)
        for row in rows[:SHOWN_PER_GROUP]:
            hint = "; ".join([*(f"{m.reason} → {m.label}" for m in row.duplicates),
                              *row.problems])
            item = QTreeWidgetItem(group, [str(row.line), row.name, hint, action(row)])
            item.setData(0, _LINE, row.line)
            item.setToolTip(2, hint)
        self._more(group, len(rows))
        return group

    @staticmethod
    def _more(group: QTreeWidgetItem, count: int) -> None:
        if count > SHOWN_PER_GROUP:
            QTreeWidgetItem(group, ["", tr("… und {n} weitere").format(
                n=count - SHOWN_PER_GROUP)])

    def _show_stored(self, item: QTreeWidgetItem | None) -> None:
        """What the current row will store, by the import's own checks."""
        line = item.data(0, _LINE) if item is not None else None
        if line is None or self.source is None:
            self.stored_label.clear()
            return
        try:
            stored = self.importer.stored(self.source, self.checked_mapping, int(line))
        except StammkundeError as error:
            self.stored_label.setText(error.message)
            return
        self.stored_label.setText(tr("Zeile {line} wird gespeichert als: {fields}").format(
            line=stored.line, fields=" · ".join(
                f"{tr(label)}: {value}" for label, value in stored.fields)) + "".join(
            "\n" + problem for problem in stored.problems))

    def _choose_selected(self, choice: str) -> None:
        for item in self.tree.selectedItems():
            line = item.data(0, _LINE)
            if item.parent() is self.duplicate_group and line is not None:
                self.choices[int(line)] = choice
                item.setText(3, tr(DUPLICATE_CHOICES[choice]))

    def _choose_all(self) -> None:
        choice = str(self.all_choice.currentData())
        self.choices = {}
        for index in range(self.duplicate_group.childCount()):
            item = self.duplicate_group.child(index)
            if item is not None and item.data(0, _LINE) is not None:
                item.setText(3, tr(DUPLICATE_CHOICES[choice]))

    def _apply(self) -> None:
        source, mapping = self.source, self.mapping()
        assert source is not None
        choices, default = dict(self.choices), str(self.all_choice.currentData())
        user = self.context.actor
        self._run(lambda progress: self.importer.apply(
            source, mapping, choices=choices, on_duplicate=default, skip_invalid=True,
            by=user, progress=progress), self._show_result, tr("Kunden werden importiert …"))

    def _show_result(self, result: ImportResult) -> None:
        self.outcome = result
        self.done_label.setText("\n\n".join([
            tr("Import abgeschlossen: {added} angelegt, {merged} zusammengeführt, "
               "{skipped} übersprungen, {rejected} abgelehnt.").format(
                added=result.added, merged=result.merged, skipped=result.skipped,
                rejected=len(result.preview.rejected)),
            tr("Das Importprotokoll steht auf der ersten Seite dieses Dialogs "
               "(Datei → Kunden importieren…).")]))
        self._fill_history()
        self._show(self.DONE)

    def _fill_history(self) -> None:
        self.history.clear()
        for entry in self.importer.logs(limit=50):
            when = entry.imported_at.astimezone(self.context.services.clock.zone)
            item = QTreeWidgetItem(self.history, [
                when.strftime("%d.%m.%Y %H:%M"), entry.file_name,
                tr("{added} angelegt, {merged} zusammengeführt, {skipped} übersprungen, "
                   "{rejected} abgelehnt").format(
                    added=entry.added, merged=entry.merged, skipped=entry.skipped,
                    rejected=entry.rejected_count), entry.imported_by])
            if entry.rejected_count:
                for rejected in self.importer.log(entry.id).rejected[:SHOWN_PER_GROUP]:
                    QTreeWidgetItem(item, ["", tr("Zeile {line}").format(line=rejected.line),
                                           rejected.reason])
