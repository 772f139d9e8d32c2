"""The window says what to fill in when a letter has no sender (issue #15)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.services.company import CompanyProfile
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.ui.context import AppContext
from app.ui.letters.customer_tab import CustomerLettersTab


def test_saving_a_letter_without_a_letterhead_says_what_to_fill_in(
    context: AppContext, services: Services, qtbot: QtBot, tmp_path: Path,
) -> None:
    anna = services.customers.create(CustomerInput(
        first_name="Anna", last_name="Müller", street="Hauptstraße 5", postcode="01067",
        city="Dresden"))
    tab = CustomerLettersTab(context, anna.id)
    qtbot.addWidget(tab)
    tab.save(tmp_path / "brief.pdf")
    assert "Firmenname, Straße, PLZ und Ort eintragen" in tab.message.text()
    assert "Einrichtungsassistent" in tab.message.text()
    assert not (tmp_path / "brief.pdf").exists()
    services.company.save(CompanyProfile(name="Heizung Bauer GmbH", street="Ringstraße 4",
                                         postcode="80331", city="München"))
    tab.save(tmp_path / "brief.pdf")
    assert (tmp_path / "brief.pdf").is_file()
