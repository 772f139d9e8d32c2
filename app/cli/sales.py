"""The headless commands of sales, A/B/C classes, segments and the dashboard."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from datetime import date
from pathlib import Path

from app.cli.common import day, out_path, print_json, print_rejected, raise_usage, user
from app.services.container import Services
from app.services.formatting import (
    format_cents,
    format_count,
    format_date,
    format_number,
)
from app.services.outputs import CsvWriter


def register(subparsers: argparse._SubParsersAction) -> None:
    sales = subparsers.add_parser(
        "import-sales", help="Umsätze aus CSV/XLSX importieren (erst prüfen, dann übernehmen)")
    sales.add_argument("file", type=Path, help="CSV- oder XLSX-Datei")
    sales.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts übernehmen")
    sales.add_argument("--create-missing", action="store_true",
                       help="unbekannte Kunden mit Name aus der Datei anlegen")
    sales.add_argument("--skip-invalid", action="store_true",
                       help="abgelehnte Zeilen überspringen und den Rest übernehmen")
    sales.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    sales.set_defaults(handler=cmd_import_sales)

    classify = subparsers.add_parser(
        "classify", help="A/B/C-Klassen, RFM-Segmente und Abwanderungsrisiko neu berechnen")
    classify.add_argument("--as-of", type=_iso_date, help="Stichtag JJJJ-MM-TT (heute)")
    window = classify.add_mutually_exclusive_group()
    window.add_argument("--window-months", type=int, help="Zeitraum in Monaten (Einstellung)")
    window.add_argument("--all-time", action="store_true", help="alle Umsätze ohne Zeitraum")
    classify.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    classify.add_argument("--out", type=Path, help="CSV mit einer Zeile je Kunde schreiben")
    classify.set_defaults(handler=cmd_classify)

    segment = subparsers.add_parser("segment", help="Gespeicherte Segmente anzeigen")
    segment_commands = segment.add_subparsers(dest="segment_command", metavar="AKTION",
                                              required=True)
    segment_list = segment_commands.add_parser("list", help="alle Segmente mit Anzahl Kunden")
    segment_list.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    segment_list.set_defaults(handler=cmd_segment_list)
    segment_show = segment_commands.add_parser("show", help="die Kunden eines Segments")
    segment_show.add_argument("name", help="Name des Segments")
    segment_show.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    segment_show.set_defaults(handler=cmd_segment_show)

    dashboard = subparsers.add_parser(
        "dashboard", help="Auswertungen berechnen (und als PDF schreiben)")
    dashboard.add_argument("--as-of", help="Stichtag TT.MM.JJJJ oder JJJJ-MM-TT (heute)")
    dashboard.add_argument("--pdf", type=Path, help="die Auswertung als einseitiges PDF")
    dashboard.add_argument("--json", action="store_true", help="alle Kennzahlen als JSON")
    dashboard.set_defaults(handler=cmd_dashboard)


def cmd_import_sales(services: Services, args: argparse.Namespace) -> int:
    """Exit 2 when a row was rejected; then nothing is applied unless --skip-invalid."""
    importer = services.sales_import
    report = importer.preview(args.file, create_missing=args.create_missing)
    if not args.dry_run and (args.skip_invalid or not report.rejected):
        report = importer.apply(args.file, create_missing=args.create_missing,
                                skip_invalid=args.skip_invalid, by=user())
    if args.json:
        print_json({
            "file": report.file, "rows": report.rows, "applied": report.applied,
            "added": len(report.to_add), "amount_cents": report.amount_cents,
            "new_customers": list(report.new_customers),
            "skipped": [row._asdict() for row in report.skipped],
            "rejected": [row._asdict() for row in report.rejected],
            "classes_changed": report.classes_changed,
        })
    else:
        print(report.summary())
    print_rejected(report.file, [(row.line, row.reason) for row in report.rejected])
    return 2 if report.rejected else 0


OUT_COLUMNS = ("number", "revenue_cents", "abc_class", "abc_computed", "r", "f", "m", "segment",
               "at_risk")


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"„{text}“ ist kein Datum (JJJJ-MM-TT)") from None


def cmd_classify(services: Services, args: argparse.Namespace) -> int:
    if args.window_months is not None and args.window_months < 1:
        raise_usage("--window-months muss mindestens 1 sein")
    result = services.classification.recompute(
        as_of=args.as_of, all_time=args.all_time,
        window_months=args.window_months if args.window_months is not None else -1,
        by=user(), with_scores=args.out is not None)
    if args.out:
        with out_path(services, args.out).open("w", encoding="utf-8", newline="") as handle:
            writer = CsvWriter(handle)
            writer.writerow(OUT_COLUMNS)
            for s in result.scores:
                writer.writerow((s.number, s.revenue_cents, s.abc_class, s.abc_computed,
                                 "" if s.r is None else s.r, "" if s.f is None else s.f,
                                 "" if s.m is None else s.m, s.segment or "",
                                 int(s.at_risk)))
    if args.json:
        print_json({
            "as_of": result.as_of.isoformat(),
            "window_start": result.window_start.isoformat() if result.window_start else None,
            "method": result.method, "total_revenue_cents": result.total_revenue_cents,
            "changed": result.changed,
            "classes": [asdict(c) for c in result.classes],
        })
        return 0
    since = format_date(result.window_start) if result.window_start else "Beginn"
    print(f"Stichtag {format_date(result.as_of)}, Umsatz {since} bis "
          f"{format_date(result.as_of)}: {format_cents(result.total_revenue_cents)}")
    for c in result.classes:
        share = f"{c.share_pct:5.1f}".replace(".", ",")
        print(f"  Klasse {c.abc_class}: {format_count(c.customers, 'Kunde', 'Kunden'):>14}  "
              f"{format_cents(c.revenue_cents):>18}  {share} %")
    print(f"{format_count(result.changed, 'Kunde', 'Kunden')} mit neuer Klasse.")
    return 0


def cmd_dashboard(services: Services, args: argparse.Namespace) -> int:
    from app.services.sales import dashboard_pdf
    from app.services.sales.dashboard_pdf import value_or_dash

    as_of = day(args.as_of, "--as-of")
    figures = services.dashboard.compute(as_of)
    if args.pdf:
        company = services.company.get().name
        dashboard_pdf.build(figures, out_path(services, args.pdf), company=company)
    if args.json:
        print_json(asdict(figures))
        return 0

    def pct(value: float | None) -> str:
        return "–" if value is None else f"{format_number(value)} %"

    d = figures.definitions
    print(d.window)
    print(f"Umsatz 12 Monate:        {format_cents(figures.revenue_12m_cents)}")
    print(f"Aktive / ruhende Kunden: {figures.active_customers} / {figures.dormant_customers}")
    print(f"Abwanderungsquote:       {pct(figures.churn_rate_pct)}  ({d.churn})")
    print(f"Wiederkaufrate:          {pct(figures.repeat_rate_pct)}")
    clv = "–" if figures.clv_cents is None else format_cents(figures.clv_cents)
    print(f"Kundenwert (CLV):        {clv}  ({d.clv})")
    nps = "–" if figures.nps_12m is None else format_number(figures.nps_12m, 0)
    print(f"NPS 12 Monate:           {nps} "
          f"({format_count(figures.nps_answers_12m, 'Antwort', 'Antworten')})")
    print(f"Ø CSAT (1–5):            {value_or_dash(figures.csat_average_12m, '', 2)} "
          f"({format_count(figures.csat_answers_12m, 'Antwort', 'Antworten')})")
    print(f"Ø CES (1–7):             {value_or_dash(figures.ces_average_12m, '', 2)} "
          f"({format_count(figures.ces_answers_12m, 'Antwort', 'Antworten')})")
    for row in figures.classes:
        print(f"Klasse {row.abc_class or '–'}: {format_count(row.customers, 'Kunde', 'Kunden')}, "
              f"{format_cents(row.revenue_cents)} ({pct(row.revenue_share_pct)})")
    if args.pdf:
        print(f"PDF geschrieben: {args.pdf}")
    return 0


def cmd_segment_list(services: Services, args: argparse.Namespace) -> int:
    rows = [(s.name, services.segments.count(s.spec), s.description)
            for s in services.segments.saved()]
    if args.json:
        print_json([{"name": n, "customers": c, "description": d} for n, c, d in rows])
        return 0
    for name, count, description in rows:
        print(f"{name:<30.30} {format_count(count, 'Kunde', 'Kunden'):>14}  {description}")
    if not rows:
        print("Keine Segmente gespeichert.")
    return 0


def cmd_segment_show(services: Services, args: argparse.Namespace) -> int:
    segment = services.segments.get(args.name)
    customers = services.customers.rows(services.segments.customer_ids(segment.spec))
    if args.json:
        print_json({"name": segment.name, "description": segment.description,
                    "customers": [asdict(row) for row in customers]})
        return 0
    print(f"{segment.name}: {segment.description} – "
          f"{format_count(len(customers), 'Kunde', 'Kunden')}")
    for row in customers:
        print(f"{row.number}  {row.name:<30.30}  {row.postcode} {row.city}  "
              f"{row.abc_class or '-'}")
    return 0
