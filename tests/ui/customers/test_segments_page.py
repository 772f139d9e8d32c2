from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.customers.segments import SegmentSpec
from app.ui.context import AppContext, ChangeBus
from app.ui.customers.segments_page import SegmentsPage
from app.ui.tasks import TaskRunner


@pytest.fixture
def context(services: Services, tmp_path: Path) -> AppContext:
    for name, city in (("Alt", "Berlin"), ("Berg", "Berlin"), ("Cord", "Dresden")):
        services.customers.create(CustomerInput(last_name=name, city=city, postcode="10115"))
    return AppContext(services=services, tasks=TaskRunner(), bus=ChangeBus(),
                      data_dir=tmp_path, log_file=tmp_path / "log.txt")


def test_a_segment_is_counted_saved_listed_and_loaded_back(
    qtbot: QtBot, context: AppContext
) -> None:
    page = SegmentsPage(context)
    qtbot.addWidget(page)
    qtbot.keyClicks(page.name_edit, "Berliner")
    qtbot.keyClicks(page.city_edit, "Berlin")
    qtbot.keyClicks(page.months_edit, "5, 12")
    page.class_boxes["C"].setChecked(True)
    page.count_button.click()
    assert page.count_label.text().startswith("0 Kunden: Klasse C; Ort Berlin")
    page.months_edit.clear()
    page.class_boxes["C"].setChecked(False)
    page.count_button.click()
    assert page.count_label.text() == "2 Kunden: Ort Berlin"
    with qtbot.waitSignal(context.bus.changed):
        page.save_button.click()
    assert page.segment_list.item(0).text() == "Berliner (2)"
    assert context.services.segments.get("Berliner").spec == SegmentSpec(city="Berlin")
    page.city_edit.clear()
    page.segment_list.setCurrentRow(0)
    assert page.city_edit.text() == "Berlin"


def test_a_bad_month_and_an_unnamed_segment_are_explained(
    qtbot: QtBot, context: AppContext
) -> None:
    page = SegmentsPage(context)
    qtbot.addWidget(page)
    qtbot.keyClicks(page.months_edit, "Mai")
    page.count_button.click()
    assert "Monate" in page.error_label.text()
    page.months_edit.clear()
    page.rfm_list.item(0).setCheckState(Qt.CheckState.Checked)
    page.save_button.click()
    assert "Name" in page.error_label.text()
    assert context.services.segments.saved() == []
