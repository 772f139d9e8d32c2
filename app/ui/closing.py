"""The end of a window session, done once whichever way it ends: closing the window, logout
or shutdown (SIGTERM), or the Windows session end.

On Windows the session end arrives as `commitDataRequest` and `aboutToQuit` while the event
loop still runs, and the OS may end the process soon after — before `app.exec()` returns. So
the closing work runs right there: stop the scheduler, wait for running tasks, make the
closing backup (which first finishes an erasure's pending compaction), release the instance
lock. After `app.exec()` the same call finds it done.
"""

from __future__ import annotations

from collections.abc import Callable

from app.lock import release_held
from app.ui.context import AppContext
from app.ui.privacy.backups_dialog import backup_on_close


class SessionEnd:
    def __init__(self, context: AppContext, *, stop_scheduler: Callable[[], None]) -> None:
        self._context = context
        self._stop_scheduler = stop_scheduler
        self.done = False

    def run(self) -> None:
        if self.done:
            return
        self.done = True
        self._stop_scheduler()
        self._context.tasks.wait()
        backup_on_close(self._context.services, self._context.actor)
        release_held()
