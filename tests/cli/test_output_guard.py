"""No output file replaces the open database, one of its companion files or another
program's SQLite file; a backup may replace an earlier Stammkunde backup (issue 16, point 4)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import main

pytestmark = pytest.mark.sqlite_only("guards the SQLite file")


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    db = tmp_path / "kunden.sqlite3"
    assert main.main(["--db", str(db), "demo", "--customers", "6"]) == 0
    return db


def customers(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return int(conn.execute("SELECT count(*) FROM customers").fetchone()[0])
    finally:
        conn.close()


COMMANDS = {
    "letter": ["letter", "--template", "Willkommen", "--customer", "K-000001", "--out", "{t}"],
    "dashboard": ["dashboard", "--pdf", "{t}"],
    "export-ics": ["export-ics", "{t}"],
    "liability": ["voucher", "liability", "--csv", "{t}"],
    "classify": ["classify", "--out", "{t}"],
    "export-customers": ["export-customers", "{t}"],
}


@pytest.mark.parametrize("suffix", ["", "-wal", ".lock"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_output_file_never_replaces_the_open_database_or_its_companions(
    filled: Path, capsys: pytest.CaptureFixture[str], command: str, suffix: str,
) -> None:
    target = filled.with_name(filled.name + suffix)
    args = [a.replace("{t}", str(target)) for a in COMMANDS[command]]
    assert main.main(["--db", str(filled), *args]) == 2
    assert "geöffnete Datenbank" in capsys.readouterr().err
    assert customers(filled) == 6


def foreign_database(path: Path) -> bytes:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.commit()
    conn.close()
    return path.read_bytes()


def test_an_output_file_never_replaces_another_programs_database(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    places = tmp_path / "places.sqlite"
    before = foreign_database(places)
    assert main.main(["--db", str(filled), "dashboard", "--pdf", str(places)]) == 2
    assert main.main(["--db", str(filled), "backup", str(places)]) == 2
    assert "eines anderen Programms" in capsys.readouterr().err
    assert places.read_bytes() == before


def test_a_backup_may_replace_an_earlier_backup_of_the_same_name(
    filled: Path, tmp_path: Path,
) -> None:
    target = tmp_path / "stick" / "kunden.sqlite3"
    assert main.main(["--db", str(filled), "backup", str(target)]) == 0
    assert main.main(["--db", str(filled), "backup", str(target)]) == 0
