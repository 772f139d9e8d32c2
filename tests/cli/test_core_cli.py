from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import main
from app.services.container import Services
from app.services.customers.dto import CustomerInput

ROOT = Path(__file__).parent.parent.parent


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_fills_a_database_deterministically_for_a_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = []
    for name in ("a", "b"):
        db = str(tmp_path / f"{name}.sqlite3")
        code, out, _ = run(capsys, "--db", db, "demo", "--customers", "60", "--seed", "3")
        assert code == 0
        assert out.startswith("60 Kunden")
        code, out, _ = run(capsys, "--db", db, "search", "a", "--json", "--limit", "500")
        results.append(json.loads(out))
    assert results[0] == results[1]
    assert {"number", "name", "company", "postcode", "city"} <= set(results[0][0])


def test_search_prints_matches_in_list_order_as_text_and_json(
    services: Services, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for last, first in (("Müller", "Zoe"), ("Mueller", "Anna"), ("Schmidt", "Müller")):
        services.customers.create(CustomerInput(last_name=last, first_name=first))
    services.db.dispose()
    code, out, _ = run(capsys, "--db", str(db_path), "search", "müller", "--json")
    assert code == 0
    assert [r["name"] for r in json.loads(out)] == [
        "Mueller, Anna", "Müller, Zoe", "Schmidt, Müller"]
    code, text_out, _ = run(capsys, "--db", str(db_path), "search", "müller")
    assert [line.split()[0] for line in text_out.splitlines()] == [
        "K-000002", "K-000001", "K-000003"]


def test_search_without_a_hit_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(tmp_path / "k.sqlite3"), "search", "Xylophon")
    assert (code, out.strip()) == (0, "Keine Treffer.")


def test_a_foreign_file_exits_2_with_a_one_line_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "liste.csv"
    path.write_text("Name;Ort\nMeier;Köln\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", str(path), "search", "x")
    assert code == 2
    assert err.count("\n") == 1 and "liste.csv" in err


def test_bad_option_values_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", str(tmp_path / "k.sqlite3"), "demo", "--customers", "0")
    assert code == 2 and "--customers" in err


def test_the_window_without_a_display_explains_how_to_get_one(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "main.py", "--data-dir", str(tmp_path)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "xvfb-run" in result.stderr
