from __future__ import annotations

import pytest

from app.services.company import CompanyProfile
from app.services.container import Services
from app.services.errors import ValidationError

GOOD = CompanyProfile(name="Heizung Bauer GmbH", street="Ringstraße 4", postcode="80331",
                      city="München", phone="089 1234567", email="info@bauer.example",
                      iban="de89370400440532013000", vat_id="DE 136 695 976",
                      tax_number="181/815/08155")


def test_a_valid_profile_is_stored_normalised_under_the_shared_settings_key(
    services: Services,
) -> None:
    saved = services.company.save(GOOD)
    assert saved.iban == "DE89 3704 0044 0532 0130 00"
    assert saved.bic == "COBADEFFXXX"
    assert saved.vat_id == "DE136695976"
    assert saved.phone == "089 1234567"
    stored = services.settings.get("company_profile")
    assert stored["iban"] == saved.iban and "logo_path" not in stored
    assert services.company.get() == saved


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"iban": "DE89370400440532013001"}, "iban"),
        ({"vat_id": "DE123"}, "vat_id"),
        ({"postcode": "8033"}, "postcode"),
        ({"name": " "}, "name"),
        ({"logo_path": "/nowhere/logo.png"}, "logo_path"),
    ],
)
def test_a_bad_field_is_refused_with_its_name(services: Services, change: dict[str, str],
                                              field: str) -> None:
    data = {**GOOD.__dict__, **change}
    with pytest.raises(ValidationError) as err:
        services.company.save(CompanyProfile(**data))
    assert field in err.value.fields


def test_an_austrian_company_gets_four_digit_postcodes(services: Services) -> None:
    saved = services.company.save(CompanyProfile(name="Tischlerei Huber", postcode="1010",
                                                 city="Wien", country="at"))
    assert (saved.country, saved.postcode) == ("AT", "1010")
