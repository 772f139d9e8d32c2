"""The advertising suppression list (Werbesperrliste): hashes that outlive an erasure.

A person who objected to advertising (Art. 21 DSGVO) must stay blocked even after their
data is erased, yet the list must not keep their name readable. So it stores
SHA-256 over a normalised "name | street | postcode": case folded, umlauts spelled out
(ü → ue, ß → ss, then accents removed), words of the name sorted (so "Anna Müller" and
"Müller, Anna" match), "straße"/"str." unified, punctuation dropped. Spelling variants
beyond that (a typo, "Muller") do not match — the list blocks the same person, it is not
a fuzzy search.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Customer, Suppression
from app.services.text import strip_accents, words

_VERSION = "v1"
_SPELLED = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _normal(value: str) -> list[str]:
    folded = strip_accents(value.casefold().translate(_SPELLED))
    result = []
    for word in words(folded):
        if word in ("strasse", "str"):
            word = "str"
        elif word.endswith("strasse"):
            word = word[: -len("strasse")] + "str"
        result.append(word)
    return result


def digest(*, name: str, street: str, postcode: str) -> str:
    """The hash one person is suppressed by; empty when there is no name to go on."""
    name_words = sorted(_normal(name))
    if not name_words:
        return ""
    text = "|".join((_VERSION, " ".join(name_words), " ".join(_normal(street)),
                     "".join(ch for ch in postcode if ch.isalnum()).upper()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def person_name(*, kind: str, first_name: str, last_name: str, company: str) -> str:
    if kind == "business" and company:
        return company
    return f"{first_name} {last_name}".strip() or company


def is_listed(session: Session, *, name: str, street: str, postcode: str) -> bool:
    value = digest(name=name, street=street, postcode=postcode)
    return bool(value) and session.scalar(
        select(Suppression.id).where(Suppression.digest == value)) is not None


def add(session: Session, customer: Customer, *, at: datetime) -> None:
    """Put an objecting customer's hash on the list (once)."""
    name = person_name(kind=customer.kind, first_name=customer.first_name,
                       last_name=customer.last_name, company=customer.company)
    value = digest(name=name, street=customer.street, postcode=customer.postcode)
    if value and session.scalar(
            select(Suppression.id).where(Suppression.digest == value)) is None:
        session.add(Suppression(digest=value, created_at=at))
