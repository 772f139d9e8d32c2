from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.ui.context import AppContext, ChangeBus
from app.ui.sales.import_dialog import SalesImportDialog
from app.ui.tasks import TaskRunner


@pytest.fixture
def context(services: Services, tmp_path: Path) -> AppContext:
    return AppContext(services=services, tasks=TaskRunner(), bus=ChangeBus(),
                      data_dir=tmp_path, log_file=tmp_path / "log.txt")


def test_the_dialog_previews_three_groups_and_applies_only_when_allowed(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    context.services.customers.create(CustomerInput(last_name="Müller", number="K-000001"))
    path = tmp_path / "umsatz.csv"
    path.write_text("Kundennummer;Datum;Betrag;Belegnummer\n"
                    "K-000001;15.01.2026;10,00;RE-1\nK-000001;15.01.2026;10,00;RE-1\n"
                    "K-000007;15.01.2026;10,00;RE-2\n", encoding="utf-8")
    dialog = SalesImportDialog(context, path)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.report is not None)
    titles = [dialog.tree.topLevelItem(i).text(0) for i in range(3)]
    assert titles == ["Werden übernommen (1)", "Übersprungen, schon vorhanden (1)",
                      "Abgelehnt (1)"]
    assert dialog.tree.topLevelItem(2).child(0).text(5) == "Kundennummer K-000007 unbekannt"
    assert not dialog.apply_button.isEnabled()
    dialog.skip_invalid.setChecked(True)
    assert dialog.apply_button.isEnabled()
    dialog.apply_button.click()
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.report.applied)
    assert context.services.sales.count() == 1
    assert not dialog.apply_button.isEnabled()
    context.tasks.wait()
