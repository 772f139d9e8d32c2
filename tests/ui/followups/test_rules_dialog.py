from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.services.container import Services
from app.ui.context import AppContext
from app.ui.followups.rules_dialog import RulesDialog


def test_a_rule_is_switched_on_and_tuned_in_the_dialog(
    context: AppContext, services: Services, qtbot: QtBot
) -> None:
    dialog = RulesDialog(context)
    qtbot.addWidget(dialog)
    names = [dialog.list.item(row).text() for row in range(dialog.list.count())]
    assert names[:3] == ["Geburtstag", "Nach dem Erstkauf", "Schlafender Kunde"]
    dialog.list.setCurrentRow(names.index("Großer Einkauf"))
    assert not dialog.enabled.isChecked()
    dialog.enabled.setChecked(True)
    dialog.param_spins["min_cents"].setValue(200_000)
    qtbot.keyClicks(dialog.letter, "dankeschoen")
    dialog.apply_button.click()
    big = next(r for r in services.rules.rules() if r.kind == "big_purchase")
    assert (big.enabled, big.params["min_cents"], big.letter_template) == (
        True, 200_000, "dankeschoen")
    assert dialog.status.text() == "Gespeichert."
    assert dialog.list.currentItem().text() == "Großer Einkauf"


def test_switching_a_default_rule_off_keeps_its_settings(
    context: AppContext, services: Services, qtbot: QtBot
) -> None:
    dialog = RulesDialog(context)
    qtbot.addWidget(dialog)
    dialog.list.setCurrentRow(0)
    dialog.param_spins["days_before"].setValue(10)
    dialog.enabled.setChecked(False)
    dialog.apply_button.click()
    birthday = services.rules.rules()[0]
    assert (birthday.enabled, birthday.params) == (False, {"days_before": 10})
