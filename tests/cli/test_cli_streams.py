"""Results on stdout, rejected rows on stderr one line each, and one folder rule for every
`--out` (issue 16, point 17) — run as a user runs them, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def stammkunde(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", "--db", str(db), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=180, check=False,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("laden") / "kunden.sqlite3"
    made = stammkunde(db, "demo", "--customers", "6")
    assert made.returncode == 0, made.stderr
    return db


def test_rejected_customer_rows_go_to_stderr_one_line_each_and_the_summary_to_stdout(
    shop: Path, tmp_path: Path,
) -> None:
    rows = "Vorname;Nachname;PLZ\nAnna;Gut;01067\nOtto;Fehler;1234x\nEva;Falsch;99x\n"
    (tmp_path / "neu.csv").write_text(rows, encoding="utf-8")
    done = stammkunde(shop, "import-customers", str(tmp_path / "neu.csv"), "--dry-run")
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("neu.csv, Zeile 3: PLZ: „1234x“ ist keine gültige PLZ")
    assert lines[1].startswith("neu.csv, Zeile 4: PLZ: „99x“ ist keine gültige PLZ")
    assert "Abgelehnt: 2" in done.stdout and "Zeile 3" not in done.stdout


def test_rejected_sales_rows_go_to_stderr_and_json_stays_clean_on_stdout(
    shop: Path, tmp_path: Path,
) -> None:
    (tmp_path / "umsatz.csv").write_text(
        "Kundennummer;Datum;Betrag;Belegnummer\nK-000001;15.01.2026;10,00;RE-1\n"
        "K-999999;15.01.2026;5,00;RE-2\n", encoding="utf-8")
    done = stammkunde(shop, "import-sales", str(tmp_path / "umsatz.csv"), "--dry-run",
                      "--json")
    assert done.returncode == 2
    assert [line.split(":")[0] for line in done.stderr.splitlines()] == ["umsatz.csv, Zeile 3"]
    assert '"rejected"' in done.stdout and done.stdout.lstrip().startswith("{")


@pytest.mark.parametrize("command", [
    ["letter", "--template", "Willkommen", "--customer", "K-000001", "--out"],
    ["mailing", "--template", "Willkommen", "--customers", "K-000001", "--out"],
    ["labels", "--customers", "K-000001", "--out"],
])
def test_every_out_option_creates_a_missing_folder_the_same_way(
    shop: Path, tmp_path: Path, command: list[str],
) -> None:
    target = tmp_path / "Briefe" / "März" / "ausgabe.pdf"
    done = stammkunde(shop, *command, str(target))
    assert done.returncode == 0, done.stderr
    assert target.read_bytes().startswith(b"%PDF")


def test_an_out_folder_that_cannot_be_created_is_refused_with_one_german_line(
    shop: Path, tmp_path: Path,
) -> None:
    blocker = tmp_path / "Briefe"
    blocker.write_text("eine Datei, kein Ordner", encoding="utf-8")
    for command in (["letter", "--template", "Willkommen", "--customer", "K-000001"],
                    ["mailing", "--template", "Willkommen", "--customers", "K-000001"]):
        done = stammkunde(shop, *command, "--out", str(blocker / "x.pdf"))
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1
        assert f"Der Ordner „{blocker}“" in done.stderr and "nicht anlegen" in done.stderr
