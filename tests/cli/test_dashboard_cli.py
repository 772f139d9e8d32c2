from __future__ import annotations

import json
from pathlib import Path

import pdfplumber
import pytest

import main
from app.services.container import Services
from tests.services.sales.dashboard_data import seed


def test_dashboard_prints_figures_with_definitions_and_writes_the_pdf(
    services: Services, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    seed(services)
    pdf = tmp_path / "auswertung.pdf"
    code = main.main(["--db", str(db_path), "dashboard", "--as-of", "15.03.2026",
                      "--pdf", str(pdf)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Umsatz 12 Monate:        850,00 €" in out
    assert "Abwanderungsquote:       33,3 %" in out and "geteilt durch" in out
    assert "Klasse A: 2 Kunden, 700,00 €" in out
    with pdfplumber.open(pdf) as document:
        assert "Auswertungen" in document.pages[0].extract_text()


def test_dashboard_json_holds_every_figure(
    services: Services, db_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    seed(services)
    assert main.main(["--db", str(db_path), "dashboard", "--as-of", "2026-03-15",
                      "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["revenue_12m_cents"], data["churn_rate_pct"], data["clv_cents"]) == (
        85_000, 33.3, 36_833)
    assert data["definitions"]["clv"].startswith("Kundenwert (CLV, historisch)")


def test_a_bad_as_of_date_exits_2_with_a_reason(
    db_path: Path, services: Services, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main.main(["--db", str(db_path), "dashboard", "--as-of", "31.02.2026"]) == 2
    assert "kein Datum" in capsys.readouterr().err
