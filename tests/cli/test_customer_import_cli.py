from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import main

GOOD = "Kundennummer;Vorname;Nachname;PLZ;E-Mail\nK-000010;Anna;Müller;01067;anna@example.de\n"
BAD = GOOD + ";Otto;Fehler;1234x;\n"


def customers_in(db_path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT number, last_name FROM customers ORDER BY number").fetchall()


def run(db_path: Path, *args: str) -> int:
    return main.main(["--db", str(db_path), *args])


def test_rejected_rows_exit_2_with_the_summary_and_nothing_is_applied(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "k.csv").write_text(BAD, encoding="utf-8")
    assert run(db_path, "import-customers", str(tmp_path / "k.csv")) == 2
    printed = capsys.readouterr()
    assert printed.err.startswith("k.csv, Zeile 3: PLZ: „1234x“ ist keine gültige PLZ für DE")
    assert printed.err.count("\n") == 1
    assert "Abgelehnt: 1" in printed.out and "Zeile 3" not in printed.out
    assert "Nichts übernommen" in printed.out
    assert customers_in(db_path) == []


def test_skip_invalid_imports_the_rest_and_exits_0(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "k.csv").write_text(BAD, encoding="utf-8")
    assert run(db_path, "import-customers", str(tmp_path / "k.csv"), "--skip-invalid") == 0
    assert "Übernommen: 1 angelegt" in capsys.readouterr().out
    assert customers_in(db_path) == [("K-000010", "Müller")]
    assert run(db_path, "import-log") == 0
    assert "k.csv  1 angelegt, 0 zusammengeführt, 0 übersprungen, 1 abgelehnt" in (
        capsys.readouterr().out)


def test_a_dry_run_prints_the_preview_as_json_and_writes_nothing(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "k.csv").write_text(GOOD, encoding="utf-8")
    assert run(db_path, "import-customers", str(tmp_path / "k.csv"), "--dry-run",
               "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["rows"], data["new"], data["rejected"]) == (1, 1, [])
    assert data["mapping"]["Nachname"] == "last_name"
    assert customers_in(db_path) == []


def test_a_mapping_file_and_merging_duplicates_from_the_command_line(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "k.csv").write_text(GOOD, encoding="utf-8")
    assert run(db_path, "import-customers", str(tmp_path / "k.csv")) == 0
    capsys.readouterr()
    (tmp_path / "alt.csv").write_text("Zuname;Mail;Stadt\nMüller;anna@example.de;Dresden\n",
                                      encoding="utf-8")
    (tmp_path / "m.json").write_text('{"Zuname": "Nachname", "Mail": "E-Mail", '
                                     '"Stadt": "Ort"}', encoding="utf-8")
    assert run(db_path, "import-customers", str(tmp_path / "alt.csv"), "--mapping",
               str(tmp_path / "m.json"), "--on-duplicate", "merge", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["merged"], data["duplicates"][0]["matches"][0]["reason"]) == (
        1, "gleiche E-Mail (anna@example.de)")
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*), max(city) FROM customers").fetchone() == (
            1, "Dresden")


def test_an_unreadable_file_exits_2_naming_it(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "k.csv").write_bytes(b"\x81\x8d\x8f\x90\x9d")
    assert run(db_path, "import-customers", str(tmp_path / "k.csv")) == 2
    assert "„k.csv“: Zeichenkodierung nicht erkannt" in capsys.readouterr().err


def test_export_customers_writes_each_format_and_reports_the_count(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "k.csv").write_text(GOOD, encoding="utf-8")
    assert run(db_path, "import-customers", str(tmp_path / "k.csv")) == 0
    capsys.readouterr()
    for name in ("aus.csv", "aus.xlsx", "aus.vcf"):
        assert run(db_path, "export-customers", str(tmp_path / name)) == 0
        assert f"1 Kunde nach {tmp_path / name} exportiert." in capsys.readouterr().out
    assert run(db_path, "export-customers", str(tmp_path / "aus.csv"), "--archived",
               "--json") == 0
    assert json.loads(capsys.readouterr().out)["customers"] == 1
    assert run(db_path, "export-customers", str(tmp_path / "aus.txt")) == 2
    assert ".csv, .xlsx oder .vcf" in capsys.readouterr().err


DATEV = ('"EXTF";700;16;"Debitoren/Kreditoren";5;20240115093000123;;"RE";"";"";29098;55003\n'
         "Konto;Name (Adressattyp Unternehmen);Name (Adressattyp natürl. Person);"
         "Vorname (Adressattyp natürl. Person);Adressattyp;Postleitzahl;Telefon\n"
         "10001;;Köhler;Björn;1;01069;0123\n")


def test_a_datev_file_names_its_header_row_and_the_log_names_fields_left_out(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "EXTF_Debitoren.csv").write_text(DATEV, encoding="cp1252")
    assert run(db_path, "import-customers", str(tmp_path / "EXTF_Debitoren.csv")) == 0
    out = capsys.readouterr().out
    assert "Kopfzeile in Zeile 2, Erkannt: DATEV Debitoren/Kreditoren (EXTF)" in out
    assert "Zeile 3: Köhler, Björn – Telefon „0123“ nicht übernommen" in out
    assert customers_in(db_path) == [("10001", "Köhler")]
    assert run(db_path, "import-log", "1") == 0
    log = capsys.readouterr().out
    assert "Zeile 3: nicht übernommen – Telefon" in log
    assert "0123" not in log


def test_header_row_names_the_line_of_the_header_and_a_wrong_one_exits_2(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "k.csv").write_text("Meine Kunden\n\n" + GOOD, encoding="utf-8")
    assert run(db_path, "import-customers", str(tmp_path / "k.csv"), "--header-row", "2",
               "--dry-run") == 2
    assert "Zeile 2 von „k.csv“ ist leer" in capsys.readouterr().err
    assert run(db_path, "import-customers", str(tmp_path / "k.csv"), "--header-row", "3",
               "--dry-run", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["new"], data["mapping"]["Nachname"]) == (1, "last_name")


def test_a_dry_run_names_every_error_of_a_row_and_the_log_keeps_no_value(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "k.csv").write_text(GOOD + ";Otto;Fehler;1234x;otto@@example\n",
                                    encoding="utf-8")
    assert run(db_path, "import-customers", str(tmp_path / "k.csv"), "--dry-run") == 2
    assert capsys.readouterr().err == (
        "k.csv, Zeile 3: PLZ: „1234x“ ist keine gültige PLZ für DE (5 Ziffern); "
        "E-Mail: „otto@@example“ ist keine gültige E-Mail-Adresse\n")
    assert run(db_path, "import-customers", str(tmp_path / "k.csv"), "--skip-invalid") == 0
    capsys.readouterr()
    assert run(db_path, "import-log", "1") == 0
    out = capsys.readouterr().out
    assert "Zeile 3: PLZ: ungültig; E-Mail: ungültig" in out
    assert "1234x" not in out and "otto@@example" not in out
