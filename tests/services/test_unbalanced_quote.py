"""An unbalanced quote in a CSV file is named instead of swallowing the following rows into
one cell (issue 16, point 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.errors import ValidationError
from app.services.tabular import read_table


def test_an_unclosed_quote_is_named_with_its_line(tmp_path: Path) -> None:
    rows = ["Nachname;Vorname;PLZ", 'Meier;"Anna;01067'] + [
        f"Kunde{n};Otto;0{n:04d}" for n in range(50)]
    path = tmp_path / "kunden.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        read_table(path)
    message = err.value.fields["file"]
    assert "Zeile 2: ein Anführungszeichen wird nicht geschlossen" in message
    assert "die Zeilen 2 bis 52" in message


def test_a_quoted_note_with_a_line_break_is_still_one_cell(tmp_path: Path) -> None:
    path = tmp_path / "kunden.csv"
    path.write_text('Nachname;Notiz;PLZ\nMeier;"bitte klingeln;\nHof hinten";01067\n'
                    "Schulze;;04109\n", encoding="utf-8")
    table = read_table(path)
    assert [row.values[1] for row in table.rows] == ["bitte klingeln;\nHof hinten", ""]
