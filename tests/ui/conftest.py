"""UI fixtures: an isolated QSettings store and an AppContext over the real services."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from app.services.container import Services
from app.ui.context import AppContext, ChangeBus
from app.ui.tasks import TaskRunner

UI_TESTS = Path(__file__).parent
# The offscreen platform has no window manager; Qt says so when a window is shown or raised.
# Harmless, and only there, so ignored for these tests alone.
OFFSCREEN_NOISE = r"This plugin does not support (propagateSizeHints|raise)\(\)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if UI_TESTS in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def isolated_settings(qapp: QApplication, tmp_path: Path) -> Iterator[None]:
    """QSettings go to a temp dir, so tests neither see nor change the user's settings."""
    qapp.setOrganizationName("StammkundeTest")
    qapp.setApplicationName("StammkundeTest")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "qsettings"))
    yield
    QSettings().clear()


@pytest.fixture
def context(services: Services, tmp_path: Path) -> Iterator[AppContext]:
    ctx = AppContext(services=services, tasks=TaskRunner(), bus=ChangeBus(),
                     data_dir=tmp_path, log_file=tmp_path / "stammkunde.log")
    yield ctx
    ctx.tasks.wait()
