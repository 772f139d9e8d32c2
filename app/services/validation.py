"""Field validation with real libraries, offline. Each check returns the normalised value
or raises `FieldError` with a German reason; the caller collects them per field."""

from __future__ import annotations

import re
from datetime import date
from functools import cache, lru_cache

import phonenumbers

COUNTRIES = frozenset(phonenumbers.SUPPORTED_REGIONS)
_POSTCODE_RULES = {"DE": (re.compile(r"\d{5}"), "5 Ziffern"),
                   "AT": (re.compile(r"\d{4}"), "4 Ziffern"),
                   "CH": (re.compile(r"\d{4}"), "4 Ziffern")}


class FieldError(ValueError):
    pass


# The common shapes of imported files, checked without the libraries' general parsers: an
# ASCII address (dot-atom before the @) and a national number ("030 1234567", "0170/1234567").
# The libraries' rules still decide everything that matters (the domain's rules, a number's
# validity by phonenumbers' own patterns); anything else goes to their parsers.
# tests/services/test_validation.py compares both ways on many generated values, and at
# 100,000 imported rows this saves a minute.
_PLAIN_EMAIL = re.compile(r"([A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*)@"
                          r"([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_EMAIL_MAX_LENGTH = 254
_NATIONAL_NUMBER = re.compile(r"0[1-9][0-9]*(?:[ /-][0-9]+)*")
_NATIONAL_SEPARATORS = str.maketrans("", "", " /-")
_TRUNK_ZERO_REGIONS = {"DE": 49, "AT": 43, "CH": 41}  # national prefix 0, international 00


def email(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    plain = _PLAIN_EMAIL.fullmatch(value)
    if plain and len(value) <= _EMAIL_MAX_LENGTH:
        domain = _email_domain(plain.group(2))
        if domain:
            return f"{_mailbox(plain.group(1))}@{domain}"
    return validated_email(value)


def validated_email(value: str) -> str:
    """email-validator's verdict on any address (`email` takes a short cut for plain ones)."""
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise FieldError(f"„{value}“ ist keine gültige E-Mail-Adresse") from exc


@lru_cache(maxsize=4096)
def _email_domain(domain: str) -> str:
    """email-validator's normalised form of a domain, "" if it refuses it. Cached: an import
    has thousands of addresses at a handful of providers."""
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(f"x@{domain}", check_deliverability=False).domain
    except EmailNotValidError:
        return ""


def _mailbox(local: str) -> str:
    """A plain local part as email-validator normalises it: role mailboxes in lower case."""
    lowered = local.lower()
    return lowered if lowered in _role_mailboxes() else local


@cache
def _role_mailboxes() -> frozenset[str]:
    from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES

    return frozenset(CASE_INSENSITIVE_MAILBOX_NAMES)


def phone(value: str, *, region: str = "DE") -> str:
    """Return E.164 ("+4930123456"); national input is read for `region`."""
    value = value.strip()
    if not value:
        return ""
    code = _TRUNK_ZERO_REGIONS.get(region)
    if code and _NATIONAL_NUMBER.fullmatch(value):
        national = value[1:].translate(_NATIONAL_SEPARATORS)
        if valid_national_number(national, region=region):
            return f"+{code}{national}"
    return parsed_phone(value, region=region)


def valid_national_number(national: str, *, region: str) -> bool:
    """phonenumbers.is_valid_number for a national significant number of `region`.

    The library tries the region's patterns one number type after the other, a dozen
    regular expressions through several calls each (about 10 µs a number); the same
    patterns, joined into one expression per number length, answer in one match.
    """
    general, types = _validity_patterns(region, len(national))
    return bool(general.fullmatch(national) and types.fullmatch(national))


_NEVER = re.compile(r"(?!)")


@lru_cache(maxsize=512)
def _validity_patterns(region: str, length: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(general pattern, any number type's pattern) for national numbers of one length,
    from the region's metadata as phonenumbers' _number_type_helper reads it."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None:
        return _NEVER, _NEVER

    def pattern(desc: phonenumbers.PhoneNumberDesc | None) -> str | None:
        if desc is None or not desc.national_number_pattern:
            return None
        if desc.possible_length and length not in desc.possible_length:
            return None
        return desc.national_number_pattern

    general = pattern(metadata.general_desc)
    if general is None:
        return _NEVER, _NEVER
    descs = [metadata.premium_rate, metadata.toll_free, metadata.shared_cost, metadata.voip,
             metadata.personal_number, metadata.pager, metadata.uan, metadata.voicemail,
             metadata.fixed_line]
    if not metadata.same_mobile_and_fixed_line_pattern:
        descs.append(metadata.mobile)
    types = [p for p in map(pattern, descs) if p is not None]
    if not types:
        return _NEVER, _NEVER
    return re.compile(general), re.compile("|".join(f"(?:{p})" for p in types))


def parsed_phone(value: str, *, region: str = "DE") -> str:
    """phonenumbers' verdict on any input (`phone` takes a short cut for national numbers)."""
    value = value.strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, region if region in COUNTRIES else "DE")
    except phonenumbers.NumberParseException as exc:
        raise FieldError(f"„{value}“ ist keine Telefonnummer") from exc
    if not phonenumbers.is_valid_number(number):
        raise FieldError(f"„{value}“ ist keine gültige Telefonnummer")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str, *, home_region: str = "DE") -> str:
    """E.164 → "030 123456" for home numbers, "+43 1 234567" for foreign ones."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    home = phonenumbers.region_code_for_number(number) == home_region
    style = phonenumbers.PhoneNumberFormat.NATIONAL if home else (
        phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


_TRUNK_ZERO_CODES = ("+49", "+43", "+41")  # DE, AT, CH dial "0" + the national number


def national_digits(e164: str) -> str:
    """"+4930123456" → "030123456": what people type for a number at home."""
    if e164.startswith(_TRUNK_ZERO_CODES):
        return "0" + e164[3:]
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return "".join(ch for ch in e164 if ch.isdigit())
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return "".join(ch for ch in national if ch.isdigit())


def country(value: str) -> str:
    code = value.strip().upper() or "DE"
    if code not in COUNTRIES:
        raise FieldError(f"„{value}“ ist kein Ländercode (ISO 3166, z. B. DE, AT, CH)")
    return code


def postcode(value: str, *, country_code: str) -> str:
    value = value.strip()
    if not value:
        return ""
    rule = _POSTCODE_RULES.get(country_code)
    if rule and not rule[0].fullmatch(value):
        raise FieldError(f"„{value}“ ist keine gültige PLZ für {country_code} ({rule[1]})")
    if len(value) > 10:
        raise FieldError(f"„{value}“ ist zu lang für eine PLZ")
    return value


def birthday(day: int | None, month: int | None, year: int | None, *, today: date) -> None:
    """A birthday may lack its year; with a year it must be a real, past date."""
    if day is None and month is None and year is None:
        return
    if day is None or month is None:
        raise FieldError("Tag und Monat angeben (das Jahr ist freiwillig)")
    try:
        date(2000 if year is None else year, month, day)  # 2000 is a leap year: 29.02 is fine
    except ValueError:
        raise FieldError("kein gültiges Datum") from None
    if year is not None:
        if date(year, month, day) > today:
            raise FieldError("darf nicht in der Zukunft liegen")
        if year < 1900:
            raise FieldError("Jahr vor 1900")
