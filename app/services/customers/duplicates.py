"""What makes two customers look like the same person: e-mail, phone, name by sound."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from functools import lru_cache
from itertools import islice
from typing import Generic, TypeVar

import cologne_phonetics
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Customer
from app.services import validation
from app.services.customers.naming import list_name


@lru_cache(maxsize=65536)
def phonetic(name: str) -> str:
    """Kölner Phonetik of a name: Meier, Mayer, Maier and Meyer share one code.

    Cached: names repeat a lot, and an import compares every row."""
    return " ".join(code for _word, code in cologne_phonetics.encode(name)) if name else ""


Ref = TypeVar("Ref", bound=Hashable)


class DuplicateIndex(Generic[Ref]):
    """The rules of `CustomerService.duplicates` for many customers at once (imports).

    Filled once (from the database and from rows already read), then every lookup is a few
    dictionary hits instead of three queries. A reference (`Ref`) is a customer id or
    whatever the caller uses for rows not yet stored. Values must be normalised as stored
    (E.164 phone numbers, stripped text).
    """

    def __init__(self) -> None:
        self._email: dict[str, list[Ref]] = {}
        self._phone: dict[str, list[Ref]] = {}
        self._last: dict[tuple[str, str], list[tuple[Ref, str | None]]] = {}
        self._company: dict[tuple[str, str], list[Ref]] = {}
        self._labels: dict[Ref, tuple[str, str, str, str]] = {}

    def add_customers(self, session: Session, ref: Callable[[int], Ref]) -> None:
        """Add every customer that can still be a duplicate (anonymised ones cannot)."""
        rows = session.execute(select(
            Customer.id, Customer.email, Customer.phone, Customer.mobile, Customer.last_name,
            Customer.first_name, Customer.company, Customer.postcode,
        ).where(Customer.anonymized_at.is_(None)))
        for cid, email, phone, mobile, last, first, company, postcode in rows:
            self.add(ref(cid), email=email, phones=(phone, mobile), last_name=last,
                     first_name=first, company=company, postcode=postcode)

    def add(self, ref: Ref, *, email: str, phones: Iterable[str], last_name: str,
            first_name: str, company: str, postcode: str) -> None:
        if email:
            self._email.setdefault(email.lower(), []).append(ref)
        for number in {p for p in phones if p}:
            self._phone.setdefault(number, []).append(ref)
        if postcode and last_name:
            self._last.setdefault((postcode, phonetic(last_name)), []).append(
                (ref, phonetic(first_name) if first_name else None))
        if postcode and company:
            self._company.setdefault((postcode, phonetic(company)), []).append(ref)
        self._labels[ref] = (last_name, first_name, company, postcode)  # formatted on a match

    def matches(self, *, kind: str, email: str, phones: Iterable[str], last_name: str,
                first_name: str, company: str, postcode: str,
                limit: int | None = None) -> list[tuple[Ref, str]]:
        """(reference, German reason) of the entries that look like these values: every one,
        or the first `limit` (the earliest added: existing customers before rows of a file).

        An import passes a limit: 4,000 rows with one e-mail address would otherwise keep
        8 million matches (3.9 GB; issue #16), and each lookup would walk all earlier rows."""
        found: dict[Ref, str] = {}
        email = email.strip().lower()
        if email and (refs := self._email.get(email)):
            reason = f"gleiche E-Mail ({email})"
            for ref in refs[:limit]:
                found.setdefault(ref, reason)
        for number in sorted({p for p in phones if p}):
            if refs := self._phone.get(number):
                reason = f"gleiche Telefonnummer ({validation.display_phone(number)})"
                for ref in refs[:limit]:
                    found.setdefault(ref, reason)
        name = last_name.strip() if kind == "private" else company.strip()
        postcode = postcode.strip()
        if name and postcode:
            if kind == "private":
                if bucket := self._last.get((postcode, phonetic(name))):
                    first = phonetic(first_name) if first_name else None
                    similar: Iterable[Ref] = (
                        ref for ref, other in bucket
                        if first is None or other is None or other == first)
                    for ref in islice(similar, limit):
                        found.setdefault(ref, "ähnlicher Name an gleicher PLZ "
                                              f"({self._label(ref)})")
            elif companies := self._company.get((postcode, phonetic(name))):
                for ref in companies[:limit]:
                    found.setdefault(ref, f"ähnlicher Name an gleicher PLZ ({self._label(ref)})")
        if not found:
            return []
        return list(found.items())[:limit]

    def _label(self, ref: Ref) -> str:
        last_name, first_name, company, postcode = self._labels[ref]
        return f"{list_name(last_name, first_name, company)}, {postcode}"
