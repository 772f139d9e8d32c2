"""Questions the window asks at start instead of giving up: the newest backup for an empty
database (issue 16, point 5), "Trotzdem öffnen" for a lock from another PC (point 11)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.db import backup_sqlite, open_database, replace_unusable
from app.paths import sqlite_url
from app.services.clock import FixedClock
from app.services.demo.dataset import fill
from app.services.errors import ForeignLockError, UnusableDatabaseError
from app.ui.application import offer_restore, open_anyway


def _answer_yes() -> None:
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox)
    assert "jetzt zurückspielen?" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()


def test_the_window_puts_the_newest_backup_in_place_of_an_empty_database(
    tmp_path: Path, clock: FixedClock,
) -> None:
    path = tmp_path / "stammkunde.sqlite3"
    database = open_database(sqlite_url(path))
    fill(database, clock, customers=20, seed=1)
    database.dispose()
    backup_sqlite(path, tmp_path / "backups" / "stammkunde-20260315-090000.sqlite3")
    path.write_bytes(b"")
    with pytest.raises(UnusableDatabaseError) as err:
        open_database(sqlite_url(path), backup_dir=tmp_path / "backups")

    QTimer.singleShot(0, _answer_yes)
    assert offer_restore(err.value, replace_unusable)

    reopened = open_database(sqlite_url(path))
    with reopened.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM customers").scalar() == 20
    reopened.dispose()


def _answer(take_over: bool) -> None:
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox)
    anyway = [b for b in box.buttons() if b.text() == "Trotzdem öffnen"]
    if take_over and anyway and "werkstatt-pc" in box.informativeText():
        anyway[0].click()
    else:
        box.button(QMessageBox.StandardButton.Cancel).click()


@pytest.mark.parametrize("take_over", [True, False])
def test_a_lock_from_another_pc_is_opened_only_after_trotzdem_oeffnen(take_over: bool) -> None:
    error = ForeignLockError("Die Datenbank ist laut Sperrdatei auf einem anderen Rechner "
                             "geöffnet.", host="werkstatt-pc")
    QTimer.singleShot(0, lambda: _answer(take_over))
    assert open_anyway(error) is take_over
