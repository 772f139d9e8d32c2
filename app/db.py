"""Engine, sessions, migrations, backups, the instance lock and the start-up checks.

SQLite is opened with WAL, `synchronous=FULL`, foreign keys on and a generous busy timeout.
pysqlite's own transaction handling is switched off so that every transaction starts with
our own `BEGIN` (readers) or `BEGIN IMMEDIATE` (writers) — DDL included, so a migration that
fails halfway leaves nothing behind (SQLAlchemy docs, "Serializable isolation / Savepoints /
Transactional DDL" for pysqlite).
"""

from __future__ import annotations

import logging
import ntpath
import os
import re
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.lock import InstanceLock
from app.paths import not_writable, sqlite_uri, sqlite_url
from app.services.errors import StorageError, UnusableDatabaseError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 10_000
_WRITE_OPTION = "stammkunde_write"
# The key of PostgreSQL's transaction-level advisory lock every writer takes ("Stammk").
WRITER_LOCK_KEY = 0x5374616D6D6B


def _install_sqlite_hooks(engine: Engine, *, foreign_keys: bool, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        writer = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


def _install_postgres_hooks(engine: Engine, *, busy_timeout_ms: int) -> None:
    """Writers queue up behind one advisory lock, like SQLite's single writer.

    Without it two writers run side by side and the later one trips over the earlier one's
    uncommitted rows (a unique violation) instead of seeing them. The lock is released with
    the transaction; waiting longer than the busy timeout fails like a locked SQLite file.
    """

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(_WRITE_OPTION, False):
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(busy_timeout_ms)}")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK_KEY})")


# What the database driver says → what the user is told (StorageError, a known error).
_LOCKED = ("Die Datenbank ist gerade durch einen anderen Vorgang gesperrt. Bitte in einem "
           "Moment noch einmal versuchen; es wurde nichts gespeichert.")
_DAMAGED = ("Die Datenbank ist beschädigt. Es wurde nichts gespeichert; bitte die Datenbank "
            "prüfen (stammkunde check) und eine Sicherung zurückspielen.")
_STORAGE_MESSAGES = (
    ("database is locked", _LOCKED),
    ("lock timeout", _LOCKED),  # PostgreSQL: waited longer than lock_timeout
    ("disk is full",
     "Der Datenträger ist voll. Es wurde nichts gespeichert; bitte Platz schaffen."),
    ("readonly database",
     "Die Datenbank ist schreibgeschützt. Es wurde nichts gespeichert."),
    ("database disk image is malformed", _DAMAGED),
    ("file is not a database", _DAMAGED),
    ("could not decode to utf-8",
     "Die Datenbank ist beschädigt: ein gespeicherter Text ist kein gültiges UTF-8 "
     "(Datenträgerfehler oder ein fremdes Programm). Es wurde nichts gespeichert; bitte eine "
     "Sicherung zurückspielen."),
    ("disk i/o error",
     "Lese-/Schreibfehler des Datenträgers. Es wurde nichts gespeichert; bitte den "
     "Datenträger prüfen und eine Sicherung bereithalten."),
)


def _install_error_translation(engine: Engine) -> None:
    @event.listens_for(engine, "handle_error")
    def _translate(context: Any) -> None:
        detail = str(context.original_exception).lower()
        for needle, message in _STORAGE_MESSAGES:
            if needle in detail:
                raise StorageError(message) from context.sqlalchemy_exception


def make_engine(url: str, *, foreign_keys: bool = True,
                busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        _install_sqlite_hooks(engine, foreign_keys=foreign_keys, busy_timeout_ms=busy_timeout_ms)
    elif engine.dialect.name == "postgresql":
        _install_postgres_hooks(engine, busy_timeout_ms=busy_timeout_ms)
    _install_error_translation(engine)
    return engine


class Database:
    """The one handle on the store: `read()` and `write()` hand out sessions.

    `with db.write() as session: …; session.commit()` — leaving the block without commit
    rolls back. Writers are serialised on both backends: on SQLite a writer takes the write
    lock up front (`BEGIN IMMEDIATE`), so two writers never deadlock on a lock upgrade; on
    PostgreSQL it first takes the advisory lock `WRITER_LOCK_KEY` for its transaction, so a
    second writer waits and then sees the first one's committed rows. Readers never wait.
    """

    def __init__(self, url: str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.url = url
        self.engine = make_engine(url, busy_timeout_ms=busy_timeout_ms)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(
            self.engine.execution_options(**{_WRITE_OPTION: True}), expire_on_commit=False
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        database = make_url(self.url).database
        return Path(database) if database and database != ":memory:" else None

    def read(self) -> Session:
        return self._read()

    def write(self) -> Session:
        return self._write()

    def dispose(self) -> None:
        self.engine.dispose()


# --- start-up checks -------------------------------------------------------------------


# Tables only a Stammkunde database has: with them, an unknown schema revision means a newer
# Stammkunde; without them, another program that happens to use Alembic too.
OWN_TABLES = frozenset({"customers", "audit_entries"})


def newest_backup(folder: Path | None) -> Path | None:
    """The most recently written backup file in `folder`, if any."""
    if folder is None or not folder.is_dir():
        return None
    found = [p for p in folder.glob("*.sqlite3") if p.is_file() and p.stat().st_size > 0]
    return max(found, key=lambda p: p.stat().st_mtime_ns, default=None)


def _unusable(path: Path, reason: str, backup_dir: Path | None) -> UnusableDatabaseError:
    newest = newest_backup(backup_dir)
    if newest is not None:
        hint = (f" Die neueste Sicherung ist „{newest}“; zurückspielen im Fenster beim Start "
                f"oder mit: stammkunde --db \"{path}\" restore \"{newest}\"")
    else:
        hint = " Bitte eine Sicherung zurückspielen (stammkunde --db DATEI restore SICHERUNG)."
    return UnusableDatabaseError(
        f"Die Datenbank „{path}“ {reason}. Sie wurde nicht verändert.{hint}",
        path=path, newest_backup=newest)


def check_sqlite_file(path: Path, *, writable: bool = True, full: bool = False,
                      backup_dir: Path | None = None) -> None:
    """Refuse a file that is not a healthy Stammkunde database, without writing to it.

    `full` runs `integrity_check` instead of the faster `quick_check` (before a restore).
    Everything is read through a read-only connection: a refused file keeps every byte
    (an ordinary connection would already switch its header to WAL).
    """
    folder = path.parent
    if writable and folder.exists() and not os.access(folder, os.W_OK | os.X_OK):
        raise not_writable(folder, None)  # SQLite writes its -wal and -shm beside the file
    if not path.exists():
        return
    if path.is_dir():
        raise StorageError(f"„{path}“ ist ein Ordner, keine Datenbankdatei.")
    if writable and (not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222):
        raise StorageError(
            f"Die Datenbank „{path}“ ist schreibgeschützt. Bitte Schreibrechte geben "
            "oder eine andere Datei wählen."
        )
    if path.stat().st_size == 0:
        # Stammkunde creates its file complete (see `open_database`): an empty one is a
        # database lost by a copy or a disk fault, not a new one to fill.
        raise _unusable(path, "ist leer (0 Byte)", backup_dir)
    try:
        with open(path, "rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        raise StorageError(f"Die Datenbank „{path}“ kann nicht gelesen werden: {exc}") from exc
    if header != b"SQLite format 3\x00":
        raise StorageError(
            f"Die Datei „{path}“ ist keine Stammkunde-Datenbank (kein SQLite-Format). "
            "Sie wurde nicht verändert."
        )
    try:
        conn = sqlite3.connect(sqlite_uri(path), uri=True)
        try:
            check = "integrity_check" if full else "quick_check"
            result = conn.execute(f"PRAGMA {check}").fetchall()
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            versions = ({row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}
                        if "alembic_version" in tables else set())
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise _unusable(path, f"ist beschädigt ({exc})", backup_dir) from exc
    if result != [("ok",)]:
        detail = "; ".join(str(row[0]) for row in result[:3])
        raise _unusable(path, f"ist beschädigt ({detail})", backup_dir)
    if not tables:
        raise _unusable(path, "enthält keine Tabellen (leer oder von einem anderen Programm)",
                        backup_dir)
    foreign = StorageError(
        f"Die Datei „{path}“ ist eine SQLite-Datenbank eines anderen Programms. "
        "Stammkunde öffnet sie nicht und hat sie nicht verändert."
    )
    if "alembic_version" not in tables:
        raise foreign
    unknown = versions - known_revisions()
    if unknown and not OWN_TABLES <= tables:
        raise foreign  # another program that also uses Alembic
    if unknown:
        raise StorageError(
            f"Die Datenbank „{path}“ wurde mit einer neueren Stammkunde-Version bearbeitet "
            f"(Schema {', '.join(sorted(unknown))}). Bitte Stammkunde aktualisieren; die "
            "Datei wurde nicht verändert."
        )


# --- network shares -------------------------------------------------------------------

# Filesystem types of network mounts (Linux /proc/mounts, macOS `mount`): SMB, NFS, SSH,
# WebDAV, GNOME's gvfs (every "Netzwerk" folder of the file manager), rclone (cloud drives),
# 9p (VM shares), the cluster file systems and AFS.
NETWORK_FILESYSTEMS = frozenset({
    "cifs", "smb3", "smbfs", "nfs", "nfs4", "fuse.sshfs", "sshfs", "afpfs", "webdav",
    "davfs", "fuse.davfs2", "ncpfs", "fuse.gvfsd-fuse", "fuse.rclone", "rclone", "9p",
    "ceph", "fuse.ceph", "fuse.ceph-fuse", "glusterfs", "fuse.glusterfs", "afs", "openafs",
    "fuse.smbnetfs", "fuse.s3fs", "lustre", "gpfs", "beegfs",
})
_DRIVE_REMOTE = 4  # GetDriveTypeW
_UNC = "ein UNC-Pfad (\\\\Server\\Freigabe)"


def _windows_drive_type(root: str) -> int:
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(root))  # type: ignore[attr-defined]


def _is_windows() -> bool:
    return sys.platform == "win32"


def _mount_table() -> list[tuple[str, str]]:
    """(mount point, filesystem type) of every mount this system reports."""
    proc = Path("/proc/mounts")
    if proc.exists():
        table = []
        for line in proc.read_text(encoding="utf-8", errors="replace").splitlines():
            fields = line.split()
            if len(fields) >= 3:
                point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[1])
                table.append((point, fields[2]))
        return table
    if sys.platform == "darwin":
        output = subprocess.run(["/sbin/mount"], capture_output=True, text=True,
                                check=False).stdout
        return [(m.group(1), m.group(2)) for m in
                re.finditer(r"^.+? on (.+?) \(([^,)]+)", output, re.MULTILINE)]
    return []


def network_location(path: str | Path) -> str | None:
    """Why `path` is on a network share (German), or None for a local disk."""
    raw = str(path)
    if raw.startswith(("\\\\", "//")):
        return _UNC
    if _is_windows():
        drive = ntpath.splitdrive(ntpath.abspath(raw))[0]
        if drive.startswith(("\\\\", "//")):
            return _UNC
        if drive and _windows_drive_type(drive.rstrip("\\/") + "\\") == _DRIVE_REMOTE:
            return f"das Netzlaufwerk {drive}"
        return None
    resolved = os.path.realpath(raw)
    best = ("", "")
    for point, fstype in _mount_table():
        inside = resolved == point or resolved.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best[0]):
            best = (point, fstype)
    if best[1] in NETWORK_FILESYSTEMS:
        return f"eine Netzwerkfreigabe ({best[1]} unter {best[0]})"
    return None


def refuse_network_share(path: Path) -> None:
    """Refuse a database file on a network share (the lock file lies beside it)."""
    where = network_location(path)
    if where is not None:
        raise StorageError(
            f"Die Datenbank „{path}“ liegt auf {where}. Eine SQLite-Datei darf nicht über "
            "das Netzwerk geöffnet werden: Sperren funktionieren dort nicht zuverlässig, und "
            "die Datei kann zerstört werden. Bitte die Datenbank auf die lokale Festplatte "
            "legen; für mehrere Arbeitsplätze PostgreSQL verwenden "
            "(--db postgresql+psycopg://…). Sicherungen dürfen auf einem Netzlaufwerk liegen."
        )


def refuse_network_data_dir(folder: Path) -> None:
    """Refuse a data folder on a network share: the database, its lock and the log of each
    PC would be shared there. Backups may go to a network folder (their own setting)."""
    where = network_location(folder)
    if where is not None:
        raise StorageError(
            f"Der Datenordner „{folder}“ liegt auf {where}. Datenbank, Sperrdatei und "
            "Protokolle gehören auf die lokale Festplatte dieses PCs; bitte mit --data-dir "
            "einen lokalen Ordner wählen. Für mehrere Arbeitsplätze PostgreSQL verwenden "
            "(--db postgresql+psycopg://…). Sicherungen dürfen auf einem Netzlaufwerk liegen."
        )


# --- migrations ------------------------------------------------------------------------


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def known_revisions() -> set[str]:
    """Every schema revision this version of Stammkunde knows."""
    script = ScriptDirectory.from_config(_alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def pending_migrations(engine: Engine) -> bool:
    script = ScriptDirectory.from_config(_alembic_config())
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    unknown = current - known_revisions()
    if unknown:
        raise StorageError(
            "Die Datenbank wurde mit einer neueren Stammkunde-Version bearbeitet "
            f"(Schema {', '.join(sorted(unknown))}). Bitte Stammkunde aktualisieren."
        )
    return current != set(script.get_heads())


def migrate(url: str) -> None:
    """Bring the schema to the newest revision in one transaction.

    Runs on its own engine with foreign keys off (SQLite cannot switch them inside a
    transaction, and batch migrations rebuild tables); the foreign keys are checked
    before commit instead.
    """
    engine = make_engine(url, foreign_keys=False)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(**{_WRITE_OPTION: True})
            with conn.begin():
                config = _alembic_config()
                config.attributes["connection"] = conn
                command.upgrade(config, "heads")
                if engine.dialect.name == "sqlite":
                    problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if problems:
                        raise StorageError(
                            f"Die Migration verletzt Fremdschlüssel ({problems[:3]}); "
                            "die Datenbank bleibt unverändert."
                        )
    finally:
        engine.dispose()


# --- backups ---------------------------------------------------------------------------


def backup_sqlite(source: Path, destination: Path, *, verify: str = "integrity_check") -> Path:
    """Copy a live SQLite database with the backup API: temp file, fsync, check, rename.

    `verify` is the check run on the copy: "integrity_check" (also matches every index
    against its table; ~10 s at 100,000 customers) or "quick_check" (every page and b-tree,
    ~1 s), which is what catches a bad medium or a torn write.
    """
    if verify not in ("integrity_check", "quick_check"):
        raise ValueError(f"unknown check {verify!r}")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    src = sqlite3.connect(sqlite_uri(source), uri=True)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
            result = dst.execute(f"PRAGMA {verify}").fetchone()
        finally:
            dst.close()
    except BaseException:
        partial.unlink(missing_ok=True)  # a full stick stays usable after a failed backup
        raise
    finally:
        src.close()
    if result != ("ok",):
        partial.unlink(missing_ok=True)
        raise StorageError(f"Die Sicherung „{destination}“ ist fehlerhaft: {result}")
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, destination)
    return destination


# --- opening ---------------------------------------------------------------------------


def open_database(url: str, *, backup_dir: Path | None = None) -> Database:
    """Check, back up if a migration is due, migrate, and return the ready database."""
    sqlite_path = sqlite_file(url)
    if sqlite_path is not None:
        refuse_network_share(sqlite_path)
        check_sqlite_file(sqlite_path, backup_dir=backup_dir)
        if not sqlite_path.exists():
            _create_sqlite(sqlite_path)
    probe = make_engine(url)
    try:
        due = pending_migrations(probe)
    finally:
        probe.dispose()
    if due:
        if sqlite_path is not None and backup_dir is not None and _has_schema(sqlite_path):
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            backup_sqlite(sqlite_path, backup_dir / f"vor-update-{stamp}.sqlite3")
        migrate(url)
    return Database(url)


def _create_sqlite(path: Path) -> None:
    """Create a new database complete or not at all: migrated under a temporary name, then
    renamed. So a file at `path` is always a whole database, and an empty one is refused."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise not_writable(path.parent, exc) from exc
    partial = path.with_name(path.name + ".neu")
    for leftover in (partial, *(partial.with_name(partial.name + s) for s in ("-wal", "-shm"))):
        leftover.unlink(missing_ok=True)
    migrate(sqlite_url(partial))  # its engine is disposed: the WAL is folded in and removed
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, path)


def replace_unusable(path: Path, backup: Path) -> Path:
    """Put a checked backup in place of an empty or damaged database file; the unusable
    file (and its WAL) is kept beside it as `<name>.unbrauchbar-<Zeit>`, which is returned.

    The normal restore (`BackupService.restore`) needs the live file open; this one is for
    when it cannot be opened at all.
    """
    backup = backup.expanduser().resolve()
    if not backup.is_file():
        raise StorageError(f"Die Sicherung „{backup}“ gibt es nicht.")
    check_sqlite_file(backup, writable=False, full=True)
    other = InstanceLock(path.with_name(path.name + ".lock")).held_by_another()
    if other is not None:
        raise StorageError(f"Stammkunde ist mit dieser Datenbank geöffnet (Rechner "
                           f"{other.host}, Prozess {other.pid}). Bitte dort erst schließen.")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.unbrauchbar-{stamp}")
    for suffix in ("-wal", "-shm", ""):
        part = path.with_name(path.name + suffix)
        if part.exists():
            os.replace(part, aside.with_name(aside.name + suffix))
    backup_sqlite(backup, path)
    return aside


def sqlite_file(url: str) -> Path | None:
    """The database file a SQLite URL names (None for PostgreSQL or an in-memory database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _has_schema(path: Path) -> bool:
    conn = sqlite3.connect(sqlite_uri(path), uri=True)
    try:
        return conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is not None
    finally:
        conn.close()

