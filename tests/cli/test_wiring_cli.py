"""Headless commands of the cross-feature wiring: voucher actions on rules, mailing and
export options for segments, letter lists, vouchers and follow-ups."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import main
from app.services.container import Services
from app.services.customers.segments import SegmentSpec
from tests.services.letters.test_mailings import make_customers, set_columns


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


@pytest.mark.usefixtures("letterhead")
def test_mailing_from_a_segment_issues_vouchers_and_follow_ups_and_prints_them_as_json(
    services: Services, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    ids = make_customers(services, 4)
    set_columns(services, ids[:3], abc_class="A")
    services.segments.save("Top", SegmentSpec(abc_classes=("A",)))
    out = tmp_path / "top.pdf"
    code = main.main(["--db", str(db_path), "mailing", "--template",
                      "Geburtstagsgruß mit Gutschein", "--segment", "Top", "--out", str(out),
                      "--voucher", "12,50", "--voucher-days", "60", "--followup-days", "14",
                      "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    data = json.loads(captured.out)
    assert data["source"] == "Segment „Top“" and len(data["recipients"]) == 3
    assert data["followups_created"] == 3 and len(data["vouchers"]) == 3
    first = services.vouchers.get(data["vouchers"][0]["code"])
    assert first.value_cents == 1_250 and first.customer_id in ids[:3]
    assert len(services.followups.pending()) == 3


@pytest.mark.usefixtures("letterhead")
def test_mailing_from_a_letter_list_marks_it_done_and_a_bad_voucher_amount_is_refused(
    services: Services, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    ids = make_customers(services, 2)
    for cid in ids:
        services.today.queue_letter(cid, template_key="wartung")
    args = ["--db", str(db_path), "mailing", "--template", "Wartungserinnerung",
            "--letter-list", "wartung", "--out", str(tmp_path / "w.pdf")]
    assert main.main([*args, "--voucher", "zehn"]) == 2
    assert "--voucher" in capsys.readouterr().err
    assert main.main(args) == 0
    assert "Mailing #1: 2 Briefe" in capsys.readouterr().out
    assert services.mailings.letter_lists() == []
    assert main.main(args) == 2
    assert "Keine Empfänger" in capsys.readouterr().err


def test_export_customers_writes_only_the_customers_of_a_segment(
    services: Services, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    ids = make_customers(services, 5)
    set_columns(services, ids[:2], abc_class="A")
    services.segments.save("Top", SegmentSpec(abc_classes=("A",)))
    out = tmp_path / "top.csv"
    assert main.main(["--db", str(db_path), "export-customers", str(out), "--segment", "Top",
                      "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["customers"] == 2
    rows = out.read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 3 and "K-000001" in rows[1] and "K-000002" in rows[2]
    assert main.main(["--db", str(db_path), "export-customers", str(out), "--segment",
                      "Fehlt"]) == 2
    assert "Segment „Fehlt“" in capsys.readouterr().err


def test_labels_for_a_letter_list_leave_the_list_open(
    services: Services, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    ids = make_customers(services, 3)
    for cid in ids:
        services.today.queue_letter(cid, template_key="wartung")
    assert main.main(["--db", str(db_path), "labels", "--letter-list", "wartung", "--out",
                      str(tmp_path / "etiketten.pdf"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["printed"] == 3
    assert [(x.key, x.count) for x in services.mailings.letter_lists()] == [("wartung", 3)]
