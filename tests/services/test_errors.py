from __future__ import annotations

import pytest

from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.errors import FIELD_LABELS, ValidationError
from app.services.followups import rules


def test_two_capabilities_name_the_same_field_key_each_with_its_own_label() -> None:
    customers = ValidationError({"kind": "„xyz“: „Privat“ oder „Firma“ erwartet"})
    followups = rules.invalid({"kind": "unbekannte Regelart „xyz“"})

    assert str(customers).startswith("Kundenart: ")
    assert str(followups).startswith("Regelart: ")


def test_the_shared_labels_cannot_be_changed_by_a_capability() -> None:
    with pytest.raises(TypeError):
        FIELD_LABELS["kind"] = "Regelart"  # type: ignore[index]


def test_a_customer_with_a_bad_kind_is_told_kundenart_after_every_capability_is_loaded(
        services: Services) -> None:
    with pytest.raises(ValidationError) as caught:
        services.customers.create(CustomerInput(kind="xyz", last_name="Müller"), by="Test")

    assert "Kundenart" in str(caught.value)
    assert "Regelart" not in str(caught.value)
