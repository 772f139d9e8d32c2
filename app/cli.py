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

    add_sales_commands(subparsers)


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


# --- sales, classes and segments (issue 3) ----------------------------------------------------


def add_sales_commands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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


def cmd_import_sales(services: Services, args: argparse.Namespace) -> int:
    """Exit 2 when a row was rejected; then nothing is applied unless --skip-invalid."""
    importer = services.sales_import
    report = importer.preview(args.file, create_missing=args.create_missing)
    if not args.dry_run and (args.skip_invalid or not report.rejected):
        report = importer.apply(args.file, create_missing=args.create_missing,
                                skip_invalid=args.skip_invalid, by="Kommandozeile")
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
        for row in report.rejected:
            print(f"  Zeile {row.line}: {row.reason}")
    return 2 if report.rejected else 0
