from __future__ import annotations

import threading
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from app.services.changes import Changes, Domain
from app.services.container import Services
from app.services.errors import ValidationError
from app.services.progress import Progress
from app.services.sales.classification import (
    ClassificationResult,
    ClassificationSettings,
    ClassSummary,
)
from app.ui.context import AppContext
from app.ui.sales.classification_settings import ClassificationSettingsPage, summary
from app.ui.settings_dialog import SettingsDialog
from tests.services.sales.test_classification import customers_with

STORED = ClassificationSettings(method="amount", a_share_pct=70, ab_share_pct=90,
                                a_min_cents=250_000, b_min_cents=50_050, window_months=None,
                                churn_factor=1.5, one_time_days=200)


def open_page(context: AppContext,
              qtbot: QtBot) -> tuple[SettingsDialog, ClassificationSettingsPage]:
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    page = dialog.pages["classes"]
    assert isinstance(page, ClassificationSettingsPage)
    assert dialog.tabs.tabText(dialog.tabs.indexOf(page)) == "Klassen"
    return dialog, page


def retype(qtbot: QtBot, widget: object, text: str) -> None:
    widget.clear()  # type: ignore[attr-defined]
    qtbot.keyClicks(widget, text)


def stored_classes(services: Services, ids: dict[str, int]) -> dict[str, str | None]:
    return {number: services.classification.info(cid).abc_class for number, cid in ids.items()}


def test_the_page_shows_the_stored_settings(context: AppContext, qtbot: QtBot) -> None:
    context.services.classification.save_settings(STORED)
    _dialog, page = open_page(context, qtbot)
    assert page.by_amount.isChecked()
    assert (page.a_share.value(), page.ab_share.value()) == (70, 90)
    assert (page.a_min.text(), page.b_min.text()) == ("2.500,00 €", "500,50 €")
    assert page.all_time.isChecked() and not page.months.isEnabled()
    assert page.churn_factor.text() == "1,5 × üblicher Kaufabstand"
    assert page.one_time_days.value() == 200
    assert page.a_min.isEnabled() and not page.a_share.isEnabled()
    assert page.settings() == STORED


def test_the_explanation_follows_the_fields_as_they_change(
        context: AppContext, qtbot: QtBot) -> None:
    _dialog, page = open_page(context, qtbot)
    assert page.explanation.text().startswith(
        "A: die umsatzstärksten Kunden, die zusammen 80 % des Umsatzes der letzten 12 Monate "
        "bringen; B: die folgenden bis zusammen 95 %")
    page.a_share.setValue(70)
    page.months.setValue(24)
    assert "zusammen 70 % des Umsatzes der letzten 24 Monate" in page.explanation.text()
    page.by_amount.click()
    retype(qtbot, page.a_min, "7500")
    page.all_time.setChecked(True)
    assert page.explanation.text().startswith(
        "A: Kunden mit mindestens 7.500,00 € Umsatz insgesamt; B: mit mindestens 1.000,00 €")
    page.churn_factor.setValue(1.5)
    assert ("das 1,5-fache seines üblichen Kaufabstands (kauft jemand sonst alle 3 Monate: "
            "nach 4,5 Monaten)") in page.explanation.text()


def test_ok_stores_exactly_the_new_settings_and_recomputes(
        context: AppContext, qtbot: QtBot) -> None:
    ids = customers_with(context.services, {"K-1": 600_000, "K-2": 200_000})
    dialog, page = open_page(context, qtbot)
    page.by_amount.click()
    retype(qtbot, page.a_min, "3.000")
    retype(qtbot, page.b_min, "1500,50")
    page.months.setValue(6)
    page.churn_factor.setValue(3.0)
    page.one_time_days.setValue(400)
    with qtbot.waitSignal(context.bus.changed,
                          check_params_cb=lambda c: c.touches("classification")):
        dialog.accept()
    assert context.services.classification.settings() == ClassificationSettings(
        method="amount", a_share_pct=80, ab_share_pct=95, a_min_cents=300_000,
        b_min_cents=150_050, window_months=6, churn_factor=3.0, one_time_days=400)
    assert stored_classes(context.services, ids) == {"K-1": "A", "K-2": "B"}


def test_ok_with_unchanged_settings_neither_stores_nor_recomputes(
        context: AppContext, qtbot: QtBot) -> None:
    context.services.classification.save_settings(STORED)
    ids = customers_with(context.services, {"K-1": 600_000})
    dialog, _page = open_page(context, qtbot)
    QApplication.processEvents()  # what the set-up wrote reaches the views first
    published: list[Changes] = []
    context.bus.changed.connect(published.append)
    dialog.accept()
    context.tasks.wait()
    QApplication.processEvents()  # deliver a (wrongly) queued result
    assert {domain for changes in published for domain in changes.domains} == {Domain.SETTINGS}
    assert stored_classes(context.services, ids) == {"K-1": None}


def test_an_a_threshold_not_below_the_a_b_threshold_keeps_the_dialog_open(
        context: AppContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    dialog, page = open_page(context, qtbot)
    page.a_share.setValue(90)
    page.ab_share.setValue(90)
    dialog.accept()
    assert dialog.isVisible() and dialog.tabs.currentWidget() is page
    assert warnings == ["A+B-Schwelle: 0 < A-Schwelle < A+B-Schwelle ≤ 100 %"]
    assert page.errors["ab_share_pct"].text() == "0 < A-Schwelle < A+B-Schwelle ≤ 100 %"
    assert context.services.settings.get("classification", None) is None


def test_b_above_a_and_a_non_amount_are_shown_at_their_fields_and_nothing_is_stored(
        context: AppContext, qtbot: QtBot) -> None:
    _dialog, page = open_page(context, qtbot)
    page.by_amount.click()
    retype(qtbot, page.a_min, "1.000")
    retype(qtbot, page.b_min, "2.000")
    with pytest.raises(ValidationError) as refused:
        page.save()
    assert refused.value.message == "B ab: B-Grenze muss zwischen 0 und der A-Grenze liegen"
    assert page.errors["b_min_cents"].text() == "B-Grenze muss zwischen 0 und der A-Grenze liegen"
    retype(qtbot, page.a_min, "viel")
    page.recompute_now()
    assert page.errors["a_min_cents"].text() == "„viel“ ist kein Geldbetrag"
    assert page.errors["b_min_cents"].text() == ""
    assert page.recompute_button.isEnabled() and page.status.text() == ""
    assert context.services.settings.get("classification", None) is None


def test_recompute_now_with_the_amount_method_reclassifies_and_sums_up(
        context: AppContext, qtbot: QtBot) -> None:
    services = context.services
    ids = customers_with(services, {"K-1": 600_000, "K-2": 200_000, "K-3": 50_000, "K-4": 0})
    services.classification.recompute()
    assert stored_classes(services, ids) == {"K-1": "A", "K-2": "A", "K-3": "B", "K-4": "C"}
    _dialog, page = open_page(context, qtbot)
    page.by_amount.click()
    retype(qtbot, page.a_min, "5.000")
    retype(qtbot, page.b_min, "1.000")
    published: list[Changes] = []
    context.bus.changed.connect(published.append)
    qtbot.mouseClick(page.recompute_button, Qt.MouseButton.LeftButton)
    assert not page.recompute_button.isEnabled()
    qtbot.waitUntil(lambda: page.recompute_button.isEnabled())
    assert page.status.text().splitlines() == [
        "Neu berechnet, Stand 15.03.2026:",
        "A: 1 Kunde, 6.000,00 € (70,6 % des Umsatzes)",
        "B: 1 Kunde, 2.000,00 € (23,5 % des Umsatzes)",
        "C: 2 Kunden, 500,00 € (5,9 % des Umsatzes)",
        "2 Kunden haben die Klasse gewechselt"]
    assert stored_classes(services, ids) == {"K-1": "A", "K-2": "B", "K-3": "C", "K-4": "C"}
    assert services.classification.settings().method == "amount"
    assert any(c.touches(Domain.CLASSES) and c.touches(Domain.CUSTOMERS) for c in published)


def test_a_recompute_started_by_ok_finishes_after_the_dialog_is_gone(
        context: AppContext, qtbot: QtBot) -> None:
    ids = customers_with(context.services, {"K-1": 600_000, "K-2": 200_000})
    gate = threading.Event()

    def hold(_progress: Progress) -> bool:
        return gate.wait(10)

    context.tasks.start(hold, on_done=lambda _r: None, on_error=lambda _e: None)
    dialog = SettingsDialog(context)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    page = dialog.pages["classes"]
    assert isinstance(page, ClassificationSettingsPage)
    page.ab_share.setValue(99)
    published: list[Changes] = []
    context.bus.changed.connect(published.append)
    dialog.accept()
    qtbot.waitUntil(lambda: not isValid(page))
    gate.set()
    qtbot.waitUntil(lambda: any(c.touches("classification") for c in published))
    assert stored_classes(context.services, ids) == {"K-1": "A", "K-2": "A"}


def test_the_summary_writes_counts_money_and_shares_the_german_way(qtbot: QtBot) -> None:
    result = ClassificationResult(
        as_of=date(2026, 3, 15), window_start=date(2025, 3, 16), method="share",
        classes=(ClassSummary("A", 1_234, 123_456_789, 80.06),
                 ClassSummary("B", 1, 5_00, 0.0), ClassSummary("C", 0, 0, 0.0)),
        total_revenue_cents=123_457_289, changed=1, updated=1, scores=())
    assert summary(result).splitlines() == [
        "Neu berechnet, Stand 15.03.2026:",
        "A: 1.234 Kunden, 1.234.567,89 € (80,1 % des Umsatzes)",
        "B: 1 Kunde, 5,00 € (0,0 % des Umsatzes)",
        "C: 0 Kunden, 0,00 € (0,0 % des Umsatzes)",
        "1 Kunde hat die Klasse gewechselt"]
