"""Field-level leniency: one odd value does not throw the whole contact away.

An address book holds what people typed years ago: a phone number "0123456789", a birthday
"irgendwann im Mai", a country "Atlantis". Such a field is left empty, the contact is
imported, and the problem is listed in the preview and the dry run ("Telefon „0123456789“
nicht übernommen"). Fields that identify or reach the customer (number, name, company,
kind, postcode, e-mail) are never dropped: a row with a bad one is rejected as a whole.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from app.services.customers.importing.contact_fields import CONTACT_FIELDS
from app.services.errors import FIELD_LABELS, ValidationError

# What may be left empty when it cannot be read. The customer's postcode and e-mail address
# stay strict (a letter or a mail to a wrong address is worse than a row to correct); the
# extra address is secondary and gives way.
LENIENT_FIELDS = frozenset({"phone", "mobile", "birthday", "country", "address2_postcode",
                            "address2_country"})

T = TypeVar("T")
_LABELS = {**FIELD_LABELS, **CONTACT_FIELDS}


@dataclass(frozen=True)
class FieldProblem:
    """A value that was not taken; `field` is the import's field code."""

    field: str
    value: str
    reason: str

    @property
    def label(self) -> str:
        return field_label(self.field)

    def message(self) -> str:
        """"Telefon „0123456789“ nicht übernommen" — with the value, for the preview only
        (the import log keeps the field names, never the values: issue #16)."""
        return f"{self.label} „{self.value[:60]}“ nicht übernommen"


def field_label(code: str) -> str:
    """The German name of an import field code ("email" → "E-Mail")."""
    return _LABELS.get(code, code)


def leniently(read: Callable[[Mapping[str, str]], T], cells: Mapping[str, str]
              ) -> tuple[T, tuple[FieldProblem, ...]]:
    """`read(cells)`, leaving lenient fields that it refuses empty (and listing them).

    Raises the ValidationError of `read` when a field outside LENIENT_FIELDS is refused.
    """
    current: Mapping[str, str] = cells  # copied only when a field is left out (rare)
    problems: list[FieldProblem] = []
    for _attempt in range(len(LENIENT_FIELDS)):
        try:
            return read(current), tuple(problems)
        except ValidationError as exc:
            refused = set(exc.fields)
            if not refused or not refused <= LENIENT_FIELDS or not any(
                    current.get(code) for code in refused):
                raise
            emptied = dict(current)
            for code in sorted(refused):
                if emptied.get(code):
                    problems.append(FieldProblem(code, emptied[code], exc.fields[code]))
                    emptied[code] = ""
            current = emptied
    return read(current), tuple(problems)
