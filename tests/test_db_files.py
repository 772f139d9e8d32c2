"""Damaged, foreign, read-only and network-share database files: a clear German message,
exit code 2 on the command line, and the file left exactly as it was."""

from __future__ import annotations

import random
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

import main
from app import db as db_module
from app.db import network_location, open_database
from app.services.clock import FixedClock
from app.services.container import Services
from app.services.demo.dataset import fill
from app.services.errors import StorageError

PAGE = 4096


def healthy(path: Path, clock: FixedClock) -> None:
    database = open_database(f"sqlite:///{path}")
    fill(database, clock, customers=300, seed=3)
    database.dispose()  # the last connection folds the WAL into the file
    assert not path.with_name(path.name + "-wal").exists()


def corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    pages = len(data) // PAGE
    rnd = random.Random(7)
    for page in range(pages // 2 - 2, pages // 2 + 2):
        data[page * PAGE:(page + 1) * PAGE] = rnd.randbytes(PAGE)
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def foreign(path: Path) -> None:
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE rezepte (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO rezepte (name) VALUES ('Apfelkuchen')")
    conn.commit()
    conn.close()


def read_only(path: Path) -> None:
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "corrupted": (corrupt, "ist beschädigt"),
    "truncated": (truncate, "ist beschädigt"),
    "foreign": (foreign, "eines anderen Programms"),
    "read-only": (read_only, "schreibgeschützt"),
}


@pytest.fixture
def damaged(request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock
            ) -> tuple[Path, bytes, str]:
    path = tmp_path / "kunden.sqlite3"
    healthy(path, clock)
    spoil, message = CASES[request.param]
    spoil(path)
    return path, path.read_bytes(), message


@pytest.mark.parametrize("damaged", list(CASES), indirect=True)
def test_a_bad_database_file_is_refused_with_a_clear_message_and_left_unchanged(
    damaged: tuple[Path, bytes, str],
) -> None:
    path, before, message = damaged
    with pytest.raises(StorageError) as err:
        open_database(f"sqlite:///{path}")
    assert message in err.value.message and str(path) in err.value.message
    assert path.read_bytes() == before
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # a reader's empty WAL at most


@pytest.mark.parametrize("damaged", list(CASES), indirect=True)
def test_the_command_line_exits_with_2_on_a_bad_database_file(
    damaged: tuple[Path, bytes, str], capsys: pytest.CaptureFixture[str],
) -> None:
    path, before, message = damaged
    assert main.main(["--db", str(path), "check"]) == 2
    assert message in capsys.readouterr().err
    assert path.read_bytes() == before


def test_a_database_on_a_unc_path_is_refused_with_a_pointer_to_postgresql() -> None:
    with pytest.raises(StorageError) as err:
        open_database("sqlite:///\\\\server\\kunden\\stammkunde.sqlite3")
    assert "UNC-Pfad" in err.value.message and "PostgreSQL" in err.value.message


@pytest.mark.parametrize("fstype", ["cifs", "smb3", "nfs4", "fuse.sshfs"])
def test_a_database_on_a_network_mount_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fstype: str,
) -> None:
    share = tmp_path / "nas"
    share.mkdir()
    monkeypatch.setattr(db_module, "_mount_table",
                        lambda: [("/", "ext4"), (str(share), fstype)])
    with pytest.raises(StorageError) as err:
        open_database(f"sqlite:///{share / 'stammkunde.sqlite3'}")
    assert fstype in err.value.message and "postgresql+psycopg" in err.value.message
    assert not (share / "stammkunde.sqlite3").exists()
    assert network_location(tmp_path / "lokal.sqlite3") is None


def test_a_backup_may_go_to_a_network_folder(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    share = tmp_path / "nas"
    monkeypatch.setattr(db_module, "_mount_table", lambda: [(str(share), "cifs")])
    services.backups.set_folder(share, by="chef")
    assert services.backups.backup_now().path.parent == share


@pytest.mark.skipif(not Path("/proc/mounts").exists(), reason="Linux mount table")
def test_the_mount_table_of_this_machine_names_the_root_filesystem() -> None:
    assert "/" in dict(db_module._mount_table())
