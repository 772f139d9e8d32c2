from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services.container import Services
from app.ui.context import AppContext, ChangeBus
from app.ui.tasks import TaskRunner


@pytest.fixture
def context(services: Services, tmp_path: Path) -> Iterator[AppContext]:
    ctx = AppContext(services=services, tasks=TaskRunner(), bus=ChangeBus(), user="Test",
                     data_dir=tmp_path, log_file=tmp_path / "stammkunde.log")
    yield ctx
    ctx.tasks.wait()
