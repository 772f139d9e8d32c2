"""The headless commands: parse → call services → print. Exit 0 ok, 2 bad input, 1 bug."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from app.services.container import Services
from app.services.demo import fill
from app.services.formatting import format_cents, parse_date

Handler = Callable[[Services, argparse.Namespace], int]


def add_commands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    demo = subparsers.add_parser("demo", help="Demodaten in die Datenbank schreiben")
    demo.add_argument("--customers", type=int, default=200, help="Anzahl Kunden (200)")
    demo.add_argument("--seed", type=int, default=1, help="Zufallsstartwert (1)")
    demo.set_defaults(handler=cmd_demo)

    search = subparsers.add_parser("search", help="Kunden suchen, wie die Liste sie zeigt")
    search.add_argument("text", help="Suchtext: Name, Firma, Ort, PLZ, Telefon, Nummer …")
    search.add_argument("--limit", type=int, default=50)
    search.add_argument("--archived", action="store_true", help="auch archivierte Kunden")
    search.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    search.set_defaults(handler=cmd_search)

    dashboard = subparsers.add_parser(
        "dashboard", help="Auswertungen berechnen (und als PDF schreiben)")
    dashboard.add_argument("--as-of", help="Stichtag TT.MM.JJJJ oder JJJJ-MM-TT (heute)")
    dashboard.add_argument("--pdf", type=Path, help="die Auswertung als einseitiges PDF")
    dashboard.add_argument("--json", action="store_true", help="alle Kennzahlen als JSON")
    dashboard.set_defaults(handler=cmd_dashboard)


def cmd_demo(services: Services, args: argparse.Namespace) -> int:
    if args.customers < 1:
        raise_usage("--customers muss mindestens 1 sein")
    result = fill(services.db, services.clock, customers=args.customers, seed=args.seed)
    print(f"{result.customers} Kunden, {result.contacts} Ansprechpersonen, "
          f"{result.interactions} Kontakteinträge, {result.sales} Umsätze angelegt.")
    return 0


def cmd_search(services: Services, args: argparse.Namespace) -> int:
    rows = services.customers.search(args.text, limit=args.limit,
                                     include_archived=args.archived)
    if args.json:
        print_json([asdict(row) for row in rows])
        return 0
    for row in rows:
        print(f"{row.number}  {row.name:<30.30}  {row.company:<30.30}  {row.postcode} {row.city}")
    if not rows:
        print("Keine Treffer.")
    return 0


class UsageError(Exception):
    """Bad input on the command line (exit code 2)."""


def raise_usage(message: str) -> None:
    raise UsageError(message)


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


# --- dashboard (Auswertungen) -----------------------------------------------------------


def cmd_dashboard(services: Services, args: argparse.Namespace) -> int:
    from app.services import dashboard_pdf
    from app.services.dashboard import format_number

    as_of = None
    if args.as_of:
        try:
            as_of = parse_date(args.as_of)
        except ValueError as exc:
            raise_usage(f"--as-of: {exc}")
    figures = services.dashboard.compute(as_of)
    if args.pdf:
        company = str(services.settings.get("company_profile", {}).get("name", ""))
        dashboard_pdf.build(figures, args.pdf, company=company)
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
    print(f"NPS 12 Monate:           {nps} ({figures.nps_answers_12m} Antworten)")
    for row in figures.classes:
        print(f"Klasse {row.abc_class or '–'}: {row.customers} Kunden, "
              f"{format_cents(row.revenue_cents)} ({pct(row.revenue_share_pct)})")
    if args.pdf:
        print(f"PDF geschrieben: {args.pdf}")
    return 0
