"""Headless commands of the cross-feature wiring: voucher actions on rules, mailing and
export options for segments, letter lists, vouchers and follow-ups."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import main


def test_rule_set_gives_a_rule_a_voucher_action(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main.main(["--db", str(db_path), "rules", "--json"]) == 0
    rules = {r["kind"]: r for r in json.loads(capsys.readouterr().out)}
    rule_id = str(rules["card_reward"]["id"])
    assert main.main(["--db", str(db_path), "rule-set", rule_id, "--on", "--voucher", "7,50",
                      "--voucher-days", "60"]) == 0
    assert "Gutschein 7,50 €" in capsys.readouterr().out
    assert main.main(["--db", str(db_path), "rules", "--json"]) == 0
    changed = next(r for r in json.loads(capsys.readouterr().out) if r["kind"] == "card_reward")
    assert (changed["enabled"], changed["voucher_cents"], changed["voucher_days"]) == (
        True, 750, 60)
    assert main.main(["--db", str(db_path), "rule-set", rule_id, "--voucher", "zehn"]) == 2
    assert "--voucher" in capsys.readouterr().err
