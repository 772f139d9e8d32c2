"""Hilfe → Handbuch (F1 opens the chapter of the page on screen) and Hilfe → Über (issue #15)."""

from __future__ import annotations

from importlib import metadata

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.ui.context import AppContext
from app.ui.help import CHAPTERS, PAGE_CHAPTERS, ManualDialog, manual_dir
from app.ui.main_window import PAGES, MainWindow


def test_every_chapter_of_the_docs_is_in_the_manual_and_every_page_has_one() -> None:
    assert sorted(p.name for p in manual_dir().glob("*.md")) == sorted(CHAPTERS)
    assert set(PAGE_CHAPTERS) == {spec.key for spec in PAGES}
    assert set(PAGE_CHAPTERS.values()) <= set(CHAPTERS)


def test_f1_opens_the_manual_at_the_chapter_of_the_current_page(
    context: AppContext, qtbot: QtBot,
) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.show_page("vouchers")
    qtbot.keyClick(window, Qt.Key.Key_F1)
    manual = window.manual
    assert isinstance(manual, ManualDialog) and manual.isVisible()
    assert manual.chapter == "loyalty.md"
    assert manual.chapters.currentItem().text() == "Bonus & Gutscheine"
    manual.close()
    window.show_page("today")
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert window.manual.chapter == "followups.md"


def test_the_manual_renders_the_markdown_and_follows_links_between_chapters(
    qtbot: QtBot,
) -> None:
    manual = ManualDialog("erste-schritte.md")
    qtbot.addWidget(manual)
    text = manual.browser.toPlainText()
    assert text.startswith("Erste Schritte") and "# " not in text
    assert "Einrichtungsassistent" in text
    manual.show_chapter("unbekannt.md")
    assert manual.chapter == "erste-schritte.md"
    manual.chapters.setCurrentRow(list(CHAPTERS).index("privacy.md"))
    assert "Sicherung" in manual.browser.toPlainText()


def test_about_names_the_version_and_the_data_folder(
    context: AppContext, qtbot: QtBot,
) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    box = window.about()
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert f"Stammkunde {metadata.version('stammkunde')}" in box.text()
    assert f"Datenordner: {context.data_dir}" in box.text()
    box.accept()


def test_the_demo_says_so_in_the_window_title(context: AppContext, qtbot: QtBot) -> None:
    context.demo = True
    window = MainWindow(context)
    qtbot.addWidget(window)
    assert window.windowTitle() == "Stammkunde – Demo"
