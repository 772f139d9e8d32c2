"""The "Klasse" box of the Umsätze tab: the effective class, "Warum A?", churn risk and a
manual class."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.services.customers.segments import CLASSES
from app.services.errors import ValidationError
from app.services.formatting import format_date, parse_date
from app.services.progress import Progress
from app.services.sales.classification import invalid
from app.ui.context import AppContext
from app.ui.errors import show_error
from app.ui.messages import MessageLabel


def tr(text: str) -> str:
    return QCoreApplication.translate("ClassBox", text)


class ClassBox(QGroupBox):
    """Shows the class (computed or manual) and sets or ends a manual class."""

    def __init__(self, context: AppContext, customer_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(tr("Klasse"), parent)
        self.context = context
        self.customer_id = customer_id
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.why_button = QPushButton(tr("Warum?"))
        self.why_button.setCheckable(True)
        self.why_button.setToolTip(tr("Umsatz im Zeitraum, Rang, Anteil und die Grenzen der "
                                      "Klassen"))
        self.why_button.toggled.connect(self._show_reason)
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason.hide()
        self.churn = QLabel()
        self.churn.setWordWrap(True)
        self.class_combo = QComboBox()
        self.class_combo.addItems(list(CLASSES))
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(tr("z. B. Rahmenvertrag ab Mai"))
        self.until_edit = QLineEdit()
        self.until_edit.setPlaceholderText(tr("TT.MM.JJJJ (leer: unbefristet)"))
        self.set_button = QPushButton(tr("Klasse festlegen"))
        self.set_button.clicked.connect(self.set_manual)
        self.clear_button = QPushButton(tr("Manuelle Klasse aufheben"))
        self.clear_button.clicked.connect(self.clear_manual)
        self.error_label = MessageLabel()
        form = QFormLayout(self)
        form.addRow(self.state)
        why = QHBoxLayout()
        why.addWidget(self.why_button)
        why.addStretch(1)
        form.addRow(why)
        form.addRow(self.reason)
        form.addRow(self.churn)
        form.addRow(tr("Klasse"), self.class_combo)
        form.addRow(tr("Grund"), self.reason_edit)
        form.addRow(tr("Gültig bis"), self.until_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.set_button)
        buttons.addWidget(self.clear_button)
        form.addRow(buttons)
        form.addRow(self.error_label)
        self.refresh()

    def refresh(self) -> None:
        service = self.context.services.classification
        info = service.info(self.customer_id)
        if info.abc_class is None:
            text = tr("Noch keine Klasse berechnet.")
        elif info.manual:
            until = (tr(", gültig bis {date}").format(date=format_date(info.valid_until))
                     if info.valid_until else "")
            text = tr("Klasse {cls} – manuell festgelegt ({reason}{until})").format(
                cls=info.abc_class, reason=info.reason, until=until)
        elif info.history:
            # A sale places the customer at once against the last run's lines; the full
            # recomputation of every customer follows at night: say so.
            latest = info.history[0]
            text = tr("Klasse {cls} – Stand {date}: {reason}. Alle Kunden werden nachts neu "
                      "eingeordnet.").format(cls=info.abc_class, date=format_date(latest.as_of),
                                             reason=latest.reason)
        else:
            text = tr("Klasse {cls} – berechnet").format(cls=info.abc_class)
        self.state.setText(text)
        self.why_button.setText(tr("Warum {cls}?").format(cls=info.abc_class)
                                if info.abc_class else tr("Warum?"))
        if self.why_button.isChecked():
            self._show_reason(True)
        self.clear_button.setEnabled(info.manual)
        churn = service.churn(self.customer_id)
        if churn.reason:
            prefix = tr("Gefährdet: ") if churn.at_risk else tr("Kaufrhythmus: ")
            self.churn.setText(prefix + churn.reason)
        else:
            self.churn.setText(tr("Keine Käufe – kein Kaufrhythmus."))

    def _show_reason(self, shown: bool) -> None:
        if shown:
            why = self.context.services.classification.explain(self.customer_id)
            self.reason.setText("\n".join(why.lines))
        self.reason.setVisible(shown)

    def set_manual(self) -> None:
        try:
            until_text = self.until_edit.text().strip()
            try:
                until = parse_date(until_text) if until_text else None
            except ValueError as exc:
                raise invalid({"valid_until": str(exc)}) from None
            self.context.services.classification.set_manual(
                self.customer_id, abc_class=self.class_combo.currentText(),
                reason=self.reason_edit.text(), valid_until=until, by=self.context.actor)
        except ValidationError as error:
            self.error_label.error(error.message)
            return
        self.error_label.clear()
        self.reason_edit.clear()
        self.until_edit.clear()
        self._changed()

    def clear_manual(self) -> None:
        """End the manual class and recompute in the background (it needs all customers)."""
        service = self.context.services.classification
        service.clear_manual(self.customer_id, by=self.context.actor)
        self.clear_button.setEnabled(False)
        user = self.context.actor

        def work(progress: Progress) -> int:
            return service.recompute(by=user, with_scores=False, progress=progress).changed

        self.context.tasks.start(work, on_done=lambda _changed: self._changed(),
                                 on_error=lambda error: show_error(self, error))

    def _changed(self) -> None:
        self.refresh()
