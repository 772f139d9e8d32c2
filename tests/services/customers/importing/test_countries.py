"""Countries from the names and codes address books write, through pycountry."""

from __future__ import annotations

import pytest

from app.services.customers.importing.countries import country_code


@pytest.mark.parametrize(("written", "code"), [
    ("Deutschland", "DE"), ("Germany", "DE"), ("DEU", "DE"), ("de", "DE"), ("D", "DE"),
    ("Österreich", "AT"), ("Austria", "AT"), ("Schweiz", "CH"), ("Switzerland", "CH"),
    ("USA", "US"), ("United States", "US"), ("Vereinigte Staaten", "US"),
    ("Frankreich", "FR"), ("Niederlande", "NL"), ("Holland", "NL"), ("Polen", "PL"),
    ("United Kingdom", "GB"), ("Großbritannien", "GB"), ("Tschechien", "CZ"),
    ("Czechia", "CZ"), ("  dänemark ", "DK"), ("Luxemburg", "LU"), ("Italia", None),
])
def test_country_names_in_german_and_english_and_iso_codes_give_the_code(
        written: str, code: str | None) -> None:
    assert country_code(written) == code


def test_an_unknown_or_empty_country_gives_none() -> None:
    assert (country_code("Atlantis"), country_code("")) == (None, None)
