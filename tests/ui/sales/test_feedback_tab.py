from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.ui.context import AppContext, ChangeBus
from app.ui.sales.feedback_tab import FeedbackTab
from app.ui.tasks import TaskRunner


@pytest.fixture
def context(services: Services, tmp_path: Path) -> Iterator[AppContext]:
    ctx = AppContext(services=services, tasks=TaskRunner(), bus=ChangeBus(),
                     data_dir=tmp_path, log_file=tmp_path / "log.txt")
    yield ctx
    ctx.tasks.wait()


@pytest.fixture
def customer_id(services: Services) -> int:
    return services.customers.create(CustomerInput(last_name="Müller")).id


def test_marking_a_complaint_done_stores_the_resolution(
    qtbot: QtBot, context: AppContext, services: Services, customer_id: int,
) -> None:
    services.feedback.open_complaint(customer_id, subject="Heizung kalt")
    tab = FeedbackTab(context, customer_id)
    qtbot.addWidget(tab)
    assert tab.complaints_model.index(0, 2).data() == "offen"
    assert not tab.done_button.isEnabled()
    tab.complaints.selectRow(0)
    assert tab.done_button.isEnabled()
    qtbot.keyClicks(tab.resolution, "Ventil getauscht")
    with qtbot.waitSignal(context.bus.changed):
        qtbot.mouseClick(tab.done_button, Qt.MouseButton.LeftButton)
    complaint = services.feedback.complaints(customer_id)[0]
    assert (complaint.status, complaint.resolution) == ("done", "Ventil getauscht")
    assert tab.complaints_model.index(0, 2).data() == "erledigt"
    assert tab.complaints_model.index(0, 3).data() == "Ventil getauscht"


def test_recording_a_score_and_a_complaint_in_the_tab(
    qtbot: QtBot, context: AppContext, services: Services, customer_id: int,
) -> None:
    tab = FeedbackTab(context, customer_id)
    qtbot.addWidget(tab)
    tab.kind.setCurrentIndex(tab.kind.findData("csat"))
    assert (tab.score.minimum(), tab.score.maximum()) == (1, 5)
    tab.score.setValue(4)
    qtbot.keyClicks(tab.comment, "sauber gearbeitet")
    with qtbot.waitSignal(context.bus.changed):
        qtbot.mouseClick(tab.save_score, Qt.MouseButton.LeftButton)
    assert [(s.kind, s.score, s.comment) for s in services.feedback.scores(customer_id)] == [
        ("csat", 4, "sauber gearbeitet")]
    assert tab.scores_model.index(0, 2).data() == "4 / 5"
    qtbot.keyClicks(tab.subject, "Rechnung doppelt")
    with qtbot.waitSignal(context.bus.changed):
        qtbot.mouseClick(tab.open_button, Qt.MouseButton.LeftButton)
    assert services.feedback.complaints(customer_id)[0].subject == "Rechnung doppelt"
    assert services.timeline.entries(customer_id)[0].channel == "complaint"
    assert tab.complaints_model.rowCount() == 1
