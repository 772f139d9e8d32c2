"""One writer at a time, on SQLite (BEGIN IMMEDIATE) and PostgreSQL (an advisory lock) alike."""

from __future__ import annotations

import queue
import threading

import pytest

from app.db import Database
from app.models.settings import Setting
from app.services.errors import StorageError


def test_a_second_writer_waits_for_the_first_and_then_sees_its_rows(db: Database) -> None:
    seen: queue.Queue[bool] = queue.Queue()

    def second_writer() -> None:
        with db.write() as session:
            seen.put(session.get(Setting, "erster") is not None)

    with db.write() as first:
        first.add(Setting(key="erster", value="1"))
        first.flush()
        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join(timeout=0.5)
        assert thread.is_alive(), "the second writer did not wait for the first"
        first.commit()
    thread.join(timeout=10)
    assert seen.get_nowait() is True


def test_a_writer_waiting_longer_than_the_busy_timeout_is_told_the_database_is_busy(
    db: Database,
) -> None:
    impatient = Database(db.url, busy_timeout_ms=100)
    try:
        with db.write() as first:
            first.add(Setting(key="erster", value="1"))
            first.flush()
            with pytest.raises(StorageError, match="gesperrt"), impatient.write() as second:
                second.get(Setting, "erster")
    finally:
        impatient.dispose()
