"""Which automatic rules to switch on, each with what it would do on this database today."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from app.services.followups.release import RulePreview
from app.services.followups.rules import RuleDTO, RuleInput
from app.ui.context import AppContext
from app.ui.followups.release_dialog import DEFAULT_PER_DAY

# What each kind does, in the owner's words.
EXPLAINED = {
    "birthday": "eine Wiedervorlage einige Tage vor dem Geburtstag (Gruß, Anruf)",
    "first_purchase": "nach dem ersten Einkauf nachfragen, ob alles passt",
    "dormant": "Kunden ohne Einkauf seit langem oder mit Abwanderungsrisiko wieder ansprechen",
    "big_purchase": "sich nach einem großen Auftrag bedanken",
    "class_a": "Kunden, die neu A-Kunde wurden, persönlich anrufen",
    "voucher_expiring": "auf einen bald ablaufenden Gutschein hinweisen",
    "card_reward": "die Prämie anbieten, wenn eine Bonuskarte voll ist",
    "club_renewal": "die Verlängerung der Clubmitgliedschaft anbieten",
}


def tr(text: str) -> str:
    return QCoreApplication.translate("Einrichtung", text)


class RulesChoicePage(QWidget):
    """One check box per rule with its explanation and today's count on this database; a rule
    that would create many at once gets "höchstens N am Tag" (0 = all at once)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.grid = QGridLayout()
        self.boxes: dict[int, QCheckBox] = {}
        self.counts: dict[int, QLabel] = {}
        self.per_day: dict[int, QSpinBox] = {}
        self.rules: list[RuleDTO] = []
        self.previews: dict[int, RulePreview] = {}
        intro = QLabel(tr("Regeln legen Wiedervorlagen von selbst an, jede Nacht für den Tag. "
                          "Die Zahl sagt, wie viele es heute in dieser Datenbank wären."))
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self.grid)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        """Read the rules and count again (after an import the numbers change)."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.boxes, self.counts, self.per_day = {}, {}, {}
        self.rules = self.context.services.rules.rules()
        release = self.context.services.rule_release
        self.previews = {rule.id: release.dry_run(rule.id) for rule in self.rules}
        for row, rule in enumerate(self.rules):
            box = QCheckBox(rule.name)
            box.setChecked(rule.enabled)
            explained = QLabel(tr(EXPLAINED.get(rule.kind, rule.kind_label)))
            explained.setWordWrap(True)
            shown = self._count_text(self.previews[rule.id])
            if rule.per_day:
                shown += tr(", höchstens {n} am Tag").format(n=rule.per_day)
            count = QLabel(shown)
            self.grid.addWidget(box, row, 0)
            self.grid.addWidget(explained, row, 1)
            self.grid.addWidget(count, row, 2)
            if self.previews[rule.id].many and not rule.released:
                spin = QSpinBox()
                spin.setRange(0, 10_000)
                spin.setValue(DEFAULT_PER_DAY)
                spin.setPrefix(tr("höchstens "))
                spin.setSuffix(tr(" am Tag"))
                spin.setSpecialValueText(tr("alle auf einmal"))
                spin.setEnabled(box.isChecked())
                box.toggled.connect(spin.setEnabled)
                self.grid.addWidget(spin, row, 3)
                self.per_day[rule.id] = spin
            self.boxes[rule.id], self.counts[rule.id] = box, count
        self.grid.setColumnStretch(1, 1)

    @staticmethod
    def _count_text(preview: RulePreview) -> str:
        if preview.count == 0:
            return tr("heute keine")
        if preview.count == 1:
            return tr("heute 1 Wiedervorlage")
        return tr("heute {n} Wiedervorlagen").format(n=preview.count)

    def save(self) -> None:
        services = self.context.services
        for rule in self.rules:
            wanted = self.boxes[rule.id].isChecked()
            if wanted == rule.enabled:
                continue
            if wanted and rule.id in self.per_day:
                services.rule_release.release(rule.id, per_day=self.per_day[rule.id].value())
                continue
            services.rules.update(rule.id, RuleInput(
                name=rule.name, enabled=wanted, params=rule.params,
                create_followup=rule.create_followup, subject_template=rule.subject_template,
                assignee=rule.assignee, letter_template=rule.letter_template,
                voucher_cents=rule.voucher_cents, voucher_days=rule.voucher_days,
                per_day=rule.per_day))
        self.refresh()
