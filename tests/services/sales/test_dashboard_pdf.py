from __future__ import annotations

from datetime import date
from pathlib import Path

import pdfplumber
import pytest

from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.errors import StorageError
from app.services.sales import dashboard_pdf
from tests.services.sales.dashboard_data import add_assignment, seed


def test_the_dashboard_pdf_is_one_page_with_title_amounts_and_umlauts(
    services: Services, tmp_path: Path,
) -> None:
    ids = seed(services)
    add_assignment(services, ids["Schäfer"], "B", "A", date(2026, 3, 1))
    figures = services.dashboard.compute()
    path = dashboard_pdf.build(figures, tmp_path / "auswertung.pdf", company="Heizung Krüger")
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 1
        text = pdf.pages[0].extract_text()
    assert "Auswertungen – Heizung Krüger" in text
    assert "850,00 €" in text  # revenue of the last 12 months
    assert "368,33 €" in text  # CLV with its formula
    assert "Abwanderungsquote" in text and "33,3 %" in text
    assert "Schäfer, Kim" in text  # risen to A, umlauts embedded
    assert "Gefährdete Kunden (1)" in text and "Becker, Kim" in text


def test_a_pdf_that_cannot_be_written_is_a_storage_error(
    services: Services, tmp_path: Path,
) -> None:
    figures = services.dashboard.compute()
    blocker = tmp_path / "datei"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(StorageError) as err:
        dashboard_pdf.build(figures, blocker / "auswertung.pdf")
    assert "auswertung.pdf" in err.value.message


def test_names_with_markup_characters_are_printed_as_written(
    services: Services, tmp_path: Path,
) -> None:
    ids = seed(services)
    bau = services.customers.create(CustomerInput(company="<Bau> & Söhne", kind="business"))
    add_assignment(services, bau.id, "B", "A", date(2026, 3, 1))
    add_assignment(services, ids["Schäfer"], "B", "A", date(2026, 3, 1))
    path = dashboard_pdf.build(services.dashboard.compute(), tmp_path / "auswertung.pdf",
                               company="R&D <b>Bau GmbH")
    with pdfplumber.open(path) as pdf:
        text = pdf.pages[0].extract_text()
    assert "Auswertungen – R&D <b>Bau GmbH" in text
    assert "<Bau> & Söhne" in text
