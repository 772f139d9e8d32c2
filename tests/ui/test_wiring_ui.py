"""UI of the cross-feature wiring: rule voucher actions, mailing sources and options."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.services.container import Services
from app.services.customers.segments import SegmentSpec
from app.ui.context import AppContext
from app.ui.followups.rules_dialog import RulesDialog
from app.ui.letters.page import LettersPage
from tests.services.letters.test_mailings import make_customers, set_columns


def test_the_rules_dialog_offers_the_voucher_kinds_and_the_voucher_action(
    context: AppContext, services: Services, qtbot: QtBot
) -> None:
    dialog = RulesDialog(context)
    qtbot.addWidget(dialog)
    names = [dialog.list.item(row).text() for row in range(dialog.list.count())]
    dialog.list.setCurrentRow(names.index("Gutschein läuft ab"))
    assert list(dialog.param_spins) == ["days_before"]
    assert dialog.voucher.text() == "kein Gutschein"
    dialog.list.setCurrentRow(names.index("Bonuskarte erreicht Prämie"))
    assert dialog.param_spins == {}
    dialog.enabled.setChecked(True)
    dialog.voucher.setValue(12.5)
    dialog.voucher_days.setValue(90)
    dialog.apply_button.click()
    rule = next(r for r in services.rules.rules() if r.kind == "card_reward")
    assert (rule.enabled, rule.voucher_cents, rule.voucher_days) == (True, 1250, 90)
    assert dialog.voucher.value() == 12.5


@pytest.mark.usefixtures("letterhead")
def test_the_serial_letter_tab_prints_a_letter_list_with_a_voucher_and_a_follow_up(
    context: AppContext, services: Services, qtbot: QtBot, tmp_path: Path
) -> None:
    ids = make_customers(services, 3)
    set_columns(services, ids[:2], abc_class="A")
    services.segments.save("Top", SegmentSpec(abc_classes=("A",)))
    for cid in ids[1:]:
        services.today.queue_letter(cid, template_key="geburtstag_gutschein")
    page = LettersPage(context)
    qtbot.addWidget(page)
    tab = page.mailing
    tab.template.setCurrentIndex(tab.template.findText("Geburtstagsgruß mit Gutschein"))
    tab.source_kind.setCurrentIndex(tab.source_kind.findData("segment"))
    assert tab.source_value.isHidden() and tab.source_choice.currentData() == "Top"
    tab.voucher.setValue(5)
    tab.make_plan()
    qtbot.waitUntil(lambda: tab.plan is not None)
    assert tab.plan is not None and len(tab.plan.recipients) == 2
    assert "Segment „Top“" in tab.summary.text()
    tab.source_kind.setCurrentIndex(tab.source_kind.findData("letter_list"))
    assert tab.source_choice.itemText(0) == "Geburtstagsgruß mit Gutschein – 2 Kunden vorgemerkt"
    tab.followup.setChecked(True)
    tab.generate(tmp_path / "liste.pdf")
    qtbot.waitUntil(lambda: tab.result is not None, timeout=10_000)
    assert tab.result is not None and len(tab.result.vouchers) == 2
    assert "2 Gutscheine ausgegeben. 2 Wiedervorlagen angelegt." in tab.summary.text()
    assert tab.source_choice.count() == 0  # the letter list is printed
    tab.generate(tmp_path / "leer.pdf")
    assert "Keine Auswahl vorhanden" in tab.summary.text()
