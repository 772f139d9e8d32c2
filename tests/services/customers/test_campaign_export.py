"""A customer export made for an advertising campaign asks the contact policy."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.privacy.consents import ConsentInput
from app.services.privacy.contact_policy import Channel


def _customer(services: Services, last_name: str) -> int:
    return services.customers.create(CustomerInput(
        first_name="Eva", last_name=last_name, street="Elbufer 5", postcode="01067",
        city="Dresden", email=f"{last_name.lower()}@example.org")).id


def test_a_campaign_export_writes_only_who_may_get_the_advertising_and_lists_the_rest(
    services: Services, tmp_path: Path,
) -> None:
    _customer(services, "Erlaubt")
    objector = _customer(services, "Widerspruch")
    services.privacy.object_to_advertising(objector, by="Büro")
    revoked = _customer(services, "Widerruf")
    services.privacy.record_consent(revoked, ConsentInput(
        purpose="letter", granted=False, given_on=date(2026, 3, 2), method="oral"), by="Büro")
    target = tmp_path / "aktion.csv"
    result = services.customer_export.export(target, campaign=Channel.LETTER, by="Büro")
    with target.open(encoding="utf-8-sig", newline="") as handle:
        names = [row["Nachname"] for row in csv.DictReader(handle, delimiter=";")]
    assert names == ["Erlaubt"]
    assert [(h.number, h.reason) for h in result.held_back] == [
        (services.customers.get(objector).number,
         "Werbewiderspruch vom 15.03.2026 (Art. 21 DSGVO)"),
        (services.customers.get(revoked).number,
         "Einwilligung in Briefwerbung widerrufen am 02.03.2026")]
    assert services.audit.entries()[0].details["held_back"] == 2


def test_an_export_without_a_campaign_still_writes_everyone(
    services: Services, tmp_path: Path,
) -> None:
    objector = _customer(services, "Widerspruch")
    services.privacy.object_to_advertising(objector, by="Büro")
    result = services.customer_export.export(tmp_path / "alle.csv", by="Büro")
    assert (result.count, result.held_back) == (1, ())
