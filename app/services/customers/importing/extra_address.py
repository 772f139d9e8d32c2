"""The second address of an imported contact, kept as the customer's extra address.

Outlook has a home and a business address, vCards several ADR lines: the one that fits the
customer becomes the customer's address (`contact_fields.choose_address`), the other one is
stored as an extra address (Address, label "Privat"/"Geschäftlich") instead of being lost.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.models import Address, Customer
from app.services import bulk, validation
from app.services.customers.importing.contact_fields import ADDRESS_LABELS, CONTACT_FIELDS
from app.services.customers.importing.countries import country_code
from app.services.errors import ValidationError

FIELDS = {code: label for code, label in CONTACT_FIELDS.items() if code.startswith("address2_")}
invalid = ValidationError.labelled(FIELDS)
_LIMITS = {"address2_label": 128, "address2_street": 200, "address2_postcode": 16,
           "address2_city": 128, "address2_country": 64}
_FOUR_DIGITS = re.compile(r"\d{4}")


@dataclass(frozen=True)
class ExtraAddress:
    label: str
    street: str
    postcode: str
    city: str
    country: str


def extra_address(cells: Mapping[str, str]) -> ExtraAddress | None:
    """The extra address of one row's cells, None if it has none; raises ValidationError
    naming the field (`address2_postcode`, `address2_country`) for an unreadable value."""
    street, postcode, city = (cells.get("address2_street", ""),
                              cells.get("address2_postcode", ""), cells.get("address2_city", ""))
    if not (street or postcode or city):
        return None
    errors: dict[str, str] = {}
    for code, limit in _LIMITS.items():
        if len(cells.get(code, "")) > limit:
            errors[code] = f"zu lang (höchstens {limit} Zeichen)"
    written = cells.get("address2_country", "")
    country = country_code(written) if written else "DE"
    if country is None:
        errors["address2_country"] = f"„{written}“ ist kein bekanntes Land"
        country = "DE"
    if country == "DE" and _FOUR_DIGITS.fullmatch(postcode):
        postcode = "0" + postcode  # Excel stored 01067 as the number 1067
    try:
        postcode = validation.postcode(postcode, country_code=country)
    except validation.FieldError as exc:
        errors["address2_postcode"] = str(exc)
    if errors:
        raise invalid(errors)
    label = cells.get("address2_label", "") or ADDRESS_LABELS["other"]
    return ExtraAddress(label, street, postcode, city, country)


def insert(session: Session, addresses: Sequence[tuple[int, ExtraAddress]]) -> None:
    """Write the extra addresses of new customers (customer id, address) in one go."""
    if not addresses:
        return
    bulk.insert_columns(session, Address, {
        "customer_id": [cid for cid, _a in addresses],
        "label": [a.label for _cid, a in addresses],
        "street": [a.street for _cid, a in addresses],
        "postcode": [a.postcode for _cid, a in addresses],
        "city": [a.city for _cid, a in addresses],
        "country": [a.country for _cid, a in addresses],
        "notes": [""] * len(addresses)})


def add_to(customer: Customer, address: ExtraAddress | None) -> None:
    """Merging into an existing customer: add the address unless the customer has it."""
    if address is None:
        return
    known = {(customer.street, customer.postcode), *(
        (a.street, a.postcode) for a in customer.addresses)}
    if (address.street, address.postcode) in known:
        return
    customer.addresses.append(Address(
        label=address.label, street=address.street, postcode=address.postcode,
        city=address.city, country=address.country, notes=""))
