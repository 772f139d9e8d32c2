"""The Windows session end (Qt's commitDataRequest, then aboutToQuit, both while the event
loop still runs) closes the session at once, on a real window: the pending compaction
finished, the closing backup made, the lock released — and the call after the event loop
finds it done (issue 16, point 11)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.lock import InstanceLock
from app.services.clock import FixedClock
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.privacy.erasure import COMPACTION_PENDING
from app.ui.closing import SessionEnd
from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.scheduler import AppScheduler, nightly_hooks
from app.ui.termination import QuitOnTermination

pytestmark = pytest.mark.sqlite_only("backs up and locks the SQLite file")


def test_the_session_end_backs_up_compacts_and_releases_the_lock_while_the_loop_runs(
    qtbot: QtBot, qapp: QApplication, context: AppContext, services: Services,
    tmp_path: Path, clock: FixedClock,
) -> None:
    live = services.db.sqlite_path
    assert live is not None
    lock = InstanceLock(live.with_name(live.name + ".lock"))
    lock.acquire()
    services.backups.set_folder(tmp_path / "usb", by="chef")
    erased = services.customers.create(CustomerInput(last_name="Vergessmich"))
    services.customers.create(CustomerInput(last_name="Bleibt"))
    services.privacy.erase(erased.id, by="chef")
    services.settings.set(COMPACTION_PENDING, True)  # as if the window's reads blocked it
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    scheduler = AppScheduler(services, nightly_hooks(context), parent=window)
    scheduler.start()
    session_end = SessionEnd(context, stop_scheduler=scheduler.shutdown)
    termination = QuitOnTermination(qapp, on_session_end=session_end.run)
    try:
        qapp.aboutToQuit.emit()  # Qt sends it at the session end (after commitDataRequest)
    finally:
        termination.uninstall()

    assert session_end.done
    backups = services.backups.backups()
    assert [b.kind for b in backups] == ["automatisch"]
    assert b"Vergessmich" not in backups[0].path.read_bytes()
    assert services.settings.get(COMPACTION_PENDING, False) is False
    again = InstanceLock(lock.path)
    again.acquire()  # free: the session end released the window's lock
    again.release()
    services.customers.create(CustomerInput(last_name="Später"))
    clock.set(datetime(2026, 3, 15, 19, 0))
    session_end.run()  # after app.exec(): already done, no second backup
    assert len(services.backups.backups()) == 1
