"""Turning one mapped row of the file into a customer input the customer rules check."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from operator import itemgetter

from sqlalchemy import String

from app.models import Customer
from app.services.customers.dto import Birthday, CustomerInput
from app.services.customers.importing.contact_fields import SALUTATIONS
from app.services.customers.importing.countries import country_code
from app.services.customers.importing.extra_address import ExtraAddress
from app.services.customers.importing.lenient import FieldProblem
from app.services.customers.importing.mapping import FIELDS, invalid
from app.services.tabular import Row

_FORMULA_START = "=+-@\t\r"
_KINDS = {
    "private": "private", "privat": "private", "privatkunde": "private", "p": "private",
    "person": "private", "business": "business", "firma": "business",
    "firmenkunde": "business", "gewerbe": "business", "gewerblich": "business",
    "company": "business", "f": "business", "g": "business",
}
_TAG_SPLIT = re.compile(r"[,;|]")
_FOUR_DIGITS = re.compile(r"\d{4}")  # a German postcode Excel stored as a number
_BIRTHDAY_NO_YEAR = re.compile(r"(\d{1,2})\.(\d{1,2})\.?|--(\d{2})-?(\d{2})")
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_LIMITS = {column.name: column.type.length for column in Customer.__table__.columns
           if isinstance(column.type, String) and column.type.length}
# The longest value each field takes (the country is a name like "Deutschland" at first).
_FIELD_LIMITS = {code: _LIMITS[code] if code in _LIMITS and code != "country" else sys.maxsize
                 for code in FIELDS}
_TAG_LIMIT = 64
_EMPTY = dict.fromkeys(FIELDS, "")


@dataclass
class Candidate:
    """A row that passed the customer rules, with what it looks like (duplicates)."""

    line: int
    data: CustomerInput
    values: dict[str, object]
    matches: list[tuple[tuple[str, int], str]]
    extra: ExtraAddress | None = None
    problems: tuple[FieldProblem, ...] = ()


def cells(row: Row, mapping: Mapping[int, str]) -> dict[str, str]:
    """Field code → the stripped cell ("" for every field not mapped or beyond the row)."""
    return cell_reader(mapping)(row)


def cell_reader(mapping: Mapping[int, str]) -> Callable[[Row], dict[str, str]]:
    """`cells` for one mapping, prepared once for the many rows of a file: a full row is
    read with one itemgetter, and only a cell starting with "'" is looked at again."""
    pairs = sorted(mapping.items())
    codes = tuple(code for _index, code in pairs)
    width = pairs[-1][0] + 1 if pairs else 0
    picked = itemgetter(*(index for index, _code in pairs)) if len(pairs) > 1 else None

    def read(row: Row) -> dict[str, str]:
        raw = _EMPTY.copy()  # ten times cheaper than dict.fromkeys at 23 fields
        values = row.values
        if picked is None or len(values) < width:
            for index, code in pairs:
                if index < len(values):
                    raw[code] = _unprotected(values[index].strip())
            return raw
        stripped = [value.strip() for value in picked(values)]
        raw.update(zip(codes, stripped, strict=True))
        if "'" in "".join(stripped):
            for code, value in zip(codes, stripped, strict=True):
                raw[code] = _unprotected(value)
        return raw

    return read


def _unprotected(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and value[1] in _FORMULA_START:
        return value[1:]  # our own export protects formulas this way
    return value


def row_input(row: Row, mapping: Mapping[int, str]) -> CustomerInput:
    """Read one mapped row; raises ValidationError naming the field for unreadable values."""
    return input_from_cells(cells(row, mapping))


def input_from_cells(raw: Mapping[str, str]) -> CustomerInput:
    """The customer of one row's cells (field code → text); raises ValidationError naming
    the field for unreadable values."""
    errors: dict[str, str] = {}
    for code, value in raw.items():
        if value and (len(value) > _FIELD_LIMITS[code] or "\x00" in value):
            errors[code] = ("enthält ein Nullzeichen" if "\x00" in value else
                            f"zu lang ({len(value)} Zeichen, höchstens {_LIMITS[code]})")
    tags = _tags(raw["tags"]) if raw["tags"] else ()
    if any(len(t) > _TAG_LIMIT for t in tags):
        errors["tags"] = f"ein Tag ist länger als {_TAG_LIMIT} Zeichen"
    kind = _kind(raw, errors)
    written = raw["country"]
    country = (country_code(written) or written.upper()) if written else ""
    postcode = raw["postcode"]
    if (country or "DE") == "DE" and _FOUR_DIGITS.fullmatch(postcode):
        postcode = "0" + postcode  # Excel stored 01067 as the number 1067
    birthday = None
    if raw["birthday"]:
        try:
            birthday = parse_birthday(raw["birthday"])
        except ValueError as exc:
            errors["birthday"] = str(exc)
    salutation = SALUTATIONS.get(raw["salutation"].rstrip(".").casefold(), raw["salutation"])
    if errors:
        raise invalid(errors)
    return customer_input({
        "kind": kind, "salutation": salutation, "title": raw["title"],
        "first_name": raw["first_name"], "last_name": raw["last_name"],
        "company": raw["company"], "street": raw["street"], "postcode": postcode,
        "city": raw["city"], "country": country or "DE", "email": raw["email"],
        "phone": raw["phone"], "mobile": raw["mobile"], "birthday": birthday,
        "notes": raw["notes"], "owner": raw["owner"], "tags": tags,
        "number": raw["number"] or None})


def customer_input(fields: dict[str, object]) -> CustomerInput:
    """`CustomerInput(**fields)` for a dict that gives every field, without the frozen
    dataclass's __init__: it sets the 18 fields one `object.__setattr__` call at a time,
    measured as half the cost of reading a row (test_import_rows pins that the result is
    the same as the constructor's and that every field is given)."""
    made = object.__new__(CustomerInput)
    made.__dict__.update(fields)
    return made


@lru_cache(maxsize=4096)
def _tags(text: str) -> tuple[str, ...]:
    """"Neubau, Wartung" → ("Neubau", "Wartung"); cached: a file has a handful of tags."""
    return tuple(t.strip() for t in _TAG_SPLIT.split(text) if t.strip())


def _kind(raw: Mapping[str, str], errors: dict[str, str]) -> str:
    if raw["kind"]:
        kind = _KINDS.get(raw["kind"].casefold())
        if kind is None:
            errors["kind"] = f"„{raw['kind']}“: „Privat“ oder „Firma“ erwartet"
        return kind or "private"
    return "business" if raw["company"] and not raw["last_name"] else "private"


@lru_cache(maxsize=65536)
def parse_birthday(text: str) -> Birthday:
    """TT.MM.JJJJ, ISO, vCard's 19800315 / --0315, or TT.MM. without a year.

    Cached (a Birthday is immutable): 100,000 customers have at most 36,500 birthdays of a
    century, and a refused text raises again each time."""
    value = text.strip()
    if match := _GERMAN_DATE.fullmatch(value):  # the usual case, without strptime's cost
        try:
            parsed = date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError:
            raise ValueError(f"„{text[:40]}“ ist kein Datum (TT.MM.JJJJ)") from None
        return Birthday(parsed.day, parsed.month, parsed.year)
    if match := _COMPACT_DATE.fullmatch(value):
        value = "-".join(match.groups())
    if match := _BIRTHDAY_NO_YEAR.fullmatch(value):
        day, month = (match.group(1), match.group(2)) if match.group(1) else (
            match.group(4), match.group(3))
        return Birthday(int(day), int(month))
    if len(value) > 10 and value[10] in " T":
        value = value[:10]  # a date with time from Excel or vCard
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y"):
        try:
            parsed = datetime.strptime(value, pattern).date()
        except ValueError:
            continue
        return Birthday(parsed.day, parsed.month, parsed.year)
    raise ValueError(f"„{text[:40]}“ ist kein Datum (TT.MM.JJJJ)")
