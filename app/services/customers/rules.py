"""The rules a customer's fields must follow, for the form and every import alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from app.services import validation
from app.services.customers.dto import AddressInput, ContactInput, CustomerInput
from app.services.errors import ValidationError


def validated(data: CustomerInput, *, today: datetime) -> dict[str, object]:
    """Check every field; return the normalised column values or raise ValidationError."""
    errors: dict[str, str] = {}

    def check(field: str, func: Callable[..., str], value: str, **kwargs: str) -> str:
        if not value:
            return ""  # every check passes an empty field as it is
        try:
            return func(value, **kwargs)
        except validation.FieldError as exc:
            errors[field] = str(exc)
            return ""

    if data.kind not in ("private", "business"):
        errors["kind"] = "Privat- oder Firmenkunde wählen"
    country = check("country", validation.country, data.country) or "DE"
    bday = data.birthday
    values: dict[str, object] = {
        "kind": data.kind,
        "salutation": data.salutation.strip(),
        "title": data.title.strip(),
        "first_name": data.first_name.strip(),
        "last_name": data.last_name.strip(),
        "company": data.company.strip(),
        "street": data.street.strip(),
        "city": data.city.strip(),
        "notes": data.notes.strip(),
        "owner": data.owner.strip(),
        "country": country,
        "postcode": check("postcode", validation.postcode, data.postcode,
                          country_code=country),
        "email": check("email", validation.email, data.email),
        "phone": check("phone", validation.phone, data.phone, region=country),
        "mobile": check("mobile", validation.phone, data.mobile, region=country),
        "birth_day": bday.day if bday else None,
        "birth_month": bday.month if bday else None,
        "birth_year": bday.year if bday else None,
    }
    if data.kind == "business" and not values["company"]:
        errors["company"] = "Firmenkunden brauchen einen Firmennamen"
    if data.kind == "private" and not values["last_name"] and not values["company"]:
        errors["last_name"] = "Nachname angeben"
    if bday:
        try:
            validation.birthday(bday.day, bday.month, bday.year, today=today.date())
        except validation.FieldError as exc:
            errors["birthday"] = str(exc)
    if errors:
        raise ValidationError(errors)
    return values


def validated_contact(data: ContactInput, *, region: str) -> dict[str, object]:
    errors: dict[str, str] = {}
    values: dict[str, object] = {
        "salutation": data.salutation.strip(), "title": data.title.strip(),
        "first_name": data.first_name.strip(), "last_name": data.last_name.strip(),
        "role": data.role.strip(), "is_primary": data.is_primary,
    }
    if not values["last_name"] and not values["first_name"]:
        errors["last_name"] = "Name der Ansprechperson angeben"
    try:
        values["email"] = validation.email(data.email)
    except validation.FieldError as exc:
        errors["email"] = str(exc)
    try:
        values["phone"] = validation.phone(data.phone, region=region)
    except validation.FieldError as exc:
        errors["phone"] = str(exc)
    if errors:
        raise ValidationError(errors)
    return values


def validated_address(data: AddressInput) -> dict[str, object]:
    errors: dict[str, str] = {}
    if not data.label.strip():
        errors["label"] = "Bezeichnung angeben (z. B. Baustelle, Objekt)"
    try:
        country = validation.country(data.country)
        postcode = validation.postcode(data.postcode, country_code=country)
    except validation.FieldError as exc:
        errors["postcode"] = str(exc)
    if errors:
        raise ValidationError(errors)
    return {
        "label": data.label.strip(), "street": data.street.strip(), "postcode": postcode,
        "city": data.city.strip(), "country": country, "notes": data.notes.strip(),
    }
