"""Backups: made with SQLite's backup API, checked, rotated, listed and restored.

When: on closing the app and once a day, but only if the data changed since the last
backup. "Changed" is decided from the database file itself: after folding the WAL back into
the file (`wal_checkpoint(TRUNCATE)`), size and modification time of the database file plus
the size of the WAL form a fingerprint, kept beside the database in
`<datei>.sicherung.json`. Every committed write ends up in one of the two files, so a
changed fingerprint means changed data; a VACUUM without changes may cause one backup too
many, never one too few. (`PRAGMA data_version` only sees other connections' changes and
not across restarts, so it cannot answer "since the last backup".)

Rotation (Großvater-Vater-Sohn) keeps the newest backup of each of the last 7 days, 4 ISO
weeks and 12 months that have backups — like `restic forget --keep-daily 7 --keep-weekly 4
--keep-monthly 12` — and every backup of the newest 2 days that have backups, so a second
backup of a day never deletes the first while that day is recent (an automatic backup is
only made when the data changed, so two of one day always differ). It only touches automatic
backups (`stammkunde-JJJJMMTT-HHMMSS.sqlite3`); manual ones (`…-manuell.sqlite3`) and the
copies made before an update or a restore are left alone.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from app.db import (
    Database,
    backup_sqlite,
    check_sqlite_file,
)
from app.lock import InstanceLock
from app.models import Customer
from app.paths import sqlite_uri
from app.services import audit, faults
from app.services.clock import Clock
from app.services.errors import StorageError, ValidationError
from app.services.formatting import format_count
from app.services.outputs import check_target
from app.services.privacy import restore_copy as restoring
from app.services.privacy.service import PrivacyService
from app.services.progress import NO_PROGRESS, Progress
from app.services.settings import SettingsService

log = logging.getLogger(__name__)
invalid = ValidationError.labelled({"backup_folder": "Sicherungsordner"})

FOLDER_KEY = "backup_folder"
audit.name_values("key", {FOLDER_KEY: "Sicherungsordner"})
_NAME = re.compile(r"^stammkunde-(\d{8})-(\d{6})(-manuell)?\.sqlite3$")
MANUAL_SUFFIX = "-manuell"
# A newer backup with fewer than this share of the customers of an older one of the same day
# does not replace it in the rotation (an emptied or wrong database backed up on closing).
SHRINK_LIMIT = 0.5
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
KEEP_ALL_DAYS = 2  # every backup of the newest days that have backups stays
MANUAL, AUTOMATIC, COPY = "manuell", "automatisch", "Kopie"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime | None  # from the file name (local time); None for other copies
    size: int
    customers: int | None  # None when the file cannot be read as a Stammkunde database
    kind: str = COPY  # MANUAL, AUTOMATIC or COPY (before an update or restore, other files)


def backup_kind(name: str) -> str:
    if parse_backup_name(name) is None:
        return COPY
    return MANUAL if name.endswith(MANUAL_SUFFIX + ".sqlite3") else AUTOMATIC


def backup_info(path: Path, customers: int | None) -> BackupInfo:
    return BackupInfo(path, parse_backup_name(path.name), path.stat().st_size, customers,
                      backup_kind(path.name))


@dataclass(frozen=True)
class RestoreResult:
    restored: Path
    safety_copy: Path
    reapplied: tuple[str, ...]


@dataclass(frozen=True)
class HealthReport:
    ok: bool
    problems: tuple[str, ...]
    database: str
    customers: int
    file_size: int | None
    last_backup: BackupInfo | None

    def lines(self) -> list[str]:
        """German report for the CLI and the dialog."""
        last = self.last_backup
        lines = [
            f"Datenbank: {self.database}",
            "Prüfung (integrity_check): " + ("in Ordnung" if self.ok
                                             else "FEHLER: " + "; ".join(self.problems)),
            f"Kunden: {self.customers}",
        ]
        if self.file_size is not None:
            lines.append(f"Dateigröße: {format_size(self.file_size)}")
        if last is not None and last.taken_at is not None:
            lines.append(f"Letzte Sicherung: {last.taken_at:%d.%m.%Y %H:%M} ({last.path})")
        else:
            lines.append("Letzte Sicherung: keine")
        return lines


def format_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB".replace(".", ",")
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def backup_name(moment: datetime, *, manual: bool = False) -> str:
    return f"stammkunde-{moment:%Y%m%d-%H%M%S}{MANUAL_SUFFIX if manual else ''}.sqlite3"


def parse_backup_name(name: str) -> datetime | None:
    match = _NAME.match(name)
    if not match:
        return None
    try:
        return datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S")
    except ValueError:
        return None


def rotation_keep(stamps: Iterable[datetime], *, daily: int = KEEP_DAILY,
                  weekly: int = KEEP_WEEKLY, monthly: int = KEEP_MONTHLY,
                  all_days: int = 0) -> set[datetime]:
    """Which backups to keep: the newest of each of the last `daily` days, `weekly` ISO weeks
    and `monthly` months that have backups, and every backup of the newest `all_days` days
    that have backups. Pure, so it can be tested over years."""
    stamps = list(stamps)
    recent_days = sorted({stamp.date() for stamp in stamps}, reverse=True)[:all_days]
    keep = {stamp for stamp in stamps if stamp.date() in recent_days}
    for limit, bucket in ((daily, lambda s: s.date()),
                          (weekly, lambda s: s.isocalendar()[:2]),
                          (monthly, lambda s: (s.year, s.month))):
        seen: set[object] = set()
        for stamp in sorted(stamps, reverse=True):
            key = bucket(stamp)
            if key in seen:
                continue
            if len(seen) == limit:
                break
            seen.add(key)
            keep.add(stamp)
    return keep


def inspect(path: Path, *, verify: bool = True) -> tuple[int, int]:
    """(customers, newest audit id) of a backup file; StorageError if it is not usable.

    With `verify` the whole file is checked first (before a restore); a listing only
    reads the header and counts.
    """
    if verify:
        check_sqlite_file(path, writable=False, full=True)
    else:
        with open(path, "rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                raise StorageError(f"„{path}“ ist keine SQLite-Datei.")
    conn = sqlite3.connect(sqlite_uri(path), uri=True)
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if "customers" not in tables:
            raise StorageError(f"„{path}“ ist keine Stammkunde-Sicherung (keine Kundentabelle).")
        customers = conn.execute("SELECT count(*) FROM customers").fetchone()[0]
        audit_id = (conn.execute("SELECT max(id) FROM audit_entries").fetchone()[0]
                    if "audit_entries" in tables else None)
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"Die Sicherung „{path}“ ist nicht lesbar: {exc}") from exc
    finally:
        conn.close()
    return int(customers), int(audit_id or 0)


class BackupService:
    """Backups of the open SQLite database.

    Each backup is verified with `quick_check` (every page and b-tree of the copy: catches
    a bad medium or a torn write) — the full `integrity_check`, which also matches every
    index against its table, costs ten times as much (about 10 s at 100,000 customers)
    and runs before a restore and in `check`. Set `verify = "integrity_check"` for it.
    """

    verify = "quick_check"

    def __init__(self, db: Database, clock: Clock, settings: SettingsService,
                 privacy: PrivacyService) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.privacy = privacy

    # --- where -----------------------------------------------------------------------------

    @property
    def database(self) -> Path:
        path = self.db.sqlite_path
        if path is None:
            raise StorageError("Sicherungen gibt es hier nur für eine SQLite-Datenbank; "
                               "PostgreSQL sichert man mit pg_dump.")
        return path

    def folder(self) -> Path:
        configured = self.settings.get(FOLDER_KEY)
        return Path(configured) if configured else self.database.parent / "backups"

    def set_folder(self, folder: Path, *, by: str) -> Path:
        folder = folder.expanduser()
        if not folder.is_absolute():
            raise invalid({"backup_folder": "bitte einen vollständigen Pfad angeben"})
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / ".stammkunde-schreibtest"
            probe.write_bytes(b"ok")
            probe.unlink()
        except OSError as exc:
            raise invalid({"backup_folder": f"Ordner nicht beschreibbar: "
                                   f"{exc.strerror or exc}"}) from exc
        self.settings.set(FOLDER_KEY, str(folder))
        with self.db.write() as session:
            audit.record(session, at=self.clock.now(), actor=by, action="settings",
                         entity="setting", details={"key": FOLDER_KEY})
            session.commit()
        return folder

    # --- listing ---------------------------------------------------------------------------

    def backups(self) -> list[BackupInfo]:
        """Backups in the folder, newest first, with the customer count read from each."""
        folder = self.folder()
        if not folder.is_dir():
            return []
        found = []
        for path in folder.glob("*.sqlite3"):
            try:
                customers: int | None = inspect(path, verify=False)[0]
            except StorageError:
                customers = None
            found.append(backup_info(path, customers))
        return sorted(found, key=lambda b: (b.taken_at or datetime.min, b.path.name),
                      reverse=True)

    def choose(self, choice: str) -> Path:
        """The backup a user named: a file, or its number in `backups()` (1 = the newest)."""
        path = Path(choice).expanduser()
        if path.exists() or not choice.isdigit():
            return path
        found = self.backups()
        if not 1 <= int(choice) <= len(found):
            raise StorageError(f"Eine Sicherung Nr. {choice} gibt es nicht; in "
                               f"{self.folder()} {'liegt' if len(found) == 1 else 'liegen'} "
                               f"{format_count(len(found), 'Sicherung', 'Sicherungen')}.")
        return found[int(choice) - 1].path

    def last_backup(self) -> BackupInfo | None:
        return next((b for b in self.backups() if b.taken_at is not None), None)

    # --- making ----------------------------------------------------------------------------

    def backup_now(self, destination: Path | None = None, *, by: str = "",
                   manual: bool = True, progress: Progress = NO_PROGRESS) -> BackupInfo:
        """Back up now; into the backup folder (then rotate) or to `destination`
        (a folder or a file name). A manual backup ("Jetzt sichern", `backup`) is named
        `…-manuell.sqlite3` and never rotated away by the automatic ones."""
        source = self.database
        moment = self.clock.now()
        self._finish_compaction()
        self._checkpoint()
        name = backup_name(moment.replace(tzinfo=None), manual=manual)
        if destination is None:
            target = self.folder() / name
        elif destination.suffix in (".sqlite3", ".sqlite", ".db"):
            target = destination
        else:
            target = destination / name
        target = check_target(target, database=source, backup=True)
        progress.report(0, 1, "Sicherung läuft")
        try:
            backup_sqlite(source, target, verify=self.verify)
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"Die Sicherung nach „{target}“ ist fehlgeschlagen: {exc}"
                               ) from exc
        with self.db.write() as session:  # only a backup that exists is logged as made
            audit.record(session, at=moment, actor=by, action="backup", entity="database",
                         details={"file": target.name})
            session.commit()
        self._checkpoint()
        self._save_state(target)
        if destination is None:
            self.rotate()
        progress.report(1, 1, "Sicherung fertig")
        return backup_info(target, inspect(target, verify=False)[0])

    def changed_since_last_backup(self) -> bool:
        self._checkpoint()
        state = self._load_state()
        return state.get("fingerprint") != self._fingerprint()

    def backup_if_changed(self, *, by: str = "") -> BackupInfo | None:
        """On closing the app: back up when anything changed since the last backup."""
        return (self.backup_now(by=by, manual=False) if self.changed_since_last_backup()
                else None)

    def backup_if_due(self, *, by: str = "") -> BackupInfo | None:
        """Daily: back up when today has no backup yet and the data changed."""
        last = self.last_backup()
        if last is not None and last.taken_at is not None \
                and last.taken_at.date() >= self.clock.today():
            return None
        return self.backup_if_changed(by=by)

    def rotate(self) -> list[Path]:
        folder = self.folder()
        stamped = {}
        for path in folder.glob("stammkunde-*.sqlite3"):
            stamp = parse_backup_name(path.name)
            if backup_kind(path.name) == AUTOMATIC and stamp is not None:
                stamped[stamp] = path
        keep = rotation_keep(stamped, all_days=KEEP_ALL_DAYS) | self._fuller_than_their_day(
            stamped)
        removed = []
        for stamp, path in stamped.items():
            if stamp not in keep:
                path.unlink(missing_ok=True)
                removed.append(path)
        return removed

    @staticmethod
    def _fuller_than_their_day(stamped: dict[datetime, Path]) -> set[datetime]:
        """Backups to keep although a newer one of their day exists: the fullest of a day
        whose newest backup holds drastically fewer customers (see SHRINK_LIMIT)."""
        days: dict[object, list[tuple[datetime, int]]] = {}
        for stamp, path in stamped.items():
            try:
                customers = inspect(path, verify=False)[0]
            except StorageError:
                continue
            days.setdefault(stamp.date(), []).append((stamp, customers))
        keep = set()
        for backups in days.values():
            newest = max(backups)
            fullest = max(backups, key=lambda item: item[1])
            if newest[1] < fullest[1] * SHRINK_LIMIT:
                keep.add(fullest[0])
        return keep

    # --- restoring -------------------------------------------------------------------------

    def restore(self, backup: Path, *, by: str,
                progress: Progress = NO_PROGRESS) -> RestoreResult:
        """Replace the database by a backup; keep a copy of the current file first. The
        erasures and objections the backup lacks are applied to a prepared copy of it before
        that copy replaces the live file (see `restore.py`)."""
        live = self.database
        backup = backup.expanduser().resolve()
        if not backup.is_file():
            raise StorageError(f"Die Sicherung „{backup}“ gibt es nicht.")
        if backup == live.resolve():
            raise StorageError("Die laufende Datenbank kann nicht auf sich selbst "
                               "zurückgespielt werden.")
        other = InstanceLock(live.with_name(live.name + ".lock")).held_by_another()
        if other is not None:
            raise StorageError(
                f"Stammkunde ist mit dieser Datenbank geöffnet (Rechner {other.host}, "
                f"Prozess {other.pid}). Bitte dort schließen oder dort über Datei → "
                "Sicherungen… wiederherstellen.")
        inspect(backup)
        progress.report(0, 3, "Aktuellen Stand sichern")
        moment = self.clock.now().replace(tzinfo=None)
        self._checkpoint()
        safety = backup_sqlite(live, self.folder() / f"vor-wiederherstellung-"
                                                     f"{moment:%Y%m%d-%H%M%S}.sqlite3",
                               verify=self.verify)
        progress.report(1, 3, "Spätere Löschungen auf die Sicherung anwenden")
        prepared = live.with_name(live.name + ".wiederherstellung")
        reapplied = restoring.prepare(backup, prepared, later=restoring.missing_in(backup, live),
                                      clock=self.clock, by=by)
        faults.point("restore:prepared")
        progress.report(2, 3, "Sicherung zurückspielen")
        self.db.dispose()
        src = sqlite3.connect(sqlite_uri(prepared), uri=True)
        try:
            dst = sqlite3.connect(live)
            try:
                src.backup(dst)
            finally:
                dst.close()
        except sqlite3.Error as exc:
            raise StorageError(f"Zurückspielen fehlgeschlagen ({exc}); der vorherige Stand "
                               f"liegt in „{safety}“.") from exc
        finally:
            src.close()
        prepared.unlink()
        with self.db.write() as session:
            audit.record(session, at=self.clock.now(), actor=by, action="restore",
                         entity="database",
                         details={"file": backup.name, "safety_copy": safety.name,
                                  "reapplied": len(reapplied)})
            session.commit()
        progress.report(3, 3, "Fertig")
        return RestoreResult(backup, safety, tuple(reapplied))

    # --- checking --------------------------------------------------------------------------

    def check(self) -> HealthReport:
        problems: list[str] = []
        size = None
        if self.db.is_sqlite:
            with self.db.engine.connect() as conn:
                raw = conn.connection.dbapi_connection
                assert raw is not None
                rows = raw.execute("PRAGMA integrity_check").fetchall()
            problems = [str(r[0]) for r in rows if r[0] != "ok"]
            path = self.database
            size = path.stat().st_size if path.exists() else 0
        with self.db.read() as session:
            customers = int(session.scalar(select(func.count(Customer.id))) or 0)
        return HealthReport(
            ok=not problems, problems=tuple(problems), database=self.db.url,
            customers=customers, file_size=size,
            last_backup=self.last_backup() if self.db.is_sqlite else None)

    # --- internals -------------------------------------------------------------------------

    def _finish_compaction(self) -> None:
        """An erasure's compaction left pending (the window was reading) is finished before
        the copy is made, so no backup keeps remnants of an erased person in free pages; if
        the file is still busy, the backup is made anyway and the compaction stays pending."""
        try:
            self.privacy.finish_compaction()
        except StorageError as exc:
            log.warning("pending compaction not finished before the backup: %s", exc.message)

    def _checkpoint(self) -> None:
        with self.db.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _fingerprint(self) -> str:
        """Size and mtime of the database file plus the size of the WAL (its mtime changes
        on every checkpoint, even an empty one)."""
        db_stat = self.database.stat()
        wal = self.database.with_name(self.database.name + "-wal")
        wal_size = wal.stat().st_size if wal.exists() else 0
        return f"{db_stat.st_size}:{db_stat.st_mtime_ns}:{wal_size}"

    def _state_file(self) -> Path:
        return self.database.with_name(self.database.name + ".sicherung.json")

    def _load_state(self) -> dict[str, str]:
        try:
            return dict(json.loads(self._state_file().read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return {}

    def _save_state(self, target: Path) -> None:
        state = {"fingerprint": self._fingerprint(), "last_backup": str(target),
                 "at": self.clock.now().isoformat()}
        partial = self._state_file().with_suffix(".partial")
        partial.write_text(json.dumps(state), encoding="utf-8")
        os.replace(partial, self._state_file())
