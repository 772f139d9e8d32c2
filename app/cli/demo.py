"""The headless commands of demo data for trying the program."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from app.cli.common import add_json, print_json, raise_usage
from app.services.container import Services
from app.services.demo.showcase import populate


def register(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser("demo", help="Demodaten in die Datenbank schreiben")
    demo.add_argument("--customers", type=int, default=200, help="Anzahl Kunden (200)")
    demo.add_argument("--seed", type=int, default=1, help="Zufallsstartwert (1)")
    add_json(demo)
    demo.set_defaults(handler=cmd_demo)


def cmd_demo(services: Services, args: argparse.Namespace) -> int:
    if args.customers < 1:
        raise_usage("--customers muss mindestens 1 sein")
    folder = services.db.sqlite_path.parent if services.db.sqlite_path else None
    result = populate(services, customers=args.customers, seed=args.seed,
                      mailing_out=folder / f"Demo-Mailing-{args.seed}.pdf" if folder else None)
    if args.json:
        print_json(asdict(result))
        return 0
    print("\n".join(result.lines()))
    return 0
