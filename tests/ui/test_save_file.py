"""The window's save dialogs refuse the open database, its companions and another program's
SQLite file with the same German message as the command line (issue 16, point 4)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from app.services.container import Services
from app.ui.context import AppContext
from app.ui.loyalty.vouchers_page import VouchersPage
from app.ui.sales.dashboard_page import DashboardPage
from tests.services.sales.dashboard_data import seed

pytestmark = pytest.mark.sqlite_only("guards the SQLite file")


def answer_save_dialog(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    """The save dialog answers `path`; the warnings shown are collected."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *_args: (str(path), _args[-1].split(";;")[0]))
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    return warnings


def test_the_dashboard_pdf_is_not_saved_over_the_open_database(
    qtbot: QtBot, context: AppContext, services: Services, monkeypatch: pytest.MonkeyPatch,
) -> None:
    live = services.db.sqlite_path
    assert live is not None
    before = live.read_bytes()[:100]
    seed(services)
    services.dashboard.compute()
    page = DashboardPage(context)
    qtbot.addWidget(page)
    warnings = answer_save_dialog(monkeypatch, live)
    page.pdf_button.click()
    context.tasks.wait()
    assert len(warnings) == 1
    assert "ist die geöffnete Datenbank oder eine ihrer Begleitdateien" in warnings[0]
    assert live.read_bytes()[:100] == before
    assert services.customers.count() > 0


@pytest.mark.parametrize("target", ["wal", "foreign"])
def test_the_voucher_liability_csv_never_replaces_a_database_file(
    qtbot: QtBot, context: AppContext, services: Services, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path, target: str,
) -> None:
    live = services.db.sqlite_path
    assert live is not None
    if target == "wal":
        path = live.with_name(live.name + "-wal")
        expected = "ist die geöffnete Datenbank oder eine ihrer Begleitdateien"
    else:
        path = tmp_path / "places.sqlite"
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY)")
        conn.close()
        expected = "ist eine SQLite-Datenbank; Stammkunde überschreibt sie nicht"
    page = VouchersPage(context)
    qtbot.addWidget(page)
    warnings = answer_save_dialog(monkeypatch, path)
    export = next(b for b in page.findChildren(QPushButton)
                  if b.text().startswith("Verbindlichkeiten als CSV"))
    export.click()
    assert len(warnings) == 1 and expected in warnings[0]
    if target == "foreign":
        assert path.read_bytes().startswith(b"SQLite format 3\x00")
