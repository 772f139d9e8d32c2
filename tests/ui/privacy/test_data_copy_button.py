"""Art. 20 from the window: the Datenschutz tab saves the machine-readable copy as a ZIP."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.services.customers.dto import CustomerInput
from app.ui.context import AppContext
from app.ui.privacy.customer_tab import PrivacyTab


def test_the_tab_saves_the_data_copy_where_the_user_chose(
    qtbot: QtBot, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    cid = context.services.customers.create(CustomerInput(
        first_name="Anna", last_name="Weiß", city="Dresden"), by="Büro").id
    tab = PrivacyTab(context, cid)
    qtbot.addWidget(tab)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    monkeypatch.setattr(tab, "choose_copy_file", lambda: tmp_path / "Anna.zip")
    with qtbot.waitSignal(context.bus.changed):
        tab.copy_button.click()
    assert shown == [f"Die Datenkopie (JSON und CSV, Art. 20 DSGVO) liegt in:\n"
                     f"{tmp_path / 'Anna.zip'}"]
    with zipfile.ZipFile(tmp_path / "Anna.zip") as archive:
        document = json.loads(archive.read("daten.json"))
    customers = next(s for s in document["sections"] if s["key"] == "customers")
    assert customers["rows"][0]["last_name"] == "Weiß"
    assert context.services.audit.entries()[0].description == "Datenkopie erstellt (Art. 20)"
