from __future__ import annotations

import math

from app.services.loyalty import codes as voucher_codes
from app.services.loyalty.codes import ALPHABET


def test_the_alphabet_has_no_characters_that_can_be_read_two_ways() -> None:
    assert not set("0O1IL") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 31


def test_a_code_carries_at_least_50_bits_of_randomness() -> None:
    assert voucher_codes.DATA_LENGTH * math.log2(len(ALPHABET)) >= 50


def test_100000_generated_codes_are_unique_valid_and_unambiguous() -> None:
    codes = [voucher_codes.generate() for _ in range(100_000)]
    assert len(set(codes)) == len(codes)
    assert set("".join(codes)) <= set(ALPHABET)
    assert all(voucher_codes.is_valid(code) for code in codes)


def test_every_single_character_typo_is_detected() -> None:
    for code in (voucher_codes.generate() for _ in range(200)):
        for position in range(len(code)):
            for wrong in ALPHABET:
                if wrong != code[position]:
                    typo = code[:position] + wrong + code[position + 1:]
                    assert not voucher_codes.is_valid(typo), typo


def _valid_with(chars: list[str], free: int) -> str:
    """Complete `chars` to a valid code by solving the character at position `free`."""
    weights = voucher_codes._WEIGHTS
    rest = sum(w * ALPHABET.index(ch) for k, (w, ch) in enumerate(zip(weights, chars,
                                                                       strict=True))
               if k != free)
    chars[free] = ALPHABET[(-rest * pow(weights[free], -1, 31)) % 31]
    code = "".join(chars)
    assert voucher_codes.is_valid(code)
    return code


def test_every_swap_of_two_different_neighbours_is_detected() -> None:
    """Exhaustive: every neighbour position pair, every ordered pair of different symbols."""
    base = list(voucher_codes.generate())
    for position in range(voucher_codes.LENGTH - 1):
        free = 0 if position > 1 else voucher_codes.LENGTH - 1
        for a in ALPHABET:
            for b in ALPHABET:
                if a == b:
                    continue
                chars = list(base)
                chars[position], chars[position + 1] = a, b
                code = _valid_with(chars, free)
                swapped = code[:position] + b + a + code[position + 2:]
                assert not voucher_codes.is_valid(swapped), (code, swapped)


def test_typed_and_scanned_input_is_accepted_in_any_case_with_or_without_dashes() -> None:
    code = voucher_codes.generate()
    shown = voucher_codes.grouped(code)
    assert shown == f"{code[:4]}-{code[4:8]}-{code[8:]}"
    for typed in (shown, shown.lower(), code.lower(), f"  {shown}\r\n", f"{code}\n"):
        assert voucher_codes.normalize(typed) == code
