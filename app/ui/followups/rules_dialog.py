"""The rules dialog ("Regeln"): switch each automatic rule on or off and set its parameters."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import StammkundeError
from app.services.followups.occasions import KINDS
from app.services.followups.rules import RuleDTO, RuleInput
from app.services.formatting import format_date
from app.ui.context import AppContext
from app.ui.errors import show_error
from app.ui.followups.release_dialog import ReleaseDialog
from app.ui.keys import tab_order
from app.ui.messages import MessageLabel


def tr(text: str) -> str:
    return QCoreApplication.translate("Regeln", text)


class RulesDialog(QDialog):
    """A list of the rules on the left, the selected rule's settings on the right;
    *Übernehmen* saves the selected rule."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(tr("Automatische Regeln"))
        self.rules: list[RuleDTO] = []
        self.list = QListWidget()
        self.list.setFixedWidth(220)
        self.enabled = QCheckBox(tr("eingeschaltet"))
        self.kind = QLabel()
        self.params_box = QWidget()
        self.params_form = QFormLayout(self.params_box)
        self.params_form.setContentsMargins(0, 0, 0, 0)
        self.param_spins: dict[str, QSpinBox] = {}
        self.create_followup = QCheckBox(tr("Wiedervorlage anlegen"))
        self.subject = QLineEdit()
        self.subject.setToolTip(tr("Platzhalter wie in Briefvorlagen: {{ grund }} Anlass, "
                                   "{{ kunde }} Name, {{ kundennummer }} Kundennummer"))
        self.assignee = QComboBox()
        self.assignee.setEditable(True)
        self.assignee.addItems([""] + context.services.settings.staff())
        self.assignee.setToolTip(tr("leer: der Betreuer des Kunden"))
        self.letter = QLineEdit()
        self.letter.setPlaceholderText(tr("leer: kein Brief"))
        self.by_email = QCheckBox(tr("per E-Mail, wo erlaubt (sonst Brief)"))
        self.by_email.setToolTip(tr(
            "Die Mailvorlage mit dem Schlüssel oder Namen der Briefvorlage geht an Kunden, "
            "denen gemailt werden darf; alle anderen bleiben mit dem Grund auf der Briefliste."))
        self.new_kind = QComboBox()
        for key, kind in KINDS.items():
            self.new_kind.addItem(tr(kind.label), key)
        self.new_button = QPushButton(tr("Neue Regel"))
        self.new_button.setToolTip(tr("Eine weitere Regel dieser Art anlegen (ausgeschaltet), "
                                      "z. B. Erinnerung 30 und Rabattcode 60 Tage nach dem "
                                      "Erstkauf"))
        self.voucher = QDoubleSpinBox()
        self.voucher.setRange(0, 100_000)
        self.voucher.setDecimals(2)
        self.voucher.setSuffix(" €")
        self.voucher.setSpecialValueText(tr("kein Gutschein"))
        self.voucher_days = QSpinBox()
        self.voucher_days.setRange(0, 3660)
        self.voucher_days.setSuffix(tr(" Tage"))
        self.voucher_days.setSpecialValueText(tr("gesetzlich (3 Jahre zum Jahresende)"))
        self.processed = QLabel()
        self.apply_button = QPushButton(tr("Übernehmen"))
        self.status = MessageLabel()

        form = QFormLayout()
        form.addRow(tr("Art"), self.kind)
        form.addRow("", self.enabled)
        form.addRow(tr("Einstellungen"), self.params_box)
        form.addRow(tr("Aktion"), self.create_followup)
        form.addRow(tr("Betreff-Vorlage"), self.subject)
        form.addRow(tr("Zuständig"), self.assignee)
        form.addRow(tr("Briefvorlage"), self.letter)
        form.addRow("", self.by_email)
        form.addRow(tr("Aktionsgutschein"), self.voucher)
        form.addRow(tr("Gutschein gültig"), self.voucher_days)
        form.addRow(tr("Verarbeitet bis"), self.processed)
        form.addRow("", self.apply_button)
        form.addRow("", self.status)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addWidget(self.new_kind)
        left.addWidget(self.new_button)
        body = QHBoxLayout()
        body.addLayout(left)
        body.addLayout(form, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(close)
        self.list.currentRowChanged.connect(self._show_rule)
        self.apply_button.clicked.connect(self.apply)
        self.new_button.clicked.connect(self.add_rule)
        self._load(select=0)

    def _load(self, *, select: int) -> None:
        self.rules = self.context.services.rules.rules()
        self.list.blockSignals(True)
        self.list.clear()
        for rule in self.rules:
            item = QListWidgetItem(rule.name)
            item.setCheckState(Qt.CheckState.Checked if rule.enabled
                               else Qt.CheckState.Unchecked)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.list.setCurrentRow(select)
        self._show_rule(select)

    def _show_rule(self, row: int) -> None:
        if not 0 <= row < len(self.rules):
            return
        rule = self.rules[row]
        self.kind.setText(rule.kind_label)
        self.enabled.setChecked(rule.enabled)
        while self.params_form.rowCount():
            self.params_form.removeRow(0)
        self.param_spins = {}
        for key, label in KINDS[rule.kind].param_labels.items():
            spin = QSpinBox()
            spin.setRange(0, 1_000_000_000)
            spin.setValue(rule.params.get(key, 0))
            self.param_spins[key] = spin
            self.params_form.addRow(tr(label), spin)
        tab_order(self.list, self.enabled, *self.param_spins.values(), self.create_followup,
                  self.subject, self.assignee, self.letter, self.by_email, self.voucher,
                  self.voucher_days, self.apply_button, self.new_kind, self.new_button)
        self.create_followup.setChecked(rule.create_followup)
        self.subject.setText(rule.subject_template)
        self.assignee.setEditText(rule.assignee)
        self.letter.setText(rule.letter_template)
        self.by_email.setChecked(rule.by_email)
        self.voucher.setValue(rule.voucher_cents / 100)
        self.voucher_days.setValue(rule.voucher_days)
        self.processed.setText(format_date(rule.last_processed))
        self.status.clear()

    def current_rule(self) -> RuleDTO:
        return self.rules[self.list.currentRow()]

    def apply(self) -> None:
        """Save the rule; one switched on that would create many follow-ups at once is saved
        off and the user chooses in the release dialog how it starts."""
        rule = self.current_rule()
        row = self.list.currentRow()
        enabled = self.enabled.isChecked()
        preview = (self.context.services.rule_release.dry_run(rule.id)
                   if enabled and not rule.enabled else None)
        try:
            self.context.services.rules.update(rule.id, RuleInput(
                name=rule.name, enabled=enabled and not (preview and preview.many),
                params={key: spin.value() for key, spin in self.param_spins.items()},
                create_followup=self.create_followup.isChecked(),
                subject_template=self.subject.text(), assignee=self.assignee.currentText(),
                letter_template=self.letter.text(),
                voucher_cents=round(self.voucher.value() * 100),
                voucher_days=self.voucher_days.value(), by_email=self.by_email.isChecked(),
                per_day=rule.per_day))
        except StammkundeError as error:
            show_error(self, error)
            return
        self._load(select=row)
        self.status.success(tr("Gespeichert."))
        if preview is not None and preview.many:
            self.release_dialog = ReleaseDialog(self.context, preview, self)
            self.release_dialog.finished.connect(self._released)
            self.release_dialog.open()

    def _released(self) -> None:
        self._load(select=self.list.currentRow())

    def add_rule(self) -> None:
        """A further rule of the chosen kind, switched off, selected for setting up."""
        kind = self.new_kind.currentData()
        name = self.new_kind.currentText()
        taken = {rule.name for rule in self.rules}
        number = 2
        while name in taken:
            name = f"{self.new_kind.currentText()} ({number})"
            number += 1
        try:
            self.context.services.rules.create(kind, RuleInput(
                name=name, enabled=False, params={}))
        except StammkundeError as error:
            show_error(self, error)
            return
        self._load(select=len(self.rules))  # ordered by number: the new rule comes last
        self.status.success(tr("Neue Regel angelegt (ausgeschaltet)."))
