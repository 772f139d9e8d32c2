"""The first-start assistant (issue #15): letterhead with a live preview, staff and "Ich bin",
imports, rules with today's numbers, backups; the same pages under Einstellungen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from app.services.company import CompanyProfile
from app.services.container import Services
from app.ui import preferences
from app.ui.context import AppContext
from app.ui.followups.release_dialog import DEFAULT_PER_DAY
from app.ui.main_window import MainWindow
from app.ui.settings_dialog import SettingsDialog
from app.ui.setup.letterhead_page import LetterheadPage
from app.ui.setup.wizard import SetupWizard, setup_needed
from tests.services.followups.test_rule_release import at_risk_customers


def fill_letterhead(page: LetterheadPage) -> None:
    for name, value in (("name", "Haustechnik Krause GmbH"), ("street", "Ringstraße 4"),
                        ("postcode", "93047"), ("city", "Regensburg"),
                        ("phone", "0941 123456")):
        page.edits[name].setText(value)


def test_a_new_database_at_a_pc_without_ich_bin_needs_the_assistant(
    context: AppContext, services: Services,
) -> None:
    assert setup_needed(context)
    preferences.set_staff_name("Meister Krause")
    assert not setup_needed(context)
    preferences.set_staff_name("")
    services.company.save(CompanyProfile(name="Krause GmbH"))
    assert not setup_needed(context)


def test_the_letter_preview_follows_what_is_typed(context: AppContext, qtbot: QtBot) -> None:
    page = LetterheadPage(context)
    qtbot.addWidget(page)
    page.show()
    assert page.preview.page_count == 1
    with qtbot.waitSignal(page._timer.timeout):
        fill_letterhead(page)
    text = page.preview._document.getAllText(0).text()
    assert "Haustechnik Krause GmbH" in text and "Ringstraße 4" in text
    assert "fehlt im Briefkopf" not in text


def test_an_empty_preview_says_what_a_letter_still_lacks(
    context: AppContext, qtbot: QtBot,
) -> None:
    page = LetterheadPage(context)
    qtbot.addWidget(page)
    text = page.preview._document.getAllText(0).text()
    assert "fehlt im Briefkopf noch: Firmenname, Straße, PLZ, Ort" in " ".join(text.split())


def test_a_wrong_field_keeps_the_assistant_on_the_letterhead_page(
    context: AppContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown: list[str] = []
    monkeypatch.setattr("app.ui.setup.wizard.show_error",
                        lambda _parent, error: shown.append(str(error)))
    wizard = SetupWizard(context)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.letterhead.edits["street"].setText("Ringstraße 4")
    wizard.next()
    assert wizard.currentPage() is wizard.pages[0]
    assert "Firmenname" in shown[0] and "Firmenname" in wizard.letterhead.errors.text()


def test_the_assistant_sets_up_letterhead_staff_rules_and_backups(
    context: AppContext, services: Services, qtbot: QtBot, tmp_path: Path,
) -> None:
    at_risk_customers(services, 30)
    wizard = SetupWizard(context)
    qtbot.addWidget(wizard)
    wizard.show()
    fill_letterhead(wizard.letterhead)
    wizard.next()
    assert services.company.get().name == "Haustechnik Krause GmbH"
    qtbot.keyClicks(wizard.staff.new_name, "Meister Krause")
    wizard.staff.add()
    wizard.staff.me.setCurrentIndex(wizard.staff.me.findData("Meister Krause"))
    wizard.next()
    assert "30 Kunden, 30 Umsätze" in wizard.imports.state.text()
    wizard.next()
    dormant = next(r for r in wizard.rules.rules if r.kind == "dormant")
    assert wizard.rules.counts[dormant.id].text() == "heute 30 Wiedervorlagen"
    assert not wizard.rules.boxes[dormant.id].isChecked()
    spin = wizard.rules.per_day[dormant.id]
    assert spin.value() == DEFAULT_PER_DAY and not spin.isEnabled()
    wizard.rules.boxes[dormant.id].setChecked(True)
    wizard.next()
    wizard.backups.set_folder(tmp_path / "usb")
    with qtbot.waitSignal(context.bus.changed):
        wizard.button(QWizard.WizardButton.FinishButton).click()
    assert preferences.staff_name() == "Meister Krause"
    assert services.settings.staff() == ["Meister Krause"]
    rule = next(r for r in services.rules.rules() if r.kind == "dormant")
    assert (rule.enabled, rule.released, rule.per_day) == (True, 1, DEFAULT_PER_DAY)
    assert len(services.rules.run_due().followups) == DEFAULT_PER_DAY
    assert services.backups.folder() == tmp_path / "usb"


def test_the_rules_page_counts_again_after_an_import(
    context: AppContext, services: Services, qtbot: QtBot,
) -> None:
    wizard = SetupWizard(context)
    qtbot.addWidget(wizard)
    dormant = next(r for r in wizard.rules.rules if r.kind == "dormant")
    assert wizard.rules.counts[dormant.id].text() == "heute keine"
    at_risk_customers(services, 3)
    wizard.show()
    for _page in range(3):
        wizard.next()
    assert wizard.rules.counts[dormant.id].text() == "heute 3 Wiedervorlagen"
    assert dormant.id not in wizard.rules.per_day  # few: no need to spread them


def test_the_assistant_opens_from_the_file_menu_and_from_the_settings(
    context: AppContext, qtbot: QtBot,
) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    file_menu = window.menuBar().actions()[0].menu()
    entry = next(a for a in file_menu.actions()
                 if "Einrichtungsassistent" in a.text().replace("&", ""))
    entry.trigger()
    assert isinstance(window.setup_wizard, SetupWizard) and window.setup_wizard.isVisible()
    window.setup_wizard.reject()
    settings = SettingsDialog(context, window)
    qtbot.addWidget(settings)
    titles = [settings.tabs.tabText(i) for i in range(settings.tabs.count())]
    assert {"Briefkopf", "Betreuer", "Regeln", "Sicherung"} <= set(titles)
    settings.show()
    wizard = settings.open_setup()
    assert wizard.isVisible() and not settings.isVisible()
    wizard.reject()


def test_the_settings_save_without_a_letterhead_when_it_was_not_touched(
    context: AppContext, services: Services, qtbot: QtBot,
) -> None:
    settings = SettingsDialog(context)
    qtbot.addWidget(settings)
    settings.accept()
    assert settings.result() == SettingsDialog.DialogCode.Accepted
    assert services.company.get() == CompanyProfile()
