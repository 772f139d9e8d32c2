"""The owner's dashboard ("Auswertungen").

Opens with the last computed figures (read from the cache in a few milliseconds) and then
recomputes them on the task runner; every figure shows its definition in words under it,
because a tooltip is not enough to understand churn or CLV.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCharts import (
    QAbstractAxis,
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QCoreApplication, QMargins, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QPainter, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changes, Domain
from app.services.formatting import (
    format_cents,
    format_count,
    format_date,
    format_datetime,
    format_number,
)
from app.services.sales import dashboard_pdf
from app.services.sales.dashboard import CustomerFigure, DashboardFigures, Mover
from app.ui.context import AppContext
from app.ui.errors import show_error
from app.ui.headings import page_title
from app.ui.palette import (
    CHART_BARS,
    CHART_LINE,
    CHART_SECOND_LINE,
    CLASS_BADGES,
    MUTED,
    UNCLASSIFIED,
)
from app.ui.row_menu import add_row_menu
from app.ui.save_file import ask_save_file

CLASS_COLOURS = {**{key: badge.background for key, badge in CLASS_BADGES.items()},
                 "": UNCLASSIFIED.background}
REFRESH_DOMAINS = (Domain.SALES, Domain.CUSTOMERS, Domain.CLASSES, Domain.FEEDBACK)


def tr(text: str) -> str:
    return QCoreApplication.translate("Auswertungen", text)


def _class_label(abc_class: str) -> str:
    return abc_class or tr("ohne")


def _value(value: float | None, suffix: str = "", digits: int = 1) -> str:
    return "–" if value is None else f"{format_number(value, digits)}{suffix}"


def _answers(count: int) -> str:
    return format_count(count, tr("Antwort"), tr("Antworten"))


class FigureCard(QFrame):
    """A figure: its name, the value in large type and its definition in words below."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(2)
        self.title = QLabel(title)
        self.title.setStyleSheet(f"color: {MUTED}; font-weight: bold;")
        self.value = QLabel("–")
        self.value.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.definition = QLabel()
        self.definition.setWordWrap(True)
        self.definition.setStyleSheet(f"color: {MUTED}; font-size: 11px;")
        self.definition.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.definition, 1)
        # The scroll area shrinks its page to the minimum sizes, and a word-wrapped label's
        # minimum is one line: reserve room for the longest definition (churn, CLV).
        self.setMinimumHeight(170)

    def show_figure(self, value: str, definition: str) -> None:
        self.value.setText(value)
        self.definition.setText(definition)


class CustomerTable(QTableWidget):
    """A short list of customers; a click opens the customer (signal: chosen(customer id))."""

    chosen = Signal(int)

    def __init__(self, headers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.setHorizontalHeaderLabels(headers)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(22)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.setMinimumHeight(22 * 10 + 30)
        self.cellClicked.connect(self._clicked)
        self._ids: list[int] = []
        open_customer = QAction(tr("Kunde öffnen"), self)
        open_customer.triggered.connect(self._open_current)
        add_row_menu(self, open_customer)

    def fill(self, rows: list[tuple[int, list[str]]]) -> None:
        self._ids = [customer_id for customer_id, _cells in rows]
        self.setRowCount(len(rows))
        for row, (_customer_id, cells) in enumerate(rows):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == len(cells) - 1 and text.endswith("€"):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(row, column, item)
        self.resizeColumnToContents(0)

    def _open_current(self) -> None:
        self._clicked(self.currentRow(), 0)

    def _clicked(self, row: int, _column: int) -> None:
        if 0 <= row < len(self._ids):
            self.chosen.emit(self._ids[row])


def _section(title: str, widget: QWidget, note: QLabel | None = None) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    heading = QLabel(title)
    heading.setStyleSheet("font-weight: bold; font-size: 13px;")
    layout.addWidget(heading)
    layout.addWidget(widget, 1)
    if note is not None:
        layout.addWidget(note)
    return box


def _note(lines: int = 4) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setMinimumHeight(lines * 15)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    label.setStyleSheet(f"color: {MUTED}; font-size: 11px;")
    return label


def _chart_view() -> QChartView:
    chart = QChart()
    chart.setMargins(QMargins(2, 2, 2, 2))
    chart.legend().setVisible(False)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(260)
    return view


def _small_labels(axis: QAbstractAxis) -> None:
    font = QFont(axis.labelsFont())
    font.setPointSizeF(7)
    axis.setLabelsFont(font)
    axis.setTitleFont(font)


def _money_axis() -> QValueAxis:
    """Thousand euros: chart labels cannot show "€" and long numbers do not fit."""
    axis = QValueAxis()
    axis.setLabelFormat("%.0f")
    axis.setTitleText(tr("Tsd. €"))
    _small_labels(axis)
    return axis


def _month_axis(months: list[str]) -> QCategoryAxis:
    """"MM/JJ" under every second (12 months) or third (24 months) bar, the newest always;
    a category-bar axis would elide labels wider than one bar."""
    step = 2 if len(months) <= 12 else 3
    axis = QCategoryAxis()
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    axis.setRange(-0.5, len(months) - 0.5)
    for index, month in enumerate(months):
        if (len(months) - 1 - index) % step == 0:
            axis.append(f"{month[5:]}/{month[2:4]}", index)
    axis.setGridLineVisible(False)
    _small_labels(axis)
    return axis


class DashboardPage(QWidget):
    """Signals: refreshed() after new figures are shown (for tests and the status line)."""

    refreshed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.figures: DashboardFigures | None = None
        self._running = False
        self._stale = True

        self.status = QLabel()
        # wraps: a long progress step must not widen the page (and with it the window)
        self.status.setWordWrap(True)
        self.refresh_button = QPushButton(tr("Aktualisieren"))
        self.refresh_button.clicked.connect(self.refresh)
        self.pdf_button = QPushButton(tr("Als PDF exportieren"))
        self.pdf_button.clicked.connect(self._ask_pdf)
        top = QHBoxLayout()
        top.addWidget(page_title(tr("Auswertungen")))
        top.addWidget(self.status, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.pdf_button)

        self.window_note = _note(1)
        self.cards = {key: FigureCard(text) for key, text in (
            ("revenue", tr("Umsatz 12 Monate")),
            ("active", tr("Aktive / ruhende Kunden")),
            ("churn", tr("Abwanderungsquote")),
            ("repeat", tr("Wiederkaufrate")),
            ("per_customer", tr("Ø Umsatz je Kunde und Jahr")),
            ("clv", tr("Kundenwert (CLV)")),
            ("nps", tr("NPS (12 Monate)")),
            ("complaints", tr("Offene Reklamationen")),
        )}
        cards = QGridLayout()
        for index, card in enumerate(self.cards.values()):
            cards.addWidget(card, index // 4, index % 4)

        self.pareto = _chart_view()
        self.pareto_note = _note()
        self.months = _chart_view()
        self.months_12 = QRadioButton(tr("12 Monate"))
        self.months_24 = QRadioButton(tr("24 Monate"))
        self.months_12.setChecked(True)
        span = QButtonGroup(self)
        span.addButton(self.months_12)
        span.addButton(self.months_24)
        self.months_12.toggled.connect(self._show_months)
        months_box = QWidget()
        months_layout = QVBoxLayout(months_box)
        months_layout.setContentsMargins(0, 0, 0, 0)
        switch = QHBoxLayout()
        switch.addWidget(self.months_12)
        switch.addWidget(self.months_24)
        switch.addStretch(1)
        months_layout.addLayout(switch)
        months_layout.addWidget(self.months, 1)
        self.nps_chart = _chart_view()
        self.nps_note = _note()
        charts = QHBoxLayout()
        charts.addWidget(_section(tr("Umsatz je Klasse (Pareto)"), self.pareto,
                                  self.pareto_note), 1)
        charts.addWidget(_section(tr("Umsatz je Monat"), months_box), 1)
        charts.addWidget(_section(tr("NPS je Monat"), self.nps_chart, self.nps_note), 1)

        money = [tr("Nr."), tr("Name"), tr("Klasse"), tr("Umsatz")]
        self.top_table = CustomerTable(money)
        self.risk_table = CustomerTable(money)
        self.risk_note = _note(2)
        self.risen_table = CustomerTable([tr("Nr."), tr("Name"), tr("vorher"), tr("jetzt")])
        self.fallen_table = CustomerTable([tr("Nr."), tr("Name"), tr("vorher"), tr("jetzt")])
        self.movers_note = _note(1)
        for table in (self.top_table, self.risk_table, self.risen_table, self.fallen_table):
            table.chosen.connect(self._open_customer)
        lists = QHBoxLayout()
        lists.addWidget(_section(tr("Die zehn wertvollsten Kunden (Umsatz 12 Monate)"),
                                 self.top_table), 1)
        lists.addWidget(_section(tr("Die zehn gefährdetsten Kunden"), self.risk_table,
                                 self.risk_note), 1)
        movers = QHBoxLayout()
        movers.addWidget(_section(tr("Neu in Klasse A"), self.risen_table), 1)
        movers.addWidget(_section(tr("Aus Klasse A gefallen"), self.fallen_table), 1)

        from app.ui.contracts.figures_box import BindingFigures  # it imports FigureCard

        self.binding = BindingFigures(context)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.window_note)
        layout.addLayout(cards)
        layout.addWidget(_section(tr("Kundenbindung: Verträge, Club, Empfehlungen"),
                                  self.binding))
        layout.addLayout(charts)
        layout.addLayout(lists)
        layout.addWidget(self.movers_note)
        layout.addLayout(movers)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.addLayout(top)
        outer.addWidget(scroll, 1)

        context.bus.changed.connect(self._on_changed)
        cached = context.services.dashboard.cached()
        if cached is not None:
            self.show_figures(cached)
        else:
            self.status.setText(tr("Noch keine Auswertung berechnet."))
        self.pdf_button.setEnabled(cached is not None)

    # --- refreshing ---------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _on_changed(self, changes: Changes) -> None:
        if any(changes.touches(domain) for domain in REFRESH_DOMAINS):
            self._stale = True
            if self.isVisible():
                self.refresh()

    def refresh(self) -> None:
        """Recompute on the task runner; the cached figures stay on screen meanwhile."""
        if self._running:
            return
        self._running = True
        self._stale = False
        self.refresh_button.setEnabled(False)
        self.status.setText(self._stand() + tr(" – wird aktualisiert …"))
        self.context.tasks.start(
            lambda progress: self.context.services.dashboard.compute(progress=progress),
            on_done=self._computed, on_error=self._failed, on_cancel=self._finished,
            on_progress=self._progress)

    def _progress(self, _done: int, _total: int, text: str) -> None:
        self.status.setText(self._stand() + tr(" – wird aktualisiert: {step} …").format(
            step=text))

    def _computed(self, figures: DashboardFigures) -> None:
        self._finished()
        self.show_figures(figures)
        self.refreshed.emit()

    def _failed(self, error: BaseException) -> None:
        self._finished()
        self.status.setText(self._stand() + tr(" – Aktualisierung fehlgeschlagen"))
        show_error(self, error)

    def _finished(self) -> None:
        self._running = False
        self.refresh_button.setEnabled(True)

    def _stand(self) -> str:
        if self.figures is None:
            return ""
        return tr("Stand {day}, berechnet {at}").format(
            day=format_date(self.figures.as_of), at=format_datetime(self.figures.computed_at))

    # --- showing ------------------------------------------------------------------------

    def show_figures(self, figures: DashboardFigures) -> None:
        self.figures = figures
        self.pdf_button.setEnabled(True)
        self.status.setText(self._stand())
        d = figures.definitions
        self.window_note.setText(d.window)
        cards = self.cards
        cards["revenue"].show_figure(
            format_cents(figures.revenue_12m_cents),
            tr("Vorjahr: {money}").format(money=format_cents(figures.revenue_previous_12m_cents)))
        cards["active"].show_figure(
            f"{figures.active_customers} / {figures.dormant_customers}",
            d.active + " " + tr("Noch nie gekauft: {n}.").format(n=figures.never_bought))
        cards["churn"].show_figure(
            _value(figures.churn_rate_pct, " %"),
            d.churn + " " + tr("({churned} von {previous})").format(
                churned=figures.churned_customers, previous=figures.previous_window_customers))
        cards["repeat"].show_figure(
            _value(figures.repeat_rate_pct, " %"),
            d.repeat + " " + tr("({customers})").format(
                customers=format_count(figures.repeat_customers, tr("Kunde"), tr("Kunden"))))
        per_customer = figures.revenue_per_customer_year_cents
        cards["per_customer"].show_figure(
            "–" if per_customer is None else format_cents(per_customer), d.revenue_per_customer)
        cards["clv"].show_figure(
            "–" if figures.clv_cents is None else format_cents(figures.clv_cents), d.clv)
        cards["nps"].show_figure(
            _value(figures.nps_12m, "", 0),
            d.nps + " " + tr("{n}; Ø CSAT (1–5): {csat} ({csat_n}); "
                             "Ø CES (1–7): {ces} ({ces_n}).").format(
                n=_answers(figures.nps_answers_12m),
                csat=_value(figures.csat_average_12m, "", 2),
                csat_n=_answers(figures.csat_answers_12m),
                ces=_value(figures.ces_average_12m, "", 2),
                ces_n=_answers(figures.ces_answers_12m)))
        oldest = figures.open_complaints[0] if figures.open_complaints else None
        cards["complaints"].show_figure(
            str(len(figures.open_complaints)),
            tr("Reklamationen mit Status „offen“.") + ("" if oldest is None else " " + tr(
                "Die älteste ist {days} alt ({name}: {subject}).").format(
                    days=format_count(oldest.age_days, tr("Tag"), tr("Tage")),
                    name=oldest.customer_name, subject=oldest.subject)))
        self._show_pareto(figures)
        self._show_months()
        self._show_nps(figures)
        self.top_table.fill(self._money_rows(figures.top_customers))
        self.risk_table.fill(self._money_rows(figures.at_risk_customers))
        self.risk_note.setText(tr(
            "Als gefährdet markierte Kunden ({n} insgesamt), nach ihrem Gesamtumsatz "
            "sortiert. Klick öffnet den Kunden.").format(n=figures.at_risk_total))
        self.movers_note.setText(d.movers)
        self.risen_table.fill(self._mover_rows(figures.risen_to_a))
        self.fallen_table.fill(self._mover_rows(figures.fallen_from_a))

    @staticmethod
    def _money_rows(customers: tuple[CustomerFigure, ...]) -> list[tuple[int, list[str]]]:
        return [(c.id, [c.number, c.name, _class_label(c.abc_class),
                        format_cents(c.revenue_cents)]) for c in customers]

    @staticmethod
    def _mover_rows(movers: tuple[Mover, ...]) -> list[tuple[int, list[str]]]:
        return [(m.id, [m.number, m.name, _class_label(m.previous_class), m.new_class])
                for m in movers]

    def _show_pareto(self, figures: DashboardFigures) -> None:
        chart = self.pareto.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        labels = [f"{_class_label(c.abc_class)} ({c.customers})" for c in figures.classes]
        bars = QStackedBarSeries()
        for index, figure in enumerate(figures.classes):
            values = [0.0] * len(figures.classes)
            values[index] = figure.revenue_cents / 100_000  # thousand euros, drawing only
            bar_set = QBarSet(_class_label(figure.abc_class))
            bar_set.append(values)
            bar_set.setColor(QColor(CLASS_COLOURS[figure.abc_class]))
            bars.append(bar_set)
        line = QLineSeries()
        line.setColor(QColor(CHART_LINE))
        for index, figure in enumerate(figures.classes):
            line.append(index, figure.cumulative_share_pct)
        line.setPointsVisible(True)
        chart.addSeries(bars)
        chart.addSeries(line)
        categories = QBarCategoryAxis()
        categories.append(labels)
        categories.setTitleText(tr("Klasse (Kunden)"))
        _small_labels(categories)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        money_axis = _money_axis()
        share_axis = QValueAxis()
        share_axis.setRange(0, 100)
        share_axis.setLabelFormat("%.0f")
        share_axis.setTitleText(tr("kumuliert %"))
        _small_labels(share_axis)
        chart.addAxis(money_axis, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(share_axis, Qt.AlignmentFlag.AlignRight)
        bars.attachAxis(categories)
        bars.attachAxis(money_axis)
        line.attachAxis(categories)
        line.attachAxis(share_axis)
        money_axis.setMin(0)
        money_axis.applyNiceNumbers()
        top20 = figures.top20_revenue_share_pct
        cumulative = ", ".join(
            f"{_class_label(c.abc_class)} {format_number(c.cumulative_share_pct)} %"
            for c in figures.classes)
        text = figures.definitions.classes + " " + tr("Kumuliert: {shares}.").format(
            shares=cumulative)
        if top20 is not None:
            text += " " + tr("Die umsatzstärksten 20 % der Kunden bringen {share} % des "
                             "Umsatzes.").format(share=format_number(top20, 0))
        self.pareto_note.setText(text)

    def _show_months(self) -> None:
        if self.figures is None:
            return
        months = self.figures.months_12 if self.months_12.isChecked() else self.figures.months
        chart = self.months.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        bar_set = QBarSet(tr("Umsatz"))
        bar_set.append([m.revenue_cents / 100_000 for m in months])
        bar_set.setColor(QColor(CHART_BARS))
        series = QStackedBarSeries()
        series.append(bar_set)
        chart.addSeries(series)
        categories = _month_axis([m.month for m in months])
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        values = _money_axis()
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        series.attachAxis(values)
        values.setMin(0)
        values.applyNiceNumbers()

    def _show_nps(self, figures: DashboardFigures) -> None:
        chart = self.nps_chart.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        line = QLineSeries()
        line.setColor(QColor(CHART_SECOND_LINE))
        line.setPointsVisible(True)
        for index, month in enumerate(figures.nps_months):
            if month.score is not None:
                line.append(index, month.score)
        chart.addSeries(line)
        categories = _month_axis([m.month for m in figures.nps_months])
        values = QValueAxis()
        values.setRange(-100, 100)
        values.setLabelFormat("%.0f")
        _small_labels(values)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        line.attachAxis(categories)
        line.attachAxis(values)
        answers = sum(m.answers for m in figures.nps_months)
        self.nps_note.setText(tr("NPS je Monat aus {n}; Monate ohne Antwort "
                                 "bleiben leer.").format(n=_answers(answers)))

    # --- actions ------------------------------------------------------------------------

    def _open_customer(self, customer_id: int) -> None:
        self.context.open_customer(customer_id)

    def _ask_pdf(self) -> None:
        if self.figures is None:
            return
        default = str(self.context.data_dir / f"Auswertungen-{self.figures.as_of:%Y-%m-%d}.pdf")
        path = ask_save_file(self, self.context.services, tr("Als PDF exportieren"), default,
                             {tr("PDF-Dateien (*.pdf)"): ".pdf"})
        if path is not None:
            self.export_pdf(path)

    def export_pdf(self, path: Path) -> None:
        """Write the shown figures as a one-page PDF on the task runner."""
        figures = self.figures
        if figures is None:
            return
        company = self.context.services.company.get().name
        self.pdf_button.setEnabled(False)

        def done(result: Path) -> None:
            self.pdf_button.setEnabled(True)
            self.status.setText(tr("PDF gespeichert: {path}").format(path=result))

        def failed(error: BaseException) -> None:
            self.pdf_button.setEnabled(True)
            show_error(self, error)

        self.context.tasks.start(
            lambda _progress: dashboard_pdf.build(figures, path, company=company),
            on_done=done, on_error=failed)
