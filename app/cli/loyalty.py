"""The headless commands of vouchers, bonus cards and loyalty programs."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from app.cli.common import UsageError, add_json, count, day, euros, out_path, print_json, user
from app.services.container import Services
from app.services.formatting import (
    format_cents,
    format_count,
    format_date,
)
from app.services.loyalty.programs import ProgramInput
from app.services.loyalty.vouchers import VoucherDTO, VoucherInput


def register(subparsers: argparse._SubParsersAction) -> None:
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
    issue.add_argument("--pdf", help="die Gutscheine zusätzlich als PDF speichern")
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
    add_json(cancel)
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
    add.add_argument("--points", type=count, required=True)
    add.add_argument("--reason", default="")
    add_json(add)
    add.set_defaults(handler=cmd_points_add)
    take = psub.add_parser("redeem", help="Punkte/Stempel einlösen (Prämie)")
    take.add_argument("card", help="Bonuskartennummer")
    which = take.add_mutually_exclusive_group(required=True)
    which.add_argument("--points", type=count, help="Anzahl Punkte/Stempel")
    which.add_argument("--reward", type=int, help="Prämie aus dem Katalog (Nummer)")
    take.add_argument("--reason", default="")
    add_json(take)
    take.set_defaults(handler=cmd_points_redeem)
    pshow = psub.add_parser("show", help="Stand und Buchungen einer Karte")
    pshow.add_argument("card", help="Bonuskartennummer")
    pshow.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    pshow.set_defaults(handler=cmd_points_show)

    loyalty = subparsers.add_parser("loyalty", help="Bonusprogramme: Verfall, Umsätze, Karten")
    lsub = loyalty.add_subparsers(dest="loyalty_command", metavar="AKTION", required=True)
    expire = lsub.add_parser("expire", help="Punkte und Gutscheine verfallen lassen")
    expire.add_argument("--as-of", help="Stichtag TT.MM.JJJJ (heute)")
    add_json(expire)
    expire.set_defaults(handler=cmd_loyalty_expire)
    credit = lsub.add_parser("credit-sales", help="neue Umsätze von Karteninhabern gutschreiben")
    add_json(credit)
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
    add_json(program)
    program.set_defaults(handler=cmd_loyalty_program)
    enrol = lsub.add_parser("enrol", help="Kunden aufnehmen, Karte ausgeben")
    enrol.add_argument("customer", help="Kundennummer")
    enrol.add_argument("--program", required=True, help="Name des Bonusprogramms")
    enrol.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    enrol.set_defaults(handler=cmd_loyalty_enrol)
    cards = lsub.add_parser("cards", help="aktive Bonuskarten als PDF (10 je A4-Bogen)")
    cards.add_argument("--pdf", required=True, help="PDF-Datei")
    cards.add_argument("--program", help="nur Karten dieses Bonusprogramms")
    add_json(cards)
    cards.set_defaults(handler=cmd_loyalty_cards)


def _voucher_json(voucher: VoucherDTO) -> dict[str, Any]:
    data = asdict(voucher)
    data.update(code=voucher.display_code, status_text=voucher.status_label,
                valid_until=voucher.valid_until.isoformat(),
                issued_on=voucher.issued_on.isoformat())
    return data


def cmd_voucher_issue(services: Services, args: argparse.Namespace) -> int:
    from app.services.loyalty import pdf as loyalty_pdf

    customer_id = (services.customers.get_by_number(args.customer).id
                   if args.customer else None)
    vat = None
    if args.vat is not None:
        vat = euros(args.vat, "--vat")  # percent with two decimals = basis points
    data = VoucherInput(
        kind=args.kind, value_cents=euros(args.value, "--value"), percent=args.percent,
        service_text=args.service, purpose="single" if args.single_purpose else "multi",
        vat_rate_bp=vat, customer_id=customer_id, campaign=args.campaign, promo=args.promo,
        valid_until=day(args.valid_until, "--valid-until"))
    if args.count != 1:
        vouchers = services.vouchers.issue_batch(data, count=args.count, by=user())
    else:
        vouchers = [services.vouchers.issue(data, by=user())]
    if args.pdf:
        loyalty_pdf.voucher_pdf(vouchers, out_path(services, args.pdf),
                                company=services.company.get())
    if args.json:
        rows = [_voucher_json(v) for v in vouchers]
        print_json(rows[0] if len(rows) == 1 else rows)
        return 0
    for v in vouchers:
        print(f"{v.display_code}  {v.description}  gültig bis {format_date(v.valid_until)}")
    return 0


def cmd_voucher_redeem(services: Services, args: argparse.Namespace) -> int:
    amount = euros(args.amount, "--amount") if args.amount is not None else None
    result = services.vouchers.redeem(args.code, amount_cents=amount, key=args.key,
                                      by=user())
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
    v = services.vouchers.reverse(args.entry, reason=args.reason, by=user())
    if args.json:
        print_json(_voucher_json(v))
        return 0
    print(f"{v.display_code}: Einlösung #{args.entry} storniert, Restwert "
          f"{format_cents(v.remaining_cents)}.")
    return 0


def cmd_voucher_liability(services: Services, args: argparse.Namespace) -> int:
    as_of = day(args.as_of, "--as-of")
    if args.csv:
        result = services.liability.export_liability_csv(out_path(services, args.csv), as_of=as_of)
    else:
        result = services.liability.liability(as_of=as_of)
    if args.json:
        print_json(asdict(result))
        return 0
    print(f"Stichtag {format_date(result.as_of)}: gültig {format_cents(result.valid_cents)} "
          f"({result.valid_count}), abgelaufen {format_cents(result.expired_cents)} "
          f"({result.expired_count}).")
    return 0


def cmd_points_add(services: Services, args: argparse.Namespace) -> int:
    card = services.loyalty.credit(args.card, points=args.points, reason=args.reason,
                                   by=user())
    if args.json:
        print_json({**asdict(card), "points": args.points})
        return 0
    print(f"{card.display_number}: {args.points:+d} {card.unit}, Stand {card.balance}.")
    return 0


def cmd_points_redeem(services: Services, args: argparse.Namespace) -> int:
    voucher = None
    if args.reward is not None:
        result = services.loyalty.redeem_reward(args.card, reward_id=args.reward,
                                                by=user())
        card, voucher = result.card, result.voucher
    else:
        card = services.loyalty.redeem(args.card, points=args.points, reason=args.reason,
                                       by=user())
    if args.json:
        print_json({**asdict(card),
                    "voucher": _voucher_json(voucher) if voucher is not None else None})
        return 0
    if voucher is not None:
        print(f"Gutschein {voucher.display_code} über {format_cents(voucher.value_cents)} "
              "ausgegeben.")
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
    as_of = day(args.as_of, "--as-of")
    report = services.loyalty.expire(as_of=as_of)
    vouchers = services.vouchers.mark_expired(as_of=as_of)
    if args.json:
        print_json({**asdict(report), "vouchers_expired": vouchers})
        return 0
    print(f"{format_count(report.points, 'Punkt/Stempel', 'Punkte/Stempel')} auf "
          f"{format_count(report.entries, 'Karte', 'Karten')} verfallen; "
          f"{format_count(vouchers, 'Gutschein', 'Gutscheine')} als abgelaufen vermerkt.")
    return 0


def cmd_loyalty_credit_sales(services: Services, args: argparse.Namespace) -> int:
    report = services.loyalty.credit_sales()
    if args.json:
        print_json(asdict(report))
        return 0
    print(f"{format_count(report.entries, 'Umsatz', 'Umsätze')} von "
          f"{format_count(report.customers, 'Kunde', 'Kunden')} gutgeschrieben "
          f"({format_count(report.points, 'Punkt/Stempel', 'Punkte/Stempel')}).")
    return 0


def cmd_loyalty_program(services: Services, args: argparse.Namespace) -> int:
    program = services.programs.save_program(ProgramInput(
        name=args.name, kind=args.kind, points_per_euro=args.points_per_euro,
        rounding=args.rounding, min_purchase_cents=euros(args.min_purchase, "--min-purchase"),
        stamps_required=args.stamps, service_category=args.category,
        expiry_years=args.expiry_years))
    if args.json:
        print_json({**asdict(program), "summary": program.summary})
        return 0
    print(f"Bonusprogramm {program.id} „{program.name}“ angelegt: {program.summary}.")
    return 0


def cmd_loyalty_enrol(services: Services, args: argparse.Namespace) -> int:
    customer = services.customers.get_by_number(args.customer)
    programs = {p.name: p.id for p in services.programs.programs(active_only=True)}
    if args.program not in programs:
        raise UsageError(f"--program: Bonusprogramm „{args.program}“ gibt es nicht")
    card = services.loyalty.enrol(customer.id, program_id=programs[args.program],
                                  by=user())
    if args.json:
        print_json(asdict(card))
        return 0
    print(f"Bonuskarte {card.display_number} für {card.customer_name} ausgegeben.")
    return 0


def cmd_loyalty_cards(services: Services, args: argparse.Namespace) -> int:
    from app.services.loyalty import pdf as loyalty_pdf

    program_id = None
    if args.program:
        programs = {p.name: p.id for p in services.programs.programs()}
        if args.program not in programs:
            raise UsageError(f"--program: Bonusprogramm „{args.program}“ gibt es nicht")
        program_id = programs[args.program]
    cards = services.loyalty.active_cards(program_id=program_id)
    loyalty_pdf.cards_pdf(cards, out_path(services, args.pdf), company=services.company.get())
    if args.json:
        print_json({"file": args.pdf, "cards": [asdict(card) for card in cards]})
        return 0
    print(f"{len(cards)} Bonuskarten in {args.pdf} gespeichert.")
    return 0
