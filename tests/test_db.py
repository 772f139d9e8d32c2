"""The storage layer: pragmas, write locking, transactional migrations, lock file, checks."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from app.db import (
    Database,
    backup_sqlite,
    check_sqlite_file,
    migrate,
    open_database,
)
from app.lock import InstanceLock
from app.services.clock import LOCAL_ZONE, FixedClock
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.errors import StorageError

ROOT = Path(__file__).parent.parent


def test_sqlite_pragmas_are_set_on_every_connection(db: Database) -> None:
    with db.read() as session:
        pragma = lambda name: session.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") >= 5000


def test_writers_take_the_write_lock_at_begin(db: Database, db_path: Path) -> None:
    with db.write() as session:
        session.execute(text("SELECT 1"))  # nothing written yet, but BEGIN IMMEDIATE ran
        other = sqlite3.connect(db_path, timeout=0)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()


def test_readers_do_not_block_a_writer(db: Database, db_path: Path) -> None:
    with db.read() as session:
        session.execute(text("SELECT count(*) FROM customers"))
        other = sqlite3.connect(db_path, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        finally:
            other.close()


@pytest.fixture
def migrations_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the real migrations that a test may add a revision to."""
    target = tmp_path / "migrations"
    shutil.copytree(ROOT / "app" / "migrations", target,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr("app.db.MIGRATIONS_DIR", target)
    return target


def add_revision(migrations: Path, revision: str, body: str) -> None:
    heads = ScriptDirectory(str(migrations)).get_heads()
    (migrations / "versions" / f"{revision}_test.py").write_text(
        "from alembic import op\nimport sqlalchemy as sa\n"
        f"revision = {revision!r}\ndown_revision = {tuple(heads)!r}\n"
        "branch_labels = None\ndepends_on = None\n\n"
        f"def upgrade():\n{body}\n\ndef downgrade():\n    pass\n")


def test_a_failing_migration_leaves_the_database_exactly_as_it_was(
    tmp_path: Path, migrations_copy: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    open_database(url).dispose()
    before = _schema(tmp_path / "k.sqlite3")
    add_revision(migrations_copy, "9999", "    op.add_column('customers', "
                 "sa.Column('shoe_size', sa.Integer()))\n"
                 "    op.execute('INSERT INTO no_such_table VALUES (1)')")
    with pytest.raises(Exception, match="no_such_table"):
        migrate(url)
    assert _schema(tmp_path / "k.sqlite3") == before


def _schema(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        schema = conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
        version = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        return schema + version
    finally:
        conn.close()


def test_a_due_migration_backs_up_the_database_first(
    tmp_path: Path, migrations_copy: Path
) -> None:
    path = tmp_path / "k.sqlite3"
    open_database(f"sqlite:///{path}").dispose()
    add_revision(migrations_copy, "9998",
                 "    op.add_column('customers', sa.Column('shoe_size', sa.Integer()))")
    backups = tmp_path / "backups"
    open_database(f"sqlite:///{path}", backup_dir=backups).dispose()
    [backup] = backups.glob("vor-update-*.sqlite3")
    conn = sqlite3.connect(backup)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(customers)")}
    conn.close()
    assert "shoe_size" not in columns
    assert "last_name" in columns


def test_an_up_to_date_database_is_not_backed_up_again(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    open_database(f"sqlite:///{path}").dispose()
    open_database(f"sqlite:///{path}", backup_dir=tmp_path / "backups").dispose()
    assert not (tmp_path / "backups").exists()


def test_a_database_from_a_newer_version_is_refused(db_path: Path, db: Database) -> None:
    db.dispose()
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO alembic_version VALUES ('ffff')")
    conn.commit()
    conn.close()
    with pytest.raises(StorageError, match="neueren Stammkunde-Version"):
        open_database(f"sqlite:///{db_path}")


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"Kundenliste;Name\n1;Meier\n", "kein SQLite-Format"),
     (b"SQLite format 3\x00" + b"\x00" * 50, "beschädigt")],
    ids=["text-file", "truncated"],
)
def test_a_foreign_or_broken_file_is_refused_and_left_untouched(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "k.sqlite3"
    path.write_bytes(content)
    with pytest.raises(StorageError, match=message):
        open_database(f"sqlite:///{path}")
    assert path.read_bytes() == content


def test_another_programs_sqlite_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "fremd.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE rezepte (name TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match="anderen Programms"):
        check_sqlite_file(path)
    assert path.read_bytes() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write read-only files")
def test_a_read_only_database_is_refused(db_path: Path, db: Database) -> None:
    db.dispose()
    db_path.chmod(0o444)
    with pytest.raises(StorageError, match="schreibgeschützt"):
        open_database(f"sqlite:///{db_path}")


def test_a_second_instance_is_refused_naming_host_and_process(tmp_path: Path) -> None:
    first = InstanceLock(tmp_path / "k.lock")
    first.acquire()
    child = subprocess.run(
        [sys.executable, "-c",
         "import sys; from pathlib import Path; from app.lock import InstanceLock\n"
         "from app.services.errors import StorageError\n"
         "try:\n    InstanceLock(Path(sys.argv[1])).acquire()\n"
         "except StorageError as e:\n    print(e.message)\n",
         str(tmp_path / "k.lock")],
        capture_output=True, text=True, cwd=ROOT, check=True)
    first.release()
    assert f"Rechner {socket.gethostname()}, Prozess {os.getpid()}" in child.stdout


def test_a_stale_lock_of_a_crashed_process_is_taken_over(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    lock_path = tmp_path / "k.lock"
    lock_path.write_text(json.dumps({"host": socket.gethostname(),
                                     "pid": int(dead.stdout), "since": "01.01.2026 08:00"}))
    lock = InstanceLock(lock_path)
    lock.acquire()
    assert json.loads(lock_path.read_text())["pid"] == os.getpid()
    lock.release()
    assert not lock_path.exists()


def test_backup_copies_a_live_database_and_checks_it(
    services: Services, db_path: Path, tmp_path: Path
) -> None:
    services.customers.create(CustomerInput(last_name="Gesichert"))
    target = backup_sqlite(db_path, tmp_path / "backups" / "b.sqlite3")
    conn = sqlite3.connect(target)
    try:
        assert conn.execute("SELECT last_name FROM customers").fetchall() == [("Gesichert",)]
    finally:
        conn.close()
    assert not list((tmp_path / "backups").glob("*.partial"))


def test_a_write_blocked_by_another_process_becomes_a_plain_message(
    db: Database, db_path: Path
) -> None:
    impatient = Database(f"sqlite:///{db_path}", busy_timeout_ms=50)
    services = Services.build(impatient, FixedClock(datetime(2026, 3, 15, tzinfo=LOCAL_ZONE)))
    blocker = sqlite3.connect(db_path)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StorageError, match="gesperrt"):
            services.customers.create(CustomerInput(last_name="Wartet"))
    finally:
        blocker.rollback()
        blocker.close()
        impatient.dispose()
    assert services.customers.count() == 0


def test_a_new_database_whose_creation_fails_leaves_no_file_behind(
    tmp_path: Path, migrations_copy: Path
) -> None:
    add_revision(migrations_copy, "9997", "    raise RuntimeError('Strom weg')")
    path = tmp_path / "neu.sqlite3"
    with pytest.raises(RuntimeError, match="Strom weg"):
        open_database(f"sqlite:///{path}")
    assert not path.exists()
    (migrations_copy / "versions" / "9997_test.py").unlink()
    open_database(f"sqlite:///{path}").dispose()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["migrations", "neu.sqlite3"]
