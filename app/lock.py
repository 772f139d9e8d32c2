"""The instance lock: one running window per database file.

The operating system decides who holds it: the lock file is locked with `fcntl.flock`
(`msvcrt.locking` on Windows) for as long as the app runs, and the OS releases that lock when
the process ends in any way, a crash or a power cut included. So two simultaneous starts can
never both win, and a lock left by a dead process is free again at once.

The file's content (host, PID, the process's start time, since when) names the holder in the
message. It also covers a lock the OS cannot show: one written on another PC (a data folder
on a stick) — offered as "Trotzdem öffnen" — and one of an older Stammkunde that wrote the
file without an OS lock; its PID counts only if that process started before the lock was
written, so a PID reused after a reboot locks nobody out.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psutil

from app.services.errors import ForeignLockError, StorageError

log = logging.getLogger(__name__)

# msvcrt locks a byte range and then refuses others to read it: lock a byte far past the
# content, so the holder's name stays readable.
_WINDOWS_LOCK_OFFSET = 1 << 20
_CLOCK_SLACK_S = 2.0  # file times and process start times are not exact to the millisecond


class InstanceLockedError(StorageError):
    """Another running Stammkunde (a window or `restore`) holds the lock; `owner` names it
    when its file could be read."""

    def __init__(self, message: str, *, owner: LockOwner | None) -> None:
        super().__init__(message)
        self.owner = owner


_HELD: set[InstanceLock] = set()


def release_held() -> None:
    """Release every lock this process holds — at the session end, when the OS may end the
    process before the code that would release it runs."""
    for lock in list(_HELD):
        lock.release()


@dataclass(frozen=True)
class LockOwner:
    host: str
    pid: int
    since: str
    started: float | None  # the process's start time (psutil), None from older versions

    def describe(self) -> str:
        return f"Rechner {self.host}, Prozess {self.pid}, seit {self.since}"


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _start_time(pid: int) -> float | None:
    try:
        return float(psutil.Process(pid).create_time())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None


class InstanceLock:
    """One running app per database file (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self, *, take_over_foreign: bool = False) -> None:
        """Take the lock or raise: StorageError when another app on this PC holds it,
        ForeignLockError when the file names another PC (unless `take_over_foreign`)."""
        for _attempt in range(3):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise StorageError(f"Die Sperrdatei „{self.path}“ kann nicht angelegt werden "
                                   f"({exc.strerror or exc}).") from exc
            if not _try_lock(fd):
                os.close(fd)
                raise self._running(self._read_owner())
            if not self._still_the_file(fd):
                os.close(fd)  # released and removed by its holder meanwhile: try again
                continue
            owner = self._read_owner()
            try:
                self._check_previous(owner, take_over_foreign=take_over_foreign)
            except StorageError:
                _unlock(fd)
                os.close(fd)
                raise
            if owner is not None:
                log.warning("taking over the lock %s left by %s", self.path, owner)
            self._write_owner(fd)
            self._fd = fd
            _HELD.add(self)
            return
        raise StorageError(f"Die Sperrdatei „{self.path}“ kann nicht angelegt werden.")

    def held_by_another(self) -> LockOwner | None:
        """The other running app holding this lock, if any (without taking it)."""
        if not self.path.exists():
            return None
        owner = self._read_owner()
        if owner is not None and self._is_this_process(owner):
            return None
        try:
            fd = os.open(self.path, os.O_RDWR)
        except FileNotFoundError:
            return None
        try:
            if not _try_lock(fd):
                return owner or LockOwner("?", 0, "?", None)
            _unlock(fd)
        finally:
            os.close(fd)
        if owner is not None and (owner.host != socket.gethostname() or self._alive(owner)):
            return owner
        return None

    def release(self) -> None:
        if self._fd is None:
            return
        _HELD.discard(self)
        self.path.unlink(missing_ok=True)  # unlinked while still locked: see _still_the_file
        _unlock(self._fd)
        os.close(self._fd)
        self._fd = None

    # --- internals -------------------------------------------------------------------------

    def _still_the_file(self, fd: int) -> bool:
        """Whether the locked file is still the one at `path` (not one its holder removed
        between our open and our lock: then a third process could lock a new file too)."""
        try:
            return os.path.samestat(os.fstat(fd), os.stat(self.path))
        except FileNotFoundError:
            return False

    def _check_previous(self, owner: LockOwner | None, *, take_over_foreign: bool) -> None:
        if owner is None or self._is_this_process(owner):
            return
        if owner.host != socket.gethostname():
            if not take_over_foreign:
                raise ForeignLockError(
                    f"Die Datenbank ist laut Sperrdatei auf einem anderen Rechner geöffnet "
                    f"({owner.describe()}). Ob das noch stimmt, kann dieser PC nicht prüfen. "
                    "Wird sie dort noch benutzt, kann gleichzeitiges Arbeiten Daten zerstören.",
                    host=owner.host)
            return
        if self._alive(owner):
            raise self._running(owner)  # an older Stammkunde without the OS lock

    def _alive(self, owner: LockOwner) -> bool:
        """Whether the process named in the file is the one that wrote it: same PID, and it
        started before the file was written (and at the recorded time, when recorded)."""
        started = _start_time(owner.pid)
        if started is None or owner.host != socket.gethostname():
            return False
        if owner.started is not None:
            return abs(started - owner.started) < _CLOCK_SLACK_S
        try:
            written = self.path.stat().st_mtime
        except FileNotFoundError:
            return False
        return started <= written + _CLOCK_SLACK_S

    @staticmethod
    def _is_this_process(owner: LockOwner) -> bool:
        return owner.host == socket.gethostname() and owner.pid == os.getpid()

    def _running(self, owner: LockOwner | None) -> InstanceLockedError:
        who = f" ({owner.describe()})" if owner is not None else ""
        return InstanceLockedError(f"Stammkunde ist mit dieser Datenbank bereits geöffnet{who}. "
                                   "Bitte das andere Fenster verwenden.", owner=owner)

    def _read_owner(self) -> LockOwner | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            started = data.get("started")
            return LockOwner(str(data["host"]), int(data["pid"]), str(data["since"]),
                             float(started) if started is not None else None)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # empty or unreadable: a crash while writing it

    def _write_owner(self, fd: int) -> None:
        content = json.dumps({
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "started": _start_time(os.getpid()),
            "since": datetime.now().strftime("%d.%m.%Y %H:%M"),
        }).encode("utf-8")
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, content)
        os.fsync(fd)


@contextmanager
def locked(path: Path | None, *, take_over_foreign: bool = False) -> Iterator[None]:
    """Hold the lock of the database file `path` (None: nothing to lock, e.g. PostgreSQL)."""
    lock = InstanceLock(path.with_name(path.name + ".lock")) if path else None
    if lock:
        lock.acquire(take_over_foreign=take_over_foreign)
    try:
        yield
    finally:
        if lock:
            lock.release()
