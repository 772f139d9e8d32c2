from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
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


def test_a_second_rule_of_a_kind_is_added_and_set_to_mail_with_the_letter_as_fallback(
    context: AppContext, services: Services, qtbot: QtBot
) -> None:
    """The playbook's staged campaign: a reminder 30 days after the first purchase."""
    dialog = RulesDialog(context)
    qtbot.addWidget(dialog)
    before = dialog.list.count()
    dialog.new_kind.setCurrentIndex(dialog.new_kind.findData("first_purchase"))
    dialog.new_button.click()
    assert dialog.list.count() == before + 1
    assert dialog.list.currentItem().text() == "Nach dem Erstkauf (2)"
    assert dialog.status.text() == "Neue Regel angelegt (ausgeschaltet)."
    dialog.enabled.setChecked(True)
    dialog.param_spins["days_after"].setValue(30)
    qtbot.keyClicks(dialog.letter, "Erinnerung")
    dialog.by_email.setChecked(True)
    dialog.create_followup.setChecked(False)
    dialog.apply_button.click()
    added = services.rules.rules()[-1]
    assert (added.kind, added.enabled, added.params, added.letter_template, added.by_email,
            added.create_followup) == ("first_purchase", True, {"days_after": 30},
                                       "Erinnerung", True, False)


def test_mail_without_a_template_is_refused_with_the_field_named(
    context: AppContext, services: Services, qtbot: QtBot
) -> None:
    shown: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        shown.append(box.text())
        box.accept()

    dialog = RulesDialog(context)
    qtbot.addWidget(dialog)
    dialog.list.setCurrentRow(0)
    dialog.letter.clear()
    dialog.by_email.setChecked(True)
    QTimer.singleShot(0, read_and_close)
    dialog.apply_button.click()
    assert len(shown) == 1 and "per E-Mail" in shown[0]
    assert not services.rules.rules()[0].by_email
