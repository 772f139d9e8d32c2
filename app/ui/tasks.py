"""The task runner: the one owner of worker threads in the UI (Picard's run_task).

A task is a plain service function taking a `Progress`; it runs on a single worker thread
(writes are serialised, as Anki does), reports progress at most ten times a second, and its
result or error comes back to the GUI thread through queued signals.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.services.progress import Cancelled, Progress

_REPORT_INTERVAL_S = 0.1


class Task(QObject):
    """One piece of background work.

    Signals: progress(done, total, text); finished(result); failed(exception); cancelled().
    Exactly one of finished/failed/cancelled is emitted, once.
    """

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()


class _TaskProgress(Progress):
    def __init__(self, task: Task) -> None:
        self._task = task
        self._last = 0.0

    def report(self, done: int, total: int, text: str = "") -> None:
        now = time.monotonic()
        if now - self._last >= _REPORT_INTERVAL_S or done >= total:
            self._last = now
            self._task.progress.emit(done, total, text)

    def checkpoint(self) -> None:
        if self._task.is_cancelled:
            raise Cancelled()


class _Runnable(QRunnable):
    def __init__(self, task: Task, work: Callable[[Progress], Any]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._task = task
        self._work = work

    def run(self) -> None:
        try:
            result = self._work(_TaskProgress(self._task))
        except Cancelled:
            self._task.cancelled.emit()
        except Exception as error:  # handed to the GUI thread, shown there
            self._task.failed.emit(error)
        else:
            self._task.finished.emit(result)


class TaskRunner(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._running: set[Task] = set()

    def start(
        self,
        work: Callable[[Progress], Any],
        *,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: Callable[[int, int, str], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
    ) -> Task:
        """Run `work(progress)` off the GUI thread; the callbacks run on the GUI thread.

        They are connected before the work starts: a queued signal emitted before anyone
        listens would be lost.
        """
        task = Task()
        task.finished.connect(on_done)
        task.failed.connect(on_error)
        if on_progress is not None:
            task.progress.connect(on_progress)
        if on_cancel is not None:
            task.cancelled.connect(on_cancel)
        self._running.add(task)
        for signal in (task.finished, task.failed, task.cancelled):
            signal.connect(lambda *_args, t=task: self._running.discard(t))
        self._pool.start(_Runnable(task, work))
        return task

    def wait(self, msecs: int = -1) -> bool:
        """Block until all tasks ran (used on shutdown and in tests)."""
        return self._pool.waitForDone(msecs)
