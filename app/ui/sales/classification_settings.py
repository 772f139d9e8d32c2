"""Einstellungen → Klassen: how A/B/C classes and churn risk are computed, and a recompute now.

The rule itself lives in `ClassificationService` (docs/sales.md); this page only edits its
stored settings, says in words what they mean, and recomputes in the background.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import (
    QButtonGroup,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.services.errors import ValidationError
from app.services.formatting import (
    format_cents,
    format_count,
    format_date,
    format_number,
    parse_cents,
)
from app.services.progress import Progress
from app.services.sales.classification import ClassificationResult, ClassificationSettings, invalid
from app.ui.context import AppContext
from app.ui.errors import show_error
from app.ui.messages import MessageLabel, tone_style
from app.ui.palette import Tone


def tr(text: str) -> str:
    return QCoreApplication.translate("Klassen", text)


def _decimal(value: float) -> str:
    """2.0 → "2", 1.5 → "1,5"."""
    return format_number(value, 0 if value == int(value) else 1)


def _customers(count: int) -> str:
    return format_count(count, tr("Kunde"), tr("Kunden"))


def summary(result: ClassificationResult) -> str:
    """A run in words, one line each: customers, revenue and share per class, and how many
    customers changed class."""
    parts = [tr("{cls}: {customers}, {revenue} ({share} % des Umsatzes)").format(
        cls=c.abc_class, customers=_customers(c.customers), revenue=format_cents(c.revenue_cents),
        share=format_number(c.share_pct, 1)) for c in result.classes]
    if result.changed == 1:
        parts.append(tr("1 Kunde hat die Klasse gewechselt"))
    else:
        parts.append(tr("{n} Kunden haben die Klasse gewechselt").format(
            n=format_number(result.changed, 0)))
    return "\n".join([tr("Neu berechnet, Stand {date}:").format(date=format_date(result.as_of)),
                      *parts])


class ClassificationSettingsPage(QWidget):
    """The classification settings with their meaning in words, and "Jetzt neu berechnen".

    `save()` (the dialog's OK) stores changed settings and then recomputes every class in
    the background; the button does the same at once, even when nothing changed. The
    recompute outlives the dialog: when it is done it publishes
    Changes("classification", "customers", "timeline") for the list badges and the dashboard.
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.service = context.services.classification
        self.errors: dict[str, QLabel] = {}
        stored = self.service.settings()

        self.by_share = QRadioButton(tr("nach Umsatzanteil (Pareto)"))
        self.by_amount = QRadioButton(tr("nach Umsatzhöhe"))
        (self.by_amount if stored.method == "amount" else self.by_share).setChecked(True)
        self.a_share = _spin(1, 100, stored.a_share_pct, " %")
        self.ab_share = _spin(1, 100, stored.ab_share_pct, " %")
        self.a_min = QLineEdit(format_cents(stored.a_min_cents))
        self.b_min = QLineEdit(format_cents(stored.b_min_cents))
        self.last_months = QRadioButton(tr("die letzten"))
        self.months = _spin(1, 240, stored.window_months or 12, tr(" Monate"))
        self.all_time = QRadioButton(tr("gesamter Zeitraum"))
        (self.last_months if stored.window_months else self.all_time).setChecked(True)
        self.churn_factor = QDoubleSpinBox()
        self.churn_factor.setLocale(QLocale(QLocale.Language.German, QLocale.Country.Germany))
        self.churn_factor.setRange(1.0, 10.0)
        self.churn_factor.setDecimals(1)
        self.churn_factor.setSingleStep(0.5)
        self.churn_factor.setValue(stored.churn_factor)
        self.churn_factor.setSuffix(tr(" × üblicher Kaufabstand"))
        self.one_time_days = _spin(30, 3650, stored.one_time_days, tr(" Tage"))
        for group in ((self.by_share, self.by_amount), (self.last_months, self.all_time)):
            buttons = QButtonGroup(self)
            for button in group:
                buttons.addButton(button)

        form = QFormLayout()
        self._row(form, tr("Methode"), "method", self.by_share, self.by_amount)
        self._row(form, tr("A-Schwelle"), "a_share_pct", self.a_share)
        self._row(form, tr("A+B-Schwelle"), "ab_share_pct", self.ab_share)
        self._row(form, tr("A ab"), "a_min_cents", self.a_min)
        self._row(form, tr("B ab"), "b_min_cents", self.b_min)
        self._row(form, tr("Zeitraum"), "window_months", self.last_months, self.months,
                  self.all_time)
        self._row(form, tr("Gefährdet ab"), "churn_factor", self.churn_factor)
        self._row(form, tr("Einmalkäufer gefährdet nach"), "one_time_days", self.one_time_days)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.recompute_button = QPushButton(tr("Jetzt neu berechnen"))
        self.recompute_button.setAutoDefault(False)
        self.recompute_button.setToolTip(tr("Speichert die Einstellungen dieser Seite und "
                                            "berechnet alle Klassen sofort neu."))
        self.recompute_button.clicked.connect(self.recompute_now)
        self.status = MessageLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.explanation)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.recompute_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.status)

        for radio in (self.by_share, self.last_months):
            radio.toggled.connect(self._update)
        for spin in (self.a_share, self.ab_share, self.months, self.one_time_days):
            spin.valueChanged.connect(self._update)
        self.churn_factor.valueChanged.connect(self._update)
        for edit in (self.a_min, self.b_min):
            edit.textChanged.connect(self._update)
        self._update()

    def _row(self, form: QFormLayout, title: str, field: str, *widgets: QWidget) -> None:
        """A form row with the field's widgets and, beside them, room for its error in red
        (always there, so a message does not shift the page)."""
        error = QLabel()
        error.setStyleSheet(tone_style(Tone.ERROR))
        error.setWordWrap(True)
        self.errors[field] = error
        row = QHBoxLayout()
        for widget in widgets:
            row.addWidget(widget)
        row.addWidget(error, 1)
        form.addRow(title, row)

    # --- reading and saving -------------------------------------------------------------

    def settings(self) -> ClassificationSettings:
        """The settings as shown; ValidationError keyed by field name if they cannot be."""
        cents: dict[str, int] = {}
        errors: dict[str, str] = {}
        for field, edit in (("a_min_cents", self.a_min), ("b_min_cents", self.b_min)):
            try:
                cents[field] = parse_cents(edit.text())
            except ValueError as exc:
                errors[field] = str(exc)
        if errors:
            raise invalid(errors)
        return ClassificationSettings(
            method="amount" if self.by_amount.isChecked() else "share",
            a_share_pct=self.a_share.value(), ab_share_pct=self.ab_share.value(),
            a_min_cents=cents["a_min_cents"], b_min_cents=cents["b_min_cents"],
            window_months=self.months.value() if self.last_months.isChecked() else None,
            churn_factor=round(self.churn_factor.value(), 1),
            one_time_days=self.one_time_days.value()).validated()

    def save(self) -> None:
        """Store changed settings and recompute with them; unchanged settings cost nothing."""
        if self._store():
            self._recompute()

    def recompute_now(self) -> None:
        """Store the shown settings (if valid) and recompute every class with them."""
        try:
            self._store()
        except ValidationError:
            return  # the reasons are shown beside the fields
        self._recompute()

    def _store(self) -> bool:
        for label in self.errors.values():
            label.clear()
        try:
            settings = self.settings()
        except ValidationError as error:
            for field, reason in error.fields.items():
                self.errors[field].setText(reason)
            raise
        if settings == self.service.settings():
            return False
        self.service.save_settings(settings)
        return True

    # --- the recompute ------------------------------------------------------------------

    def _recompute(self) -> None:
        """Recompute in the background. The dialog may close meanwhile (and delete this
        page), so the page is only touched while it still exists."""
        context, service, user = self.context, self.service, self.context.actor

        def work(progress: Progress) -> ClassificationResult:
            return service.recompute(by=user, with_scores=False, progress=progress)

        def progressed(done: int, total: int, text: str) -> None:
            if isValid(self):
                self.status.setText(tr("Klassen werden neu berechnet … {text} ({done}/{total})")
                                    .format(text=text, done=done, total=total))

        def finished(result: ClassificationResult) -> None:
            if isValid(self):
                self.recompute_button.setEnabled(True)
                self.status.success(summary(result))

        def failed(error: BaseException) -> None:
            alive = isValid(self)
            if alive:
                self.recompute_button.setEnabled(True)
                self.status.error(tr("Die Neuberechnung ist fehlgeschlagen."))
            show_error(self if alive else None, error)

        self.recompute_button.setEnabled(False)
        self.status.setText(tr("Klassen werden neu berechnet …"))
        context.tasks.start(work, on_done=finished, on_error=failed, on_progress=progressed)

    # --- the meaning in words -----------------------------------------------------------

    def _update(self) -> None:
        share = self.by_share.isChecked()
        for spin in (self.a_share, self.ab_share):
            spin.setEnabled(share)
        for edit in (self.a_min, self.b_min):
            edit.setEnabled(not share)
        self.months.setEnabled(self.last_months.isChecked())
        self.explanation.setText(self.explain())

    def explain(self) -> str:
        """What the shown values mean, in German words."""
        months = self.months.value() if self.last_months.isChecked() else None
        if months is None:
            of_period, in_period = tr("aus allen Jahren"), tr("insgesamt")
        elif months == 1:
            of_period, in_period = tr("des letzten Monats"), tr("im letzten Monat")
        else:
            of_period = tr("der letzten {n} Monate").format(n=months)
            in_period = tr("in den letzten {n} Monaten").format(n=months)
        if self.by_share.isChecked():
            classes = tr("A: die umsatzstärksten Kunden, die zusammen {a} % des Umsatzes "
                         "{period} bringen; B: die folgenden bis zusammen {ab} %; C: alle "
                         "übrigen und Kunden ohne Umsatz.").format(
                a=self.a_share.value(), ab=self.ab_share.value(), period=of_period)
        else:
            classes = tr("A: Kunden mit mindestens {a} Umsatz {period}; B: mit mindestens "
                         "{b}; C: alle übrigen und Kunden ohne Umsatz.").format(
                a=_money(self.a_min), b=_money(self.b_min), period=in_period)
        factor = self.churn_factor.value()
        churn = tr("Gefährdet: wer länger nicht gekauft hat als das {f}-fache seines üblichen "
                   "Kaufabstands (kauft jemand sonst alle 3 Monate: nach {example} Monaten); "
                   "wer nur an einem Tag gekauft hat, nach {days}.").format(
            f=_decimal(factor), example=_decimal(3 * factor),
            days=format_count(self.one_time_days.value(), tr("Tag"), tr("Tagen")))
        return classes + "\n" + churn


def _spin(low: int, high: int, value: int, suffix: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setSuffix(suffix)
    return spin


def _money(edit: QLineEdit) -> str:
    """The typed amount as shown money, or as typed while it is no amount yet."""
    try:
        return format_cents(parse_cents(edit.text()))
    except ValueError:
        return edit.text().strip() or "…"
