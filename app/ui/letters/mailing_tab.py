"""The Serienbrief tab: choose template and recipients, preview, print letters, labels and
envelopes with progress."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import StammkundeError
from app.services.formatting import format_count
from app.services.letters.labels import ENVELOPES, LABEL_SHEETS, PrintResult
from app.services.letters.mailings import FollowUpOption, MailingPlan, MailingResult, VoucherOption
from app.services.letters.recipients import (
    ClassSource,
    LetterListSource,
    NumberSource,
    RecipientSource,
    SegmentSource,
    TagSource,
    invalid,
    parse_numbers,
)
from app.services.letters.service import letter_purpose
from app.services.progress import Progress
from app.ui.context import AppContext
from app.ui.errors import show_error
from app.ui.icons import icon
from app.ui.letters.common import compact, splitter_of, tr
from app.ui.letters.pdf_view import PdfPreview, open_in_viewer, print_pdf
from app.ui.save_file import ask_save_file
from app.ui.tasks import Task

TEMPLATE_ROLE = Qt.ItemDataRole.UserRole + 1  # a letter list's template id

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
        self.template = compact(QComboBox())
        self.source_kind = compact(QComboBox())
        self.source_kind.addItem(tr("Klasse (A, B oder C)"), "class")
        self.source_kind.addItem(tr("Schlagwort"), "tag")
        self.source_kind.addItem(tr("Kundennummern (mit Komma)"), "numbers")
        self.source_kind.addItem(tr("gespeichertem Segment"), "segment")
        self.source_kind.addItem(tr("Vorgemerkte Briefe (aus „Heute“ und Regeln)"), "letter_list")
        self.source_value = QLineEdit("A")
        self.source_choice = compact(QComboBox())
        self.source_choice.setVisible(False)
        self.source_choice.currentIndexChanged.connect(self._letter_list_chosen)
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
        self.seed.setToolTip(tr("Wer in die Kontrollgruppe kommt, wird ausgelost. Mit derselben "
                                "Nummer wird genau dieselbe Kontrollgruppe gezogen."))
        self.per_customer = QCheckBox(tr("zusätzlich ein PDF je Kunde (Ordner)"))
        self.preview_button = QPushButton(icon("refresh-cw"), tr("Vorschau"))
        self.preview_button.clicked.connect(self.make_plan)
        self.generate_button = QPushButton(icon("file-text"), tr("Serienbrief erstellen …"))
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
        self.print_button = QPushButton(icon("printer"), tr("Drucken …"))
        self.print_button.clicked.connect(self._print)
        for button in (self.open_button, self.print_button):
            button.setEnabled(False)
        self.preview = PdfPreview(self, width=440)
        self.label_kind = compact(QComboBox())
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
        form.addRow(tr("Auslosung Nr."), self.seed)
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
        self.splitter = splitter_of((left, 3), (self.preview, 2))
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
            for letters in self.context.services.mailings.letter_lists():
                self.source_choice.addItem(tr("{name} – {customers} vorgemerkt").format(
                    name=letters.name,
                    customers=format_count(letters.count, tr("Kunde"), tr("Kunden"))),
                    letters.key)
                self.source_choice.setItemData(self.source_choice.count() - 1,
                                               letters.template_id, TEMPLATE_ROLE)
            self._letter_list_chosen()

    def reload_letter_lists(self) -> None:
        """Queued or printed letters change the vorgemerkte Briefe on offer."""
        if self.source_kind.currentData() == "letter_list":
            self._source_kind_changed()

    def show_letter_lists(self) -> None:
        """Recipients from the vorgemerkte Briefe (the Briefe page's button)."""
        self.source_kind.setCurrentIndex(self.source_kind.findData("letter_list"))

    def _letter_list_chosen(self) -> None:
        """A letter list is printed with its own template: choose it."""
        if self.source_kind.currentData() != "letter_list":
            return
        template_id = self.source_choice.currentData(TEMPLATE_ROLE)
        index = self.template.findData(template_id) if template_id is not None else -1
        if index >= 0:
            self.template.setCurrentIndex(index)

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
        path = ask_save_file(self, self.context.services, tr("Serienbrief speichern"),
                             "serienbrief.pdf", {tr("PDF (*.pdf)"): ".pdf"})
        if path is not None:
            self.generate(path)

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
        path = ask_save_file(self, self.context.services, tr("Etiketten speichern"),
                             "etiketten.pdf", {tr("PDF (*.pdf)"): ".pdf"})
        if path is not None:
            self.print_labels(path)

    def print_labels(self, out: Path) -> None:
        """Labels or envelopes for the chosen recipients, for what the chosen template is:
        an advertising letter's envelopes skip whom the contact policy holds back."""
        kind, _, key = str(self.label_kind.currentData()).partition(":")
        settings = self._checked_settings()
        if settings is None:
            return
        source, start = settings[1], self.label_start.value()
        services = self.context.services
        labels, template_id = services.labels, settings[0]

        def work(_progress: Progress) -> PrintResult:
            purpose = letter_purpose(services.letters.get(template_id).advertising)
            if kind == "sheet":
                return labels.print_labels(source, sheet_key=key, out=out, start=start,
                                           purpose=purpose)
            return labels.print_envelopes(source, size=key, out=out, purpose=purpose)

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

    def _cancelled(self) -> None:
        self._busy(False)
        self.summary.setText(tr("Abgebrochen, bevor ein Brief fertig war – nichts gespeichert."))

    def _open(self) -> None:
        if self.output is not None:
            open_in_viewer(self.output)

    def _print(self) -> None:
        if self.output is not None:
            print_pdf(self.output, self)
