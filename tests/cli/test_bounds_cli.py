"""Numbers and dates beyond any sense are refused with a German reason naming the option or
the line, never a crash (issue 16, point 14)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import main
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.formatting import parse_cents, parse_date

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("args", "message"), [
    (["voucher", "issue", "--value", "1e309"], "zu groß"),
    (["voucher", "issue", "--value", "0,001"], "weniger als ein Cent"),
    (["voucher", "issue", "--value", "99999999999999999999999"], "zu groß"),
    (["run-due", "--as-of", "01.01.0001"], "außerhalb von 01.01.1900 bis 31.12.2199"),
])
def test_an_absurd_amount_or_date_on_the_command_line_exits_2_naming_it(
    db_args: list[str], capsys: pytest.CaptureFixture[str], args: list[str], message: str,
) -> None:
    assert main.main([*db_args, *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Unerwarteter Fehler" not in err


@pytest.mark.parametrize("args", [["search", "Müller", "--limit", "99999999999999999999"],
                                  ["points", "add", "BK-1", "--points", "99999999999999999999"],
                                  ["privacy", "audit", "--limit", "-1"]])
def test_an_absurd_count_on_the_command_line_exits_2_naming_it(
    db_args: list[str], capsys: pytest.CaptureFixture[str], args: list[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main.main([*db_args, *args])
    assert exit_.value.code == 2
    assert "außerhalb von 0 bis 1.000.000.000" in capsys.readouterr().err


def test_the_sales_import_names_each_line_with_an_absurd_amount_or_date(
    services: Services, db_args: list[str], tmp_path: Path,
) -> None:
    services.customers.create(CustomerInput(last_name="Müller", number="K-000001"))
    path = tmp_path / "umsatz.csv"
    path.write_text("Kundennummer;Datum;Betrag;Belegnummer\n"
                    "K-000001;15.01.2026;10,00;RE-1\n"
                    "K-000001;15.01.2026;99999999999999999999999;RE-2\n"
                    "K-000001;15.01.2026;1e309;RE-3\n"
                    "K-000001;01.01.0001;5,00;RE-4\n"
                    "K-000001;31.12.9999;5,00;RE-5\n"
                    "K-000001;15.01.2026;0,001;RE-6\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "main.py", *db_args, "import-sales", str(path),
                           "--skip-invalid", "--json"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    result = json.loads(done.stdout)
    assert result["added"] == 1
    assert {row["line"] for row in result["rejected"]} == {3, 4, 5, 6, 7}
    assert services.sales.count() == 1


def test_a_kept_customer_number_beyond_the_counter_does_not_block_new_customers(
    services: Services,
) -> None:
    services.customers.create(CustomerInput(last_name="Alt", number="K-9223372036854775807"))
    services.customers.create(CustomerInput(last_name="Riesig",
                                            number="K-99999999999999999999999999"))
    assert services.customers.create(CustomerInput(last_name="Neu")).number == "K-000001"


def test_an_amount_under_a_cent_is_refused_instead_of_becoming_zero() -> None:
    assert parse_cents("0,005") == 1  # rounded half up, as before
    with pytest.raises(ValueError, match="weniger als ein Cent"):
        parse_cents("0,004")
    assert parse_date("31.12.2199").year == 2199
