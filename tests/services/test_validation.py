"""The short cuts of `validation.email` and `validation.phone` must say exactly what the
libraries say: every generated value goes both ways and must come out the same (the same
normalised value, or the same refusal)."""

from __future__ import annotations

import random
from collections.abc import Callable

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.services import validation


def outcome(check: Callable[..., str], value: str, **kwargs: str) -> str:
    try:
        return check(value, **kwargs)
    except validation.FieldError as exc:
        return f"refused: {exc}"


national_numbers = st.builds(
    lambda first, groups, separators: "0" + first + "".join(
        sep + group for sep, group in zip(separators, groups, strict=False)),
    st.sampled_from("123456789"),
    st.lists(st.text("0123456789", min_size=1, max_size=6), min_size=1, max_size=4),
    st.lists(st.sampled_from(["", " ", "/", "-"]), min_size=4, max_size=4),
)


@settings(max_examples=600, deadline=None)
@given(number=national_numbers, region=st.sampled_from(["DE", "AT", "CH", "FR", "XX"]))
def test_a_national_number_reads_as_phonenumbers_reads_it(number: str, region: str) -> None:
    assert outcome(validation.phone, number, region=region) == outcome(
        validation.parsed_phone, number, region=region)


@pytest.mark.parametrize("region", ["DE", "AT", "CH"])
def test_every_kind_of_example_number_reads_the_same_both_ways(region: str) -> None:
    compared = 0
    for kind in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE,
                 phonenumbers.PhoneNumberType.TOLL_FREE,
                 phonenumbers.PhoneNumberType.PREMIUM_RATE,
                 phonenumbers.PhoneNumberType.SHARED_COST, phonenumbers.PhoneNumberType.VOIP,
                 phonenumbers.PhoneNumberType.PERSONAL_NUMBER,
                 phonenumbers.PhoneNumberType.PAGER, phonenumbers.PhoneNumberType.UAN):
        example = phonenumbers.example_number_for_type(region, kind)
        if example is None:
            continue
        for style in (phonenumbers.PhoneNumberFormat.NATIONAL,
                      phonenumbers.PhoneNumberFormat.INTERNATIONAL):
            text = phonenumbers.format_number(example, style)
            for typed in (text, text.replace(" ", ""), text.replace(" ", "/", 1)):
                assert outcome(validation.phone, typed, region=region) == outcome(
                    validation.parsed_phone, typed, region=region)
                compared += 1
    assert compared >= 12


@pytest.mark.parametrize(("region", "code"), [("DE", 49), ("AT", 43), ("CH", 41)])
def test_validity_of_national_numbers_is_phonenumbers_verdict(region: str, code: int) -> None:
    """Every leading 1 to 3 digits at every length from 2 to 17, with random digits after."""
    rnd = random.Random(code)
    valid = 0
    for prefix in map(str, range(1, 1000)):
        for length in range(max(2, len(prefix)), 18):
            national = prefix + "".join(rnd.choices("0123456789", k=length - len(prefix)))
            expected = phonenumbers.is_valid_number(
                phonenumbers.PhoneNumber(country_code=code, national_number=int(national)))
            assert validation.valid_national_number(national, region=region) == expected, (
                national)
            valid += expected
    assert valid > 300  # the comparison covers valid numbers, not only refusals


atext = st.text("abcxyzABCXYZ0189_%+-", min_size=1, max_size=12)
labels = st.one_of(st.text("abcdefghxyz0189-", min_size=1, max_size=12),
                   st.sampled_from(["de", "com", "LOCAL", "localhost", "test", "invalid",
                                    "onion", "arpa", "123", "x" * 64, "-de", "de-"]))
addresses = st.builds(
    lambda local, extra, domain, role: f"{role or '.'.join([local, *extra])}@{'.'.join(domain)}",
    atext, st.lists(atext, max_size=2), st.lists(labels, min_size=1, max_size=4),
    st.sampled_from(["", "", "", "Info", "POSTMASTER", "sales"]))


@settings(max_examples=600, deadline=None)
@given(address=addresses)
def test_a_plain_address_reads_as_email_validator_reads_it(address: str) -> None:
    assert outcome(validation.email, address) == outcome(validation.validated_email, address)


@pytest.mark.parametrize("address", [
    "Max.Mustermann@Example.DE", "info@Firma-Schmidt.de", "a@b.de", "kunde@localhost",
    "kunde@mail.local", "x" * 64 + "@example.de", "x" * 70 + "@example.de",
    "a@" + ".".join(["abcdefghij"] * 25) + ".de", "müller@example.de", "a..b@example.de",
    "a@example", "a@123.456", "kunde@-example.de",
])
def test_edge_addresses_read_the_same_both_ways(address: str) -> None:
    assert outcome(validation.email, address) == outcome(validation.validated_email, address)
