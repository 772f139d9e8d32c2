"""Country codes read in German, in one place for letters, import and Auskunft."""

from __future__ import annotations

import pytest

from app.services.countries import german_name
from app.services.customers.importing.countries import country_code
from app.services.letters.layout import country_line


@pytest.mark.parametrize(("code", "name"), [("DE", "Deutschland"), ("at", "Österreich"),
                                            ("CH", "Schweiz"), ("XX", "XX"), ("", "")])
def test_a_country_code_reads_as_its_german_name(code: str, name: str) -> None:
    assert german_name(code) == name


def test_letters_import_and_auskunft_agree_on_the_german_name() -> None:
    assert country_line("AT") == german_name("AT").upper() == "ÖSTERREICH"
    assert country_code(german_name("CH")) == "CH"
