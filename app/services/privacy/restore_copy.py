"""Restoring a backup without bringing an erased person back (Art. 17 DSGVO).

Erasures, purges and advertising objections are recognised by what they are — action,
customer number and the moment they were recorded — never by the audit row's id: ids start
lower again after a restore, so "every id above the backup's newest" misses an erasure made
after an earlier restore. Every such event of the live database that the backup lacks is
applied again to a prepared copy of the backup, and only that finished copy replaces the live
database. A crash before it replaces the live file leaves the live file as it was, erasure
included; a crash afterwards leaves the restored data with the erasure applied.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

from app.db import Database, backup_sqlite, migrate, pending_migrations
from app.paths import sqlite_uri, sqlite_url
from app.services.clock import Clock
from app.services.errors import StorageError
from app.services.privacy.service import PrivacyService
from app.services.settings import SettingsService

ERASURE_ACTIONS = ("erase", "purge", "objection")
Event = tuple[str, str, date | None]  # action, customer number, as-of date of an erasure


def erasure_events(path: Path) -> dict[tuple[str, str, str], Event]:
    """The erasures, purges and objections recorded in the database file `path`, keyed by
    (action, customer number, recorded at)."""
    conn = sqlite3.connect(sqlite_uri(path), uri=True)
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if "audit_entries" not in tables:
            return {}
        rows = conn.execute(
            "SELECT action, at, details FROM audit_entries WHERE action IN (?, ?, ?) "
            "ORDER BY at, id", ERASURE_ACTIONS).fetchall()
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"Das Protokoll in „{path}“ ist nicht lesbar: {exc}") from exc
    finally:
        conn.close()
    events: dict[tuple[str, str, str], Event] = {}
    for action, at, details in rows:
        data = json.loads(details)
        number = data.get("number")
        if number:
            as_of = data.get("as_of")
            events[(action, str(number), str(at))] = (
                action, str(number), date.fromisoformat(as_of) if as_of else None)
    return events


def missing_in(backup: Path, live: Path) -> list[Event]:
    """Erasures and objections of the live database that the backup does not hold, oldest
    first: what a restore of `backup` must apply again."""
    known = erasure_events(backup)
    return [event for key, event in erasure_events(live).items() if key not in known]


def prepare(backup: Path, target: Path, *, later: list[Event], clock: Clock,
            by: str) -> list[str]:
    """Copy `backup` to `target`, bring its schema up to date and apply `later` to it; the
    descriptions of what was applied again."""
    backup_sqlite(backup, target, verify="quick_check")
    url = sqlite_url(target)
    database = Database(url)
    try:
        if pending_migrations(database.engine):
            migrate(url)
        privacy = PrivacyService(database, clock, SettingsService(database))
        return privacy.reapply(later, by=by)
    finally:
        database.dispose()
