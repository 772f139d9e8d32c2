"""Every CSV the program writes is formula-protected, the voucher liability list for the tax
advisor included (issue 16, point 16)."""

from __future__ import annotations

import csv
from pathlib import Path

from app.services.container import Services
from app.services.loyalty.vouchers import VoucherInput

APP = Path(__file__).resolve().parents[2] / "app"


def test_the_liability_csv_keeps_a_formula_in_a_campaign_name_as_text(
    services: Services, tmp_path: Path,
) -> None:
    services.vouchers.issue(VoucherInput(value_cents=5000, campaign='=HYPERLINK("http://x")'))
    services.vouchers.issue(VoucherInput(value_cents=2500, campaign="@SUMME(A1:A9)"))
    path = tmp_path / "verbindlichkeiten.csv"
    services.liability.export_liability_csv(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    campaigns = [row[6] for row in rows[1:3]]
    assert sorted(campaigns) == ["'=HYPERLINK(\"http://x\")", "'@SUMME(A1:A9)"]


def test_no_module_writes_a_csv_past_the_protected_writer() -> None:
    writers = [path.relative_to(APP) for path in APP.rglob("*.py")
               if "csv.writer(" in path.read_text(encoding="utf-8")
               or "csv.DictWriter(" in path.read_text(encoding="utf-8")]
    assert writers == [Path("services/outputs.py")]
