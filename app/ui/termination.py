"""Logout, shutdown and `kill` close the window the way the user would.

A POSIX signal only runs its Python handler when the interpreter gets control, which it does
not while Qt waits in its event loop. `signal.set_wakeup_fd` writes a byte to a socket on each
signal, and a QSocketNotifier on the other end wakes Qt, which then quits the loop: the
scheduler stops, the closing backup runs, and the instance lock is released. On Windows the
session end arrives as Qt's `commitDataRequest` and then `aboutToQuit` while the event loop
still runs, and the OS may end the process soon after: so `on_session_end` (the closing
backup, the lock) runs right in either signal, and the loop quits.
"""

from __future__ import annotations

import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier
from PySide6.QtWidgets import QApplication

SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class QuitOnTermination(QObject):
    """Installed for the lifetime of the window; `uninstall()` restores the old handlers."""

    def __init__(self, app: QApplication, *, on_session_end: Callable[[], None]) -> None:
        super().__init__(app)
        self._app = app
        self._on_session_end = on_session_end
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._previous = {number: signal.signal(number, self._note) for number in SIGNALS}
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._signalled)
        app.commitDataRequest.connect(self._session_ends)
        app.aboutToQuit.connect(self._quitting)

    @staticmethod
    def _note(_number: int, _frame: object) -> None:
        """The wake-up byte does the work; the handler only replaces the default (death)."""

    def _signalled(self) -> None:
        self._reader.recv(64)
        self._app.quit()

    def _session_ends(self, _manager: object) -> None:
        self._on_session_end()
        self._app.quit()

    def _quitting(self) -> None:
        self._on_session_end()

    def uninstall(self) -> None:
        self._notifier.setEnabled(False)
        self._app.commitDataRequest.disconnect(self._session_ends)
        self._app.aboutToQuit.disconnect(self._quitting)
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        signal.set_wakeup_fd(self._previous_fd)
        self._reader.close()
        self._writer.close()
