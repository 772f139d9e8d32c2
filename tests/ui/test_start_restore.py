"""An empty database at start: the window offers the newest backup instead of giving up
(issue 16, point 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.db import backup_sqlite, open_database, replace_unusable
from app.paths import sqlite_url
from app.services.clock import FixedClock
from app.services.demo import fill
from app.services.errors import UnusableDatabaseError
from app.ui.application import offer_restore


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
