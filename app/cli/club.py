"""The headless commands of the customer club: club level, join, renew, leave, list."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from decimal import Decimal, InvalidOperation
from typing import Any

from app.cli.common import UsageError, euros, print_json, user
from app.services.club.service import LevelInput, MembershipDTO
from app.services.container import Services
from app.services.formatting import format_cents, format_date


def register(subparsers: argparse._SubParsersAction) -> None:
    club = subparsers.add_parser("club", help="Kundenclub")
    commands = club.add_subparsers(dest="club_command", required=True)
    level = commands.add_parser("level", help="eine Clubstufe anlegen oder ändern")
    level.add_argument("name", help="z. B. Premium")
    level.add_argument("--fee", default="0", help="Jahresbeitrag in Euro")
    level.add_argument("--discount", default="0", help="Rabatt in Prozent, z. B. 5")
    level.add_argument("--voucher", default="0", help="Begrüßungsgutschein in Euro")
    level.add_argument("--free-check", action="store_true", help="kostenloser Jahrescheck")
    level.add_argument("--priority", action="store_true", help="bevorzugte Termine")
    level.add_argument("--benefits", default="", help="weitere Vorteile in Worten")
    level.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    level.set_defaults(handler=cmd_club_level)
    for name, helptext, handler in (("join", "Kunde tritt dem Club bei", cmd_club_join),
                                    ("renew", "Mitgliedschaft um ein Jahr verlängern",
                                     cmd_club_renew),
                                    ("leave", "Kunde tritt aus", cmd_club_leave)):
        sub = commands.add_parser(name, help=helptext)
        sub.add_argument("--customer", required=True, help="Kundennummer")
        if name == "join":
            sub.add_argument("--level", required=True, help="Name der Clubstufe")
        sub.add_argument("--json", action="store_true", help="Ausgabe als JSON")
        sub.set_defaults(handler=handler)
    listing = commands.add_parser("list", help="Mitgliederliste")
    listing.add_argument("--level", help="nur diese Clubstufe")
    listing.add_argument("--renewal-due", action="store_true",
                         help="nur Mitgliedschaften, die in 30 Tagen ablaufen")
    listing.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    listing.set_defaults(handler=cmd_club_list)


def _percent_bp(text: str) -> int:
    try:
        value = Decimal(text.replace(",", ".").strip().rstrip("%").strip())
    except InvalidOperation:
        raise UsageError(f"--discount: „{text}“ ist keine Prozentzahl") from None
    return int(value * 100)


def _member_json(member: MembershipDTO) -> dict[str, Any]:
    return asdict(member)


def cmd_club_level(services: Services, args: argparse.Namespace) -> int:
    existing = {lvl.name: lvl.id for lvl in services.club.levels()}
    level = services.club.save_level(LevelInput(
        name=args.name, fee_cents=euros(args.fee, "--fee"),
        discount_bp=_percent_bp(args.discount), free_check=args.free_check,
        priority=args.priority, join_voucher_cents=euros(args.voucher, "--voucher"),
        benefits=args.benefits), level_id=existing.get(args.name.strip()))
    if args.json:
        print_json(asdict(level))
        return 0
    print(f"Clubstufe „{level.name}“: {format_cents(level.fee_cents)} im Jahr; "
          f"{level.benefits_text or 'ohne Vorteile'}")
    return 0


def cmd_club_join(services: Services, args: argparse.Namespace) -> int:
    customer = services.customers.get_by_number(args.customer)
    level = next((lvl for lvl in services.club.levels() if lvl.name == args.level.strip()),
                 None)
    if level is None:
        raise UsageError(f"--level: Clubstufe „{args.level}“ gibt es nicht")
    member = services.club.join(customer.id, level_id=level.id, by=user())
    return _print_member(member, args, "Clubmitglied")


def cmd_club_renew(services: Services, args: argparse.Namespace) -> int:
    customer = services.customers.get_by_number(args.customer)
    return _print_member(services.club.renew(customer.id, by=user()), args, "verlängert")


def cmd_club_leave(services: Services, args: argparse.Namespace) -> int:
    customer = services.customers.get_by_number(args.customer)
    return _print_member(services.club.leave(customer.id, by=user()), args, "ausgetreten")


def _print_member(member: MembershipDTO, args: argparse.Namespace, what: str) -> int:
    if args.json:
        print_json(_member_json(member))
        return 0
    print(f"{member.customer_name} ({member.customer_number}) {what}: „{member.level_name}“, "
          f"Karte {member.display_card}, bezahlt bis {format_date(member.paid_until)}")
    return 0


def cmd_club_list(services: Services, args: argparse.Namespace) -> int:
    level_id = None
    if args.level:
        level_id = next((lvl.id for lvl in services.club.levels()
                         if lvl.name == args.level.strip()), None)
        if level_id is None:
            raise UsageError(f"--level: Clubstufe „{args.level}“ gibt es nicht")
    members = services.club.members(level_id=level_id, renewal_due=args.renewal_due)
    if args.json:
        print_json([_member_json(m) for m in members])
        return 0
    for m in members:
        due = "  Verlängerung fällig" if m.renewal_due else ""
        print(f"{m.customer_number:<9} {m.customer_name:<28.28} {m.level_name:<16.16} "
              f"{m.display_card}  bis {format_date(m.paid_until)}{due}")
    print(f"{len(members)} Mitglieder.")
    return 0
