from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.models import Sale
from app.services.container import Services
from app.ui.context import AppContext, ChangeBus
from app.ui.sales.dashboard_page import DashboardPage
from app.ui.tasks import TaskRunner
from tests.services.sales.dashboard_data import seed

# The offscreen platform warns when a top-level widget is shown; it means nothing here.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def context(services: Services, tmp_path: Path) -> Iterator[AppContext]:
    ctx = AppContext(services=services, tasks=TaskRunner(), bus=ChangeBus(),
                     data_dir=tmp_path, log_file=tmp_path / "log.txt")
    yield ctx
    ctx.tasks.wait()


def add_sale(services: Services, customer_id: int, euros: int) -> None:
    with services.db.write() as session:
        session.add(Sale(customer_id=customer_id, sale_date=date(2026, 3, 14),
                         amount_cents=euros * 100, description="", document_no="RE-neu",
                         created_at=services.clock.now()))
        session.commit()


def test_the_page_shows_cached_figures_at_once_and_then_refreshes(
    qtbot: QtBot, context: AppContext, services: Services,
) -> None:
    ids = seed(services)
    services.dashboard.compute()
    add_sale(services, ids["Engel"], 150)  # not in the cache yet
    page = DashboardPage(context)
    qtbot.addWidget(page)
    revenue = page.cards["revenue"].value
    assert revenue.text() == "850,00 €"
    assert "Vorjahr" in page.cards["churn"].definition.text()
    assert "CLV" in page.cards["clv"].definition.text()
    with qtbot.waitSignal(page.refreshed, timeout=10_000):
        page.show()
    qtbot.waitUntil(lambda: revenue.text() == "1.000,00 €")
    assert "Stand 15.03.2026" in page.status.text()


def test_a_page_without_cache_computes_on_show(
    qtbot: QtBot, context: AppContext, services: Services,
) -> None:
    seed(services)
    page = DashboardPage(context)
    qtbot.addWidget(page)
    assert page.cards["revenue"].value.text() == "–"
    assert not page.pdf_button.isEnabled()
    page.show()
    qtbot.waitUntil(lambda: page.cards["revenue"].value.text() == "850,00 €", timeout=10_000)
    assert page.pdf_button.isEnabled()


def test_clicking_a_top_customer_opens_that_customer(
    qtbot: QtBot, context: AppContext, services: Services,
) -> None:
    ids = seed(services)
    services.dashboard.compute()
    opened: list[int] = []
    context.open_customer = opened.append
    page = DashboardPage(context)
    qtbot.addWidget(page)
    table = page.top_table
    assert table.item(0, 1).text() == "Dietz, Kim"
    rect = table.visualItemRect(table.item(1, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [ids["Müller"]]
    risk = page.risk_table
    qtbot.mouseClick(risk.viewport(), Qt.MouseButton.LeftButton,
                     pos=risk.visualItemRect(risk.item(0, 0)).center())
    assert opened == [ids["Müller"], ids["Becker"]]


def test_the_month_chart_switches_between_12_and_24_months(
    qtbot: QtBot, context: AppContext, services: Services,
) -> None:
    seed(services)
    services.dashboard.compute()
    page = DashboardPage(context)
    qtbot.addWidget(page)
    bars = page.months.chart().series()[0].barSets()[0]
    assert bars.count() == 12
    page.months_24.setChecked(True)
    assert page.months.chart().series()[0].barSets()[0].count() == 24


def test_the_pdf_export_writes_the_shown_figures(
    qtbot: QtBot, context: AppContext, services: Services, tmp_path: Path,
) -> None:
    seed(services)
    services.dashboard.compute()
    page = DashboardPage(context)
    qtbot.addWidget(page)
    target = tmp_path / "export" / "auswertung.pdf"
    page.export_pdf(target)
    qtbot.waitUntil(lambda: "PDF gespeichert" in page.status.text(), timeout=10_000)
    with pdfplumber.open(target) as pdf:
        assert "850,00 €" in pdf.pages[0].extract_text()


def test_the_nps_card_names_the_average_effort_next_to_the_satisfaction(
    qtbot: QtBot, context: AppContext, services: Services,
) -> None:
    ids = seed(services)
    services.feedback.record_score(ids["Engel"], kind="ces", score=3, given_on=date(2026, 2, 1))
    services.dashboard.compute()
    page = DashboardPage(context)
    qtbot.addWidget(page)
    assert "Ø CES (1–7): 3,00 (1 Antwort)" in page.cards["nps"].definition.text()
