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


@pytest.mark.parametrize(("legal_form", "missing"), [
    ("gmbh", {"seat", "register_court", "register_number", "managing_director"}),
    ("ug", {"seat", "register_court", "register_number", "managing_director"}),
    ("ek", {"seat", "register_court", "register_number"}),
    ("kg", {"seat", "register_court", "register_number"}),
    ("einzel", {"managing_director"}),
    ("", set()),
])
def test_the_legal_form_decides_which_business_details_are_required(
    services: Services, legal_form: str, missing: set[str],
) -> None:
    """§ 35a GmbHG, § 37a HGB, § 125 HGB, § 15b GewO: saving names each missing detail."""
    profile = CompanyProfile(**{**GOOD.__dict__, "legal_form": legal_form})
    if not missing:
        assert services.company.save(profile).legal_form == ""
        return
    with pytest.raises(ValidationError) as error:
        services.company.save(profile)
    assert set(error.value.fields) == missing
    assert "Pflichtangabe" in error.value.fields[sorted(missing)[0]]


def test_a_complete_gmbh_is_saved_and_writes_its_legal_form_after_the_name_once(
    services: Services,
) -> None:
    saved = services.company.save(CompanyProfile(**{
        **GOOD.__dict__, "name": "Heizung Bauer", "legal_form": "gmbh", "seat": "München",
        "register_court": "Amtsgericht München", "register_number": "HRB 12345",
        "managing_director": "Eva Bauer"}))
    assert saved.firm == "Heizung Bauer GmbH"
    assert CompanyProfile(name="Heizung Bauer GmbH", legal_form="gmbh").firm == (
        "Heizung Bauer GmbH")
    assert saved.register == "Amtsgericht München HRB 12345"


def test_a_register_number_that_is_not_one_is_refused(services: Services) -> None:
    with pytest.raises(ValidationError) as error:
        services.company.save(CompanyProfile(**{**GOOD.__dict__, "register_number": "12345"}))
    assert set(error.value.fields) == {"register_number"}


def test_the_old_one_line_register_entry_is_read_as_court_and_number(
    services: Services,
) -> None:
    services.settings.set("company_profile", {"name": "Alt GmbH",
                                              "register": "Amtsgericht Köln HRB 4711"})
    profile = services.company.get()
    assert (profile.register_court, profile.register_number) == ("Amtsgericht Köln", "HRB 4711")
