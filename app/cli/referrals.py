"""The headless commands of Kunden werben Kunden: referral add, list, card, reward."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from app.cli.common import UsageError, euros, out_path, print_json, user
from app.services.container import Services
from app.services.formatting import format_cents, format_date
from app.services.referrals.service import ReferralDTO, RewardSetting, code_for


def register(subparsers: argparse._SubParsersAction) -> None:
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
    card = commands.add_parser("card", help="Empfehlungskarte mit Code und QR-Code drucken")
    card.add_argument("--customer", required=True, help="Kundennummer des Werbers")
    card.add_argument("--out", required=True, help="Zieldatei (PDF)")
    card.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    card.set_defaults(handler=cmd_referral_card)
    reward = commands.add_parser("reward", help="die Prämie für Werber einstellen")
    reward.add_argument("--voucher", metavar="EUR", help="Gutscheinwert, z. B. 20")
    reward.add_argument("--points", type=int, help="stattdessen Punkte auf die Bonuskarte")
    reward.add_argument("--program", help="Bonusprogramm der Punkte")
    reward.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    reward.set_defaults(handler=cmd_referral_reward)


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


def cmd_referral_card(services: Services, args: argparse.Namespace) -> int:
    customer = services.customers.get_by_number(args.customer)
    out = services.referrals.card_pdf(customer.id, out_path(services, args.out),
                                      company=services.company.get())
    if args.json:
        print_json({"customer_number": customer.number, "code": code_for(customer.id),
                    "path": str(out)})
        return 0
    print(f"Empfehlungskarte für {customer.display_name} ({code_for(customer.id)}): {out}")
    return 0


def cmd_referral_reward(services: Services, args: argparse.Namespace) -> int:
    current = services.referrals.reward_setting()
    value = euros(args.voucher, "--voucher") if args.voucher else current.value_cents
    if args.points is None:
        setting = RewardSetting(kind="voucher", value_cents=value)
    else:
        programs = {p.name: p.id for p in services.programs.programs()}
        if args.program not in programs:
            raise UsageError(f"--program: Bonusprogramm „{args.program or ''}“ gibt es nicht")
        setting = RewardSetting(kind="points", value_cents=value, points=args.points,
                                program_id=programs[args.program])
    saved = services.referrals.set_reward(setting)
    if args.json:
        print_json({**asdict(saved), "text": saved.text})
        return 0
    print(f"Prämie für Werber: {saved.text}")
    return 0
