"""contract add/end/list, club level/join/leave/list, referral add/list on the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import main
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.followups.service import MaintenanceInput

ROOT = Path(__file__).parent.parent.parent


def run(capsys: pytest.CaptureFixture[str], db_args: list[str], *argv: str
        ) -> tuple[int, str, str]:
    code = main.main([*db_args, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_contract_add_end_and_list_speak_json_with_the_last_day_and_the_rule(
        services: Services, db_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    customer = services.customers.create(CustomerInput(first_name="Ina", last_name="Vogt"))
    thing = services.followups.add_maintenance(customer.id, MaintenanceInput(
        name="Gastherme", rrule="FREQ=YEARLY", first_due=services.clock.today()))
    code, out, err = run(capsys, db_args, "contract", "add", "--customer", customer.number,
                         "--object", str(thing.id), "--start", "01.01.2024", "--min-months",
                         "12", "--renewal", "tacit", "--notice-months", "1", "--price",
                         "189,00", "--per", "year", "--interval-months", "12", "--json")
    assert code == 0, err
    added = json.loads(out)
    assert (added["number"], added["min_term_end"]) == ("WV-2024-0001", "2024-12-31")
    code, out, err = run(capsys, db_args, "contract", "end", "WV-2024-0001", "--received",
                         "10.06.2026", "--json")
    assert code == 0, err
    ended = json.loads(out)
    assert ended["last_day"] == "2026-07-10"
    assert "§ 309 Nr. 9 b BGB" in ended["rule"]
    code, out, _ = run(capsys, db_args, "contract", "list", "--json")
    assert [c["number"] for c in json.loads(out)] == ["WV-2024-0001"]


def test_contract_add_refuses_a_notice_the_law_forbids_with_exit_code_2(
        services: Services, db_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    customer = services.customers.create(CustomerInput(first_name="Ina", last_name="Vogt"))
    code, _, err = run(capsys, db_args, "contract", "add", "--customer", customer.number,
                       "--start", "01.01.2026", "--min-months", "12", "--renewal", "tacit",
                       "--notice-months", "3", "--price", "100", "--interval-months", "12")
    assert code == 2
    assert err.count("\n") == 1 and "Kündigungsfrist" in err and "§ 309" in err


def test_club_level_join_list_and_leave(
        services: Services, db_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    customer = services.customers.create(CustomerInput(first_name="Ina", last_name="Vogt"))
    code, out, err = run(capsys, db_args, "club", "level", "Premium", "--fee", "49",
                         "--discount", "7,5", "--priority")
    assert code == 0, err
    assert "7,5 % Rabatt" in out
    code, out, err = run(capsys, db_args, "club", "join", "--customer", customer.number,
                         "--level", "Premium", "--json")
    assert code == 0, err
    assert json.loads(out)["level_name"] == "Premium"
    code, out, _ = run(capsys, db_args, "club", "list", "--json")
    assert [m["customer_number"] for m in json.loads(out)] == [customer.number]
    code, out, _ = run(capsys, db_args, "club", "leave", "--customer", customer.number)
    assert code == 0 and "ausgetreten" in out
    code, out, _ = run(capsys, db_args, "club", "list")
    assert "0 Mitglieder." in out
    code, _, err = run(capsys, db_args, "club", "join", "--customer", customer.number,
                       "--level", "Gold")
    assert code == 2 and "--level" in err


def test_referral_add_by_code_and_list_with_statistics(
        services: Services, db_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    referrer = services.customers.create(CustomerInput(first_name="Ina", last_name="Vogt"))
    new = services.customers.create(CustomerInput(first_name="Tom", last_name="Neu"))
    code, out, err = run(capsys, db_args, "referral", "add", "--referrer", referrer.number,
                         "--referred", new.number, "--json")
    assert code == 0, err
    added = json.loads(out)
    assert (added["referrer_number"], added["referred_number"]) == (referrer.number,
                                                                    new.number)
    code, out, _ = run(capsys, db_args, "referral", "list", "--json")
    listing = json.loads(out)
    assert listing["statistics"]["referrals"] == 1
    assert listing["referrals"][0]["reward"] == ""
    code, _, err = run(capsys, db_args, "referral", "add", "--code", "W-000001-0",
                       "--referred", new.number)
    assert code == 2 and "Empfehlungscode" in err


def test_the_commands_run_as_their_own_process(db_args: list[str]) -> None:
    result = subprocess.run([sys.executable, "main.py", *db_args, "contract", "list"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Keine Verträge."


def test_referral_reward_and_card(services: Services, db_args: list[str], tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    referrer = services.customers.create(CustomerInput(first_name="Ina", last_name="Vogt"))
    code, out, err = run(capsys, db_args, "referral", "reward", "--voucher", "25")
    assert code == 0, err
    assert "Gutschein 25,00 €" in out
    code, _, err = run(capsys, db_args, "referral", "reward", "--points", "100", "--program",
                       "Gibtsnicht")
    assert code == 2 and "--program" in err
    card = tmp_path / "empfehlung.pdf"
    code, out, err = run(capsys, db_args, "referral", "card", "--customer", referrer.number,
                         "--out", str(card))
    assert code == 0, err
    assert card.stat().st_size > 1000 and "W-" in out


def test_contract_price_records_the_new_price_from_a_day(
        services: Services, db_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    customer = services.customers.create(CustomerInput(first_name="Ina", last_name="Vogt"))
    code, out, err = run(capsys, db_args, "contract", "add", "--customer", customer.number,
                         "--start", "01.01.2026", "--min-months", "12", "--renewal", "tacit",
                         "--notice-months", "1", "--price", "150", "--interval-months", "12",
                         "--json")
    assert code == 0, err
    number = json.loads(out)["number"]
    code, out, err = run(capsys, db_args, "contract", "price", number, "--price", "165,50",
                         "--from", "01.01.2027", "--json")
    assert code == 0, err
    adjusted = json.loads(out)
    assert (adjusted["previous_price_cents"], adjusted["price_cents"]) == (150_00, 165_50)


def test_referral_reward_and_card_speak_json(
        services: Services, db_args: list[str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    referrer = services.customers.create(CustomerInput(first_name="Ina", last_name="Vogt"))
    code, out, err = run(capsys, db_args, "referral", "reward", "--voucher", "30", "--json")
    assert code == 0, err
    assert json.loads(out)["value_cents"] == 30_00
    code, out, err = run(capsys, db_args, "referral", "card", "--customer", referrer.number,
                         "--out", str(tmp_path / "k.pdf"), "--json")
    assert code == 0, err
    assert json.loads(out)["code"].startswith("W-")
