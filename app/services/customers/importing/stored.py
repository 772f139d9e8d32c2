"""Checking one row, and saying what it will store: the preview shows it for the row the
user selects, with exactly the checks the import applies."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from app.services import validation
from app.services.customers.dto import CustomerInput
from app.services.customers.importing import extra_address
from app.services.customers.importing.extra_address import ExtraAddress
from app.services.customers.importing.lenient import leniently
from app.services.customers.importing.mapping import FIELDS, invalid
from app.services.customers.importing.rows import cells, input_from_cells
from app.services.customers.rules import validated
from app.services.errors import ValidationError
from app.services.tabular import Row

Checked = tuple[CustomerInput, dict[str, object], ExtraAddress | None]
_KIND_LABELS = {"private": "Privatkunde", "business": "Firmenkunde"}
_NOTE_SHOWN = 80
_ORDER = {code: position for position, code in enumerate(FIELDS)}


@dataclass(frozen=True)
class StoredRow:
    """What one row becomes: (field label, value) for every field it fills, and the values
    it leaves out."""

    line: int
    fields: tuple[tuple[str, str], ...]
    problems: tuple[str, ...] = ()


def checker(mapping: Mapping[int, str], *, today: datetime) -> Callable[[Mapping[str, str]],
                                                                          Checked]:
    """The check of one row's cells for this mapping: customer input, the customer rules'
    column values and the extra address (only when the mapping has one)."""
    with_extra = any(code in extra_address.FIELDS for code in mapping.values())
    return partial(_check, today=today, with_extra=with_extra)


def _check(row_cells: Mapping[str, str], *, today: datetime, with_extra: bool) -> Checked:
    """Every refused field of the row, not only the first check's (issue #15): a field the
    reading refuses is left empty for the customer rules, which then name their own."""
    errors: dict[str, str] = {}
    try:
        data = input_from_cells(row_cells)
    except ValidationError as exc:
        errors.update(exc.fields)
        data = input_from_cells({**row_cells, **dict.fromkeys(exc.fields, "")})
    extra = None
    if with_extra:
        try:
            extra = extra_address.extra_address(row_cells)
        except ValidationError as exc:
            errors.update(exc.fields)
    try:
        values = validated(data, today=today)
    except ValidationError as exc:
        errors = {**exc.fields, **errors}  # reading's reason first, in the file's order
    if errors:
        raise invalid({code: errors[code] for code in _in_field_order(errors)})
    return data, values, extra


def _in_field_order(errors: Mapping[str, str]) -> list[str]:
    return sorted(errors, key=lambda code: _ORDER.get(code, len(_ORDER)))


def stored_row(row: Row, mapping: Mapping[int, str], *, today: datetime) -> StoredRow:
    """What `row` will store; raises ValidationError if the row is rejected."""
    (data, values, extra), problems = leniently(checker(mapping, today=today),
                                                cells(row, mapping))
    shown: list[tuple[str, str]] = []
    if data.number:
        shown.append((FIELDS["number"], data.number))
    shown.append((FIELDS["kind"], _KIND_LABELS[str(values["kind"])]))
    for code in ("salutation", "title", "first_name", "last_name", "company", "street",
                 "postcode", "city", "country", "email"):
        if values[code]:
            shown.append((FIELDS[code], str(values[code])))
    for code in ("phone", "mobile"):
        if values[code]:
            shown.append((FIELDS[code], validation.display_phone(str(values[code]))))
    if data.birthday:
        shown.append((FIELDS["birthday"], data.birthday.display()))
    if values["notes"]:
        note = str(values["notes"]).replace("\n", " · ")
        shown.append((FIELDS["notes"], note if len(note) <= _NOTE_SHOWN
                      else note[:_NOTE_SHOWN] + " …"))
    if values["owner"]:
        shown.append((FIELDS["owner"], str(values["owner"])))
    if data.tags:
        shown.append((FIELDS["tags"], ", ".join(data.tags)))
    if extra is not None:
        shown.append(("Weitere Adresse", f"{extra.label}: {extra.street}, {extra.postcode} "
                                         f"{extra.city} ({extra.country})"))
    return StoredRow(row.line, tuple(shown), tuple(p.message() for p in problems))
