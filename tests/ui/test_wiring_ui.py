"""UI of the cross-feature wiring: rule voucher actions, mailing sources and options."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.services.container import Services
from app.ui.context import AppContext
from app.ui.rules_dialog import RulesDialog


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
