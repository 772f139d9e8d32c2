from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
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


def test_the_page_has_a_title_and_says_what_a_segment_is(
    qtbot: QtBot, context: AppContext
) -> None:
    page = SegmentsPage(context)
    qtbot.addWidget(page)
    assert page.findChild(QLabel, "pageTitle").text() == "Segmente"
    assert "gespeicherte Kundenauswahl" in page.findChild(QLabel, "pageExplanation").text()


def test_choosing_a_segment_lists_its_customers_and_a_double_click_opens_one(
    qtbot: QtBot, context: AppContext
) -> None:
    context.services.segments.save("Berliner", SegmentSpec(city="Berlin"))
    context.services.segments.save("Dresdner", SegmentSpec(city="Dresden"))
    opened: list[int] = []
    context.open_customer = opened.append
    page = SegmentsPage(context)
    qtbot.addWidget(page)
    page.segment_list.setCurrentRow(0)
    assert [page.members.index(r, 1).data() for r in range(page.members.rowCount())] == [
        "Alt", "Berg"]
    assert page.members_label.text() == "Das Segment zählt 2 Kunden."
    page.segment_list.setCurrentRow(1)
    assert page.members_label.text() == "Das Segment zählt 1 Kunde."
    page.members_view.doubleClicked.emit(page.members.index(0, 1))
    assert opened == [context.services.customers.get_by_number(
        page.members.index(0, 0).data()).id]


def test_counting_the_form_shows_the_customers_it_counts(
    qtbot: QtBot, context: AppContext
) -> None:
    page = SegmentsPage(context)
    qtbot.addWidget(page)
    qtbot.keyClicks(page.city_edit, "Dresden")
    page.count_button.click()
    assert page.count_label.text() == "1 Kunde: Ort Dresden"
    assert page.members.rowCount() == 1 and page.members.index(0, 1).data() == "Cord"
