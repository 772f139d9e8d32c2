"""Reading an import file into rows: CSV, Excel or vCard, as the programs write them.

- CSV and Excel: strict encoding (`encoding`), the header row found below titles and DATEV's
  meta line (`header_row`) or given by the user, and the column layouts of Outlook, Google,
  Thunderbird and DATEV recognised (`presets`) and turned into Stammkunde's own columns.
- vCard: card by card (`vcard`), every unreadable card named.

The result is a `Source`: a header and rows, mapped to customer fields in the next step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from app.services import tabular
from app.services.customers.importing import encoding, header_row, presets
from app.services.customers.importing.contact_fields import CONTACT_FIELDS
from app.services.customers.importing.mapping import KNOWN_HEADERS
from app.services.customers.importing.vcard import read_vcards
from app.services.errors import ValidationError
from app.services.tabular import Row

FORMATS = {"csv": "CSV", "xlsx": "Excel", "vcard": "vCard"}
VCARD_SUFFIXES = (".vcf", ".vcard")
# The columns a recognised file (vCard, preset) is turned into: Stammkunde's own headers.
CONTACT_HEADER = tuple(CONTACT_FIELDS.values())
invalid = ValidationError.labelled({"header_row": "Kopfzeile"})


# Why a reader refuses a whole card (the start of its reason, without the card's name).
READER_KINDS = ("vCard nicht lesbar", "Text außerhalb einer vCard")


@dataclass(frozen=True)
class RejectedRow:
    """A refused row; `refused` holds (field code, reason) of every field the checks refused
    (empty for a card that could not be read)."""

    line: int
    reason: str
    refused: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Source:
    """A file read and split into rows, not yet mapped; `rejected` are unreadable cards.

    `preset` names a recognised program ("Outlook-Export (deutsch)"), `header_line` is the
    line of the header row (None for vCards), `notes` holds what reading changed per line
    (a text birthday kept as a note)."""

    path: Path
    file_format: str  # csv | xlsx | vcard
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    encoding: str | None = None
    delimiter: str | None = None
    rejected: tuple[RejectedRow, ...] = ()
    preset: str | None = None
    header_line: int | None = None
    notes: Mapping[int, tuple[str, ...]] = field(default_factory=dict)

    @property
    def recognised(self) -> bool:
        """Whether the rows are already in Stammkunde's own columns (CONTACT_HEADER)."""
        return self.file_format == "vcard" or self.preset is not None

    def describe(self) -> str:
        """"CSV, Zeichenkodierung UTF-8 mit BOM, Trennzeichen Semikolon, Kopfzeile in
        Zeile 2, Erkannt: DATEV Debitoren/Kreditoren (EXTF)"."""
        parts = [FORMATS[self.file_format]]
        if self.encoding:
            parts.append("Zeichenkodierung " + encoding.ENCODING_NAMES.get(
                self.encoding, self.encoding))
        if self.delimiter:
            parts.append("Trennzeichen " + {";": "Semikolon", ",": "Komma",
                                            "\t": "Tabulator"}.get(self.delimiter,
                                                                   self.delimiter))
        if self.header_line is not None and self.header_line != 1:
            parts.append(f"Kopfzeile in Zeile {self.header_line}")
        if self.preset:
            parts.append(f"Erkannt: {self.preset}")
        return ", ".join(parts)


def read_source(path: Path, *, header_line: int | None = None) -> Source:
    """Read a CSV, Excel or vCard file; a file that cannot be read raises ValidationError.

    `header_line` (the line of the file, 1-based) overrides the detected header row."""
    if path.suffix.lower() in VCARD_SUFFIXES:
        if not path.is_file():
            raise ValidationError({"file": f"Datei „{path}“ nicht gefunden"})
        return _vcards(path)
    records = tabular.read_records(path, decoder=_strict)
    if not records.rows:
        raise ValidationError({"file": f"„{path.name}“ ist leer"})
    table = records.table(_header_index(records, header_line))
    file_format = "csv" if table.encoding else "xlsx"
    preset = presets.detect(table.header)
    if preset is None:
        return Source(path=path, file_format=file_format, header=table.header,
                      rows=table.rows, encoding=table.encoding, delimiter=table.delimiter,
                      header_line=table.header_line)
    convert = presets.converter(preset, table.header)
    rows = tuple(Row(row.line, _ordered(convert(row.values))) for row in table.rows)
    return Source(path=path, file_format=file_format, header=CONTACT_HEADER, rows=rows,
                  encoding=table.encoding, delimiter=table.delimiter,
                  header_line=table.header_line, preset=preset.label)


def _strict(data: bytes, path: Path) -> tuple[str, str]:
    decoded = encoding.decode(data, name=path.name)
    return decoded.text, decoded.encoding


def _header_index(records: tabular.Records, header_line: int | None) -> int:
    if header_line is None:
        wanted = KNOWN_HEADERS | {tabular.normalize_header(h) for p in presets.PRESETS
                                  for h in p.required}
        first = records.rows[:header_row.SEARCHED_ROWS]
        return header_row.find_header_row([r.values for r in first], wanted)
    for index, row in enumerate(records.rows):
        if row.line == header_line:
            return index
    raise invalid({"header_row": (
        f"Zeile {header_line} von „{records.path.name}“ ist leer oder gibt es nicht – "
        "sie kann nicht die Kopfzeile sein")})


def _vcards(path: Path) -> Source:
    read = read_vcards(path.read_bytes(), name=path.name)
    rows = tuple(Row(c.line, _ordered(c.values)) for c in read.contacts)
    notes = {c.line: c.problems for c in read.contacts if c.problems}
    return Source(path=path, file_format="vcard", header=CONTACT_HEADER, rows=rows,
                  rejected=tuple(RejectedRow(r.line, r.reason) for r in read.rejected),
                  notes=notes)


def _ordered(values: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(values.get(code, "").strip() for code in CONTACT_FIELDS)
