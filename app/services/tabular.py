"""Reading tables users bring along: CSV as German Excel writes it, and .xlsx.

Encodings are tried strictly (UTF-8 with or without BOM, then cp1252) instead of guessed;
the delimiter (`;`, `,` or TAB) is sniffed from the file; every row keeps the line of the
file it came from, so a rejected row can be named.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from app.services.errors import ValidationError

DELIMITERS = ";,\t"
_MAX_FIELD = 16 * 1024 * 1024
_HEADER_NOISE = re.compile(r"[\s._\-/()#:]+")


@dataclass(frozen=True)
class Row:
    line: int  # 1-based line in the file (CSV) or row number in the sheet (XLSX)
    values: tuple[str, ...]

    def get(self, index: int | None) -> str:
        if index is None or index >= len(self.values):
            return ""
        return self.values[index].strip()


@dataclass(frozen=True)
class Table:
    path: Path
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    encoding: str | None = None  # None for .xlsx
    delimiter: str | None = None
    header_line: int = 1  # line (CSV) or sheet row (XLSX) of the header


@dataclass(frozen=True)
class Records:
    """Every non-empty row of a file, the header not yet chosen."""

    path: Path
    rows: tuple[Row, ...]
    encoding: str | None = None  # None for .xlsx
    delimiter: str | None = None

    def table(self, index: int = 0) -> Table:
        """The table whose header is the `index`th non-empty row; rows above it are left out."""
        if not self.rows:
            raise ValidationError({"file": f"„{self.path.name}“ ist leer"})
        header = self.rows[index]
        return Table(self.path, tuple(v.strip() for v in header.values),
                     self.rows[index + 1:], self.encoding, self.delimiter, header.line)


Decoder = Callable[[bytes, Path], tuple[str, str]]


def read_table(path: Path) -> Table:
    """Read a .csv/.txt or .xlsx file; a file that cannot be read raises ValidationError."""
    return read_records(path).table()


def read_records(path: Path, *, decoder: Decoder | None = None) -> Records:
    """All non-empty rows of a .csv/.txt or .xlsx file; `decoder` turns a CSV file's bytes
    into (text, encoding) and defaults to `decode`."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ValidationError({"file": f"Datei „{path}“ nicht gefunden"})
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    return _read_csv(path, decoder or decode)


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Return (text, encoding): UTF-8 with BOM, strict UTF-8, then cp1252 — never a guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding, errors="strict"), encoding
        except UnicodeDecodeError:
            continue
    raise ValidationError({"file": f"„{path.name}“: Zeichenkodierung nicht erkannt "
                                   "(erwartet UTF-8 oder Windows-1252)"})


def sniff_delimiter(text: str) -> str:
    first_lines = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(first_lines, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = text.splitlines()[0] if text else ""
        return max(DELIMITERS, key=header.count)


def _read_csv(path: Path, decoder: Decoder) -> Records:
    text, encoding = decoder(path.read_bytes(), path)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ValidationError({"file": f"„{path.name}“, Zeile {line}: enthält Nullzeichen – "
                                       "ist das wirklich eine CSV-Datei?"})
    delimiter = sniff_delimiter(text)
    csv.field_size_limit(_MAX_FIELD)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    start = 1
    columns = 0
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            if not "".join(record).strip():
                continue
            if columns:
                _refuse_swallowed_rows(path, record, line, reader.line_num, delimiter, columns)
            else:
                columns = len(record)  # the header's width
            rows.append(Row(line, tuple(record)))
    except csv.Error as exc:
        raise ValidationError({"file": f"„{path.name}“, Zeile {start}: {exc}"}) from exc
    return Records(path, tuple(rows), encoding, delimiter)


def _refuse_swallowed_rows(path: Path, record: list[str], line: int, last_line: int,
                           delimiter: str, columns: int) -> None:
    """An opening quote that is never closed makes every following line part of one cell
    (and `--skip-invalid` would then drop 50 customers as "1 abgelehnt"). A cell holding a
    line break followed by a whole row's worth of delimiters is such a case: refuse the file,
    naming the line with the quote."""
    needed = max(1, columns - 1)
    for cell in record:
        if "\n" in cell and any(part.count(delimiter) >= needed
                                for part in cell.splitlines()[1:]):
            raise ValidationError({"file": (
                f"„{path.name}“, Zeile {line}: ein Anführungszeichen wird nicht geschlossen – "
                f"die Zeilen {line} bis {last_line} würden zu einem Feld verschmolzen. Bitte "
                f"das Anführungszeichen in Zeile {line} prüfen.")})


def _read_xlsx(path: Path) -> Records:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ValidationError({"file": f"„{path.name}“ ist keine lesbare Excel-Datei "
                                       f"({type(exc).__name__})"}) from exc
    try:
        sheet = workbook.worksheets[0]
        rows: list[Row] = []
        for number, record in enumerate(sheet.iter_rows(values_only=True), start=1):
            values = tuple(_cell_text(value) for value in record)
            if any(v.strip() for v in values):
                rows.append(Row(number, values))
    finally:
        workbook.close()
    return Records(path, tuple(rows))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else (
            value.isoformat(sep=" "))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def normalize_header(name: str) -> str:
    """"Kunden-Nr." → "kundennr", "E-Mail" → "email": how headers are compared."""
    return _HEADER_NOISE.sub("", name.casefold())


def match_columns(header: tuple[str, ...], aliases: dict[str, tuple[str, ...]]
                  ) -> dict[str, int]:
    """Map field names to column indexes by known header spellings (German and English)."""
    normalized = [normalize_header(h) for h in header]
    found: dict[str, int] = {}
    for field, names in aliases.items():
        for name in names:
            key = normalize_header(name)
            if key in normalized and normalized.index(key) not in found.values():
                found[field] = normalized.index(key)
                break
    return found
