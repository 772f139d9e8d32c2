"""Folding text for search and comparison: case, accents, umlauts, phone digits."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_UMLAUT_SPELLINGS = (("ae", "a"), ("oe", "o"), ("ue", "u"))
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")  # _WORD on ASCII text
_NOT_DIGIT = re.compile(r"[^0-9]+")


# Letters Unicode does not decompose into base letter + accent.
_UNDECOMPOSABLE = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
                                 "ı": "i", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe"})


def strip_accents(value: str) -> str:
    if value.isascii():  # most words; NFKD leaves ASCII as it is
        return value
    decomposed = unicodedata.normalize("NFKD", value.translate(_UNDECOMPOSABLE))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(value: str) -> str:
    """Lower case without accents: "Müller" → "muller", "Strauß" → "strauss"."""
    return strip_accents(value.casefold())


def word_variants(word: str) -> set[str]:
    """All spellings one word can be searched by.

    "Müller" → {"muller", "mueller"}; "Mueller" → {"mueller", "muller"}, so "Müller",
    "Mueller" and "Muller" find each other whichever way the name was stored.
    """
    return set(_word_variants(word))


@lru_cache(maxsize=65536)
def _word_variants(word: str) -> frozenset[str]:
    """Cached: names, streets and cities repeat a lot in an import of many customers."""
    lowered = word.casefold()
    transliterated = lowered.translate(_UMLAUTS)
    variants = {strip_accents(lowered), strip_accents(transliterated)}
    for spelled, plain in _UMLAUT_SPELLINGS:
        for variant in list(variants):
            if spelled in variant:
                variants.add(variant.replace(spelled, plain))
    return frozenset(variants)


def words(value: str) -> list[str]:
    return _WORD.findall(value)


def search_words(*values: str) -> set[str]:
    # Short cuts with the same result for the common cases, which count for the 100,000
    # rows of an import: ASCII casefolds to lower case and has no umlaut, so a word without
    # an umlaut spelling ("ae", "oe", "ue") is its only variant.
    text = " ".join(values)  # a space never joins two words
    if text.isascii():
        lowered = text.lower()
        found = _ASCII_WORD.findall(lowered)
        if not _has_umlaut_spelling(lowered):
            return set(found)
    else:
        found = _WORD.findall(text)
    result: set[str] = set()
    for word in found:
        if word.isascii():
            lowered = word.lower()
            if not _has_umlaut_spelling(lowered):
                result.add(lowered)
                continue
        result |= _word_variants(word)
    return result


def _has_umlaut_spelling(lowered: str) -> bool:
    return "ae" in lowered or "oe" in lowered or "ue" in lowered


def digits(value: str) -> str:
    if value.isascii():  # phone numbers and customer numbers; the same digits, faster
        return _NOT_DIGIT.sub("", value)
    return "".join(ch for ch in value if ch.isdigit())


def looks_like_phone_query(value: str) -> bool:
    """A query of digits with phone punctuation (+49 30 1234-56) is searched as one number."""
    stripped = value.strip()
    return (
        len(digits(stripped)) >= 3
        and all(ch.isdigit() or ch in " +-/()." for ch in stripped)
    )
