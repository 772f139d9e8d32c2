"""The headless commands of Kunden werben Kunden: referral add, list."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from app.cli.common import print_json, user
from app.services.container import Services
from app.services.formatting import format_cents, format_date
from app.services.referrals.service import ReferralDTO, code_for


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    referral = subparsers.add_parser("referral", help="Kunden werben Kunden")
    commands = referral.add_subparsers(dest="referral_command", required=True)
    add = commands.add_parser("add", help="eine Empfehlung erfassen")
    who = add.add_mutually_exclusive_group(required=True)
    who.add_argument("--referrer", help="Kundennummer des Werbers")
    who.add_argument("--code", help="Empfehlungscode des Werbers, z. B. W-000123-4")
    add.add_argument("--referred", required=True, help="Kundennummer des neuen Kunden")
    add.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    add.set_defaults(handler=cmd_referral_add)
    listing = commands.add_parser("list", help="Empfehlungen und Statistik")
    listing.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    listing.set_defaults(handler=cmd_referral_list)


def _referral_json(referral: ReferralDTO) -> dict[str, Any]:
    return {**asdict(referral), "referrer_code": code_for(referral.referrer_id)}


def cmd_referral_add(services: Services, args: argparse.Namespace) -> int:
    referred = services.customers.get_by_number(args.referred)
    if args.code:
        referral = services.referrals.add_by_code(args.code, referred_id=referred.id, by=user())
    else:
        referrer = services.customers.get_by_number(args.referrer)
        referral = services.referrals.add(referrer_id=referrer.id, referred_id=referred.id,
                                          by=user())
    if args.json:
        print_json(_referral_json(referral))
        return 0
    print(f"Empfehlung erfasst: {referral.referrer_name} hat {referral.referred_name} geworben. "
          f"Prämie ({services.referrals.reward_setting().text}) beim ersten Kauf.")
    return 0


def cmd_referral_list(services: Services, args: argparse.Namespace) -> int:
    referrals = services.referrals.referrals()
    stats = services.referrals.statistics()
    if args.json:
        print_json({"referrals": [_referral_json(r) for r in referrals],
                    "statistics": asdict(stats)})
        return 0
    for r in referrals:
        reward = f"{r.reward} am {format_date(r.rewarded_on)}" if r.reward else "noch kein Kauf"
        print(f"{format_date(r.referred_on)}  {r.referrer_name:<24.24} → "
              f"{r.referred_name:<24.24} {reward}")
    print(f"{stats.referrals} Empfehlungen, {stats.rewarded} belohnt, Umsatz der Geworbenen "
          f"{format_cents(stats.revenue_cents)}.")
    for s in stats.referrers[:10]:
        print(f"  {s.name:<28.28} {s.referred} geworben, {s.converted} gekauft, "
              f"{format_cents(s.revenue_cents)}")
    return 0
