from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.privacy.consents import ConsentInput
from app.services.privacy.contact_policy import Channel
from app.ui.context import AppContext, ChangeBus
from app.ui.privacy.backups_dialog import BackupsDialog, backup_on_close
from app.ui.privacy.customer_tab import ConsentDialog, PrivacyTab
from app.ui.privacy.page import PrivacyPage
from app.ui.scheduler import AppScheduler, nightly_hooks
from app.ui.tasks import TaskRunner

SHOTS = Path("/tmp/privacy-shots")


@pytest.fixture
def context(services: Services, tmp_path: Path) -> Iterator[AppContext]:
    ctx = AppContext(services=services, tasks=TaskRunner(), bus=ChangeBus(),
                     data_dir=tmp_path, log_file=tmp_path / "log.txt")
    yield ctx
    ctx.tasks.wait()


@pytest.fixture
def anna(services: Services) -> int:
    return services.customers.create(CustomerInput(
        first_name="Anna", last_name="Quastenberg", street="Zwiebelgasse 1",
        postcode="01067", city="Dresden", email="anna@quastenberg.example",
        phone="0351 1234567")).id


def shot(widget: object, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))  # type: ignore[attr-defined]


def test_the_tab_shows_no_marketing_consent_by_default_and_records_one(
    qtbot: QtBot, context: AppContext, anna: int,
) -> None:
    tab = PrivacyTab(context, anna)
    qtbot.addWidget(tab)
    assert [tab.states_model.index(r, 1).data() for r in range(3)] == ["ja", "nein", "nein"]
    dialog = ConsentDialog(context, anna, tab)
    qtbot.addWidget(dialog)
    dialog.purpose.setCurrentIndex(dialog.purpose.findData("email"))
    dialog.given_on.setDate(QDate(2026, 3, 1))
    qtbot.keyClicks(dialog.version, "Formular 2026-01")
    with qtbot.waitSignal(context.bus.changed):
        dialog.save()
    assert dialog.result() == ConsentDialog.DialogCode.Accepted
    assert tab.states_model.index(1, 1).data() == "ja"
    assert tab.history_model.index(0, 4).data() == "Formular 2026-01"
    tab.resize(900, 500)
    shot(tab, "customer_tab")


def test_a_future_consent_date_is_shown_in_the_dialog_and_not_saved(
    qtbot: QtBot, context: AppContext, anna: int,
) -> None:
    dialog = ConsentDialog(context, anna, None)
    qtbot.addWidget(dialog)
    dialog.given_on.setDate(QDate(2026, 4, 1))
    dialog.save()
    assert "Zukunft" in dialog.error.text()
    assert context.services.privacy.overview(anna).history == ()


def test_the_objection_button_blocks_advertising_and_disables_consents(
    qtbot: QtBot, context: AppContext, anna: int, monkeypatch: pytest.MonkeyPatch,
) -> None:
    tab = PrivacyTab(context, anna)
    qtbot.addWidget(tab)
    monkeypatch.setattr("app.ui.privacy.customer_tab.confirm", lambda *_a, **_k: True)
    with qtbot.waitSignal(context.bus.changed):
        tab.objection_button.click()
    assert "Werbewiderspruch seit 15.03.2026" in tab.status.text()
    assert not tab.consent_button.isEnabled()
    assert context.services.privacy.decision(anna, channel=Channel.LETTER).code == "objection"


def test_access_export_and_erasure_run_from_the_tab(
    qtbot: QtBot, context: AppContext, anna: int, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    context.services.privacy.record_consent(anna, ConsentInput(
        purpose="phone", granted=True, given_on=date(2026, 3, 2), method="oral"), by="x")
    tab = PrivacyTab(context, anna)
    qtbot.addWidget(tab)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    monkeypatch.setattr(tab, "choose_folder", lambda: tmp_path / "auskunft")
    tab.export_button.click()
    qtbot.waitUntil(lambda: bool(shown))
    assert (tmp_path / "auskunft" / "Auskunft-K-000001-2026-03-15.pdf").exists()
    plans: list[list[str]] = []
    monkeypatch.setattr(tab, "confirm_erase", lambda plan: plans.append(plan.describe()) or True)
    tab.erase_button.click()
    qtbot.waitUntil(lambda: len(shown) == 2)
    assert shown[1] == "Anna Quastenberg (K-000001) wurde vollständig gelöscht."
    qtbot.waitUntil(lambda: "vollständig gelöscht" in tab.status.text())
    assert "Gelöscht werden: Einwilligungen (1)" in plans[0]


def test_the_audit_page_filters_by_action(
    qtbot: QtBot, context: AppContext, anna: int,
) -> None:
    context.services.customers.set_archived(anna, True, by="chef")
    page = PrivacyPage(context)
    qtbot.addWidget(page)
    audit = page.audit
    assert audit.model.rowCount() == 2
    audit.action.setCurrentIndex(audit.action.findData("archive"))
    assert audit.model.rowCount() == 1
    assert audit.model.index(0, 1).data() == "chef"
    page.resize(1000, 500)
    shot(page, "privacy_page")
    page.tabs.setCurrentIndex(2)
    shot(page, "art30")


def test_retention_too_short_for_receipts_is_refused_on_the_page(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = PrivacyPage(context)
    qtbot.addWidget(page)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    page.retention.spins["sales"].setValue(5)
    page.retention.save_button.click()
    assert "mindestens 8 Jahre" in warnings[0]
    assert page.retention.spins["sales"].value() == 10
    page.retention.spins["letters"].setValue(7)
    page.retention.save_button.click()
    assert context.services.privacy.retention() == {"sales": 10, "letters": 7}


def test_the_backups_dialog_backs_up_lists_and_restores(
    qtbot: QtBot, context: AppContext, anna: int, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    context.services.backups.set_folder(tmp_path / "usb", by="chef")
    dialog = BackupsDialog(context)
    qtbot.addWidget(dialog)
    context.tasks.wait()
    assert dialog.model.rowCount() == 0
    dialog.backup_button.click()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    assert dialog.model.index(0, 0).data() == "15.03.2026 10:30"
    assert dialog.model.index(0, 2).data() == "1"
    context.services.customers.create(CustomerInput(last_name="Später"))
    monkeypatch.setattr(dialog, "confirm_restore", lambda _info: True)
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: "Zurückgespielt" in dialog.status.text())
    assert context.services.customers.count() == 1
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)  # and the copy made before
    dialog.resize(800, 400)
    shot(dialog, "backups")


def test_the_nightly_job_makes_the_daily_backup_and_closing_backs_up_only_changes(
    qtbot: QtBot, context: AppContext, anna: int, tmp_path: Path,
) -> None:
    services = context.services
    services.backups.set_folder(tmp_path / "usb", by="chef")
    AppScheduler(services, nightly_hooks(context)).run_nightly_now()
    assert len(services.backups.backups()) == 1
    backup_on_close(services, "büro")
    assert len(list((tmp_path / "usb").iterdir())) == 1
    services.customers.create(CustomerInput(last_name="Abends"))
    context.services.clock.set(datetime(2026, 3, 15, 18, 0))  # type: ignore[attr-defined]
    backup_on_close(services, "büro")  # a second backup of the day keeps the first
    assert [b.customers for b in services.backups.backups()] == [2, 1]


def test_the_records_of_processing_are_saved_as_pdf_from_the_page(
    qtbot: QtBot, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = PrivacyPage(context)
    qtbot.addWidget(page)
    records = page.records
    records.editor.setPlainText("# Verzeichnis $firma\nStand: $datum")
    monkeypatch.setattr(records, "choose_file", lambda: tmp_path / "art30.pdf")
    monkeypatch.setattr(QMessageBox, "information", lambda *_args: None)
    records.pdf_button.click()
    assert (tmp_path / "art30.pdf").read_bytes().startswith(b"%PDF")
    assert context.services.privacy.processing_records_text() == (
        "# Verzeichnis [Firma]\nStand: 15.03.2026")
    records.reset_button.click()
    assert "Art. 30 DSGVO" in records.editor.toPlainText()


def test_marking_a_returned_letter_on_the_tab_stops_letter_advertising(
    qtbot: QtBot, context: AppContext, anna: int,
) -> None:
    tab = PrivacyTab(context, anna)
    qtbot.addWidget(tab)
    with qtbot.waitSignal(context.bus.changed):
        tab.marks["letter_returned"].click()
    assert tab.marks["letter_returned"].isChecked()
    assert tab.states_model.index(0, 2).data().startswith("Anschrift unzustellbar (Rückläufer")
    with qtbot.waitSignal(context.bus.changed):
        tab.marks["letter_returned"].click()
    assert not tab.marks["letter_returned"].isChecked()
    assert context.services.privacy.decision(anna, channel=Channel.LETTER).allowed


def test_the_backups_dialog_restores_the_chosen_backup_not_only_the_newest(
    qtbot: QtBot, context: AppContext, anna: int, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    services = context.services
    services.backups.set_folder(tmp_path / "usb", by="chef")
    services.backups.backup_now(by="chef")
    services.customers.create(CustomerInput(last_name="Mittag"))
    services.clock.set(datetime(2026, 3, 15, 12, 0))  # type: ignore[attr-defined]
    assert services.backups.backup_if_changed(by="System") is not None
    dialog = BackupsDialog(context)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
    rows = [[dialog.model.index(r, c).data() for c in range(3)] for r in range(2)]
    assert rows == [["15.03.2026 12:00", "automatisch", "2"],
                    ["15.03.2026 10:30", "manuell", "1"]]
    dialog.table.selectRow(1)
    chosen: list[object] = []
    monkeypatch.setattr(dialog, "confirm_restore", lambda info: chosen.append(info) or True)
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: "Zurückgespielt" in dialog.status.text())
    assert services.customers.count() == 1
    assert [info.kind for info in chosen] == ["manuell"]  # type: ignore[attr-defined]
