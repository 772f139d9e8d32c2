"""`run-due` names a rule that waits because it would create many follow-ups at once, and
`rule-release` decides: all, spread out or not at all (issue #15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import main
from app.services.container import Services
from tests.services.followups.test_rule_release import at_risk_customers, dormant


def test_a_waiting_rule_is_named_by_run_due_and_released_spread_out(
    services: Services, db_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    at_risk_customers(services, 30)
    rule_id = str(dormant(services).id)
    db = ["--db", str(db_path)]
    assert main.main([*db, "rule-set", rule_id, "--on"]) == 0
    capsys.readouterr()
    assert main.main([*db, "run-due", "--json"]) == 0
    ran = json.loads(capsys.readouterr().out)
    assert ran["waiting"] == {rule_id: 30} and ran["followups_created_count"] == 0
    assert main.main([*db, "rules"]) == 0
    assert f"wartet auf Freigabe (30 auf einmal, rule-release {rule_id})" in (
        capsys.readouterr().out)
    assert main.main([*db, "rule-release", rule_id, "--per-day", "8", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "rule_id": int(rule_id), "name": "Schlafender Kunde", "today": 30, "enabled": True,
        "per_day": 8}
    assert main.main([*db, "run-due", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["followups_created_count"] == 8


def test_rule_release_decline_switches_the_rule_off(
    services: Services, db_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    rule_id = str(dormant(services).id)
    assert main.main(["--db", str(db_path), "rule-release", rule_id, "--decline"]) == 0
    assert "ausgeschaltet" in capsys.readouterr().out
    assert not dormant(services).enabled
    assert main.main(["--db", str(db_path), "rule-release", "999"]) == 2
    assert "Regel 999 nicht gefunden" in capsys.readouterr().err


def test_a_rule_subject_in_the_old_syntax_is_refused_naming_the_new_one(
    services: Services, db_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    rule_id = str(dormant(services).id)
    assert main.main(["--db", str(db_path), "rule-set", rule_id, "--subject",
                      "Anrufen: {reason}"]) == 2
    assert "{{ grund }}" in capsys.readouterr().err
