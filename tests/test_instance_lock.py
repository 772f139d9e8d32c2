"""The instance lock (issue 16, point 11): the OS decides who holds it, a PID reused after a
reboot locks nobody out, a lock from another PC is taken over only when asked, and SIGTERM
closes the window like the user would: closing backup made, lock released."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from app.lock import InstanceLock
from app.services.errors import ForeignLockError, StorageError

ROOT = Path(__file__).resolve().parent.parent
HOLDER = ("import sys; from pathlib import Path; from app.lock import InstanceLock\n"
          "lock = InstanceLock(Path(sys.argv[1])); lock.acquire(); print('held', flush=True)\n"
          "sys.stdin.read()\n")


@pytest.fixture
def other_process() -> Iterator[subprocess.Popen[str]]:
    """A live process that is not the one named in the lock file (its PID is "reused")."""
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                             stdin=subprocess.PIPE, text=True)
    yield child
    child.kill()
    child.communicate()


def write_owner(path: Path, **fields: object) -> None:
    path.write_text(json.dumps({"host": socket.gethostname(), "since": "01.03.2026 08:00",
                                **fields}), encoding="utf-8")


def test_a_lock_naming_a_reused_pid_with_another_start_time_is_taken_over(
    tmp_path: Path, other_process: subprocess.Popen[str],
) -> None:
    path = tmp_path / "k.lock"
    started = psutil.Process(other_process.pid).create_time()
    write_owner(path, pid=other_process.pid, started=started - 3600)  # before the reboot
    lock = InstanceLock(path)
    lock.acquire()
    assert json.loads(path.read_text())["pid"] == os.getpid()
    lock.release()


def test_an_old_style_lock_older_than_the_process_with_its_pid_is_taken_over(
    tmp_path: Path, other_process: subprocess.Popen[str],
) -> None:
    path = tmp_path / "k.lock"
    write_owner(path, pid=other_process.pid)
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))  # written long before that process started
    lock = InstanceLock(path)
    lock.acquire()
    lock.release()


def test_a_held_lock_is_refused_even_when_its_file_says_nothing(tmp_path: Path) -> None:
    path = tmp_path / "k.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        path.write_text("")  # as if its holder crashed while writing it
        with pytest.raises(StorageError, match="bereits geöffnet"):
            InstanceLock(path).acquire()
        assert InstanceLock(path).held_by_another() is not None
    finally:
        holder.kill()
        holder.communicate()
    lock = InstanceLock(path)  # the OS released the dead holder's lock at once
    lock.acquire()
    lock.release()


def test_a_lock_from_another_pc_is_taken_over_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "k.lock"
    path.write_text(json.dumps({"host": "werkstatt-pc", "pid": 4242,
                                "since": "01.03.2026 08:00"}), encoding="utf-8")
    with pytest.raises(ForeignLockError, match="anderen Rechner") as err:
        InstanceLock(path).acquire()
    assert err.value.host == "werkstatt-pc"
    assert InstanceLock(path).held_by_another() is not None
    lock = InstanceLock(path)
    lock.acquire(take_over_foreign=True)
    assert json.loads(path.read_text())["host"] == socket.gethostname()
    lock.release()


def wait_for(condition: object, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signal")
def test_sigterm_closes_the_window_with_the_closing_backup_and_frees_the_lock(
    tmp_path: Path,
) -> None:
    db = tmp_path / "stammkunde.sqlite3"

    def cli(*args: str) -> None:
        subprocess.run([sys.executable, "main.py", "--db", str(db), *args], cwd=ROOT,
                       check=True, capture_output=True, timeout=120)

    cli("demo", "--customers", "5")
    cli("run-due")  # today's nightly work is done: the window starts no backup of its own
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    window = subprocess.Popen([sys.executable, "main.py", "--db", str(db)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = db.with_name(db.name + ".lock")
    try:
        wait_for(lambda: lock.exists() and lock.read_text(), "the window's lock")
        cli("privacy", "object", "K-000001")  # a change, so closing must back up
        window.send_signal(signal.SIGTERM)
        _out, err = window.communicate(timeout=120)
    finally:
        window.kill()
        window.communicate()
    assert window.returncode == 0, err
    assert not lock.exists()
    assert len(list((tmp_path / "backups").glob("stammkunde-*.sqlite3"))) == 1
