"""Where Stammkunde keeps its files: data dir, database, logs, backups."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from sqlalchemy.engine import URL

from app.services.errors import StorageError

APP_NAME = "Stammkunde"
DB_FILENAME = "stammkunde.sqlite3"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / DB_FILENAME

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "stammkunde.log"

    @property
    def backup_dir(self) -> Path:
        return self.data_dir / "backups"

    def ensure(self) -> None:
        """Create the folders; one that cannot be created or written is a StorageError (a
        read-only data folder, a write-protected stick), never a traceback."""
        for directory in (self.data_dir, self.log_dir, self.backup_dir):
            try:
                directory.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise not_writable(directory, exc) from exc
            if not os.access(directory, os.W_OK | os.X_OK):
                raise not_writable(directory, None)


def not_writable(folder: Path, error: OSError | None) -> StorageError:
    reason = f" ({error.strerror or error})" if error is not None else ""
    return StorageError(
        f"Der Ordner „{folder}“ ist schreibgeschützt oder kann nicht angelegt werden{reason}. "
        "Stammkunde braucht dort Schreibrechte für Datenbank, Protokolle und Sicherungen: "
        "bitte Schreibrechte geben oder mit --data-dir einen anderen Datenordner wählen."
    )


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a database file, its path percent-quoted: a "#", "?" or "%" in a
    folder name ("Büro #1") would otherwise cut the path short or name another file."""
    return URL.create("sqlite", database=str(path)).render_as_string()


def sqlite_uri(path: Path, *, read_only: bool = True) -> str:
    """The SQLite `file:` URI of `path` for `sqlite3.connect(…, uri=True)`, quoted.

    `f"file:{path}?mode=ro"` reads "Büro #1/k.sqlite3" as the file "Büro " with a fragment
    (and creates it); `Path.as_uri()` percent-quotes "#", "?", "%", spaces and umlauts.
    """
    uri = path.expanduser().resolve().as_uri()
    return uri + "?mode=ro" if read_only else uri


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resolve(*, data_dir: str | None, db: str | None) -> tuple[AppPaths, str]:
    """Return the paths and the database URL for the command-line options.

    `--db` takes a file path or a full SQLAlchemy URL (PostgreSQL); `--data-dir` moves
    everything. With `--db FILE` alone, logs and backups live beside the file.
    """
    if db and "://" in db:
        return AppPaths(Path(data_dir) if data_dir else default_data_dir()), db
    if db:
        db_path = Path(db).expanduser().resolve()
        base = Path(data_dir) if data_dir else db_path.parent
        return AppPaths(base), sqlite_url(db_path)
    paths = AppPaths(Path(data_dir).expanduser().resolve() if data_dir else default_data_dir())
    return paths, sqlite_url(paths.database)
