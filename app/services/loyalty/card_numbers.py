"""Bonus card numbers: EAN-13 in the in-store range, prefix 20.

Why EAN-13 and not Luhn: every barcode scanner reads EAN-13 and checks its check digit
in the scanner before anything is typed, and prefix 20 is reserved by GS1 for numbers
used inside one business, so a card never collides with a product barcode. The mod-10
check (weights 1/3) catches every single wrong digit; Luhn would not do better on typed
numbers (it misses 09↔90, EAN misses neighbours that differ by 5). The ten digits after
the prefix are random, so a number cannot be guessed from a neighbour's card.
"""

from __future__ import annotations

import secrets

from stdnum import ean
from stdnum.exceptions import ValidationError as StdnumError

PREFIX = "20"
LENGTH = 13


def generate() -> str:
    body = PREFIX + f"{secrets.randbelow(10**10):010d}"
    return body + ean.calc_check_digit(body)


def normalize(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and ch != "-")


def is_valid(number: str) -> bool:
    if len(number) != LENGTH or not number.startswith(PREFIX):
        return False
    try:
        ean.validate(number)
    except StdnumError:
        return False
    return True


def grouped(number: str) -> str:
    """2012345678903 → 2 012345 678903, the way it is printed under an EAN-13 barcode."""
    return f"{number[:1]} {number[1:7]} {number[7:]}"
