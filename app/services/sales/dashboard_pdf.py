"""The dashboard as a one-page A4 PDF, built from `DashboardFigures` (no Qt, no database).

Charts are drawn with reportlab.graphics shapes, so they stay vector graphics and use the
embedded DejaVu font like the text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.services.errors import StorageError
from app.services.formatting import (
    format_cents,
    format_count,
    format_date,
    format_datetime,
    format_number,
)
from app.services.pdf import fonts as pdf_fonts
from app.services.sales.dashboard import DashboardFigures

CLASS_COLOURS = {"A": colors.HexColor("#2e7d32"), "B": colors.HexColor("#f9a825"),
                 "C": colors.HexColor("#9e9e9e"), "": colors.HexColor("#cfd8dc")}
BAR = colors.HexColor("#1565c0")
LINE = colors.HexColor("#c62828")
WIDTH = A4[0] - 24 * mm


def class_label(abc_class: str) -> str:
    return abc_class or "ohne"


def _euros(cents: int) -> str:
    """Whole euros for chart labels: "12.345 €"."""
    return format_cents(cents).split(",")[0] + " €"


def value_or_dash(value: float | None, suffix: str = "", digits: int = 1) -> str:
    return "–" if value is None else f"{format_number(value, digits)}{suffix}"


def _pareto_drawing(figures: DashboardFigures, width: float, height: float,
                    font: str) -> Drawing:
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 9, "Umsatz je Klasse (12 Monate) und kumulierter Anteil",
                       fontName=font, fontSize=7.5))
    left, bottom, top = 8 * mm, 26, height - 16
    plot_h = top - bottom
    classes = figures.classes
    biggest = max((c.revenue_cents for c in classes), default=0) or 1
    slot = (width - left - 6) / max(len(classes), 1)
    drawing.add(Line(left, bottom, width - 6, bottom, strokeColor=colors.grey, strokeWidth=0.5))
    points: list[float] = []
    for index, figure in enumerate(classes):
        x = left + index * slot + slot * 0.2
        bar_h = plot_h * 0.88 * figure.revenue_cents / biggest
        drawing.add(Rect(x, bottom, slot * 0.6, bar_h, fillColor=CLASS_COLOURS[figure.abc_class],
                         strokeColor=None))
        drawing.add(String(x + slot * 0.3, 18, f"{class_label(figure.abc_class)} "
                           f"({figure.customers} Kd.)", fontName=font, fontSize=6,
                           textAnchor="middle"))
        drawing.add(String(x + slot * 0.3, 2,
                           f"kum. {format_number(figure.cumulative_share_pct, 0)} %",
                           fontName=font, fontSize=6, textAnchor="middle", fillColor=LINE))
        drawing.add(String(x + slot * 0.3, 10, _euros(figure.revenue_cents), fontName=font,
                           fontSize=6, textAnchor="middle"))
        points += [x + slot * 0.3, bottom + plot_h * figure.cumulative_share_pct / 100]
    if len(points) >= 4:
        drawing.add(PolyLine(points, strokeColor=LINE, strokeWidth=1.2))
    return drawing


def _months_drawing(figures: DashboardFigures, width: float, height: float,
                    font: str) -> Drawing:
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 9, "Umsatz je Monat (letzte 12 Monate)", fontName=font,
                       fontSize=7.5))
    months = figures.months_12
    left, bottom, top = 4, 10, height - 16
    plot_h = top - bottom
    biggest = max((m.revenue_cents for m in months), default=0) or 1
    slot = (width - left) / max(len(months), 1)
    drawing.add(Line(left, bottom, width, bottom, strokeColor=colors.grey, strokeWidth=0.5))
    for index, month in enumerate(months):
        x = left + index * slot + slot * 0.15
        bar_h = plot_h * max(month.revenue_cents, 0) / biggest
        drawing.add(Rect(x, bottom, slot * 0.7, bar_h, fillColor=BAR, strokeColor=None))
        drawing.add(String(x + slot * 0.35, 2, month.label, fontName=font, fontSize=5,
                           textAnchor="middle"))
    drawing.add(String(width, top + 1, f"max. {_euros(biggest)}", fontName=font, fontSize=5.5,
                       textAnchor="end"))
    return drawing


def build(figures: DashboardFigures, path: Path, *, company: str = "") -> Path:
    """Write the dashboard to `path` (one A4 page); StorageError if it cannot be written."""
    font = pdf_fonts.register()
    bold = pdf_fonts.BOLD
    small = ParagraphStyle("small", fontName=font, fontSize=6.5, leading=8)
    cell = ParagraphStyle("cell", fontName=font, fontSize=7, leading=8.5)
    title = ParagraphStyle("title", fontName=bold, fontSize=15, leading=18)
    heading = ParagraphStyle("heading", fontName=bold, fontSize=9, leading=11, spaceBefore=4)
    d = figures.definitions

    story: list[Any] = [
        Paragraph("Auswertungen" + (f" – {escape(company)}" if company else ""), title),
        Paragraph(f"Stand {format_date(figures.as_of)} (berechnet "
                  f"{format_datetime(figures.computed_at)}). {d.window}", small),
        Spacer(1, 4),
    ]
    kpis = [
        ("Umsatz 12 Monate", format_cents(figures.revenue_12m_cents),
         f"Vorjahr: {format_cents(figures.revenue_previous_12m_cents)}"),
        ("Aktive / ruhende Kunden", f"{figures.active_customers} / "
         f"{figures.dormant_customers}", d.active),
        ("Abwanderungsquote", value_or_dash(figures.churn_rate_pct, " %"),
         f"{d.churn} ({figures.churned_customers} von {figures.previous_window_customers})"),
        ("Wiederkaufrate", value_or_dash(figures.repeat_rate_pct, " %"), d.repeat),
        ("Ø Umsatz je Kunde und Jahr", "–" if figures.revenue_per_customer_year_cents is None
         else format_cents(figures.revenue_per_customer_year_cents), d.revenue_per_customer),
        ("Kundenwert (CLV)", "–" if figures.clv_cents is None
         else format_cents(figures.clv_cents), d.clv),
        ("NPS 12 Monate", value_or_dash(figures.nps_12m, "", 0),
         f"{d.nps} {format_count(figures.nps_answers_12m, 'Antwort', 'Antworten')}."),
        ("Ø CSAT / Ø CES", f"{value_or_dash(figures.csat_average_12m, '', 2)} / "
         f"{value_or_dash(figures.ces_average_12m, '', 2)}",
         f"{d.satisfaction} {figures.csat_answers_12m} bzw. "
         f"{format_count(figures.ces_answers_12m, 'Antwort', 'Antworten')}."),
        ("Offene Reklamationen", str(len(figures.open_complaints)),
         "" if not figures.open_complaints else
         f"älteste seit {format_count(figures.open_complaints[0].age_days, 'Tag', 'Tagen')}"),
    ]
    kpi_table = Table([[Paragraph(a, cell), Paragraph(f"<b>{b}</b>", cell), Paragraph(c, small)]
                       for a, b, c in kpis],
                      colWidths=[38 * mm, 28 * mm, WIDTH - 66 * mm])
    kpi_table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    story += [kpi_table, Spacer(1, 6)]

    half = WIDTH / 2 - 3 * mm
    charts = Table([[_pareto_drawing(figures, half, 52 * mm, font),
                     _months_drawing(figures, half, 52 * mm, font)]],
                   colWidths=[WIDTH / 2, WIDTH / 2])
    charts.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [charts]
    cumulative = ", ".join(f"{class_label(c.abc_class)} {format_number(c.cumulative_share_pct)} %"
                           for c in figures.classes)
    pareto = f"{d.classes} Kumuliert: {cumulative}."
    if figures.top20_revenue_share_pct is not None:
        pareto += (f" Die umsatzstärksten 20 % der Kunden bringen "
                   f"{format_number(figures.top20_revenue_share_pct, 0)} % des Umsatzes.")
    nps_months = " · ".join(f"{m.month[5:]}/{m.month[2:4]}: {value_or_dash(m.score, '', 0)}"
                            for m in figures.nps_months)
    story += [Paragraph(pareto, small), Spacer(1, 2),
              Paragraph(f"<b>NPS je Monat:</b> {nps_months}", small)]

    def customer_table(title_text: str, rows: list[list[str]]) -> Table:
        data = [[Paragraph(f"<b>{title_text}</b>", cell), "", "", ""]]
        data += rows or [["keine", "", "", ""]]
        table = Table(data, colWidths=[17 * mm, 38 * mm, 8 * mm, 22 * mm])
        table.setStyle(TableStyle([
            ("FONT", (0, 1), (-1, -1), font, 6.5), ("SPAN", (0, 0), (-1, 0)),
            ("ALIGN", (3, 1), (3, -1), "RIGHT"),
            ("TOPPADDING", (0, 0), (-1, -1), 0.8), ("BOTTOMPADDING", (0, 0), (-1, -1), 0.8),
            ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
        ]))
        return table

    top = customer_table("Die zehn wertvollsten Kunden (Umsatz 12 Monate)", [
        [c.number, c.name[:28], class_label(c.abc_class), format_cents(c.revenue_cents)]
        for c in figures.top_customers])
    risk = customer_table(f"Gefährdete Kunden ({figures.at_risk_total}), nach Gesamtumsatz", [
        [c.number, c.name[:28], class_label(c.abc_class), format_cents(c.revenue_cents)]
        for c in figures.at_risk_customers])
    lists = Table([[top, risk]], colWidths=[WIDTH / 2, WIDTH / 2])
    lists.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [Spacer(1, 4), lists, Paragraph("Klassenwechsel", heading),
              Paragraph(d.movers, small)]
    for label, movers in (("Neu in A", figures.risen_to_a), ("Aus A gefallen",
                                                            figures.fallen_from_a)):
        names = ", ".join(f"{escape(m.name)} ({m.previous_class or '–'}→{m.new_class})"
                          for m in movers[:12])
        more = f" und {len(movers) - 12} weitere" if len(movers) > 12 else ""
        story.append(Paragraph(f"<b>{label}:</b> {names or 'niemand'}{more}", small))

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        SimpleDocTemplate(str(path), pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm,
                          topMargin=10 * mm, bottomMargin=10 * mm, title="Auswertungen",
                          author=company or "Stammkunde").build(story)
    except OSError as exc:
        raise StorageError(f"Die PDF-Datei „{path}“ kann nicht geschrieben werden: "
                           f"{exc.strerror or exc}") from exc
    return path
