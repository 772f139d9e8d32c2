"""Finding the header below a DATEV meta line or a sheet's title."""

from __future__ import annotations

from app.services.customers.importing.header_row import find_header_row
from app.services.tabular import normalize_header

KNOWN = {normalize_header(h) for h in ("Nachname", "Vorname", "PLZ", "Ort", "Konto")}


def test_a_file_that_starts_with_its_header_keeps_row_one() -> None:
    assert find_header_row([("Nachname", "PLZ"), ("Müller", "01067")], KNOWN) == 0


def test_a_title_and_an_empty_row_above_the_header_are_passed_over() -> None:
    records = [("Kundenliste Stand 03/2024", "", ""), ("", "", ""),
               ("Vorname", "Nachname", "Ort"), ("Anna", "Müller", "Dresden")]
    assert find_header_row(records, KNOWN) == 2


def test_datevs_meta_line_is_never_the_header() -> None:
    records = [("EXTF", "700", "16", "Debitoren/Kreditoren", "Konto"),
               ("Konto", "Name (Adressattyp Unternehmen)", "Ort"), ("10001", "X", "Y")]
    assert find_header_row(records, KNOWN) == 1


def test_without_known_names_a_one_cell_title_row_is_still_passed_over() -> None:
    records = [("Meine Liste",), ("Spalte A", "Spalte B"), ("1", "2")]
    assert find_header_row(records, KNOWN) == 1
    assert find_header_row([("Spalte A", "Spalte B"), ("1", "2")], KNOWN) == 0
