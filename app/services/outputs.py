"""Where the program may write a file it produces: one guard for every writer.

A PDF, CSV, .ics or backup copy never replaces the open database or one of its companion
files (`-wal`, `-shm`, `-journal`, the lock) — a typo in `--out` would otherwise destroy every
customer — and never replaces an existing SQLite file of another program. A backup copy may
replace an earlier Stammkunde backup of the same name.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.paths import sqlite_uri
from app.services.errors import StorageError

COMPANIONS = ("", "-wal", "-shm", "-journal", ".lock")
_SQLITE_HEADER = b"SQLite format 3\x00"


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
