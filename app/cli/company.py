"""The headless command for the letterhead (Briefkopf): show it or set fields of it."""

from __future__ import annotations

import argparse
from dataclasses import asdict, fields, replace

from app.cli.common import add_json, print_json
from app.services.company import CompanyProfile, letterhead_gaps
from app.services.container import Services

OPTIONS = {f.name: "--" + f.name.replace("_", "-") for f in fields(CompanyProfile)}


def register(subparsers: argparse._SubParsersAction) -> None:
    letterhead = subparsers.add_parser(
        "letterhead", help="Briefkopf anzeigen oder Felder setzen (Absender jedes Briefs)")
    for name, option in OPTIONS.items():
        letterhead.add_argument(option, dest=name, metavar="TEXT",
                                help=f"Feld „{name}“ setzen (leer: löschen)")
    add_json(letterhead)
    letterhead.set_defaults(handler=cmd_letterhead)


def cmd_letterhead(services: Services, args: argparse.Namespace) -> int:
    profile = services.company.get()
    given = {name: getattr(args, name) for name in OPTIONS if getattr(args, name) is not None}
    if given:
        profile = services.company.save(replace(profile, **given))
    gaps = letterhead_gaps(profile)
    if args.json:
        print_json({**asdict(profile), "missing": gaps})
        return 0
    for name, value in asdict(profile).items():
        if value:
            print(f"{OPTIONS[name]:<20} {value}")
    if gaps:
        print("Für Briefe fehlt noch: " + ", ".join(gaps))
    return 0
