"""The four forms of a customer's name, each computed in `customers.naming` only."""

from __future__ import annotations

from datetime import date

import pytest

from app.db import Database
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.customers.naming import (
    Person,
    addressee,
    display_name,
    letter_salutation,
    list_name,
    recipient_lines,
    sort_name,
)
from app.services.followups.service import FollowUpInput
from app.services.letters.service import load_recipients
from app.services.loyalty.vouchers import VoucherInput

HANS = Person("Herr", "Dr.", "Hans", "Müller")
EVA = Person("Frau", "", "Eva", "Schäfer")


@pytest.mark.parametrize(("last", "first", "company", "expected"), [
    ("Müller", "Hans", "", "Müller, Hans"),
    ("Müller", "", "", "Müller"),
    ("Müller", "Hans", "Bäckerei Müller", "Müller, Hans"),
    ("", "", "Bäckerei Schäfer", "Bäckerei Schäfer"),
    ("", "Hans", "", "Hans"),
])
def test_the_list_names_a_customer_last_name_first_else_by_company(
        last: str, first: str, company: str, expected: str) -> None:
    assert list_name(last, first, company) == expected


def test_the_sort_key_folds_umlauts_so_schaefer_sorts_with_schafer() -> None:
    assert sort_name("Schäfer", "Eva", "") == "schafer, eva"


@pytest.mark.parametrize(("kind", "title", "first", "last", "company", "expected"), [
    ("private", "Dr.", "Hans", "Müller", "", "Dr. Hans Müller"),
    ("private", "", "", "Müller", "", "Müller"),
    ("private", "", "Hans", "Müller", "Müller GmbH", "Hans Müller"),
    ("business", "", "Eva", "Schäfer", "Schäfer Bau GmbH", "Schäfer Bau GmbH"),
    ("business", "", "", "", "", ""),
    ("private", "", "", "", "Nur Firma", "Nur Firma"),
])
def test_the_display_name_is_the_company_for_a_business_and_the_person_otherwise(
        kind: str, title: str, first: str, last: str, company: str, expected: str) -> None:
    assert display_name(kind=kind, title=title, first_name=first, last_name=last,
                        company=company) == expected


def test_a_private_recipient_gets_herrn_on_its_own_line_then_title_and_name() -> None:
    assert recipient_lines(kind="private", company="", person=HANS) == (
        "Herrn", "Dr. Hans Müller")


def test_a_private_recipient_with_a_company_keeps_the_company_below_the_name() -> None:
    assert recipient_lines(kind="private", company="Müller & Söhne", person=EVA) == (
        "Frau", "Eva Schäfer", "Müller & Söhne")


def test_a_salutation_other_than_frau_or_herr_stays_on_the_name_line() -> None:
    family = Person("Familie", "", "", "Müller")
    assert recipient_lines(kind="private", company="", person=family) == ("Familie Müller",)


def test_a_business_recipient_is_the_company_for_the_attention_of_its_contact() -> None:
    assert recipient_lines(kind="business", company="Schäfer Bau GmbH", person=Person(),
                           contact=HANS) == ("Schäfer Bau GmbH", "z. Hd. Herrn Dr. Hans Müller")


def test_a_business_recipient_without_a_contact_is_the_company_alone() -> None:
    assert recipient_lines(kind="business", company="Schäfer Bau GmbH",
                           person=Person()) == ("Schäfer Bau GmbH",)


@pytest.mark.parametrize(("person", "expected"), [
    (HANS, "Sehr geehrter Herr Dr. Müller,"),
    (EVA, "Sehr geehrte Frau Schäfer,"),
    (Person("", "", "Kim", "Özdemir"), "Guten Tag Kim Özdemir,"),
    (Person("Divers", "Prof.", "Kim", "Özdemir"), "Guten Tag Prof. Kim Özdemir,"),
    (Person("Herr", "", "Hans", ""), "Sehr geehrte Damen und Herren,"),
])
def test_the_letter_salutation_follows_salutation_title_and_last_name(
        person: Person, expected: str) -> None:
    assert letter_salutation(kind="private", company="", person=person) == expected


def test_a_business_letter_greets_its_contact_or_else_ladies_and_gentlemen() -> None:
    assert letter_salutation(kind="business", company="Schäfer Bau GmbH", person=HANS,
                             contact=EVA) == "Sehr geehrte Frau Schäfer,"
    assert letter_salutation(kind="business", company="Schäfer Bau GmbH",
                             person=HANS) == "Sehr geehrte Damen und Herren,"


def test_a_letter_speaks_to_the_person_or_to_a_business_customers_contact() -> None:
    assert addressee(kind="private", company="Müller & Söhne", person=HANS, contact=EVA) == HANS
    assert addressee(kind="business", company="Schäfer Bau GmbH", person=HANS,
                     contact=EVA) == EVA
    assert addressee(kind="business", company="", person=HANS, contact=EVA) == HANS


def test_follow_ups_vouchers_and_letters_name_a_customer_by_the_one_display_name(
        services: Services, db: Database) -> None:
    doctor = services.customers.create(CustomerInput(
        kind="private", salutation="Herr", title="Dr.", first_name="Hans",
        last_name="Müller", street="Hauptstr. 1", postcode="10115", city="Berlin"))
    firm = services.customers.create(CustomerInput(
        kind="business", company="Schäfer Bau GmbH", first_name="Eva", last_name="Schäfer",
        street="Ring 2", postcode="10115", city="Berlin"))
    for customer, expected in ((doctor, "Dr. Hans Müller"), (firm, "Schäfer Bau GmbH")):
        assert customer.display_name == expected
        followup = services.followups.create(customer.id, FollowUpInput(
            subject="Rückruf", due_date=date(2026, 3, 16)))
        assert followup.customer_name == expected
        voucher = services.vouchers.issue(VoucherInput(value_cents=1_000,
                                                       customer_id=customer.id))
        assert voucher.customer_name == expected
        with db.read() as session:
            assert load_recipients(session, [customer.id])[customer.id].name == expected
