"""Where and how the program writes a file it produces: one guard and one CSV writer.

A PDF, CSV, .ics or backup copy never replaces the open database or one of its companion
files (`-wal`, `-shm`, `-journal`, the lock) — a typo in `--out` would otherwise destroy every
customer — and never replaces an existing SQLite file of another program. A backup copy may
replace an earlier Stammkunde backup of the same name.

Every CSV the program writes goes through `CsvWriter`: a text cell that a spreadsheet would
run as a formula (starting with `=`, `+`, `-`, `@`, TAB or CR — OWASP "CSV injection") gets a
leading apostrophe, so a customer named "=HYPERLINK(…)" stays text in the tax advisor's Excel.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from app.paths import sqlite_uri
from app.services.errors import StorageError

COMPANIONS = ("", "-wal", "-shm", "-journal", ".lock")
_SQLITE_HEADER = b"SQLite format 3\x00"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A CSV cell a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_START) else value


class CsvWriter:
    """`csv.writer` whose text cells never run as a formula; numbers are written as they are."""

    def __init__(self, handle: IO[str], **dialect: Any) -> None:
        self._writer = csv.writer(handle, **dialect)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([neutralise(cell) if isinstance(cell, str) else cell
                               for cell in row])


def check_target(path: Path, *, database: Path | None, backup: bool = False) -> Path:
    """The resolved `path` if a produced file may be written there; StorageError if not.

    `database` is the open SQLite file (None for PostgreSQL); `backup` allows replacing an
    existing Stammkunde database file (an earlier backup), never another program's.
    """
    target = path.expanduser().resolve()
    if database is not None:
        live = database.expanduser().resolve()
        if any(target == live.with_name(live.name + suffix) for suffix in COMPANIONS):
            raise StorageError(
                f"„{path}“ ist die geöffnete Datenbank oder eine ihrer Begleitdateien; "
                "dorthin schreibt Stammkunde nichts. Bitte einen anderen Dateinamen wählen.")
    if target.is_file() and _is_sqlite(target) and not (backup and _is_stammkunde(target)):
        raise StorageError(
            f"„{path}“ ist eine SQLite-Datenbank"
            + (" eines anderen Programms" if backup else "")
            + "; Stammkunde überschreibt sie nicht. Bitte einen anderen Dateinamen wählen.")
    return target


def prepare_target(path: Path, *, database: Path | None) -> Path:
    """`check_target`, then create the missing folders on the way to the file: every command
    that writes a file (`letter --out`, `mailing --out`, `labels --out`, …) follows this one
    rule, so `--out Briefe/März/brief.pdf` works the same everywhere."""
    target = check_target(path, database=database)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"Der Ordner „{target.parent}“ für „{path}“ lässt sich nicht "
                           f"anlegen: {exc.strerror or exc}") from exc
    return target


def _is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == _SQLITE_HEADER
    except OSError:
        return False


def _is_stammkunde(path: Path) -> bool:
    try:
        conn = sqlite3.connect(sqlite_uri(path), uri=True)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return {"alembic_version", "customers"} <= tables
