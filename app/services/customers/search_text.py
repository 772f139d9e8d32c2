"""The words a customer is found by, and how a typed query meets them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from app.models import Customer
from app.services import validation
from app.services.text import digits, fold, looks_like_phone_query, search_words, words

# What a customer number looks like when typed into the search: letters, maybe a dash, digits.
_NUMBER_QUERY = re.compile(r"[^\W\d_]+-?\d+")


def _phone_words(e164: str) -> set[str]:
    if not e164:
        return set()
    national = validation.national_digits(e164)
    return {digits(e164), national, national.lstrip("0")}


def search_text(values: Iterable[str], *, number: str, phones: Iterable[str]) -> str:
    """The words a customer is found by (the `search_text` column the search index reads):
    every spelling of the words of `values`, the number with and without its prefix, and
    each phone number as dialled from abroad, at home and without the leading zero."""
    return _with_number_and_phones(search_words(*values, number), number, phones)


def _with_number_and_phones(found: set[str], number: str, phones: Iterable[str]) -> str:
    found |= {fold(number.replace("-", "")), digits(number).lstrip("0")}
    for phone in phones:
        found |= _phone_words(phone)
    found.discard("")
    return " ".join(sorted(found))


def customer_search_text(customer: Customer) -> str:
    values = [customer.first_name, customer.last_name, customer.company, customer.street,
              customer.postcode, customer.city, customer.email]
    phones = [customer.phone, customer.mobile]
    for contact in customer.contacts:
        values += [contact.first_name, contact.last_name, contact.email, contact.role]
        phones.append(contact.phone)
    return search_text(values, number=customer.number, phones=phones)


def values_search_text(values: Mapping[str, Any], number: str) -> str:
    """The search text of a new customer (no contact persons yet) from its columns; the
    same as `search_text`, with the words of the values that repeat across an import
    (names, company, city) looked up once per distinct value."""
    found = search_words(values["street"], values["postcode"], values["email"], number)
    found |= _repeated_words(values["first_name"])
    found |= _repeated_words(values["last_name"])
    found |= _repeated_words(values["company"])
    found |= _repeated_words(values["city"])
    return _with_number_and_phones(found, number, (values["phone"], values["mobile"]))


@lru_cache(maxsize=65536)
def _repeated_words(value: str) -> frozenset[str]:
    return frozenset(search_words(value))


def query_terms(query: str) -> list[str]:
    """The FTS terms of what the user typed; a phone number becomes one run of digits, a
    customer number ("K-035167") the one word the search text holds for it ("k035167"), so
    it finds that customer at once instead of every customer with "k" and every phone number
    beginning 035167."""
    if not query.strip():
        return []
    if _NUMBER_QUERY.fullmatch(query.strip()):
        return [fold(query.strip().replace("-", ""))]
    if looks_like_phone_query(query):
        number = digits(query)
        if number.startswith("00"):
            number = number[2:]
        return [number]
    return [fold(word) for word in words(query)]
