"""One odd value leaves its field empty and is listed; identifying fields still reject."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from app.services.customers.importing.lenient import FieldProblem, leniently
from app.services.errors import ValidationError


def strict(cells: Mapping[str, str]) -> dict[str, str]:
    errors = {code: f"„{value}“ geht nicht" for code, value in cells.items()
              if value.startswith("?")}
    if errors:
        raise ValidationError(errors)
    return dict(cells)


def test_a_bad_phone_and_birthday_are_left_empty_and_listed() -> None:
    values, problems = leniently(strict, {"last_name": "Müller", "phone": "?0123456789",
                                          "birthday": "?irgendwann"})
    assert values == {"last_name": "Müller", "phone": "", "birthday": ""}
    assert [p.message() for p in problems] == ["Geburtstag „?irgendwann“ nicht übernommen",
                                               "Telefon „?0123456789“ nicht übernommen"]


def test_a_bad_identifying_field_still_rejects_the_row() -> None:
    with pytest.raises(ValidationError, match="Kundennummer"):
        leniently(strict, {"number": "?x", "phone": "?1"})


def test_a_field_that_fails_only_after_another_was_dropped_is_dropped_too() -> None:
    def country_then_postcode(cells: Mapping[str, str]) -> dict[str, str]:
        if cells["address2_country"]:
            raise ValidationError({"address2_country": "unbekannt"})
        if cells["address2_postcode"] == "67000x":
            raise ValidationError({"address2_postcode": "keine PLZ für DE"})
        return dict(cells)

    values, problems = leniently(country_then_postcode, {
        "address2_country": "Atlantis", "address2_postcode": "67000x"})
    assert values == {"address2_country": "", "address2_postcode": ""}
    assert problems == (FieldProblem("address2_country", "Atlantis", "unbekannt"),
                        FieldProblem("address2_postcode", "67000x", "keine PLZ für DE"))


def test_postcode_and_email_stay_strict() -> None:
    with pytest.raises(ValidationError, match="PLZ"):
        leniently(strict, {"postcode": "?1234x", "phone": "?1"})
    with pytest.raises(ValidationError, match="E-Mail"):
        leniently(strict, {"email": "?otto@@x"})
