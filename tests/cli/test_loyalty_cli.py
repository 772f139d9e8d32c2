from __future__ import annotations

import json
from pathlib import Path

import pytest

import main
from app.services.loyalty import codes as voucher_codes
from app.services.loyalty.vouchers import default_valid_until


def run(db_path: Path, *args: str) -> int:
    return main.main(["--db", str(db_path), *args])


def issue(db_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert run(db_path, "voucher", "issue", *args, "--json") == 0
    return json.loads(capsys.readouterr().out)


def test_voucher_issue_prints_json_with_code_value_and_validity(
    db_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    data = issue(db_path, capsys, "--value", "50")
    assert data["value_cents"] == 5000
    assert voucher_codes.is_valid(voucher_codes.normalize(data["code"]))
    from app.services.clock import SystemClock
    assert data["valid_until"] == default_valid_until(SystemClock().today()).isoformat()


def test_voucher_redeem_books_parts_and_refuses_too_much_with_exit_2(
    db_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    code = issue(db_path, capsys, "--value", "50")["code"]
    assert run(db_path, "voucher", "redeem", code.lower(), "--amount", "20") == 0
    assert "Restwert 30,00 €" in capsys.readouterr().out
    assert run(db_path, "voucher", "redeem", code, "--amount", "30,01") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nur noch 30,00 €" in err


def test_the_same_key_twice_books_once(db_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    code = issue(db_path, capsys, "--value", "50")["code"]
    for _ in range(2):
        assert run(db_path, "voucher", "redeem", code, "--amount", "20", "--key", "k1") == 0
    assert "war schon gebucht" in capsys.readouterr().out
    assert run(db_path, "voucher", "show", code, "--json") == 0
    assert json.loads(capsys.readouterr().out)["remaining_cents"] == 3000


def test_a_bad_code_exits_2_with_a_one_line_german_reason(
    db_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(db_path, "voucher", "show", "ABCD-EFGH-JKMN") == 2
    err = capsys.readouterr().err
    assert err.startswith("Fehler: Gutscheincode:") and err.count("\n") == 1


def test_an_expired_voucher_is_refused_with_exit_2_and_marked_by_the_expiry_run(
    db_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    from datetime import date, datetime

    from app.db import open_database
    from app.services.clock import LOCAL_ZONE, FixedClock
    from app.services.container import Services
    from app.services.loyalty.vouchers import VoucherInput
    db = open_database(f"sqlite:///{db_path}")
    past = Services.build(db, FixedClock(datetime(2020, 1, 10, 9, 0, tzinfo=LOCAL_ZONE)))
    code = past.vouchers.issue(VoucherInput(value_cents=1000, promo=True,
                                            valid_until=date(2020, 6, 30))).code
    db.dispose()
    assert run(db_path, "voucher", "redeem", code, "--amount", "5") == 2
    err = capsys.readouterr().err
    assert "seit 30.06.2020 abgelaufen (Restwert 10,00 € bleibt verbucht)" in err
    assert err.count("\n") == 1
    assert run(db_path, "loyalty", "expire") == 0
    assert "1 Gutschein als abgelaufen" in capsys.readouterr().out
    assert run(db_path, "voucher", "show", code) == 0
    assert "Verfallen" in capsys.readouterr().out


def test_points_commands_credit_redeem_refuse_and_show_a_card(
    db_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    from app.db import open_database
    from app.services.clock import SystemClock
    from app.services.container import Services
    from app.services.customers.dto import CustomerInput
    db = open_database(f"sqlite:///{db_path}")
    Services.build(db, SystemClock()).customers.create(CustomerInput(last_name="Weiß"))
    db.dispose()
    assert run(db_path, "loyalty", "program", "Treuepunkte") == 0
    assert run(db_path, "loyalty", "enrol", "K-000001", "--program", "Treuepunkte",
               "--json") == 0
    card = json.loads(capsys.readouterr().out.split("\n", 1)[1])["number"]
    assert run(db_path, "points", "add", card, "--points", "40", "--reason", "Start") == 0
    assert run(db_path, "points", "redeem", card, "--points", "15") == 0
    assert run(db_path, "points", "redeem", card, "--points", "26") == 2
    assert "Nicht genug Punkte" in capsys.readouterr().err
    assert run(db_path, "points", "show", card, "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["balance"] == 25 and len(shown["entries"]) == 2
    assert run(db_path, "loyalty", "cards", "--pdf", str(db_path.with_suffix(".pdf")),
               "--program", "Treuepunkte") == 0
    assert "1 Bonuskarten" in capsys.readouterr().out
    assert run(db_path, "points", "show", card[:-1] + str((int(card[-1]) + 1) % 10)) == 2
    assert "Prüfziffer" in capsys.readouterr().err


def test_liability_is_printed_and_exported_as_csv(
    db_path: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    issue(db_path, capsys, "--value", "25,50")
    csv_path = tmp_path / "gutscheine.csv"
    assert run(db_path, "voucher", "liability", "--csv", str(csv_path)) == 0
    assert "gültig 25,50 € (1)" in capsys.readouterr().out
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbfCode;")
