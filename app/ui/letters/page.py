"""The "Briefe" page: template editor with live preview, serial letters, mailing results."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changes
from app.services.customers.dto import CustomerFilter
from app.services.errors import StammkundeError, ValidationError
from app.services.formatting import format_cents, format_date, format_points, format_share
from app.services.letters.labels import ENVELOPES, LABEL_SHEETS, PrintResult
from app.services.letters.mailings import (
    ClassSource,
    FollowUpOption,
    LetterListSource,
    MailingPlan,
    MailingResult,
    NumberSource,
    RecipientSource,
    SegmentSource,
    TagSource,
    VoucherOption,
    invalid,
    parse_numbers,
)
from app.services.letters.service import PLACEHOLDERS, TemplateDTO
from app.services.progress import Progress
from app.ui.context import AppContext
from app.ui.errors import show_error
from app.ui.letters.company_dialog import CompanyDialog
from app.ui.letters.pdf_view import PdfPreview, open_in_viewer, print_pdf
from app.ui.tasks import Task

PREVIEW_DELAY_MS = 400


def tr(text: str) -> str:
    return QCoreApplication.translate("Briefe", text)


def _points(diff: float) -> str:
    """Percentage points; the no-break space keeps the unit with its number when a narrow
    column wraps."""
    return format_points(diff).replace(" ", "\u00a0")


def _elided_list() -> QListWidget:
    """A list whose long entries end in "…" (full text in the tooltip) instead of scrolling
    sideways, so a narrow column stays readable."""
    widget = QListWidget()
    widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.setTextElideMode(Qt.TextElideMode.ElideRight)
    widget.setUniformItemSizes(True)
    return widget


def _splitter(*panes: tuple[QWidget, int]) -> QSplitter:
    """Side-by-side panes that share extra width by their stretch factor and never collapse
    below what they need (a collapsed pane looks like a bug, not a choice)."""
    splitter = QSplitter()
    splitter.setChildrenCollapsible(False)
    for index, (pane, stretch) in enumerate(panes):
        splitter.addWidget(pane)
        splitter.setStretchFactor(index, stretch)
    return splitter


def _compact(combo: QComboBox, characters: int = 16) -> QComboBox:
    """A combo box whose longest entry does not set the width of its whole column."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    return combo


class TemplatesTab(QWidget):
    """Pick and edit a template; the first letter is re-rendered shortly after each edit."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.current: TemplateDTO | None = None
        self.list = _elided_list()
        self.list.setMinimumWidth(140)
        self.list.currentItemChanged.connect(self._selected)
        self.name = QLineEdit()
        self.subject = QLineEdit()
        self.advertising = QCheckBox(tr("Werbebrief (Werbewiderspruch beachten)"))
        self.body = QPlainTextEdit()
        self.placeholders = _elided_list()
        for name, (description, attrs) in PLACEHOLDERS.items():
            for shown in ([f"{name}.{a}" for a in attrs] or [name]):
                item = QListWidgetItem(f"{{{{ {shown} }}}} – {description}")
                item.setData(Qt.ItemDataRole.UserRole, shown)
                item.setToolTip(item.text())
                self.placeholders.addItem(item)
        self.placeholders.itemDoubleClicked.connect(self._insert_placeholder)
        self.placeholders.setMaximumHeight(130)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")
        self.customer = QLineEdit()
        self.customer.setPlaceholderText(tr("Vorschau für Kundennr. …"))
        self.customer.setToolTip(tr("Kundennummer für die Vorschau (leer: erster Kunde)"))
        self.preview = PdfPreview(self, width=480)
        # "Neu" and "Löschen" act on the list and sit under it; the rest under the editor,
        # so neither column needs the width of all five buttons.
        list_buttons = QHBoxLayout()
        buttons = QHBoxLayout()
        for row, label, slot in (
                (list_buttons, tr("Neu"), self.new), (list_buttons, tr("Löschen"), self.delete),
                (buttons, tr("Speichern"), self.save),
                (buttons, tr("Als Kopie speichern"), self.save_copy),
                (buttons, tr("Zurücksetzen"), self.reset)):
            button = QPushButton(label)
            button.clicked.connect(slot)
            row.addWidget(button)
        buttons.addStretch(1)
        form = QFormLayout()
        form.addRow(tr("Name"), self.name)
        form.addRow(tr("Betreff"), self.subject)
        form.addRow("", self.advertising)
        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.addLayout(form)
        editor_layout.addWidget(self.body, 1)
        editor_layout.addWidget(QLabel(tr("Platzhalter (Doppelklick fügt ein):")))
        editor_layout.addWidget(self.placeholders)
        editor_layout.addWidget(self.error)
        editor_layout.addLayout(buttons)
        templates = QWidget()
        templates_layout = QVBoxLayout(templates)
        templates_layout.addWidget(self.list, 1)
        templates_layout.addLayout(list_buttons)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.customer)
        right_layout.addWidget(self.preview, 1)
        self.splitter = _splitter((templates, 1), (editor, 3), (right, 2))
        self.splitter.setSizes([260, 560, 460])
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.update_preview)
        for signal in (self.subject.textChanged, self.body.textChanged,
                       self.customer.editingFinished):
            signal.connect(self._timer.start)
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for template in self.context.services.letters.templates():
            label = template.name + (tr(" (mitgeliefert)") if template.builtin else "")
            item = QListWidgetItem(label)
            item.setToolTip(label)
            item.setData(Qt.ItemDataRole.UserRole, template)
            self.list.addItem(item)
            if template.id == select_id:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self._selected(self.list.currentItem(), None)

    def _selected(self, item: QListWidgetItem | None, _previous: object) -> None:
        self.current = item.data(Qt.ItemDataRole.UserRole) if item else None
        template = self.current
        self.name.setText(template.name if template else "")
        self.subject.setText(template.subject if template else "")
        self.advertising.setChecked(bool(template and template.advertising))
        self.body.setPlainText(template.body if template else "")
        self.error.clear()
        self.update_preview()

    def _insert_placeholder(self, item: QListWidgetItem) -> None:
        self.body.insertPlainText(f"{{{{ {item.data(Qt.ItemDataRole.UserRole)} }}}}")
        self.body.setFocus()

    def edited(self) -> TemplateDTO:
        current = self.current
        return TemplateDTO(id=current.id if current else 0, name=self.name.text(),
                           subject=self.subject.text(), body=self.body.toPlainText(),
                           version=current.version if current else 1,
                           builtin=bool(current and current.builtin),
                           advertising=self.advertising.isChecked())

    def _preview_customer(self) -> int | None:
        customers = self.context.services.customers
        number = self.customer.text().strip()
        if number:
            return customers.get_by_number(number).id
        first = customers.ids(CustomerFilter(), sort="number")[:1]
        return first[0] if first else None

    def update_preview(self) -> None:
        """Render the edited (unsaved) template for one customer; errors show by name."""
        self._timer.stop()
        try:
            customer_id = self._preview_customer()
            if customer_id is None:
                self.preview.clear(tr("Noch keine Kunden für eine Vorschau"))
                return
            data = self.context.services.letters.preview(self.edited(), customer_id,
                                                         by=self.context.actor)
        except StammkundeError as error:
            self.error.setText(error.message)
            return
        self.error.clear()
        self.preview.show_pdf(data)

    def new(self) -> None:
        self.list.clearSelection()
        self.current = None
        self.name.setText(tr("Neue Vorlage"))
        self.subject.clear()
        self.advertising.setChecked(False)
        self.body.setPlainText("{{ briefanrede }}\n\n\n\nMit freundlichen Grüßen\n\n"
                               "{{ absender }}")

    def _store(self, template_id: int | None, name: str) -> None:
        edited = self.edited()
        try:
            saved = self.context.services.letters.save(
                template_id, name=name, subject=edited.subject, body=edited.body,
                advertising=edited.advertising)
        except ValidationError as error:
            self.error.setText(error.message)
            return
        self.context.bus.publish(Changes.of("letters"))
        self.reload(select_id=saved.id)

    def save(self) -> None:
        self._store(self.current.id if self.current else None, self.name.text())

    def save_copy(self) -> None:
        self._store(None, self.name.text() + tr(" (Kopie)"))

    def reset(self) -> None:
        if self.current is None:
            return
        try:
            restored = self.context.services.letters.reset(self.current.id)
        except StammkundeError as error:
            self.error.setText(error.message)
            return
        self.reload(select_id=restored.id)

    def delete(self) -> None:
        if self.current is None:
            return
        answer = QMessageBox.question(self, tr("Vorlage löschen"),
                                      tr("Vorlage „{name}“ löschen?").format(
                                          name=self.current.name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.context.services.letters.delete(self.current.id)
        except StammkundeError as error:
            self.error.setText(error.message)
            return
        self.reload()


class MailingTab(QWidget):
    """Serial letters: choose template and recipients, preview, generate with progress."""

    SOURCES = ("class", "tag", "numbers", "segment", "letter_list")
    CHOSEN_FROM_LIST = ("segment", "letter_list")  # picked in a list instead of typed

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.plan: MailingPlan | None = None
        self.result: MailingResult | None = None
        self.output: Path | None = None
        self.task: Task | None = None
        self.template = _compact(QComboBox())
        self.source_kind = _compact(QComboBox())
        self.source_kind.addItem(tr("Klasse (A, B oder C)"), "class")
        self.source_kind.addItem(tr("Schlagwort"), "tag")
        self.source_kind.addItem(tr("Kundennummern (mit Komma)"), "numbers")
        self.source_kind.addItem(tr("gespeichertem Segment"), "segment")
        self.source_kind.addItem(tr("Briefliste (von Regeln und „Heute“)"), "letter_list")
        self.source_value = QLineEdit("A")
        self.source_choice = _compact(QComboBox())
        self.source_choice.setVisible(False)
        self.source_kind.currentIndexChanged.connect(self._source_kind_changed)
        self.voucher = QDoubleSpinBox()
        self.voucher.setRange(0, 100_000)
        self.voucher.setDecimals(2)
        self.voucher.setSuffix(" €")
        self.voucher.setSpecialValueText(tr("kein Gutschein"))
        self.voucher.setToolTip(tr("Jeder gedruckte Empfänger bekommt einen persönlichen "
                                   "Aktionsgutschein; der Code steht über {{ gutschein.code }} "
                                   "im Brief."))
        self.voucher_days = QSpinBox()
        self.voucher_days.setRange(0, 3660)
        self.voucher_days.setPrefix(tr("gültig "))
        self.voucher_days.setSuffix(tr(" Tage"))
        self.voucher_days.setSpecialValueText(tr("gültig 3 Jahre (gesetzlich)"))
        self.followup = QCheckBox(tr("je Empfänger"))
        self.followup_subject = QLineEdit(tr("Nachfassen, falls keine Antwort"))
        self.followup_days = QSpinBox()
        self.followup_days.setRange(0, 3660)
        self.followup_days.setValue(14)
        self.followup_days.setPrefix(tr("in "))
        self.followup_days.setSuffix(tr(" Tagen"))
        self.followup_assignee = QComboBox()
        self.followup_assignee.setEditable(True)
        self.reload_staff()
        self.followup_assignee.setToolTip(tr("leer: der Betreuer des Kunden"))
        line_edit = self.followup_assignee.lineEdit()
        if line_edit is not None:
            line_edit.setPlaceholderText(tr("Betreuer"))
        self.control_share = QDoubleSpinBox()
        self.control_share.setRange(0, 50)
        self.control_share.setSuffix(" %")
        self.control_share.setDecimals(0)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setSpecialValueText(tr("zufällig"))
        self.per_customer = QCheckBox(tr("zusätzlich ein PDF je Kunde (Ordner)"))
        self.preview_button = QPushButton(tr("Vorschau"))
        self.preview_button.clicked.connect(self.make_plan)
        self.generate_button = QPushButton(tr("Serienbrief erstellen …"))
        self.generate_button.clicked.connect(self._ask_and_generate)
        self.summary = QLabel(tr("Vorlage und Empfänger wählen, dann „Vorschau“."))
        self.summary.setWordWrap(True)
        self.excluded = QTableWidget(0, 3)
        self.excluded.setHorizontalHeaderLabels([tr("Kundennr."), tr("Name"), tr("Grund")])
        self.excluded.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.excluded.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button = QPushButton(tr("Abbrechen"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.open_button = QPushButton(tr("Im PDF-Betrachter öffnen"))
        self.open_button.clicked.connect(self._open)
        self.print_button = QPushButton(tr("Drucken …"))
        self.print_button.clicked.connect(self._print)
        for button in (self.open_button, self.print_button):
            button.setEnabled(False)
        self.preview = PdfPreview(self, width=440)
        self.label_kind = _compact(QComboBox())
        for key, sheet in LABEL_SHEETS.items():
            self.label_kind.addItem(tr("Etiketten ") + sheet.name, f"sheet:{key}")
        for key, envelope in ENVELOPES.items():
            self.label_kind.addItem(tr("Umschlag ") + envelope.name, f"envelope:{key}")
        self.label_start = QSpinBox()
        self.label_start.setRange(1, 24)
        self.label_start.setPrefix(tr("ab Etikett "))
        self.label_kind.currentIndexChanged.connect(self._label_kind_changed)
        self._label_kind_changed()
        self.labels_button = QPushButton(tr("Als PDF …"))
        self.labels_button.clicked.connect(self._ask_and_print_labels)
        labels_row = QHBoxLayout()
        labels_row.addWidget(self.label_start, 1)
        labels_row.addWidget(self.labels_button)
        form = QFormLayout()
        form.addRow(tr("Vorlage"), self.template)
        form.addRow(tr("Empfänger nach"), self.source_kind)
        choice_row = QHBoxLayout()
        choice_row.addWidget(self.source_value, 1)
        choice_row.addWidget(self.source_choice, 1)
        form.addRow(tr("Auswahl"), choice_row)
        voucher_row = QHBoxLayout()
        voucher_row.addWidget(self.voucher, 1)
        voucher_row.addWidget(self.voucher_days, 1)
        form.addRow(tr("Gutschein je Empfänger"), voucher_row)
        followup_row = QHBoxLayout()
        followup_row.addWidget(self.followup)
        followup_row.addWidget(self.followup_subject, 1)
        form.addRow(tr("Wiedervorlage"), followup_row)
        followup_when = QHBoxLayout()
        followup_when.addWidget(self.followup_days, 1)
        followup_when.addWidget(self.followup_assignee, 1)
        form.addRow("", followup_when)
        form.addRow(tr("Kontrollgruppe"), self.control_share)
        form.addRow(tr("Startwert"), self.seed)
        form.addRow("", self.per_customer)
        form.addRow(tr("Etiketten/Umschläge"), self.label_kind)
        form.addRow("", labels_row)
        actions = QHBoxLayout()
        actions.addWidget(self.preview_button)
        actions.addWidget(self.generate_button)
        running = QHBoxLayout()
        running.addWidget(self.progress, 1)
        running.addWidget(self.cancel_button)
        done = QHBoxLayout()
        done.addWidget(self.open_button)
        done.addWidget(self.print_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(form)
        left_layout.addLayout(actions)
        left_layout.addWidget(self.summary)
        left_layout.addWidget(QLabel(tr("Ausgeschlossen:")))
        left_layout.addWidget(self.excluded, 1)
        left_layout.addLayout(running)
        left_layout.addLayout(done)
        self.splitter = _splitter((left, 3), (self.preview, 2))
        self.splitter.setSizes([700, 480])
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        self.reload_templates()

    def reload_templates(self) -> None:
        chosen = self.template.currentData()
        self.template.clear()
        for template in self.context.services.letters.templates():
            self.template.addItem(template.name, template.id)
            if template.id == chosen:
                self.template.setCurrentIndex(self.template.count() - 1)

    def reload_staff(self) -> None:
        """Offer the current staff list; a typed or chosen assignee stays."""
        typed = self.followup_assignee.currentText()
        self.followup_assignee.clear()
        self.followup_assignee.addItems(["", *self.context.services.settings.staff()])
        self.followup_assignee.setEditText(typed)

    def _source_kind_changed(self) -> None:
        """Segments and letter lists are picked from what exists; the rest is typed."""
        kind = self.source_kind.currentData()
        listed = kind in self.CHOSEN_FROM_LIST
        self.source_value.setVisible(not listed)
        self.source_choice.setVisible(listed)
        self.source_choice.clear()
        if kind == "segment":
            for segment in self.context.services.segments.saved():
                self.source_choice.addItem(f"{segment.name} – {segment.description}",
                                           segment.name)
        elif kind == "letter_list":
            for key, count in self.context.services.mailings.letter_lists():
                self.source_choice.addItem(tr("{key} ({n} Kunden)").format(key=key, n=count),
                                           key)

    def source(self) -> RecipientSource:
        kind = self.source_kind.currentData()
        value = self.source_value.text().strip()
        chosen = str(self.source_choice.currentData() or "")
        if kind in self.CHOSEN_FROM_LIST and not chosen:
            raise invalid({"source": tr("Keine Auswahl vorhanden: erst ein Segment "
                                                "speichern bzw. Kunden für Briefe vormerken")})
        if kind == "segment":
            return SegmentSource(chosen, self.context.services.clock.now())
        if kind == "letter_list":
            return LetterListSource(chosen)
        if kind == "class":
            return ClassSource(value.upper())
        if kind == "tag":
            return TagSource(value)
        return NumberSource(parse_numbers(value))

    def voucher_option(self) -> VoucherOption | None:
        cents = round(self.voucher.value() * 100)
        return VoucherOption(cents, self.voucher_days.value()) if cents else None

    def followup_option(self) -> FollowUpOption | None:
        if not self.followup.isChecked():
            return None
        return FollowUpOption(self.followup_subject.text(), self.followup_days.value(),
                              self.followup_assignee.currentText())

    def _settings(self) -> tuple[int, RecipientSource, float, int | None]:
        return (int(self.template.currentData()), self.source(),
                self.control_share.value() / 100, self.seed.value() or None)

    def _checked_settings(self) -> tuple[int, RecipientSource, float, int | None] | None:
        try:
            return self._settings()
        except StammkundeError as error:
            self.summary.setText(error.message)
            return None

    def _busy(self, busy: bool) -> None:
        self.preview_button.setEnabled(not busy)
        self.generate_button.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)

    def make_plan(self) -> None:
        settings = self._checked_settings()
        if settings is None:
            return
        template_id, source, share, seed = settings
        mailings, voucher = self.context.services.mailings, self.voucher_option()
        self._busy(True)
        self.progress.setRange(0, 0)
        self.task = self.context.tasks.start(
            lambda _progress: mailings.plan(template_id, source, control_share=share,
                                            seed=seed, by=self.context.actor, voucher=voucher),
            on_done=self._planned, on_error=self._failed)

    def _planned(self, plan: MailingPlan) -> None:
        self._busy(False)
        self.plan = plan
        if plan.seed is not None:
            self.seed.setValue(plan.seed)
        self.summary.setText(tr("{n} Empfänger, {x} ausgeschlossen, {c} in der Kontrollgruppe "
                                "(„{t}“, Version {v}; {s}).").format(
            n=len(plan.recipients), x=len(plan.excluded), c=len(plan.control),
            t=plan.template.name, v=plan.template.version, s=plan.source))
        self.excluded.setRowCount(len(plan.excluded))
        for row, item in enumerate(plan.excluded):
            for column, text in enumerate((item.number, item.name, item.reason)):
                self.excluded.setItem(row, column, QTableWidgetItem(text))
        if plan.first_letters:
            self.preview.show_pdf(self.context.services.letters.pdf(plan.first_letters))
        else:
            self.preview.clear(tr("Keine Empfänger"))

    def _failed(self, error: BaseException) -> None:
        self._busy(False)
        if isinstance(error, StammkundeError):
            self.summary.setText(error.message)
        else:
            show_error(self, error)

    def _ask_and_generate(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("Serienbrief speichern"),
                                              "serienbrief.pdf", tr("PDF (*.pdf)"))
        if path:
            self.generate(Path(path if path.lower().endswith(".pdf") else path + ".pdf"))

    def generate(self, out: Path) -> None:
        settings = self._checked_settings()
        if settings is None:
            return
        template_id, source, share, seed = settings
        per_customer = out.with_suffix("") if self.per_customer.isChecked() else None
        mailings, user = self.context.services.mailings, self.context.actor
        voucher, followup = self.voucher_option(), self.followup_option()

        def work(progress: Progress) -> MailingResult:
            return mailings.run(template_id, source, out=out, per_customer_dir=per_customer,
                                control_share=share, seed=seed, by=user, voucher=voucher,
                                followup=followup, progress=progress)

        self._busy(True)
        self.progress.setRange(0, 0)
        self.summary.setText(tr("Briefe werden erstellt …"))
        self.task = self.context.tasks.start(work, on_done=self._generated,
                                             on_error=self._failed,
                                             on_progress=self._progressed,
                                             on_cancel=self._cancelled)

    def _label_kind_changed(self) -> None:
        kind, _, key = str(self.label_kind.currentData()).partition(":")
        self.label_start.setEnabled(kind == "sheet")
        if kind == "sheet":
            self.label_start.setMaximum(LABEL_SHEETS[key].per_sheet)

    def _ask_and_print_labels(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("Etiketten speichern"),
                                              "etiketten.pdf", tr("PDF (*.pdf)"))
        if path:
            self.print_labels(Path(path if path.lower().endswith(".pdf") else path + ".pdf"))

    def print_labels(self, out: Path) -> None:
        """Labels or envelopes for the chosen recipients (no exclusions for advertising:
        labels carry no advertising themselves)."""
        kind, _, key = str(self.label_kind.currentData()).partition(":")
        settings = self._checked_settings()
        if settings is None:
            return
        source, start = settings[1], self.label_start.value()
        labels = self.context.services.labels

        def work(_progress: Progress) -> PrintResult:
            if kind == "sheet":
                return labels.print_labels(source, sheet_key=key, out=out, start=start)
            return labels.print_envelopes(source, size=key, out=out)

        self._busy(True)
        self.progress.setRange(0, 0)
        self.task = self.context.tasks.start(work, on_done=self._labels_printed,
                                             on_error=self._failed)

    def _labels_printed(self, result: PrintResult) -> None:
        self._busy(False)
        self._finished(Path(result.path))
        self.summary.setText(tr("{n} Anschriften auf {p} Seiten gedruckt: {f}").format(
            n=result.printed, p=result.pages, f=result.path))
        self.excluded.setRowCount(len(result.excluded))
        for row, item in enumerate(result.excluded):
            for column, text in enumerate((item.number, item.name, item.reason)):
                self.excluded.setItem(row, column, QTableWidgetItem(text))

    def _finished(self, output: Path) -> None:
        self.output = output
        for button in (self.open_button, self.print_button):
            button.setEnabled(True)

    def _progressed(self, done: int, total: int, _text: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _generated(self, result: MailingResult) -> None:
        self._busy(False)
        self.result = result
        self._finished(Path(result.mailing.output_path))
        self.summary.setText(result.summary())
        if self.source_kind.currentData() == "letter_list":
            self._source_kind_changed()  # the printed entries are done now
        self.context.bus.publish(Changes.of("letters", "timeline", "followups", "loyalty"))

    def _cancelled(self) -> None:
        self._busy(False)
        self.summary.setText(tr("Abgebrochen, bevor ein Brief fertig war – nichts gespeichert."))

    def _open(self) -> None:
        if self.output is not None:
            open_in_viewer(self.output)

    def _print(self) -> None:
        if self.output is not None:
            print_pdf(self.output, self)


class ResultsTab(QWidget):
    """Each mailing against its control group: buyers and revenue after 30/60/90 days."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.mailings = QTableWidget(0, 6)
        self.mailings.setHorizontalHeaderLabels(
            [tr("Nr."), tr("Datum"), tr("Vorlage"), tr("Briefe"), tr("Kontrollgruppe"),
             tr("Status")])
        self.mailings.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.mailings.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.mailings.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.mailings.itemSelectionChanged.connect(self.show_results)
        self.results = QTableWidget(0, 7)
        self.results.setHorizontalHeaderLabels(
            # two-line headers: seven columns share the width of a 1024-pixel screen
            [tr("Zeitraum"), tr("Käufer\nEmpfänger"), tr("Käufer\nKontrollgruppe"),
             tr("Differenz"), tr("95-%-Konfidenz-\nintervall"), tr("Umsatz je\nEmpfänger"),
             tr("Umsatz je\nKontrollkunde")])
        self.results.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.results.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.results.setWordWrap(True)
        # at most a few rows: rows grow to the wrapped text instead of cutting it off
        self.results.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.note = QLabel(tr("Käufer: Anteil der Kunden mit einem Umsatz nach dem Versandtag "
                              "innerhalb des Zeitraums. Konfidenzintervall nach der "
                              "Normalapproximation für zwei Anteile."))
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.mailings, 1)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.note)
        self.reload()

    def reload(self) -> None:
        rows = self.context.services.mailings.mailings()
        self.mailings.setRowCount(len(rows))
        for row, m in enumerate(rows):
            status = tr("fertig") if m.status == "complete" else tr("abgebrochen")
            for column, text in enumerate((f"#{m.id}", format_date(m.mailing_date),
                                           m.template_name, str(m.letters_printed),
                                           str(m.control), status)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, m.id)
                self.mailings.setItem(row, column, item)
        self.mailings.resizeColumnsToContents()

    def show_results(self) -> None:
        selected = self.mailings.selectedItems()
        if not selected:
            return
        results = self.context.services.mailings.results(
            int(selected[0].data(Qt.ItemDataRole.UserRole)))
        self.results.setRowCount(len(results.windows))
        for row, w in enumerate(results.windows):
            ci = w.confidence_interval
            period = tr("{d} Tage").format(d=w.days) + ("" if w.complete else tr(" (läuft)"))
            texts = (period, format_share(w.recipient_rate), format_share(w.control_rate),
                     _points(w.difference),
                     f"{_points(ci[0])} … {_points(ci[1])}" if ci else "–",
                     format_cents(w.revenue_per_recipient_cents),
                     format_cents(w.revenue_per_control_cents))
            for column, text in enumerate(texts):
                self.results.setItem(row, column, QTableWidgetItem(text))


class LettersPage(QWidget):
    """Briefe: Vorlagen, Serienbrief, Auswertung — and the Briefkopf dialog."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.templates = TemplatesTab(context)
        self.mailing = MailingTab(context)
        self.results = ResultsTab(context)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.templates, tr("Vorlagen"))
        self.tabs.addTab(self.mailing, tr("Serienbrief"))
        self.tabs.addTab(self.results, tr("Auswertung"))
        company = QPushButton(tr("Briefkopf …"))
        company.clicked.connect(self.edit_company)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("<b>Briefe</b>")))
        top.addStretch(1)
        top.addWidget(company)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        context.bus.changed.connect(self._changed)

    def edit_company(self) -> None:
        if CompanyDialog(self.context, self).exec():
            self.context.bus.publish(Changes.of("settings"))

    def _changed(self, changes: Changes) -> None:
        if changes.touches("letters"):
            self.mailing.reload_templates()
            self.results.reload()
        if changes.touches("settings"):
            self.templates.update_preview()
            self.mailing.reload_staff()
