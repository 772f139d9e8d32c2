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
from app.services.formatting import format_cents, format_date
from app.services.labels import PrintResult
from app.services.mailings import (
    ClassSource,
    NumberSource,
    PlannedCustomer,
    RecipientSource,
    TagSource,
    parse_numbers,
)

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

    mailing = subparsers.add_parser("mailing", help="Serienbrief an viele Kunden als ein PDF")
    mailing.add_argument("--template", required=True, help="Name der Briefvorlage")
    chosen = mailing.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--class", dest="abc_class", choices=("A", "B", "C"),
                        help="alle aktiven Kunden der Klasse")
    chosen.add_argument("--customers", help="Kundennummern, mit Komma getrennt")
    chosen.add_argument("--tag", help="alle aktiven Kunden mit diesem Schlagwort")
    mailing.add_argument("--out", required=True, help="PDF-Datei für den Drucker")
    mailing.add_argument("--per-customer", metavar="ORDNER",
                         help="zusätzlich ein PDF je Kunde in diesen Ordner")
    mailing.add_argument("--control-share", type=float, default=0.0,
                         help="Anteil Kontrollgruppe, z. B. 0.1 (nicht angeschrieben)")
    mailing.add_argument("--seed", type=int, help="Zufallsstartwert für die Kontrollgruppe")
    mailing.add_argument("--form", choices=("A", "B"), help="DIN-5008-Form")
    mailing.add_argument("--by", default="", help="Name für „Ihr Kontakt“ und die Historie")
    mailing.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    mailing.set_defaults(handler=cmd_mailing)

    results = subparsers.add_parser("mailing-results",
                                    help="Erfolg eines Mailings gegen die Kontrollgruppe")
    results.add_argument("mailing_id", type=int, help="Nummer des Mailings")
    results.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    results.set_defaults(handler=cmd_mailing_results)

    for name, helptext in (("labels", "Adressetiketten als PDF (A4-Etikettenbogen)"),
                           ("envelopes", "Briefumschläge mit Anschrift als PDF")):
        sub = subparsers.add_parser(name, help=helptext)
        picked = sub.add_mutually_exclusive_group(required=True)
        picked.add_argument("--class", dest="abc_class", choices=("A", "B", "C"))
        picked.add_argument("--customers", help="Kundennummern, mit Komma getrennt")
        picked.add_argument("--tag", help="Schlagwort")
        sub.add_argument("--out", required=True, help="PDF-Datei")
        sub.add_argument("--json", action="store_true", help="Ausgabe als JSON")
        if name == "labels":
            sub.add_argument("--sheet", default="3474", help="Bogen: 3474, 3475 oder L7163")
            sub.add_argument("--start", type=int, default=1,
                             help="erstes freies Etikett auf dem Bogen (1 = oben links)")
            sub.set_defaults(handler=cmd_labels)
        else:
            sub.add_argument("--size", default="DL", help="DL, C6 oder C5")
            sub.set_defaults(handler=cmd_envelopes)


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


def mailing_source(args: argparse.Namespace) -> RecipientSource:
    """The recipient source an option names (a saved segment plugs in here)."""
    if args.abc_class:
        return ClassSource(args.abc_class)
    if args.tag:
        return TagSource(args.tag)
    numbers = parse_numbers(args.customers or "")
    if not numbers:
        raise_usage("--customers braucht mindestens eine Kundennummer")
    return NumberSource(numbers)


def cmd_mailing(services: Services, args: argparse.Namespace) -> int:
    template = services.letters.by_name(args.template)
    result = services.mailings.run(
        template.id, mailing_source(args), out=Path(args.out),
        per_customer_dir=Path(args.per_customer) if args.per_customer else None,
        control_share=args.control_share, seed=args.seed, by=args.by, form=args.form)
    plan = result.plan

    def people(rows: tuple[PlannedCustomer, ...]) -> list[dict[str, str]]:
        return [{"number": p.number, "name": p.name, "postcode": p.postcode} for p in rows]

    if args.json:
        print_json({
            "mailing_id": result.mailing.id, "status": result.mailing.status,
            "template": template.name, "template_version": template.version,
            "source": plan.source, "output_file": str(Path(args.out)),
            "per_customer_files": list(result.files),
            "letters_printed": result.mailing.letters_printed,
            "recipients": people(plan.recipients),
            "excluded": [{"number": e.number, "name": e.name, "reason": e.reason}
                         for e in plan.excluded],
            "control_group": people(plan.control), "control_share": plan.control_share,
            "seed": plan.seed,
        })
        return 0
    print(result.summary())
    for e in plan.excluded:
        print(f"  ausgeschlossen: {e.number}  {e.name:<30.30}  {e.reason}")
    if plan.seed is not None:
        print(f"  Kontrollgruppe: {len(plan.control)} Kunden (Startwert {plan.seed})")
    return 0


def _percent(share: float) -> str:
    return f"{share * 100:.1f} %".replace(".", ",")


def _points(difference: float) -> str:
    """A difference of two shares in percentage points, German style: "+12,5 Pp."."""
    return f"{difference * 100:+.1f} Pp.".replace(".", ",", 1)


def cmd_mailing_results(services: Services, args: argparse.Namespace) -> int:
    results = services.mailings.results(args.mailing_id)
    m = results.mailing
    if args.json:
        print_json({
            "mailing_id": m.id, "template": m.template_name, "date": m.mailing_date,
            "windows": [{
                "days": w.days, "complete": w.complete, "recipients": w.recipients,
                "recipient_buyers": w.recipient_buyers, "control": w.control,
                "control_buyers": w.control_buyers, "recipient_rate": w.recipient_rate,
                "control_rate": w.control_rate, "difference": w.difference,
                "ci95": w.confidence_interval,
                "revenue_per_recipient_cents": w.revenue_per_recipient_cents,
                "revenue_per_control_cents": w.revenue_per_control_cents,
            } for w in results.windows],
        })
        return 0
    print(f"{m.label} „{m.template_name}“ vom {format_date(m.mailing_date)}: "
          f"{m.letters_printed} Briefe, Kontrollgruppe {m.control}")
    for w in results.windows:
        ci = w.confidence_interval
        interval = (f"95-%-Konfidenzintervall {_points(ci[0])} bis {_points(ci[1])}" if ci
                    else "ohne Kontrollgruppe kein Vergleich")
        state = "" if w.complete else " (Zeitraum läuft noch)"
        print(f"  {w.days} Tage{state}: Käufer {_percent(w.recipient_rate)} gegen "
              f"{_percent(w.control_rate)}, Differenz {_points(w.difference)} ({interval}); "
              f"Umsatz je Kunde {format_cents(w.revenue_per_recipient_cents)} gegen "
              f"{format_cents(w.revenue_per_control_cents)}")
    return 0


def _print_result(result: PrintResult, args: argparse.Namespace, what: str) -> int:
    if args.json:
        print_json({"output_file": result.path, "printed": result.printed,
                    "pages": result.pages,
                    "excluded": [{"number": e.number, "name": e.name, "reason": e.reason}
                                 for e in result.excluded]})
        return 0
    print(f"{what}: {result.printed}, Seiten: {result.pages}, Datei: {result.path}")
    for e in result.excluded:
        print(f"  ausgelassen: {e.number}  {e.name:<30.30}  {e.reason}")
    return 0


def cmd_labels(services: Services, args: argparse.Namespace) -> int:
    result = services.labels.print_labels(mailing_source(args), sheet_key=args.sheet,
                                          out=Path(args.out), start=args.start)
    return _print_result(result, args, "Etiketten")


def cmd_envelopes(services: Services, args: argparse.Namespace) -> int:
    result = services.labels.print_envelopes(mailing_source(args), size=args.size,
                                             out=Path(args.out))
    return _print_result(result, args, "Umschläge")


class UsageError(Exception):
    """Bad input on the command line (exit code 2)."""


def raise_usage(message: str) -> None:
    raise UsageError(message)


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
