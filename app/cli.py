"""The headless commands: parse → call services → print. Exit 0 ok, 2 bad input, 1 bug."""

from __future__ import annotations

import argparse
import csv
import getpass
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from app.services.audit import AuditFilter
from app.services.backups import format_size
from app.services.container import Services
from app.services.customer_import import FIELDS
from app.services.demo_showcase import populate
from app.services.formatting import (
    format_cents,
    format_date,
    format_datetime,
    format_number,
    format_points,
    format_share,
    parse_cents,
    parse_date,
)
from app.services.ics_export import write_ics
from app.services.labels import PrintResult
from app.services.loyalty import ProgramInput
from app.services.mailings import (
    ClassSource,
    FollowUpOption,
    LetterListSource,
    NumberSource,
    PlannedCustomer,
    RecipientSource,
    SegmentSource,
    TagSource,
    VoucherOption,
    parse_numbers,
)
from app.services.rules import RuleDTO, RuleInput
from app.services.vouchers import VoucherDTO, VoucherInput

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

    run_due = subparsers.add_parser(
        "run-due", help="Regeln, Wiedervorlagen und Nachtlauf bis heute nachholen "
        "(Klassen, Bonuspunkte, Aufbewahrung; für die Aufgabenplanung)")
    run_due.add_argument("--as-of", help="Stichtag TT.MM.JJJJ (Standard: heute)")
    run_due.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    run_due.set_defaults(handler=cmd_run_due)

    export_ics = subparsers.add_parser(
        "export-ics", help="offene Wiedervorlagen als Kalenderdatei (.ics) exportieren")
    export_ics.add_argument("file", help="Zieldatei, z. B. wiedervorlagen.ics")
    export_ics.add_argument("--assignee", help="nur Wiedervorlagen dieser Person")
    export_ics.set_defaults(handler=cmd_export_ics)
    add_loyalty_commands(subparsers)
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
    chosen.add_argument("--segment", help="alle Kunden eines gespeicherten Segments")
    chosen.add_argument("--letter-list", metavar="SCHLÜSSEL",
                        help="die Briefliste dieser Vorlage (von Regeln/„Heute“ vorgemerkt); "
                             "gedruckte Einträge werden erledigt")
    mailing.add_argument("--out", required=True, help="PDF-Datei für den Drucker")
    mailing.add_argument("--voucher", metavar="EUR",
                         help="persönlicher Aktionsgutschein je Empfänger, z. B. 10 "
                              "(Code über {{ gutschein.code }})")
    mailing.add_argument("--voucher-days", type=int, default=0, metavar="N",
                         help="Gültigkeit des Gutscheins in Tagen (0: gesetzlich, 3 Jahre)")
    mailing.add_argument("--followup-days", type=int, metavar="N",
                         help="je Empfänger eine Wiedervorlage, fällig in N Tagen")
    mailing.add_argument("--followup-subject", default="Nachfassen, falls keine Antwort",
                         help="Betreff der Wiedervorlage")
    mailing.add_argument("--followup-assignee", default="",
                         help="zuständig für die Wiedervorlage (leer: Betreuer des Kunden)")
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
        picked.add_argument("--segment", help="gespeichertes Segment")
        picked.add_argument("--letter-list", metavar="SCHLÜSSEL", help="Briefliste")
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
    add_sales_commands(subparsers)
    add_privacy_commands(subparsers)
    add_import_export_commands(subparsers)

    dashboard = subparsers.add_parser(
        "dashboard", help="Auswertungen berechnen (und als PDF schreiben)")
    dashboard.add_argument("--as-of", help="Stichtag TT.MM.JJJJ oder JJJJ-MM-TT (heute)")
    dashboard.add_argument("--pdf", type=Path, help="die Auswertung als einseitiges PDF")
    dashboard.add_argument("--json", action="store_true", help="alle Kennzahlen als JSON")
    dashboard.set_defaults(handler=cmd_dashboard)

    rules = subparsers.add_parser("rules", help="automatische Regeln auflisten")
    rules.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    rules.set_defaults(handler=cmd_rules)

    rule_set = subparsers.add_parser("rule-set", help="eine Regel ein-/ausschalten, einstellen")
    rule_set.add_argument("rule_id", type=int, help="Nummer der Regel (siehe: rules)")
    switch = rule_set.add_mutually_exclusive_group()
    switch.add_argument("--on", dest="enabled", action="store_true", default=None)
    switch.add_argument("--off", dest="enabled", action="store_false")
    rule_set.add_argument("--param", action="append", default=[], metavar="NAME=ZAHL",
                          help="Einstellung, z. B. days_before=14 (mehrfach möglich)")
    rule_set.add_argument("--subject", help="Betreff-Vorlage mit {reason}, {name}, {number}")
    rule_set.add_argument("--assignee", help="zuständig (leer: Betreuer des Kunden)")
    rule_set.add_argument("--letter", help="Briefvorlage für die Briefliste (leer: keine)")
    rule_set.add_argument("--voucher", metavar="EUR",
                          help="Aktionsgutschein je Auslösung, z. B. 10 (0: keiner)")
    rule_set.add_argument("--voucher-days", type=int, metavar="N",
                          help="Gültigkeit des Gutscheins in Tagen (0: gesetzlich)")
    rule_set.add_argument("--no-followup", action="store_true",
                          help="keine Wiedervorlage anlegen (nur Brief)")
    rule_set.set_defaults(handler=cmd_rule_set)


def cmd_demo(services: Services, args: argparse.Namespace) -> int:
    if args.customers < 1:
        raise_usage("--customers muss mindestens 1 sein")
    folder = services.db.sqlite_path.parent if services.db.sqlite_path else None
    result = populate(services, customers=args.customers, seed=args.seed,
                      mailing_out=folder / f"Demo-Mailing-{args.seed}.pdf" if folder else None)
    print("\n".join(result.lines()))
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


# --- follow-ups and rules ------------------------------------------------------------


def cmd_run_due(services: Services, args: argparse.Namespace) -> int:
    as_of = _day(args.as_of, "--as-of")
    result = services.rules.run_due(as_of=as_of)
    nightly = services.nightly.run(result.as_of)
    if args.json:
        print_json({
            **nightly.as_dict(),
            "as_of": result.as_of.isoformat(),
            "days": [day.isoformat() for day in result.days],
            "rules": {name: asdict(count) for name, count in result.per_rule.items()},
            "followups_created": [asdict(item) for item in result.followups],
            "followups_created_count": len(result.followups),
            "due_followups": result.due_followups,
        })
        return 0
    if result.days:
        print(f"Verarbeitete Tage: {format_date(result.days[0])} bis "
              f"{format_date(result.days[-1])} ({len(result.days)})")
    else:
        print(f"Alle Tage bis {format_date(result.as_of)} sind schon verarbeitet.")
    for name, count in result.per_rule.items():
        print(f"  {name}: {count.firings} ausgelöst, {count.followups} Wiedervorlagen, "
              f"{count.letters} Briefe vorgemerkt"
              + (f", {count.vouchers} Gutscheine" if count.vouchers else ""))
    for item in result.followups:
        print(f"  + {format_date(item.due_date)}  {item.customer_name}: {item.subject}")
    if not result.followups:
        print("Keine neuen Wiedervorlagen.")
    print(f"Fällige Wiedervorlagen (bis {format_date(result.as_of)}): {result.due_followups}")
    for line in nightly.lines():
        print(line)
    return 0


def cmd_export_ics(services: Services, args: argparse.Namespace) -> int:
    target = Path(args.file)
    count = write_ics(target, services.followups.pending(assignee=args.assignee),
                      now=services.clock.now())
    print(f"{count} Wiedervorlagen nach „{target}“ exportiert.")
    return 0


# --- vouchers, bonus cards, loyalty (issue #4) -------------------------------------------


def add_loyalty_commands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    voucher = subparsers.add_parser("voucher", help="Gutscheine ausgeben, einlösen, anzeigen")
    vsub = voucher.add_subparsers(dest="voucher_command", metavar="AKTION", required=True)
    issue = vsub.add_parser("issue", help="Gutschein ausgeben (druckt den Code)")
    issue.add_argument("--value", default="0", help="Wert in Euro, z. B. 50 oder 25,50")
    issue.add_argument("--kind", choices=["value", "service", "percent"], default="value",
                       help="Wert-, Leistungs- oder Rabattgutschein (value)")
    issue.add_argument("--service", default="", help="Leistung (Leistungsgutschein)")
    issue.add_argument("--percent", type=int, help="Rabatt in Prozent (Rabattgutschein)")
    issue.add_argument("--customer", help="Kundennummer, z. B. K-000123")
    issue.add_argument("--single-purpose", action="store_true",
                       help="Einzweckgutschein (USt bei Ausgabe, mit --vat)")
    issue.add_argument("--vat", help="USt-Satz in Prozent bei Einzweckgutscheinen, z. B. 19")
    issue.add_argument("--promo", action="store_true", help="Aktionsgutschein (kostenlos)")
    issue.add_argument("--valid-until", help="Gültig bis TT.MM.JJJJ (kürzer nur mit --promo)")
    issue.add_argument("--campaign", default="", help="Aktionsname")
    issue.add_argument("--count", type=int, default=1, help="Anzahl (Aktionsstapel)")
    issue.add_argument("--pdf", help="Gutschein(e) zusätzlich als PDF speichern")
    issue.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    issue.set_defaults(handler=cmd_voucher_issue)
    redeem = vsub.add_parser("redeem", help="Gutschein (teilweise) einlösen")
    redeem.add_argument("code")
    redeem.add_argument("--amount", help="Betrag in Euro (Wertgutschein)")
    redeem.add_argument("--key", help="Buchungsschlüssel: dieselbe Einlösung bucht nur einmal")
    redeem.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    redeem.set_defaults(handler=cmd_voucher_redeem)
    show = vsub.add_parser("show", help="Gutschein mit Verlauf anzeigen")
    show.add_argument("code")
    show.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    show.set_defaults(handler=cmd_voucher_show)
    cancel = vsub.add_parser("cancel", help="Einlösung stornieren (Gegenbuchung)")
    cancel.add_argument("entry", type=int, help="Nummer der Einlösung (aus voucher show)")
    cancel.add_argument("--reason", default="", help="Grund")
    cancel.set_defaults(handler=cmd_voucher_cancel)
    liability = vsub.add_parser("liability", help="Offene Gutscheinverbindlichkeiten")
    liability.add_argument("--as-of", help="Stichtag TT.MM.JJJJ (heute)")
    liability.add_argument("--csv", help="Liste für die Steuerberatung als CSV speichern")
    liability.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    liability.set_defaults(handler=cmd_voucher_liability)

    points = subparsers.add_parser("points", help="Bonuskarte: Punkte/Stempel buchen, anzeigen")
    psub = points.add_subparsers(dest="points_command", metavar="AKTION", required=True)
    add = psub.add_parser("add", help="Punkte/Stempel gutschreiben")
    add.add_argument("card", help="Bonuskartennummer")
    add.add_argument("--points", type=int, required=True)
    add.add_argument("--reason", default="")
    add.set_defaults(handler=cmd_points_add)
    take = psub.add_parser("redeem", help="Punkte/Stempel einlösen (Prämie)")
    take.add_argument("card", help="Bonuskartennummer")
    which = take.add_mutually_exclusive_group(required=True)
    which.add_argument("--points", type=int, help="Anzahl Punkte/Stempel")
    which.add_argument("--reward", type=int, help="Prämie aus dem Katalog (Nummer)")
    take.add_argument("--reason", default="")
    take.set_defaults(handler=cmd_points_redeem)
    pshow = psub.add_parser("show", help="Stand und Buchungen einer Karte")
    pshow.add_argument("card", help="Bonuskartennummer")
    pshow.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    pshow.set_defaults(handler=cmd_points_show)

    loyalty = subparsers.add_parser("loyalty", help="Bonusprogramme: Verfall, Umsätze, Karten")
    lsub = loyalty.add_subparsers(dest="loyalty_command", metavar="AKTION", required=True)
    expire = lsub.add_parser("expire", help="Punkte und Gutscheine verfallen lassen")
    expire.add_argument("--as-of", help="Stichtag TT.MM.JJJJ (heute)")
    expire.set_defaults(handler=cmd_loyalty_expire)
    credit = lsub.add_parser("credit-sales", help="neue Umsätze von Karteninhabern gutschreiben")
    credit.set_defaults(handler=cmd_loyalty_credit_sales)
    program = lsub.add_parser("program", help="Bonusprogramm anlegen")
    program.add_argument("name")
    program.add_argument("--kind", choices=["points", "stamps"], default="points")
    program.add_argument("--points-per-euro", type=int, default=1)
    program.add_argument("--rounding", choices=["down", "half_up"], default="down")
    program.add_argument("--min-purchase", default="0", help="Mindestumsatz in Euro")
    program.add_argument("--stamps", type=int, help="Stempel bis zur Prämie")
    program.add_argument("--category", default="", help="nur Umsätze mit diesem Text")
    program.add_argument("--expiry-years", type=int, help="Verfall Ende des N-ten Jahres")
    program.set_defaults(handler=cmd_loyalty_program)
    enrol = lsub.add_parser("enrol", help="Kunden aufnehmen, Karte ausgeben")
    enrol.add_argument("customer", help="Kundennummer")
    enrol.add_argument("--program", required=True, help="Name des Bonusprogramms")
    enrol.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    enrol.set_defaults(handler=cmd_loyalty_enrol)
    cards = lsub.add_parser("cards", help="aktive Bonuskarten als PDF (10 je A4-Bogen)")
    cards.add_argument("--pdf", required=True, help="PDF-Datei")
    cards.add_argument("--program", help="nur Karten dieses Bonusprogramms")
    cards.set_defaults(handler=cmd_loyalty_cards)


def _euros(text: str, option: str) -> int:
    try:
        return parse_cents(text)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def _day(text: str | None, option: str) -> date | None:
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def _voucher_json(voucher: VoucherDTO) -> dict[str, Any]:
    data = asdict(voucher)
    data.update(code=voucher.display_code, status_text=voucher.status_label,
                valid_until=voucher.valid_until.isoformat(),
                issued_on=voucher.issued_on.isoformat())
    return data


def cmd_voucher_issue(services: Services, args: argparse.Namespace) -> int:
    from app.services import loyalty_pdf

    customer_id = (services.customers.get_by_number(args.customer).id
                   if args.customer else None)
    vat = None
    if args.vat is not None:
        vat = _euros(args.vat, "--vat")  # percent with two decimals = basis points
    data = VoucherInput(
        kind=args.kind, value_cents=_euros(args.value, "--value"), percent=args.percent,
        service_text=args.service, purpose="single" if args.single_purpose else "multi",
        vat_rate_bp=vat, customer_id=customer_id, campaign=args.campaign, promo=args.promo,
        valid_until=_day(args.valid_until, "--valid-until"))
    if args.count != 1:
        vouchers = services.vouchers.issue_batch(data, count=args.count, by="Kommandozeile")
    else:
        vouchers = [services.vouchers.issue(data, by="Kommandozeile")]
    if args.pdf:
        loyalty_pdf.voucher_pdf(vouchers, Path(args.pdf),
                                company=services.settings.get("company_profile", {}))
    if args.json:
        rows = [_voucher_json(v) for v in vouchers]
        print_json(rows[0] if len(rows) == 1 else rows)
        return 0
    for v in vouchers:
        print(f"{v.display_code}  {v.description}  gültig bis {format_date(v.valid_until)}")
    return 0


def cmd_voucher_redeem(services: Services, args: argparse.Namespace) -> int:
    amount = _euros(args.amount, "--amount") if args.amount is not None else None
    result = services.vouchers.redeem(args.code, amount_cents=amount, key=args.key,
                                      by="Kommandozeile")
    if args.json:
        print_json({"entry_id": result.entry_id, "amount_cents": result.amount_cents,
                    "replayed": result.replayed,
                    "remaining_cents": result.voucher.remaining_cents,
                    "code": result.voucher.display_code})
        return 0
    again = " (war schon gebucht)" if result.replayed else ""
    print(f"{result.voucher.display_code}: {format_cents(result.amount_cents)} eingelöst"
          f"{again}, Restwert {format_cents(result.voucher.remaining_cents)}.")
    return 0


def cmd_voucher_show(services: Services, args: argparse.Namespace) -> int:
    v = services.vouchers.get(args.code)
    if args.json:
        print_json(_voucher_json(v))
        return 0
    print(f"{v.display_code}  {v.description}  {v.status_label}")
    print(f"Restwert {format_cents(v.remaining_cents)}, ausgegeben "
          f"{format_date(v.issued_on)}, gültig bis {format_date(v.valid_until)}"
          + (f", Kunde {v.customer_name}" if v.customer_name else "")
          + (f", Aktion {v.campaign}" if v.campaign else ""))
    for e in v.entries:
        mark = " (storniert)" if e.reversed else ""
        print(f"  #{e.id:<5} {format_date(e.entry_date)}  {e.label:<10} "
              f"{format_cents(e.amount_cents):>12}  {e.reason}{mark}")
    return 0


def cmd_voucher_cancel(services: Services, args: argparse.Namespace) -> int:
    v = services.vouchers.reverse(args.entry, reason=args.reason, by="Kommandozeile")
    print(f"{v.display_code}: Einlösung #{args.entry} storniert, Restwert "
          f"{format_cents(v.remaining_cents)}.")
    return 0


def cmd_voucher_liability(services: Services, args: argparse.Namespace) -> int:
    as_of = _day(args.as_of, "--as-of")
    if args.csv:
        result = services.vouchers.export_liability_csv(Path(args.csv), as_of=as_of)
    else:
        result = services.vouchers.liability(as_of=as_of)
    if args.json:
        print_json(asdict(result))
        return 0
    print(f"Stichtag {format_date(result.as_of)}: gültig {format_cents(result.valid_cents)} "
          f"({result.valid_count}), abgelaufen {format_cents(result.expired_cents)} "
          f"({result.expired_count}).")
    return 0


def cmd_points_add(services: Services, args: argparse.Namespace) -> int:
    card = services.loyalty.credit(args.card, points=args.points, reason=args.reason,
                                   by="Kommandozeile")
    print(f"{card.display_number}: {args.points:+d} {card.unit}, Stand {card.balance}.")
    return 0


def cmd_points_redeem(services: Services, args: argparse.Namespace) -> int:
    if args.reward is not None:
        result = services.loyalty.redeem_reward(args.card, reward_id=args.reward,
                                                by="Kommandozeile")
        card = result.card
        if result.voucher is not None:
            print(f"Gutschein {result.voucher.display_code} über "
                  f"{format_cents(result.voucher.value_cents)} ausgegeben.")
    else:
        card = services.loyalty.redeem(args.card, points=args.points, reason=args.reason,
                                       by="Kommandozeile")
    print(f"{card.display_number}: eingelöst, Stand {card.balance} {card.unit}.")
    return 0


def cmd_points_show(services: Services, args: argparse.Namespace) -> int:
    card = services.loyalty.card(args.card)
    entries = services.loyalty.entries(args.card)
    if args.json:
        print_json({**asdict(card), "entries": [asdict(e) for e in entries]})
        return 0
    status = "" if card.status == "active" else "  GESPERRT"
    print(f"{card.display_number}  {card.program_name}  {card.customer_name}  "
          f"Stand {card.balance} {card.unit}{status}")
    for e in entries:
        print(f"  #{e.id:<5} {format_date(e.entry_date)}  {e.label:<10} {e.points:>+6}  "
              f"{e.reason}")
    return 0


def cmd_loyalty_expire(services: Services, args: argparse.Namespace) -> int:
    as_of = _day(args.as_of, "--as-of")
    report = services.loyalty.expire(as_of=as_of)
    vouchers = services.vouchers.mark_expired(as_of=as_of)
    print(f"{report.points} Punkte/Stempel auf {report.entries} Karten verfallen; "
          f"{vouchers} Gutscheine als abgelaufen vermerkt.")
    return 0


def cmd_loyalty_credit_sales(services: Services, args: argparse.Namespace) -> int:
    report = services.loyalty.credit_sales()
    print(f"{report.entries} Umsätze von {report.customers} Kunden gutgeschrieben "
          f"({report.points} Punkte/Stempel).")
    return 0


def cmd_loyalty_program(services: Services, args: argparse.Namespace) -> int:
    program = services.loyalty.save_program(ProgramInput(
        name=args.name, kind=args.kind, points_per_euro=args.points_per_euro,
        rounding=args.rounding, min_purchase_cents=_euros(args.min_purchase, "--min-purchase"),
        stamps_required=args.stamps, service_category=args.category,
        expiry_years=args.expiry_years))
    print(f"Bonusprogramm {program.id} „{program.name}“ angelegt: {program.summary}.")
    return 0


def cmd_loyalty_enrol(services: Services, args: argparse.Namespace) -> int:
    customer = services.customers.get_by_number(args.customer)
    programs = {p.name: p.id for p in services.loyalty.programs(active_only=True)}
    if args.program not in programs:
        raise UsageError(f"--program: Bonusprogramm „{args.program}“ gibt es nicht")
    card = services.loyalty.enrol(customer.id, program_id=programs[args.program],
                                  by="Kommandozeile")
    if args.json:
        print_json(asdict(card))
        return 0
    print(f"Bonuskarte {card.display_number} für {card.customer_name} ausgegeben.")
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


def mailing_source(args: argparse.Namespace, services: Services) -> RecipientSource:
    """The recipient source an option names."""
    if args.abc_class:
        return ClassSource(args.abc_class)
    if args.tag:
        return TagSource(args.tag)
    if args.segment:
        return SegmentSource(args.segment, services.clock.now())
    if args.letter_list:
        return LetterListSource(args.letter_list)
    numbers = parse_numbers(args.customers or "")
    if not numbers:
        raise_usage("--customers braucht mindestens eine Kundennummer")
    return NumberSource(numbers)


def cmd_mailing(services: Services, args: argparse.Namespace) -> int:
    template = services.letters.by_name(args.template)
    voucher = (VoucherOption(_euros(args.voucher, "--voucher"), args.voucher_days)
               if args.voucher else None)
    followup = (FollowUpOption(args.followup_subject, args.followup_days,
                               args.followup_assignee)
                if args.followup_days is not None else None)
    result = services.mailings.run(
        template.id, mailing_source(args, services), out=Path(args.out),
        per_customer_dir=Path(args.per_customer) if args.per_customer else None,
        control_share=args.control_share, seed=args.seed, by=args.by, form=args.form,
        voucher=voucher, followup=followup)
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
            "vouchers": [{"number": number, "code": code} for number, code in result.vouchers],
            "followups_created": result.followups,
        })
        return 0
    print(result.summary())
    for e in plan.excluded:
        print(f"  ausgeschlossen: {e.number}  {e.name:<30.30}  {e.reason}")
    if plan.seed is not None:
        print(f"  Kontrollgruppe: {len(plan.control)} Kunden (Startwert {plan.seed})")
    return 0


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
        interval = (f"95-%-Konfidenzintervall {format_points(ci[0])} bis "
                    f"{format_points(ci[1])}" if ci else "ohne Kontrollgruppe kein Vergleich")
        state = "" if w.complete else " (Zeitraum läuft noch)"
        print(f"  {w.days} Tage{state}: Käufer {format_share(w.recipient_rate)} gegen "
              f"{format_share(w.control_rate)}, Differenz {format_points(w.difference)} "
              f"({interval}); "
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
    result = services.labels.print_labels(mailing_source(args, services), sheet_key=args.sheet,
                                          out=Path(args.out), start=args.start)
    return _print_result(result, args, "Etiketten")


def cmd_envelopes(services: Services, args: argparse.Namespace) -> int:
    result = services.labels.print_envelopes(mailing_source(args, services), size=args.size,
                                             out=Path(args.out))
    return _print_result(result, args, "Umschläge")


# --- import and export of customers --------------------------------------------------------


def add_import_export_commands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    imp = subparsers.add_parser(
        "import-customers", help="Kunden aus CSV, Excel (.xlsx) oder vCard (.vcf) importieren")
    imp.add_argument("file", help="die Datei (.csv, .txt, .xlsx, .vcf)")
    imp.add_argument("--mapping", help="JSON-Datei {\"Spalte\": \"Feld\"}; ohne: bekannte "
                                       "Spaltenköpfe und die zuletzt gespeicherte Zuordnung")
    imp.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts speichern")
    imp.add_argument("--skip-invalid", action="store_true",
                     help="abgelehnte Zeilen auslassen und den Rest importieren")
    imp.add_argument("--on-duplicate", choices=("skip", "merge", "add"), default="skip",
                     help="mögliche Dubletten: überspringen (skip, Standard), mit dem "
                          "vorhandenen Kunden zusammenführen (merge) oder trotzdem anlegen (add)")
    imp.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    imp.set_defaults(handler=cmd_import_customers)

    logs = subparsers.add_parser("import-log", help="Importprotokoll anzeigen")
    logs.add_argument("id", nargs="?", type=int, help="ein Import mit seinen abgelehnten Zeilen")
    logs.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    logs.set_defaults(handler=cmd_import_log)

    exp = subparsers.add_parser("export-customers",
                                help="Kunden als CSV, Excel (.xlsx) oder vCard (.vcf) exportieren")
    exp.add_argument("file", help="Zieldatei; das Format folgt der Endung .csv, .xlsx, .vcf")
    exp.add_argument("--archived", action="store_true", help="auch archivierte Kunden")
    exp.add_argument("--segment", help="nur die Kunden dieses gespeicherten Segments")
    exp.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    exp.set_defaults(handler=cmd_export_customers)


def cmd_import_customers(services: Services, args: argparse.Namespace) -> int:
    importer = services.customer_import
    source = importer.read(Path(args.file))
    mapping = (importer.mapping_from_file(Path(args.mapping), source) if args.mapping
               else importer.suggested_mapping(source))
    if args.dry_run:
        preview = importer.preview(source, mapping)
        data, lines = preview.as_json(), preview.summary_lines()
        ok = args.skip_invalid or not preview.rejected
    else:
        result = importer.apply(source, mapping, on_duplicate=args.on_duplicate,
                                skip_invalid=args.skip_invalid, by=_user())
        data, lines, ok = result.as_json(), result.summary_lines(), result.applied
    if args.json:
        print_json({**data, "mapping": {h: mapping.get(i, "") for i, h in
                                        enumerate(source.header)}})
    else:
        print("Spalten: " + ", ".join(
            f"{h} → {FIELDS[mapping[i]] if i in mapping else '(nicht übernommen)'}"
            for i, h in enumerate(source.header)))
        print("\n".join(lines))
    return 0 if ok else 2


def cmd_export_customers(services: Services, args: argparse.Namespace) -> int:
    exporter = services.customer_export
    if args.segment and args.archived:
        raise_usage("--segment und --archived schließen sich aus (Segmente sind aktive Kunden)")
    ids = (services.segments.customer_ids(args.segment) if args.segment
           else exporter.ids(include_archived=args.archived))
    result = exporter.export(Path(args.file), ids=ids, by=_user())
    if args.json:
        print_json({"file": str(result.path), "format": result.file_format,
                    "customers": result.count})
    else:
        print(f"{result.count} Kunden nach {result.path} exportiert.")
    return 0


def cmd_import_log(services: Services, args: argparse.Namespace) -> int:
    importer = services.customer_import
    entries = [importer.log(args.id)] if args.id else importer.logs()
    if args.json:
        print_json([asdict(entry) for entry in entries])
        return 0
    for entry in entries:
        print(f"{entry.id:>4}  {format_datetime(entry.imported_at.astimezone(services.clock.zone))}"
              f"  {entry.file_name}  {entry.added} angelegt, {entry.merged} zusammengeführt, "
              f"{entry.skipped} übersprungen, {entry.rejected_count} abgelehnt"
              f"{'  (' + entry.imported_by + ')' if entry.imported_by else ''}")
        for rejected in entry.rejected:
            print(f"      Zeile {rejected.line}: {rejected.reason}")
    if not entries:
        print("Noch kein Import.")
    return 0


def cmd_loyalty_cards(services: Services, args: argparse.Namespace) -> int:
    from app.services import loyalty_pdf

    program_id = None
    if args.program:
        programs = {p.name: p.id for p in services.loyalty.programs()}
        if args.program not in programs:
            raise UsageError(f"--program: Bonusprogramm „{args.program}“ gibt es nicht")
        program_id = programs[args.program]
    cards = services.loyalty.active_cards(program_id=program_id)
    loyalty_pdf.cards_pdf(cards, Path(args.pdf),
                          company=services.settings.get("company_profile", {}))
    print(f"{len(cards)} Bonuskarten in {args.pdf} gespeichert.")
    return 0


def _print_rule(rule: RuleDTO) -> None:
    params = ", ".join(f"{k}={v}" for k, v in rule.params.items())
    state = "an " if rule.enabled else "aus"
    actions = (["Wiedervorlage"] if rule.create_followup else []) + (
        [f"Brief „{rule.letter_template}“"] if rule.letter_template else []) + (
        [f"Gutschein {format_cents(rule.voucher_cents)}"] if rule.voucher_cents else [])
    print(f"{rule.id:>3}  {state}  {rule.name:<22.22} {rule.kind_label:<20.20} {params:<32} "
          f"{' + '.join(actions)}; bis {format_date(rule.last_processed)}")


def cmd_rules(services: Services, args: argparse.Namespace) -> int:
    rules = services.rules.rules()
    if args.json:
        print_json([asdict(rule) for rule in rules])
        return 0
    for rule in rules:
        _print_rule(rule)
    return 0


def cmd_rule_set(services: Services, args: argparse.Namespace) -> int:
    current = next((r for r in services.rules.rules() if r.id == args.rule_id), None)
    if current is None:
        raise UsageError(f"Regel {args.rule_id} gibt es nicht (siehe: rules)")
    params = dict(current.params)
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or not value.strip().isdigit():
            raise_usage(f"--param {item}: bitte NAME=ZAHL, z. B. days_before=14")
        params[name.strip()] = int(value)
    changed = services.rules.update(current.id, RuleInput(
        name=current.name,
        enabled=current.enabled if args.enabled is None else args.enabled,
        params=params,
        create_followup=False if args.no_followup else current.create_followup,
        subject_template=current.subject_template if args.subject is None else args.subject,
        assignee=current.assignee if args.assignee is None else args.assignee,
        letter_template=current.letter_template if args.letter is None else args.letter,
        voucher_cents=(current.voucher_cents if args.voucher is None
                       else _euros(args.voucher, "--voucher")),
        voucher_days=current.voucher_days if args.voucher_days is None else args.voucher_days))
    _print_rule(changed)
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
        by="Kommandozeile", with_scores=args.out is not None)
    if args.out:
        with args.out.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
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
        print(f"  Klasse {c.abc_class}: {c.customers:>7} Kunden  "
              f"{format_cents(c.revenue_cents):>18}  {share} %")
    print(f"{result.changed} Kunden mit neuer Klasse.")
    return 0


# --- data protection and backups (issue 7) ------------------------------------------------


def add_privacy_commands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    privacy = subparsers.add_parser(
        "privacy", help="Datenschutz: Auskunft, Löschung, Werbewiderspruch, Protokoll")
    actions = privacy.add_subparsers(dest="privacy_command", metavar="AKTION", required=True)
    export = actions.add_parser("export", help="Auskunft nach Art. 15 DSGVO (JSON + PDF)")
    export.add_argument("number", help="Kundennummer, z. B. K-000123")
    export.add_argument("outdir", help="Zielordner")
    export.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    export.set_defaults(handler=cmd_privacy_export)
    erase = actions.add_parser("erase", help="Löschen nach Art. 17 DSGVO (mit Aufbewahrung)")
    erase.add_argument("number", help="Kundennummer")
    erase.add_argument("--as-of", help="Stichtag der Aufbewahrungsfristen (TT.MM.JJJJ)")
    erase.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    erase.set_defaults(handler=cmd_privacy_erase)
    objection = actions.add_parser("object", help="Werbewiderspruch (Art. 21 DSGVO) eintragen")
    objection.add_argument("number", help="Kundennummer")
    objection.set_defaults(handler=cmd_privacy_object)
    purge = actions.add_parser("purge", help="abgelaufene Aufbewahrung löschen (nächtlich)")
    purge.add_argument("--as-of", help="Stichtag (TT.MM.JJJJ), sonst heute")
    purge.set_defaults(handler=cmd_privacy_purge)
    log = actions.add_parser("audit", help="Änderungsprotokoll anzeigen")
    log.add_argument("--customer", default="", help="nur diese Kundennummer")
    log.add_argument("--action", help="nur diese Aktion (create, update, erase, …)")
    log.add_argument("--limit", type=int, default=100)
    log.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    log.set_defaults(handler=cmd_privacy_audit)

    backup = subparsers.add_parser("backup", help="Datenbank jetzt sichern (geprüft)")
    backup.add_argument("dest", nargs="?", help="Zielordner oder -datei (sonst der "
                        "Sicherungsordner, mit Rotation)")
    backup.add_argument("--list", action="store_true",
                        help="vorhandene Sicherungen auflisten statt zu sichern")
    backup.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    backup.set_defaults(handler=cmd_backup)
    restore = subparsers.add_parser(
        "restore", help="Sicherung zurückspielen (der aktuelle Stand wird vorher gesichert)")
    restore.add_argument("file", help="Sicherungsdatei")
    restore.set_defaults(handler=cmd_restore)
    check = subparsers.add_parser("check", help="Datenbank prüfen und kurz berichten")
    check.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    check.set_defaults(handler=cmd_check)


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "Befehlszeile"


def cmd_privacy_export(services: Services, args: argparse.Namespace) -> int:
    customer = services.customers.get_by_number(args.number)
    result = services.privacy.export_access(customer.id, Path(args.outdir), by=_user())
    if args.json:
        print_json({"json": str(result.json_path), "pdf": str(result.pdf_path),
                    "tables": result.tables})
        return 0
    print(f"Auskunft für {customer.number}: {result.pdf_path}")
    print(f"Maschinenlesbar: {result.json_path}")
    return 0


def cmd_privacy_erase(services: Services, args: argparse.Namespace) -> int:
    customer = services.customers.get_by_number(args.number)
    plan = services.privacy.erase(customer.id, by=_user(), as_of=_day(args.as_of, "--as-of"))
    if args.json:
        print_json({"number": plan.number, "deleted": plan.deleted, "kept": plan.kept,
                    "kept_until": plan.kept_until, "removed": plan.removes_customer})
        return 0
    print(f"{plan.number} gelöscht (Art. 17 DSGVO).")
    for line in plan.describe():
        print(f"  {line}")
    return 0


def cmd_privacy_object(services: Services, args: argparse.Namespace) -> int:
    customer = services.customers.get_by_number(args.number)
    overview = services.privacy.object_to_advertising(customer.id, by=_user())
    assert overview.objection_at is not None
    print(f"Werbewiderspruch für {customer.number} eingetragen "
          f"(seit {format_date(overview.objection_at.date())}); keine Werbung mehr.")
    return 0


def cmd_privacy_purge(services: Services, args: argparse.Namespace) -> int:
    result = services.privacy.purge_expired(_day(args.as_of, "--as-of"), by=_user())
    print(f"{result.customers_deleted} Kunden und {result.rows_deleted} aufbewahrte "
          "Datensätze nach Ablauf der Frist gelöscht.")
    return 0


def cmd_privacy_audit(services: Services, args: argparse.Namespace) -> int:
    rows = services.audit.entries(AuditFilter(action=args.action,
                                              customer_number=args.customer),
                                  limit=args.limit)
    if args.json:
        print_json([asdict(row) for row in rows])
        return 0
    for row in rows:
        print(f"{row.at:%d.%m.%Y %H:%M}  {row.actor:<16.16}  {row.action_label:<28.28}  "
              f"{row.customer_number:<10}  {json.dumps(row.details, ensure_ascii=False)}")
    if not rows:
        print("Keine Einträge.")
    return 0


def cmd_backup(services: Services, args: argparse.Namespace) -> int:
    if args.list:
        found = services.backups.backups()
        if args.json:
            print_json([asdict(info) for info in found])
            return 0
        for info in found:
            when = f"{info.taken_at:%d.%m.%Y %H:%M}" if info.taken_at else "(Kopie)         "
            customers = "unlesbar" if info.customers is None else f"{info.customers} Kunden"
            print(f"{when}  {format_size(info.size):>9}  {customers:>14}  {info.path}")
        if not found:
            print(f"Keine Sicherungen in {services.backups.folder()}.")
        return 0
    info = services.backups.backup_now(Path(args.dest) if args.dest else None, by=_user())
    if args.json:
        print_json(asdict(info))
        return 0
    print(f"Sicherung geprüft und gespeichert: {info.path} ({info.customers} Kunden)")
    return 0


def cmd_restore(services: Services, args: argparse.Namespace) -> int:
    result = services.backups.restore(Path(args.file), by=_user())
    print(f"Sicherung {result.restored} zurückgespielt.")
    print(f"Der vorherige Stand liegt in {result.safety_copy}.")
    for line in result.reapplied:
        print(f"  erneut angewendet: {line}")
    return 0


def cmd_check(services: Services, args: argparse.Namespace) -> int:
    report = services.backups.check()
    if args.json:
        print_json(asdict(report))
    else:
        print("\n".join(report.lines()))
    if not report.ok:
        print("Fehler: Die Datenbank ist beschädigt; bitte eine Sicherung zurückspielen.",
              file=sys.stderr)
        return 2
    return 0


# --- dashboard (Auswertungen) -----------------------------------------------------------


def cmd_dashboard(services: Services, args: argparse.Namespace) -> int:
    from app.services import dashboard_pdf

    as_of = _day(args.as_of, "--as-of")
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


def cmd_segment_list(services: Services, args: argparse.Namespace) -> int:
    rows = [(s.name, services.segments.count(s.spec), s.description)
            for s in services.segments.saved()]
    if args.json:
        print_json([{"name": n, "customers": c, "description": d} for n, c, d in rows])
        return 0
    for name, count, description in rows:
        print(f"{name:<30.30} {count:>7} Kunden  {description}")
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
    print(f"{segment.name}: {segment.description} – {len(customers)} Kunden")
    for row in customers:
        print(f"{row.number}  {row.name:<30.30}  {row.postcode} {row.city}  "
              f"{row.abc_class or '-'}")
    return 0
