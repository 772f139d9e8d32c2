from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.services.errors import ValidationError
from app.services.tabular import match_columns, read_table

ROWS = [["Kunden-Nr.", "Name", "PLZ", "Betrag"],
        ["K-000001", "Müller", "01067", "1.234,56"],
        ["K-000002", "Weiß; Söhne", "80331", "12,00"]]


def write_csv(path: Path, encoding: str, delimiter: str, bom: bool = False) -> Path:
    lines = []
    for row in ROWS:
        cells = [f'"{c}"' if delimiter in c else c for c in row]
        lines.append(delimiter.join(cells))
    data = "\r\n".join(lines).encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", False), ("utf-8", True),
                                               ("cp1252", False)])
def test_csv_in_every_encoding_and_delimiter_reads_the_same(
    tmp_path: Path, encoding: str, bom: bool, delimiter: str
) -> None:
    table = read_table(write_csv(tmp_path / "k.csv", encoding, delimiter, bom))
    assert table.header == tuple(ROWS[0])
    assert [r.values for r in table.rows] == [tuple(r) for r in ROWS[1:]]
    assert [r.line for r in table.rows] == [2, 3]
    assert table.delimiter == delimiter


def test_line_numbers_count_blank_lines_and_quoted_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "k.csv"
    path.write_text('Nr;Notiz\n1;"zwei\nZeilen"\n\n2;x\n', encoding="utf-8")
    assert [(r.line, r.values[0]) for r in read_table(path).rows] == [(2, "1"), (5, "2")]


def test_xlsx_cells_come_back_as_text_with_iso_dates(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Datum", "Betrag", "PLZ"])
    sheet.append([datetime(2026, 3, 1), 1234.56, "01067"])
    workbook.save(tmp_path / "u.xlsx")
    table = read_table(tmp_path / "u.xlsx")
    assert table.rows[0].values == ("2026-03-01", "1234.56", "01067")


def test_a_file_with_nul_bytes_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "k.csv"
    path.write_bytes(b"a;b\n1;2\n3;\x004\n")
    with pytest.raises(ValidationError, match="Zeile 3"):
        read_table(path)


def test_a_broken_excel_file_gets_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "kaputt.xlsx"
    path.write_bytes(b"PK\x03\x04 nope")
    with pytest.raises(ValidationError, match="kaputt.xlsx"):
        read_table(path)


def test_headers_match_their_german_and_english_spellings() -> None:
    aliases = {"number": ("Kundennummer", "Kunden-Nr.", "customer_no"),
               "amount": ("Betrag", "amount")}
    assert match_columns(("KUNDEN NR", "Amount"), aliases) == {"number": 0, "amount": 1}
