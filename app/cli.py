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

    letter = subparsers.add_parser("letter", help="Einen Brief an einen Kunden als PDF schreiben")
    letter.add_argument("--template", required=True, help="Name der Briefvorlage")
    letter.add_argument("--customer", required=True, help="Kundennummer, z. B. K-000123")
    letter.add_argument("--out", required=True, help="PDF-Datei")
    letter.add_argument("--form", choices=("A", "B"), help="DIN-5008-Form (Vorgabe: Einstellung)")
    letter.add_argument("--by", default="", help="Name für „Ihr Kontakt“ und die Kontakthistorie")
    letter.set_defaults(handler=cmd_letter)


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


# --- letters ---------------------------------------------------------------------------


def cmd_letter(services: Services, args: argparse.Namespace) -> int:
    template = services.letters.by_name(args.template)
    out = Path(args.out)
    pages = services.letters.write_letter(template.id, customer_number=args.customer, out=out,
                                          by=args.by, form=args.form)
    print(f"Brief „{template.name}“ an {args.customer} gespeichert: {out} "
          f"({pages} {'Seite' if pages == 1 else 'Seiten'}).")
    return 0


class UsageError(Exception):
    """Bad input on the command line (exit code 2)."""


def raise_usage(message: str) -> None:
    raise UsageError(message)


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
