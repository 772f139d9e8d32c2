"""Ask before a rule creates many follow-ups at once: all now, spread out, or not at all."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import StammkundeError
from app.services.followups.release import RulePreview
from app.ui.context import AppContext
from app.ui.errors import show_error

DEFAULT_PER_DAY = 10


def tr(text: str) -> str:
    return QCoreApplication.translate("Regeln", text)


class ReleaseDialog(QDialog):
    """"Schlafender Kunde" would create 324 follow-ups today: the user chooses. Spread out is
    the default; Abbrechen changes nothing (a waiting rule keeps waiting)."""

    def __init__(self, context: AppContext, preview: RulePreview,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.preview = preview
        self.setWindowTitle(tr("Regel „{name}“ einschalten").format(name=preview.name))
        text = QLabel(tr("Die Regel „{name}“ würde heute {count} Wiedervorlagen auf einmal "
                         "anlegen. Wie soll sie anfangen?").format(name=preview.name,
                                                                  count=preview.count))
        text.setWordWrap(True)
        self.all_now = QRadioButton(tr("Alle {count} jetzt anlegen").format(count=preview.count))
        self.spread = QRadioButton(tr("Verteilt anlegen, höchstens"))
        self.per_day = QSpinBox()
        self.per_day.setRange(1, 10_000)
        self.per_day.setValue(DEFAULT_PER_DAY)
        self.per_day.setSuffix(tr(" am Tag"))
        self.not_at_all = QRadioButton(tr("Gar nicht – die Regel bleibt ausgeschaltet"))
        self.choice = QButtonGroup(self)
        for button in (self.all_now, self.spread, self.not_at_all):
            self.choice.addButton(button)
        self.spread.setChecked(True)
        self.spread.toggled.connect(self.per_day.setEnabled)
        spread_row = QHBoxLayout()
        spread_row.addWidget(self.spread)
        spread_row.addWidget(self.per_day)
        spread_row.addStretch(1)
        note = QLabel(tr("Verteilt: Kunden, deren Anlass bestehen bleibt (z. B. "
                         "abwanderungsgefährdet), kommen an den folgenden Tagen dran."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.all_now)
        layout.addLayout(spread_row)
        layout.addWidget(self.not_at_all)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.spread.setFocus()  # the keyboard starts at the chosen answer, as Tab enters it

    def accept(self) -> None:
        release = self.context.services.rule_release
        try:
            if self.not_at_all.isChecked():
                release.decline(self.preview.rule_id)
            else:
                per_day = self.per_day.value() if self.spread.isChecked() else 0
                release.release(self.preview.rule_id, per_day=per_day)
                self.context.services.rules.run_due()  # today's share now, not tonight
        except StammkundeError as error:
            show_error(self, error)
            return
        super().accept()
