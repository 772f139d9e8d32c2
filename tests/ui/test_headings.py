"""Every page starts with a title of the same size and weight; the navigation shows icons."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.ui.context import AppContext
from app.ui.headings import TITLE_SCALE, page_title
from app.ui.main_window import PAGES, MainWindow


def test_every_page_has_one_bold_title_in_the_same_size(
    context: AppContext, qtbot: QtBot,
) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    reference = page_title("Vergleich").font()
    for spec in PAGES:
        titles = window.page(spec.key).findChildren(QLabel, "pageTitle")
        assert len(titles) == 1, spec.key
        font = titles[0].font()
        assert font.bold(), spec.key
        assert font.pointSizeF() == reference.pointSizeF(), spec.key
    assert reference.pointSizeF() == QLabel().font().pointSizeF() * TITLE_SCALE


def test_every_navigation_entry_shows_its_icon(context: AppContext, qtbot: QtBot) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    navigation = window._nav
    assert all(not navigation.item(row).icon().isNull() for row in range(navigation.count()))
