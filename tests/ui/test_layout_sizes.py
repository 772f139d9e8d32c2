"""Every page fits a 1024×768 screen with demo data: nothing forces the window wider, and the
letter previews shrink to their view instead of being cut off. Sizes, not pixels."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea
from pytestqt.qtbot import QtBot

from app.services.customers.segments import SegmentSpec
from app.services.demo.showcase import populate
from app.ui.context import AppContext
from app.ui.customers.segments_page import SegmentsPage
from app.ui.letters.page import LettersPage
from app.ui.letters.pdf_view import PdfPreview
from app.ui.main_window import PAGES, MainWindow
from app.ui.sales.dashboard_page import DashboardPage

SMALL = QSize(1024, 768)


@pytest.fixture
def window(context: AppContext, qtbot: QtBot) -> Iterator[MainWindow]:
    populate(context.services, customers=40)
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.show()
    win.resize(SMALL)
    yield win
    context.tasks.wait()


def settle(window: MainWindow) -> None:
    """Let the layouts run, as the event loop would between two paints."""
    for _ in range(3):
        QApplication.processEvents()
    window.resize(SMALL)
    QApplication.processEvents()


def assert_fits(window: MainWindow) -> None:
    assert window.minimumSizeHint().boundedTo(SMALL) == window.minimumSizeHint()
    assert window.size() == SMALL


def shown_width(preview: PdfPreview) -> float:
    label = preview.findChild(QLabel)
    assert label is not None
    pixmap = label.pixmap()
    assert not pixmap.isNull()
    return pixmap.width() / pixmap.devicePixelRatio()


def test_every_page_fits_a_1024_by_768_window(window: MainWindow, qtbot: QtBot) -> None:
    for spec in PAGES:
        page = window.show_page(spec.key)
        settle(window)
        assert_fits(window)
        assert page.width() >= page.minimumSizeHint().width(), spec.key


def test_long_texts_wrap_instead_of_widening_the_window(window: MainWindow) -> None:
    segments = window.show_page("segments")
    assert isinstance(segments, SegmentsPage)
    segments.show_spec("Lang", SegmentSpec(
        abc_classes=("A", "B"), at_risk=True, city="Regensburg", last_contact_min_days=180,
        tags=("Wartungsvertrag", "Vermieter", "Stammkunde"), birthday_months=(5, 12)))
    segments.count()
    settle(window)
    assert_fits(window)
    dashboard = window.show_page("dashboard")
    assert isinstance(dashboard, DashboardPage)
    dashboard.status.setText("Stand 23.11.2026, berechnet 23.11.2026 14:42 – wird "
                             "aktualisiert: Kunden und Umsätze der letzten 24 Monate …")
    settle(window)
    assert_fits(window)


@pytest.mark.usefixtures("letterhead")
def test_the_letter_previews_fit_their_view_at_1024_pixels(
        window: MainWindow, qtbot: QtBot) -> None:
    page = window.show_page("letters")
    assert isinstance(page, LettersPage)
    settle(window)
    templates = page.templates
    qtbot.waitUntil(lambda: templates.preview.page_count == 1, timeout=30_000)
    view = templates.preview.findChild(QScrollArea)
    assert view is not None
    assert shown_width(templates.preview) <= view.viewport().width()
    assert templates.preview.width() >= PdfPreview.MIN_WIDTH
    mailing = page.mailing
    page.tabs.setCurrentWidget(mailing)
    with qtbot.waitSignal(mailing.preview_button.clicked):
        mailing.preview_button.click()
    qtbot.waitUntil(lambda: mailing.preview.page_count > 0)
    settle(window)
    view = mailing.preview.findChild(QScrollArea)
    assert view is not None
    assert shown_width(mailing.preview) <= view.viewport().width()
    assert_fits(window)
