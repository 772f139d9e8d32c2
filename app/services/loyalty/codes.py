"""Voucher codes: 11 random characters and one check character, shown as XXXX-XXXX-XXXX.

The alphabet leaves out 0/O, 1/I/L, so nothing can be read two ways; it has 31 symbols, a
prime. The check character makes the weighted sum sum(w_i * v_i) over all 12 positions
divisible by 31, with weights 2..12 for the data and 1 for the check character. In the
field Z/31 every weight is non-zero, so a single wrong character changes the sum
(w·(a−b) ≠ 0); neighbouring weights differ, so swapping two different neighbours changes
it too ((w_i − w_j)(a−b) ≠ 0). 11 random symbols carry 11·log2(31) ≈ 54.5 bits.

Why 4-4-4 and not 4-4-3: eleven characters leave ten random ones, 10·log2(31) ≈ 49.5
bits, below the 50 bits asked for; one more character is the price of the check.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BASE = len(ALPHABET)  # 31, prime
DATA_LENGTH = 11
LENGTH = DATA_LENGTH + 1
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_WEIGHTS = tuple(range(2, DATA_LENGTH + 2)) + (1,)


def check_character(data: str) -> str:
    """The character that completes `data` (11 symbols) to a valid code."""
    total = sum(w * _VALUE[ch] for w, ch in zip(_WEIGHTS, data, strict=False))
    return ALPHABET[(-total) % BASE]


def generate() -> str:
    """A new random code without dashes (12 characters)."""
    number = secrets.randbelow(BASE**DATA_LENGTH)  # one draw: uniform over all codes
    symbols = []
    for _ in range(DATA_LENGTH):
        number, digit = divmod(number, BASE)
        symbols.append(ALPHABET[digit])
    data = "".join(symbols)
    return data + check_character(data)


def is_valid(code: str) -> bool:
    if len(code) != LENGTH or any(ch not in _VALUE for ch in code):
        return False
    return sum(w * _VALUE[ch] for w, ch in zip(_WEIGHTS, code, strict=True)) % BASE == 0


def normalize(text: str) -> str:
    """What a person typed or a keyboard-wedge scanner sent → the bare upper-case code.

    Lower case, dashes, spaces and a trailing Enter are accepted.
    """
    return "".join(ch for ch in text.upper() if not ch.isspace() and ch not in "-–_")


def grouped(code: str) -> str:
    """ABCDEFGHJKMN → ABCD-EFGH-JKMN, easier to read aloud and to compare."""
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"
