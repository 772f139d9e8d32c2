from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

import main


def run(db_path: Path, *args: str) -> int:
    return main.main(["--db", str(db_path), *args])


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    db_path = tmp_path / "kunden.sqlite3"
    assert run(db_path, "demo", "--customers", "20") == 0
    return db_path


def test_privacy_export_writes_the_pdf_and_the_data_copy(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    capsys.readouterr()
    assert run(filled, "privacy", "export", "K-000003", str(tmp_path / "out"), "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert Path(result["pdf"]).exists() and result["tables"]["customers"] == 1
    with zipfile.ZipFile(result["zip"]) as archive:
        assert {"LIESMICH.txt", "daten.json"} <= set(archive.namelist())


def test_privacy_export_zip_writes_only_the_art_20_copy(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    capsys.readouterr()
    target = tmp_path / "kopie.zip"
    assert run(filled, "privacy", "export", "K-000003", "--zip", str(target)) == 0
    assert f"Datenkopie (Art. 20 DSGVO) für K-000003: {target}" in capsys.readouterr().out
    with zipfile.ZipFile(target) as archive:
        document = json.loads(archive.read("daten.json"))
        customers = next(s for s in document["sections"] if s["key"] == "customers")
        header = archive.read(f"{customers['file']}.csv").decode("utf-8-sig").splitlines()[0]
    assert document["customer_number"] == "K-000003"
    assert header.startswith("Nr. [id];Kundennummer [number];Kundenart [kind]")
    assert list(tmp_path.glob("Auskunft-*")) == []


def test_privacy_export_needs_a_folder_or_a_zip_file(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(filled, "privacy", "export", "K-000003") == 2
    assert "--zip" in capsys.readouterr().err


def test_privacy_object_and_erase_then_the_audit_shows_both(
    filled: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(filled, "privacy", "object", "K-000004") == 0
    assert "Werbewiderspruch für K-000004 eingetragen" in capsys.readouterr().out
    assert run(filled, "privacy", "erase", "K-000004", "--as-of", "15.03.2026") == 0
    assert "Sophie Schulz (K-000004) wurde gelöscht; aufbewahrt bis " in capsys.readouterr().out
    assert run(filled, "privacy", "audit", "--customer", "K-000004", "--json") == 0
    actions = [row["action"] for row in json.loads(capsys.readouterr().out)]
    assert actions[:2] == ["erase", "objection"]


def test_an_unknown_customer_number_exits_with_2(
    filled: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(filled, "privacy", "erase", "K-999999") == 2
    assert "K-999999" in capsys.readouterr().err


def test_a_bad_as_of_date_exits_with_2(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(filled, "privacy", "purge", "--as-of", "31.02.2026") == 2
    assert "kein Datum" in capsys.readouterr().err


def test_backup_check_and_restore_on_the_command_line(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(filled, "backup", str(tmp_path / "usb"), "--json") == 0
    backup = Path(json.loads(capsys.readouterr().out)["path"])
    assert backup.parent == tmp_path / "usb"
    assert run(filled, "privacy", "erase", "K-000002") == 0
    assert run(filled, "check") == 0
    out = capsys.readouterr().out
    assert "in Ordnung" in out and "Kunden: 20" in out
    assert run(filled, "restore", str(backup)) == 0
    out = capsys.readouterr().out
    assert "vor-wiederherstellung-" in out and "K-000002: Gelöscht (Art. 17)" in out


def test_backup_list_shows_date_size_and_customers(
    filled: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(filled, "backup") == 0
    capsys.readouterr()
    assert run(filled, "backup", "--list") == 0
    out = capsys.readouterr().out
    assert "20 Kunden" in out and "stammkunde-" in out


def test_the_audit_log_names_the_command_line_as_actor_never_the_login(
    filled: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(filled, "privacy", "object", "K-000005") == 0
    capsys.readouterr()
    assert run(filled, "privacy", "audit", "--customer", "K-000005", "--json") == 0
    newest = json.loads(capsys.readouterr().out)[0]
    assert (newest["action"], newest["actor"]) == ("objection", "Befehlszeile")


def test_restore_without_a_file_offers_the_numbered_list_and_takes_a_number(
    filled: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(filled, "backup") == 0
    assert run(filled, "privacy", "erase", "K-000002") == 0
    capsys.readouterr()
    assert run(filled, "restore") == 0
    out = capsys.readouterr().out
    first = out.splitlines()[0].split()
    assert first[0] == "1" and "manuell" in first and "20" in first
    assert "restore NR" in out
    assert run(filled, "restore", "1") == 0
    assert "K-000002: Gelöscht (Art. 17)" in capsys.readouterr().out
    assert run(filled, "restore", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(b["number"], b["kind"]) for b in listed] == [(1, "manuell"), (2, "Kopie")]
    assert listed[1]["path"].split("/")[-1].startswith("vor-wiederherstellung-")
    assert run(filled, "restore", "2") == 0
    assert "vor-wiederherstellung-" in capsys.readouterr().out
    assert run(filled, "restore", "7") == 2
    assert "Nr. 7 gibt es nicht" in capsys.readouterr().err
