"""A rule that would create many follow-ups at once asks first (issue #15): when it is switched
on in the rules dialog, and after a nightly run that left it waiting."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from app.services.container import Services
from app.services.followups.rules import RuleInput
from app.ui.context import AppContext
from app.ui.followups.release_dialog import ReleaseDialog
from app.ui.followups.rules_dialog import RulesDialog
from app.ui.scheduler import Notifier
from tests.services.followups.test_rule_release import at_risk_customers, dormant


def open_followups(services: Services) -> int:
    return len(services.followups.due(until=date(2026, 3, 15)))


def test_switching_on_a_rule_with_many_occasions_asks_and_spreads_them_out(
    context: AppContext, services: Services, qtbot: QtBot,
) -> None:
    at_risk_customers(services, 30)
    dialog = RulesDialog(context)
    qtbot.addWidget(dialog)
    dialog.list.setCurrentRow(next(i for i, r in enumerate(dialog.rules) if r.kind == "dormant"))
    dialog.enabled.setChecked(True)
    dialog.apply()
    assert not dormant(services).enabled  # not before the user chose
    release = dialog.release_dialog
    assert "würde heute 30 Wiedervorlagen auf einmal anlegen" in release.findChild(
        type(dialog.kind)).text()
    assert release.spread.isChecked() and release.per_day.value() == 10
    release.per_day.setValue(12)
    release.accept()
    rule = dormant(services)
    assert (rule.enabled, rule.per_day) == (True, 12)
    assert open_followups(services) == 12
    assert dialog.current_rule().enabled  # the list shows it switched on


def test_not_at_all_leaves_the_rule_off_and_creates_nothing(
    context: AppContext, services: Services, qtbot: QtBot,
) -> None:
    at_risk_customers(services, 30)
    preview = services.rule_release.dry_run(dormant(services).id)
    dialog = ReleaseDialog(context, preview)
    qtbot.addWidget(dialog)
    dialog.not_at_all.setChecked(True)
    assert not dialog.per_day.isEnabled()
    dialog.accept()
    assert not dormant(services).enabled and open_followups(services) == 0


def test_all_now_creates_every_follow_up_at_once(
    context: AppContext, services: Services, qtbot: QtBot,
) -> None:
    at_risk_customers(services, 30)
    dialog = ReleaseDialog(context, services.rule_release.dry_run(dormant(services).id))
    qtbot.addWidget(dialog)
    dialog.all_now.setChecked(True)
    dialog.accept()
    assert open_followups(services) == 30


def test_a_nightly_run_that_left_a_rule_waiting_asks_once(
    context: AppContext, services: Services, qtbot: QtBot,
) -> None:
    rule = dormant(services)
    services.rules.update(rule.id, RuleInput(name=rule.name, enabled=True, params=rule.params,
                                             subject_template=rule.subject_template))
    at_risk_customers(services, 30)
    window = QMainWindow()
    qtbot.addWidget(window)
    notifier = Notifier(context, window)
    result = services.rules.run_due()
    assert result.waiting == {rule.id: 30}
    notifier.rules_ran(result)
    notifier.rules_ran(result)  # the catch-up and the midnight run: one question
    asking = notifier.asking[rule.id]
    assert isinstance(asking, ReleaseDialog) and asking.isVisible()
    assert len(window.findChildren(ReleaseDialog)) == 1
    asking.reject()
    assert rule.id not in notifier.asking
    assert dormant(services).waiting == 30  # Abbrechen: it keeps waiting
