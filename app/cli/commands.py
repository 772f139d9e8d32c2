"""Every headless command, registered on main.py's parser (calibre's calibredb keeps one
module per command; here one module per capability)."""

from __future__ import annotations

import argparse

from app.cli import (
    club,
    company,
    contracts,
    customers,
    demo,
    email,
    followups,
    letters,
    loyalty,
    privacy,
    referrals,
    sales,
)


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    for module in (demo, customers, followups, loyalty, letters, email, sales, privacy,
                   contracts, club, referrals, company):
        module.register(subparsers)
