"""The headless commands of maintenance contracts: contract add, end, price, list."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from app.cli.common import UsageError, day, euros, print_json, user
from app.services.container import Services
from app.services.contracts.service import ContractDTO, ContractInput
from app.services.formatting import format_date


def register(subparsers: argparse._SubParsersAction) -> None:
    contract = subparsers.add_parser("contract", help="Wartungsverträge")
    commands = contract.add_subparsers(dest="contract_command", required=True)
    add = commands.add_parser("add", help="einen Wartungsvertrag anlegen")
    add.add_argument("--customer", required=True, help="Kundennummer, z. B. K-000123")
    add.add_argument("--object", type=int, action="append", default=[], metavar="ID",
                     help="Nummer des Wartungsobjekts (mehrfach möglich)")
    add.add_argument("--start", required=True, help="Beginn TT.MM.JJJJ")
    add.add_argument("--concluded", help="Vertragsschluss TT.MM.JJJJ (Standard: Beginn)")
    add.add_argument("--min-months", type=int, required=True, help="Mindestlaufzeit in Monaten")
    add.add_argument("--renewal", choices=("tacit", "none"), required=True,
                     help="tacit: verlängert sich stillschweigend; none: endet von selbst")
    add.add_argument("--renewal-months", type=int, default=12,
                     help="Verlängerung um N Monate (Altverträge, Firmenkunden)")
    add.add_argument("--notice-months", type=int, required=True, help="Kündigungsfrist")
    add.add_argument("--price", required=True, help="Preis in Euro, z. B. 189,00")
    add.add_argument("--per", choices=("year", "visit"), default="year",
                     help="Preis pro Jahr (year) oder pro Besuch (visit)")
    add.add_argument("--interval-months", type=int, metavar="N",
                     help="Wartungsbesuch alle N Monate (Standard: Intervall des Objekts)")
    add.add_argument("--title", default="Wartungsvertrag", help="Bezeichnung")
    add.add_argument("--service", action="append", default=[], metavar="TEXT",
                     help="enthaltene Leistung (mehrfach möglich)")
    add.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    add.set_defaults(handler=cmd_contract_add)

    end = commands.add_parser("end", help="eine Kündigung erfassen")
    end.add_argument("number", help="Vertragsnummer, z. B. WV-2026-0001")
    end.add_argument("--received", required=True, help="Kündigung eingegangen am TT.MM.JJJJ")
    end.add_argument("--by", choices=("customer", "company"), default="customer",
                     help="gekündigt vom Kunden (customer) oder vom Betrieb (company)")
    end.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    end.set_defaults(handler=cmd_contract_end)

    price = commands.add_parser("price", help="den Preis eines Vertrags anpassen")
    price.add_argument("number", help="Vertragsnummer")
    price.add_argument("--price", required=True, help="neuer Preis in Euro")
    price.add_argument("--from", dest="from_day", required=True, help="gilt ab TT.MM.JJJJ")
    price.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    price.set_defaults(handler=cmd_contract_price)

    listing = commands.add_parser("list", help="Wartungsverträge auflisten")
    listing.add_argument("--ending-within", type=int, metavar="TAGE",
                         help="nur Verträge, die in den nächsten TAGE Tagen enden")
    listing.add_argument("--renewing-within", type=int, metavar="TAGE",
                         help="nur Verträge, die sich in den nächsten TAGE Tagen verlängern")
    listing.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    listing.set_defaults(handler=cmd_contract_list)


def _contract_json(contract: ContractDTO) -> dict[str, Any]:
    return {**asdict(contract), "state_label": contract.state_label}


def cmd_contract_add(services: Services, args: argparse.Namespace) -> int:
    customer = services.customers.get_by_number(args.customer)
    start = day(args.start, "--start")
    assert start is not None
    rule = ""
    if args.interval_months is not None:
        if not 1 <= args.interval_months <= 120:
            raise UsageError("--interval-months: 1 bis 120 Monate")
        rule = f"FREQ=MONTHLY;INTERVAL={args.interval_months}"
    contract = services.contracts.add(ContractInput(
        customer_id=customer.id, start=start, concluded_on=day(args.concluded, "--concluded"),
        min_months=args.min_months, renewal=args.renewal, renewal_months=args.renewal_months,
        notice_months=args.notice_months, price_cents=euros(args.price, "--price"),
        price_per=args.per, object_ids=tuple(args.object), title=args.title,
        visit_rrule=rule, services=tuple(args.service)), by=user())
    if args.json:
        print_json(_contract_json(contract))
        return 0
    print(f"Vertrag {contract.number} für {contract.customer_name} angelegt: "
          f"{contract.price_text}, {contract.term_text}")
    return 0


def cmd_contract_end(services: Services, args: argparse.Namespace) -> int:
    received = day(args.received, "--received")
    assert received is not None
    contract = services.contracts.end(args.number, received=received, ended_by=args.by,
                                      by=user())
    if args.json:
        print_json({**_contract_json(contract), "rule": contract.end_rule})
        return 0
    print(f"Vertrag {contract.number} gekündigt, letzter Tag {format_date(contract.last_day)}.")
    print(contract.end_rule)
    return 0


def cmd_contract_price(services: Services, args: argparse.Namespace) -> int:
    from_day = day(args.from_day, "--from")
    assert from_day is not None
    contract = services.contracts.adjust_price(args.number, price_cents=euros(args.price,
                                                                              "--price"),
                                               from_day=from_day, by=user())
    if args.json:
        print_json(_contract_json(contract))
        return 0
    print(f"Vertrag {contract.number}: ab {format_date(from_day)} {contract.price_text}.")
    return 0


def cmd_contract_list(services: Services, args: argparse.Namespace) -> int:
    contracts = services.contracts.contracts(ending_within=args.ending_within,
                                             renewing_within=args.renewing_within)
    if args.json:
        print_json([_contract_json(c) for c in contracts])
        return 0
    for c in contracts:
        end = format_date(c.last_day or (c.min_term_end if c.renewal == "none" else None))
        print(f"{c.number:<13} {c.customer_number:<9} {c.customer_name:<28.28} "
              f"{c.state_label:<10} {c.price_text:<22} bis {end or 'unbefristet'}")
    if not contracts:
        print("Keine Verträge.")
    return 0
