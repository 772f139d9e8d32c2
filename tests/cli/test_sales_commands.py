from __future__ import annotations

import json
from pathlib import Path

import pytest

import main
from app.services.container import Services
from app.services.customers.dto import CustomerInput

HEADER = "Kundennummer;Datum;Betrag;Belegnummer;Text"


@pytest.fixture
def sales_file(services: Services, tmp_path: Path) -> Path:
    services.customers.create(CustomerInput(last_name="Müller", number="K-000001"))
    path = tmp_path / "umsatz.csv"
    path.write_text(HEADER + "\nK-000001;15.01.2026;10,00;RE-1;\n"
                    "K-000009;15.01.2026;5,00;RE-2;\n", encoding="utf-8")
    return path


def test_import_sales_exits_2_and_applies_nothing_when_a_row_is_rejected(
    db_path: Path, sales_file: Path, services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main.main(["--db", str(db_path), "import-sales", str(sales_file)]) == 2
    printed = capsys.readouterr()
    assert "1 abgelehnt" in printed.out and "Zeile 3" not in printed.out
    assert printed.err.splitlines() == [f"{sales_file.name}, Zeile 3: Kundennummer K-000009 "
                                        "unbekannt"]
    assert services.sales.count() == 0


def test_import_sales_with_skip_invalid_applies_the_valid_rows_and_still_exits_2(
    db_path: Path, sales_file: Path, services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main.main(["--db", str(db_path), "import-sales", str(sales_file), "--skip-invalid",
                      "--json"])
    result = json.loads(capsys.readouterr().out)
    assert (code, result["applied"], result["added"]) == (2, True, 1)
    assert result["rejected"][0]["line"] == 3
    assert services.sales.count() == 1


def test_import_sales_dry_run_and_a_clean_file_exit_0(
    db_path: Path, sales_file: Path, services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    sales_file.write_text(HEADER + "\nK-000001;15.01.2026;10,00;RE-1;\n", encoding="utf-8")
    assert main.main(["--db", str(db_path), "import-sales", str(sales_file), "--dry-run"]) == 0
    assert services.sales.count() == 0
    assert main.main(["--db", str(db_path), "import-sales", str(sales_file)]) == 0
    assert main.main(["--db", str(db_path), "import-sales", str(sales_file)]) == 0
    assert "1 übersprungen" in capsys.readouterr().out
    assert services.sales.count() == 1


def test_import_sales_of_a_missing_file_exits_2_naming_it(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main.main(["--db", str(db_path), "import-sales", str(tmp_path / "x.csv")]) == 2
    assert "x.csv" in capsys.readouterr().err


def test_classify_prints_the_classes_and_writes_one_csv_row_per_customer(
    db_path: Path, services: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import date

    from app.services.sales.service import SaleInput

    for number, cents in (("K-000001", 9_000), ("K-000002", 1_000)):
        cid = services.customers.create(CustomerInput(last_name="X", number=number)).id
        services.sales.add(cid, SaleInput(date(2026, 1, 5), cents, "", f"RE-{number}"))
    out = tmp_path / "klassen.csv"
    code = main.main(["--db", str(db_path), "classify", "--as-of", "2026-03-15", "--out",
                      str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "Klasse A:        1 Kunde " in text and " 90,0 %" in text
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "number,revenue_cents,abc_class,abc_computed,r,f,m,segment,at_risk"
    assert lines[1:] == ["K-000001,9000,A,A,3,3,4,attention,0",
                         "K-000002,1000,B,B,3,3,2,attention,0"]


def test_classify_json_with_a_window_and_bad_options(
    db_path: Path, services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main.main(["--db", str(db_path), "classify", "--as-of", "2026-03-15",
                      "--window-months", "24", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert (code, result["window_start"]) == (0, "2024-03-16")
    assert main.main(["--db", str(db_path), "classify", "--window-months", "0"]) == 2
    with pytest.raises(SystemExit) as exit_info:
        main.main(["--db", str(db_path), "classify", "--as-of", "15.03.2026"])
    assert exit_info.value.code == 2


def test_segment_list_and_show_print_the_saved_segments(
    db_path: Path, services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.services.customers.segments import SegmentSpec

    services.customers.create(CustomerInput(last_name="Berg", city="Berlin", number="K-1"))
    services.segments.save("Berliner", SegmentSpec(city="Berlin"))
    assert main.main(["--db", str(db_path), "segment", "list"]) == 0
    assert "Berliner" in capsys.readouterr().out
    assert main.main(["--db", str(db_path), "segment", "show", "Berliner", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [c["number"] for c in shown["customers"]] == ["K-1"]
    assert main.main(["--db", str(db_path), "segment", "show", "Fehlt"]) == 2
    assert "Segment „Fehlt“ gibt es nicht." in capsys.readouterr().err
