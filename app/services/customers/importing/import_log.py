"""What the import log keeps of a row: line, field names and the kind of problem, no values.

The log is linked to no customer, so a request for access or erasure (Art. 15 and 17 DSGVO)
would never find an e-mail address, a phone number or a birthday kept in it. The preview
shows the values while the user decides; the log keeps "Zeile 7: E-Mail ungültig,
Geburtstag kein Datum". Every kind comes from the closed list below, never from the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.services.customers.importing.lenient import FieldProblem, field_label
from app.services.customers.importing.readers import READER_KINDS, RejectedRow

# (word in the German reason, the kind kept), the first hit wins; anything else is "ungültig".
_REASON_KINDS = (
    ("Nullzeichen", "enthält ein Nullzeichen"),
    ("zu lang", "zu lang"),
    ("länger als", "zu lang"),
    ("Tag und Monat", "unvollständiges Datum"),
    ("Zukunft", "liegt in der Zukunft"),
    ("vor 1900", "Jahr vor 1900"),
    ("Datum", "kein Datum"),
    ("Land", "unbekanntes Land"),
    ("Ländercode", "unbekanntes Land"),
    ("angeben", "fehlt"),
    ("brauchen", "fehlt"),
    ("erwartet", "unbekannter Wert"),
)
INVALID = "ungültig"
UNREADABLE = "nicht lesbar"


def reason_kind(reason: str) -> str:
    """"„x@“ ist keine gültige E-Mail-Adresse" → "ungültig"; "Jahr vor 1900" → itself."""
    return next((kind for word, kind in _REASON_KINDS if word in reason), INVALID)


@dataclass(frozen=True)
class LoggedRow:
    """A rejected row as the log keeps it: (field label, kind) pairs, or a kind alone for a
    row that could not be read at all (a broken vCard)."""

    line: int
    refused: tuple[tuple[str, str], ...] = ()
    kind: str = ""

    def reason(self) -> str:
        """"E-Mail: ungültig; Geburtstag: kein Datum"."""
        if not self.refused:
            return self.kind or UNREADABLE
        return "; ".join(f"{label}: {kind}" for label, kind in self.refused)


def logged(row: RejectedRow) -> LoggedRow:
    if row.refused:
        return LoggedRow(row.line, tuple((field_label(code), reason_kind(reason))
                                         for code, reason in row.refused))
    kind = next((k for k in READER_KINDS if row.reason.startswith(k)), UNREADABLE)
    return LoggedRow(row.line, kind=kind)


def entries_json(rejected: Iterable[RejectedRow],
                 left_out: Iterable[tuple[int, tuple[FieldProblem, ...]]]) -> str:
    """The log's `rejected` column: refused rows, then imported rows with fields left out."""
    entries: list[dict[str, Any]] = []
    for row in map(logged, rejected):
        if row.refused:
            entries.append({"line": row.line, "refused": [
                {"field": label, "kind": kind} for label, kind in row.refused]})
        else:
            entries.append({"line": row.line, "kind": row.kind})
    entries.extend({"line": line, "fields": [p.label for p in problems]}
                   for line, problems in left_out if problems)
    return json.dumps(entries, ensure_ascii=False)


LeftOut = tuple[int, tuple[str, ...]]  # an imported row's line, the fields it left empty


def read_entries(text: str) -> tuple[tuple[LoggedRow, ...], tuple[LeftOut, ...]]:
    """(refused rows, (line, field labels left empty) of imported rows) of the column."""
    refused: list[LoggedRow] = []
    left_out: list[LeftOut] = []
    for entry in json.loads(text):
        line = int(entry["line"])
        if "fields" in entry:
            left_out.append((line, tuple(map(str, entry["fields"]))))
        elif "refused" in entry:
            refused.append(LoggedRow(line, tuple((str(r["field"]), str(r["kind"]))
                                                 for r in entry["refused"])))
        else:
            refused.append(LoggedRow(line, kind=str(entry.get("kind", UNREADABLE))))
    return tuple(refused), tuple(left_out)
