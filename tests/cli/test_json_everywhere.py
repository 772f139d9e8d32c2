"""Every command that prints a result takes --json (README, Headless commands), run as the
scheduler runs them: `python main.py …` in a process of its own."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

import main
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.followups.service import FollowUpInput
from app.services.loyalty.vouchers import VoucherInput
from tests.services.loyalty.loyalty_helpers import card, sale

ROOT = Path(__file__).resolve().parents[2]
ANNA = CustomerInput(salutation="Frau", first_name="Anna", last_name="Müller",
                     street="Hauptstraße 5", postcode="01067", city="Dresden")


def leaf_commands(parser: argparse.ArgumentParser, prefix: str = ""
                  ) -> list[tuple[str, argparse.ArgumentParser]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                nested = leaf_commands(sub, f"{prefix}{name} ")
                found += nested or [(f"{prefix}{name}", sub)]
    return found


def test_every_command_takes_json() -> None:
    missing = [name for name, sub in leaf_commands(main.build_parser())
               if "--json" not in {o for a in sub._actions for o in a.option_strings}]
    assert missing == []


def run_json(db_args: list[str], *args: str) -> Any:
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), *db_args, *args, "--json"],
                          capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.slow
def test_loyalty_and_voucher_commands_print_json(
    services: Services, db_args: list[str], tmp_path: Path,
) -> None:
    held = card(services)
    number = held.number
    sale(services, held.customer_id or 0, 4_000)
    voucher = services.vouchers.issue(VoucherInput(value_cents=2_000))
    entry = services.vouchers.redeem(voucher.code, amount_cents=500).entry_id
    credited = run_json(db_args, "loyalty", "credit-sales")
    assert (credited["entries"], credited["points"]) == (1, 40)
    assert run_json(db_args, "points", "add", number, "--points", "5")["balance"] == 45
    redeemed = run_json(db_args, "points", "redeem", number, "--points", "15")
    assert (redeemed["balance"], redeemed["voucher"]) == (30, None)
    cancelled = run_json(db_args, "voucher", "cancel", str(entry), "--reason", "Irrtum")
    assert cancelled["remaining_cents"] == 2_000
    expired = run_json(db_args, "loyalty", "expire")
    assert set(expired) == {"entries", "points", "customers", "vouchers_expired"}
    program = run_json(db_args, "loyalty", "program", "Stempel", "--kind", "stamps",
                       "--stamps", "6")
    assert (program["kind"], program["stamps_required"]) == ("stamps", 6)
    cards = run_json(db_args, "loyalty", "cards", "--pdf", str(tmp_path / "k.pdf"))
    assert [c["number"] for c in cards["cards"]] == [number]


@pytest.mark.slow
@pytest.mark.usefixtures("letterhead")
def test_letter_calendar_rule_and_privacy_commands_print_json(
    services: Services, db_args: list[str], tmp_path: Path,
) -> None:
    anna = services.customers.create(ANNA)
    services.followups.create(anna.id, FollowUpInput(subject="Aufmaß",
                                                     due_date=date(2026, 3, 24),
                                                     due_time=time(9, 30)))
    backup = services.backups.backup_now(tmp_path / "vorher.sqlite", by="Test")
    letter = run_json(db_args, "letter", "--template", "Willkommen", "--customer",
                      anna.number, "--out", str(tmp_path / "brief.pdf"))
    assert (letter["pages"], letter["customer"]) == (1, anna.number)
    ics = run_json(db_args, "export-ics", str(tmp_path / "termine.ics"))
    assert ics["followups"] == 1
    rule = services.rules.rules()[0]
    assert run_json(db_args, "rule-set", str(rule.id), "--off")["enabled"] is False
    objection = run_json(db_args, "privacy", "object", anna.number)
    assert objection["number"] == anna.number and objection["objection_at"]
    assert run_json(db_args, "privacy", "purge")["customers_deleted"] == 0
    if services.db.sqlite_path is not None:
        restored = run_json(db_args, "restore", str(backup.path))
        assert restored["safety_copy"] and restored["reapplied"]


@pytest.mark.slow
def test_demo_prints_what_it_made_as_json(db_args: list[str]) -> None:
    made = run_json(db_args, "demo", "--customers", "12")
    assert made["demo"]["customers"] == 12 and made["cards"] >= 1
