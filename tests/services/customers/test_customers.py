from __future__ import annotations

import pytest

from app.services.container import Services
from app.services.customers import service as customers_service
from app.services.customers.dto import (
    AddressInput,
    Birthday,
    ContactInput,
    CustomerFilter,
    CustomerInput,
)
from app.services.errors import NotFoundError, ValidationError
from app.services.validation import national_digits

ANNA = CustomerInput(salutation="Frau", title="Dr.", first_name="Anna", last_name="Müller",
                     street="Hauptstraße 5", postcode="01067", city="Dresden",
                     phone="0351 1234567", email="anna@example.de")


def test_new_customers_get_consecutive_numbers(services: Services) -> None:
    first = services.customers.create(ANNA)
    second = services.customers.create(CustomerInput(last_name="Schmidt"))
    assert (first.number, second.number) == ("K-000001", "K-000002")


def test_a_number_from_an_old_system_is_kept_and_new_numbers_do_not_collide(
    services: Services,
) -> None:
    old = services.customers.create(CustomerInput(last_name="Alt", number="K-000007"))
    legacy = services.customers.create(CustomerInput(last_name="Fremd", number="4711"))
    new = services.customers.create(CustomerInput(last_name="Neu"))
    assert (old.number, legacy.number, new.number) == ("K-000007", "4711", "K-000008")


def test_a_taken_number_is_refused(services: Services) -> None:
    services.customers.create(CustomerInput(last_name="Alt", number="K-000007"))
    with pytest.raises(ValidationError) as err:
        services.customers.create(CustomerInput(last_name="Neu", number="K-000007"))
    assert "vergeben" in err.value.fields["number"]


def test_numbers_of_merged_customers_are_never_reused(services: Services) -> None:
    keep = services.customers.create(ANNA)
    gone = services.customers.create(CustomerInput(last_name="Müller", first_name="Anna"))
    services.customers.merge(keep.id, gone.id)
    assert services.customers.create(CustomerInput(last_name="Neu")).number == "K-000003"


def test_phone_is_stored_e164_and_shown_national(services: Services) -> None:
    created = services.customers.create(ANNA)
    assert created.phone == "+493511234567"
    assert services.customers.search("Müller")[0].phone == "0351 1234567"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "anna@@example"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"postcode": "1067"}, "postcode"),
        ({"country": "AT", "postcode": "10670"}, "postcode"),
        ({"birthday": Birthday(31, 2)}, "birthday"),
        ({"birthday": Birthday(1, 1, 2030)}, "birthday"),
        ({"last_name": ""}, "last_name"),
        ({"kind": "business"}, "company"),
    ],
)
def test_invalid_fields_are_named_and_nothing_is_saved(
    services: Services, changes: dict[str, object], field: str
) -> None:
    data = CustomerInput(**{**ANNA.__dict__, **changes})
    with pytest.raises(ValidationError) as err:
        services.customers.create(data)
    assert field in err.value.fields
    assert services.customers.count() == 0


def test_austrian_and_swiss_postcodes_have_four_digits(services: Services) -> None:
    vienna = services.customers.create(CustomerInput(last_name="Huber", postcode="1010",
                                                     country="AT", phone="+43 1 5123456"))
    assert vienna.postcode == "1010"
    assert vienna.phone == "+4315123456"


def test_birthday_without_year_and_on_leap_day_is_accepted(services: Services) -> None:
    created = services.customers.create(
        CustomerInput(last_name="Schalt", birthday=Birthday(29, 2)))
    assert created.birthday == Birthday(29, 2, None)
    assert created.birthday.display() == "29.02."


@pytest.mark.parametrize("query", ["muller", "mueller", "Müller", "MÜLLER", "Mül", "anna mül",
                                   "dresden", "01067", "hauptstr", "anna@example",
                                   "0351 1234567", "+49 351 1234567", "0049351-1234567",
                                   "K-000001", "1"])
def test_search_tolerates_umlauts_case_prefixes_and_phone_formats(
    services: Services, query: str
) -> None:
    services.customers.create(ANNA)
    services.customers.create(CustomerInput(last_name="Schmidt", city="Berlin"))
    assert [row.name for row in services.customers.search(query)] == ["Müller, Anna"]


def test_a_stored_mueller_is_found_as_mueller_or_with_umlaut(services: Services) -> None:
    services.customers.create(CustomerInput(last_name="Mueller"))
    assert len(services.customers.search("Müller")) == 1
    assert len(services.customers.search("muller")) == 1


def test_search_finds_a_company_by_its_contact_person(services: Services) -> None:
    firm = services.customers.create(CustomerInput(kind="business", company="Schäfer Bau GmbH"))
    services.customers.add_contact(firm.id, ContactInput(first_name="Jörg", last_name="Weiß",
                                                         role="Einkauf", phone="089 123456"),
                                   by="Büro")
    assert [r.company for r in services.customers.search("weiss")] == ["Schäfer Bau GmbH"]
    assert [r.company for r in services.customers.search("089 123456")] == ["Schäfer Bau GmbH"]


def test_a_customer_number_finds_that_customer_not_phone_numbers_with_its_digits(
    services: Services,
) -> None:
    services.customers.create(CustomerInput(last_name="Kunde", number="K-0351"))
    services.customers.create(CustomerInput(last_name="Dresdner", phone="0351 4567890"))
    for query in ("K-0351", "k0351", "K-035"):
        assert [row.name for row in services.customers.search(query)] == ["Kunde"]


@pytest.mark.parametrize("few", [500, 1])
def test_search_gives_the_same_sorted_matches_for_few_and_many_hits(
    services: Services, monkeypatch: pytest.MonkeyPatch, few: int
) -> None:
    """Few matches are looked up by id, many through the name order: the same answer."""
    monkeypatch.setattr(customers_service, "_FEW_MATCHES", few)
    for last in ("Meyer", "Maier", "Berger", "Meister"):
        services.customers.create(CustomerInput(last_name=last, city="Regensburg"))
    archived = services.customers.create(CustomerInput(last_name="Meuser", city="Regensburg"))
    services.customers.set_archived(archived.id, True)
    assert [r.name for r in services.customers.search("me")] == ["Meister", "Meyer"]
    assert [r.name for r in services.customers.search("regensb")] == [
        "Berger", "Maier", "Meister", "Meyer"]
    assert [r.name for r in services.customers.search("me", include_archived=True)] == [
        "Meister", "Meuser", "Meyer"]
    assert services.customers.count(CustomerFilter(text="regensb", status="archived")) == 1


def test_one_contact_person_is_primary(services: Services) -> None:
    firm = services.customers.create(CustomerInput(kind="business", company="Bau AG"))
    first = services.customers.add_contact(firm.id, ContactInput(last_name="Eins",
                                                                 is_primary=True), by="Büro")
    services.customers.add_contact(firm.id, ContactInput(last_name="Zwei", is_primary=True),
                                   by="Büro")
    contacts = {c.last_name: c.is_primary for c in services.customers.get(firm.id).contacts}
    assert contacts == {"Eins": False, "Zwei": True}
    services.customers.update_contact(first.id, ContactInput(last_name="Eins", is_primary=True),
                                      by="Büro")
    contacts = {c.last_name: c.is_primary for c in services.customers.get(firm.id).contacts}
    assert contacts == {"Eins": True, "Zwei": False}


def test_archived_customers_leave_the_list_but_stay_searchable_on_request(
    services: Services,
) -> None:
    anna = services.customers.create(ANNA)
    services.customers.set_archived(anna.id, True)
    assert services.customers.ids() == []
    assert services.customers.ids(CustomerFilter(status="archived")) == [anna.id]
    assert services.customers.search("Müller", include_archived=True)[0].archived
    subjects = [e.subject for e in services.timeline.entries(anna.id)]
    assert subjects == ["Kunde archiviert", "Kunde angelegt"]


def test_list_filters_by_tag_and_owner_and_sorts_in_sql(services: Services) -> None:
    services.customers.create(CustomerInput(last_name="Zander", city="Aachen", owner="Krause",
                                            tags=("Wartungsvertrag",)))
    services.customers.create(CustomerInput(last_name="Abel", city="Zwickau", owner="Krause"))
    services.customers.create(CustomerInput(last_name="Mitte", city="Mainz",
                                            tags=("Wartungsvertrag",)))
    names = lambda ids: [r.name for r in services.customers.rows(ids)]  # noqa: E731
    assert names(services.customers.ids()) == ["Abel", "Mitte", "Zander"]
    assert names(services.customers.ids(sort="city", descending=True)) == [
        "Abel", "Mitte", "Zander"]
    assert names(services.customers.ids(CustomerFilter(tag="Wartungsvertrag"))) == [
        "Mitte", "Zander"]
    assert names(services.customers.ids(CustomerFilter(owner="Krause"))) == ["Abel", "Zander"]


def test_extra_addresses_carry_their_own_label(services: Services) -> None:
    landlord = services.customers.create(CustomerInput(last_name="Vermieter"))
    services.customers.add_address(landlord.id, AddressInput(
        label="Objekt Lindenstraße", street="Lindenstraße 4", postcode="04109", city="Leipzig"),
        by="Büro")
    with pytest.raises(ValidationError):
        services.customers.add_address(landlord.id, AddressInput(label="", postcode="abc"),
                                       by="Büro")
    assert [a.label for a in services.customers.get(landlord.id).addresses] == [
        "Objekt Lindenstraße"]


@pytest.mark.parametrize("name", ["Meier", "Mayer", "Maier", "Meyer"])
def test_duplicate_warning_by_phonetics_at_the_same_postcode(
    services: Services, name: str
) -> None:
    services.customers.create(CustomerInput(last_name="Meier", first_name="Hans",
                                            postcode="80331"))
    hints = services.customers.duplicates(CustomerInput(last_name=name, first_name="Hans",
                                                        postcode="80331"))
    assert [h.customer.name for h in hints] == ["Meier, Hans"]
    assert "ähnlicher Name" in hints[0].reason
    assert services.customers.duplicates(
        CustomerInput(last_name=name, first_name="Hans", postcode="10115")) == []


def test_duplicate_warning_by_email_and_phone(services: Services) -> None:
    anna = services.customers.create(ANNA)
    by_mail = services.customers.duplicates(CustomerInput(last_name="X", email="ANNA@example.de"))
    by_phone = services.customers.duplicates(CustomerInput(last_name="X", phone="+493511234567"))
    assert [h.customer.id for h in by_mail + by_phone] == [anna.id, anna.id]
    assert services.customers.duplicates(ANNA, exclude_id=anna.id) == []


def test_merge_moves_contacts_history_sales_and_tags_to_the_survivor(
    services: Services,
) -> None:
    keep = services.customers.create(CustomerInput(last_name="Meier", tags=("A",)))
    gone = services.customers.create(CustomerInput(last_name="Meyer", email="m@example.de",
                                                   tags=("A", "B")))
    services.customers.add_contact(gone.id, ContactInput(last_name="Kontakt"), by="Büro")
    services.timeline.add(gone.id, channel="phone", subject="Anruf")
    merged = services.customers.merge(keep.id, gone.id, by="Büro")
    assert merged.email == "m@example.de"
    assert merged.tags == ("A", "B")
    assert [c.last_name for c in merged.contacts] == ["Kontakt"]
    subjects = [e.subject for e in services.timeline.entries(keep.id)]
    assert subjects[0] == "Zusammengeführt mit K-000002 (Meyer)"
    assert "Anruf" in subjects
    with pytest.raises(NotFoundError):
        services.customers.get(gone.id)


@pytest.mark.parametrize(("e164", "national"), [("+4930123456", "030123456"),
                                                ("+4315123456", "015123456"),
                                                ("+41441234567", "0441234567"),
                                                ("+33123456789", "0123456789")])
def test_national_digits_are_what_people_dial_at_home(e164: str, national: str) -> None:
    assert national_digits(e164) == national


def test_imported_customers_keep_their_number_follow_the_rules_and_advance_the_counter(
    services: Services,
) -> None:
    from app.services.customers.creating import create_customers, new_customer
    from app.services.customers.rules import validated

    now = services.clock.now()
    inputs = [CustomerInput(last_name="Korn", number="K-000050"),
              CustomerInput(company="Lang AG", kind="business", number="4711")]
    with services.db.write() as session:
        created = create_customers(
            session, [new_customer(data, validated(data, today=now)) for data in inputs],
            now=now, by="Eva", source="a.csv")
        session.commit()
    assert [c.number for c in created] == ["K-000050", "4711"]
    assert services.customers.search("Korn")[0].number == "K-000050"
    assert services.customers.create(CustomerInput(last_name="Neu")).number == "K-000051"


def test_validate_names_the_wrong_fields_without_saving(services: Services) -> None:
    services.customers.validate(ANNA)
    with pytest.raises(ValidationError) as err:
        services.customers.validate(CustomerInput(**{**ANNA.__dict__, "email": "anna@@x"}))
    assert set(err.value.fields) == {"email"}
    assert services.customers.count() == 0
