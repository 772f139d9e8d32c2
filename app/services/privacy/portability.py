"""Datenübertragbarkeit (Art. 20 DSGVO): the complete copy of a customer's data as a ZIP.

Art. 20 asks for a "structured, commonly used and machine-readable format". The ZIP holds,
all in UTF-8:

- `LIESMICH.txt` — what the files are, in German;
- `daten.json` — everything in one file: `format`, `created_at`, `controller`,
  `customer_number`, `tags` and `sections`, each with `key` (the table), `title`, `file`,
  `columns` (column → German label), `codes` (column → code → words) and `rows`;
- per section `NN-<key>.json` (its rows) and `NN-<key>.csv` (semicolon-separated with a
  byte-order mark, so Excel opens it; headers "Vorname [first_name]").

Values are kept as stored, in ISO formats: dates `JJJJ-MM-TT`, money in cents, codes as
stored and named in `codes`. Derived search data (the search index and the sort name) is left
out; every other column of every table that holds the customer's data is in.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from app.services.outputs import CsvWriter
from app.services.privacy import vocabulary

FORMAT = "stammkunde-datenkopie/1"
DERIVED_COLUMNS = frozenset({"search_text", "sort_name"})


@dataclass(frozen=True)
class Gathered:
    """Everything stored about one customer, by table, read in one unit of work."""

    number: str
    name: str
    tables: dict[str, list[dict[str, Any]]]
    tags: tuple[str, ...]


def plain(value: object) -> object:
    """A stored value as JSON and CSV carry it."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        # A stored e-mail is 7-bit MIME text: readable as it is; other bytes as hex.
        return value.decode("ascii") if value.isascii() else value.hex()
    return value


def _sections(gathered: Gathered) -> list[dict[str, Any]]:
    order = list(vocabulary.SECTION_TITLES)
    names = sorted(gathered.tables,
                   key=lambda n: (order.index(n) if n in order else len(order), n))
    sections = []
    for position, name in enumerate(names, start=1):
        rows = [{k: plain(v) for k, v in row.items() if k not in DERIVED_COLUMNS}
                for row in gathered.tables[name]]
        columns = [c for c in (list(rows[0]) if rows else []) if c not in DERIVED_COLUMNS]
        codes = {c: words for c in columns
                 if (words := vocabulary.code_words(name, c)) is not None}
        sections.append({
            "key": name, "title": vocabulary.SECTION_TITLES.get(name, name),
            "file": f"{position:02d}-{name}",
            "columns": {c: vocabulary.column_label(name, c) for c in columns},
            "codes": codes, "rows": rows})
    return sections


def _csv(section: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = CsvWriter(out, delimiter=";", lineterminator="\r\n")  # no cell runs as a formula
    columns = list(section["columns"])
    writer.writerow(f"{label} [{key}]" for key, label in section["columns"].items())
    for row in section["rows"]:
        writer.writerow("" if row[c] is None else row[c] for c in columns)
    return "\ufeff" + out.getvalue()


def _readme(gathered: Gathered, sections: list[dict[str, Any]], now: datetime) -> str:
    lines = [
        f"Datenkopie nach Art. 20 DSGVO für Kundennummer {gathered.number}",
        f"erstellt am {now:%d.%m.%Y %H:%M}",
        "",
        "Diese Datei enthält alle Daten, die wir zu Ihnen gespeichert haben, in einem",
        "maschinenlesbaren Format (UTF-8):",
        "",
        "  daten.json       alles in einer Datei, mit Spaltennamen und Bedeutung der Codes",
        "  NN-name.json     je Bereich die Einträge",
        "  NN-name.csv      je Bereich als Tabelle (Semikolon, öffnet in Excel)",
        "",
        "Datumsangaben stehen als JJJJ-MM-TT, Beträge in Cent, Codes wie gespeichert",
        "(ihre Bedeutung steht in daten.json unter \"codes\").",
        "Achtung: Gutschein- und Kartencodes stehen vollständig darin; sie wirken wie",
        "Bargeld. Bitte bewahren Sie die Datei sorgfältig auf.",
        "",
        "Bereiche:",
    ]
    lines += [f"  {s['file']}  {s['title']} ({len(s['rows'])} Einträge)" for s in sections]
    return "\r\n".join(lines) + "\r\n"


def write_zip(path: Path, gathered: Gathered, *, profile: dict[str, str],
              now: datetime) -> Path:
    """Write the copy; a half-written file never stays under the final name."""
    sections = _sections(gathered)
    document = {"format": FORMAT, "created_at": now.isoformat(), "controller": profile,
                "customer_number": gathered.number, "tags": list(gathered.tags),
                "sections": sections}
    partial = path.with_name(path.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("LIESMICH.txt", _readme(gathered, sections, now))
        archive.writestr("daten.json", json.dumps(document, ensure_ascii=False, indent=2))
        for section in sections:
            archive.writestr(f"{section['file']}.json",
                             json.dumps(section["rows"], ensure_ascii=False, indent=2))
            archive.writestr(f"{section['file']}.csv", _csv(section))
    partial.replace(path)
    return path
