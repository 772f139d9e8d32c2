"""The contact policy, cell by cell: channel × purpose × consent × objection × kind × status.

Every cell's expected answer comes from the table in docs/privacy.md, written out below as
`expected()`: erased first, then service contact (allowed), then advertising's objection,
archive, consent withdrawn/granted, and finally what each channel allows without a consent.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import product
from pathlib import Path

import pytest
from sqlalchemy import event, insert, update

from app.db import Database, open_database
from app.models import Consent, Customer, Sale
from app.services.clock import LOCAL_ZONE, FixedClock
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.privacy.contact_policy import Channel, Decision, Purpose, decide, decide_many

TODAY = date(2026, 3, 15)
CONSENTS = ("none", "granted", "withdrawn")
KINDS = ("private", "business")
STATUSES = ("active", "archived", "erased")
BUYER = ("buyer", "no sale")

ADVERTISING = {Channel.LETTER: "Briefwerbung", Channel.PHONE: "Telefonwerbung",
               Channel.EMAIL: "E-Mail-Werbung", Channel.SMS: "SMS-Werbung"}
BY = {Channel.LETTER: "Brief", Channel.PHONE: "Telefon", Channel.EMAIL: "E-Mail",
      Channel.SMS: "SMS"}

# What advertising on a channel is without any consent event, per customer kind and whether
# the customer bought from us (docs/privacy.md, last column of the table).
WITHOUT_CONSENT: dict[tuple[Channel, str, str], Decision] = {}
for _kind, _buyer in product(KINDS, BUYER):
    WITHOUT_CONSENT[(Channel.LETTER, _kind, _buyer)] = Decision(
        True, "Briefwerbung ohne Widerspruch erlaubt (Art. 6 Abs. 1 lit. f DSGVO, "
              "§ 7 Abs. 1 UWG)", "ok")
    WITHOUT_CONSENT[(Channel.PHONE, _kind, _buyer)] = (
        Decision(True, "Geschäftskunde: mutmaßliche Einwilligung in Anrufe "
                       "(§ 7 Abs. 2 Nr. 1 UWG)", "presumed_consent")
        if _kind == "business" else
        Decision(False, "keine ausdrückliche Einwilligung in Telefonwerbung "
                        "(§ 7 Abs. 2 Nr. 1 UWG)", "no_consent"))
    WITHOUT_CONSENT[(Channel.EMAIL, _kind, _buyer)] = (
        Decision(True, "Bestandskunde: E-Mail-Werbung für eigene ähnliche Waren "
                       "(§ 7 Abs. 3 UWG)", "email_existing_customer")
        if _buyer == "buyer" else
        Decision(False, "keine ausdrückliche Einwilligung in E-Mail-Werbung "
                        "(§ 7 Abs. 2 Nr. 2 UWG)", "no_consent"))
    WITHOUT_CONSENT[(Channel.SMS, _kind, _buyer)] = Decision(
        False, "keine ausdrückliche Einwilligung in SMS-Werbung (§ 7 Abs. 2 Nr. 2 UWG)",
        "no_consent")


@dataclass(frozen=True)
class Cell:
    channel: Channel
    purpose: Purpose
    consent: str
    objection: bool
    kind: str
    status: str
    buyer: str

    def __str__(self) -> str:
        return "-".join((self.channel, self.purpose, f"consent_{self.consent}",
                         "objection" if self.objection else "no_objection", self.kind,
                         self.status, self.buyer.replace(" ", "_")))


def expected(cell: Cell) -> Decision:
    if cell.status == "erased":
        return Decision(False, "Kunde gelöscht (Art. 17 DSGVO)", "erased")
    if cell.purpose is Purpose.SERVICE:
        return Decision(True, f"Servicekontakt per {BY[cell.channel]} erlaubt "
                              "(Vertrag/Auftrag, Art. 6 Abs. 1 lit. b DSGVO)", "ok")
    if cell.objection:
        return Decision(False, "Werbewiderspruch vom 15.03.2026 (Art. 21 DSGVO)", "objection")
    if cell.status == "archived":
        return Decision(False, "archiviert am 15.03.2026: keine Werbung mehr", "archived")
    if cell.consent == "withdrawn":
        return Decision(False, f"Einwilligung in {ADVERTISING[cell.channel]} widerrufen am "
                               "01.03.2026", "consent_withdrawn")
    if cell.consent == "granted":
        return Decision(True, f"Einwilligung in {ADVERTISING[cell.channel]} vom 01.02.2026",
                        "ok")
    return WITHOUT_CONSENT[(cell.channel, cell.kind, cell.buyer)]


PEOPLE = list(product(CONSENTS, (False, True), KINDS, STATUSES, BUYER))
CELLS = [Cell(channel, purpose, consent, objection, kind, status, buyer)
         for channel, purpose, (consent, objection, kind, status, buyer)
         in product(Channel, Purpose, PEOPLE)]


def _customer(services: Services, index: int, kind: str) -> int:
    business = kind == "business"
    return services.customers.create(CustomerInput(
        kind=kind, salutation="" if business else "Frau",
        first_name="" if business else "Matrix", last_name="" if business else f"Kundin{index}",
        company=f"Matrix GmbH {index}" if business else "", street=f"Rasterweg {index}",
        postcode="01067", city="Dresden", phone="0351 1234567", mobile="0171 2345678",
        email=f"k{index}@matrix.example"), by="test").id


def _add_consents(db: Database, customer_id: int, state: str) -> None:
    if state == "none":
        return
    events = [(True, date(2026, 2, 1))]
    if state == "withdrawn":
        events.append((False, date(2026, 3, 1)))
    with db.write() as session:
        for channel, (granted, day) in product(Channel, events):
            session.execute(insert(Consent).values(
                customer_id=customer_id, purpose=channel.value, granted=granted, given_on=day,
                method="form", recorded_by="test",
                recorded_at=datetime(2026, 3, 1, tzinfo=LOCAL_ZONE)))
        session.commit()


def _add_sale(db: Database, customer_id: int) -> None:
    with db.write() as session:
        session.execute(insert(Sale).values(
            customer_id=customer_id, sale_date=date(2025, 6, 1), amount_cents=45000,
            description="Badsanierung", document_no=f"RE-M{customer_id}",
            created_at=datetime(2025, 6, 1, tzinfo=LOCAL_ZONE)))
        session.commit()


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory, migrated_template: Path
           ) -> Iterator[tuple[Database, dict[tuple[str, bool, str, str, str], int]]]:
    """One database with one customer for every person-column combination of the matrix."""
    path = tmp_path_factory.mktemp("matrix") / "stammkunde.sqlite3"
    shutil.copyfile(migrated_template, path)
    db = open_database(f"sqlite:///{path}")
    services = Services.build(db, FixedClock(datetime(2026, 3, 15, 10, 30, tzinfo=LOCAL_ZONE)))
    # All customers first: SQLite hands a deleted (erased) customer's id to the next one.
    ids = {person: _customer(services, index, person[2]) for index, person in enumerate(PEOPLE)}
    for (consent, objection, _kind, status, buyer), cid in ids.items():
        _add_consents(db, cid, consent)
        if buyer == "buyer":
            _add_sale(db, cid)
        if objection:
            services.privacy.object_to_advertising(cid, by="test")
        if status == "archived":
            services.customers.set_archived(cid, True, by="test")
        elif status == "erased":
            services.privacy.erase(cid, by="test")
    yield db, ids
    db.dispose()


@pytest.mark.parametrize("cell", CELLS, ids=str)
def test_each_cell_of_the_matrix_gives_the_documented_answer_and_reason(
    matrix: tuple[Database, dict[tuple[str, bool, str, str, str], int]], cell: Cell,
) -> None:
    db, ids = matrix
    cid = ids[(cell.consent, cell.objection, cell.kind, cell.status, cell.buyer)]
    with db.read() as session:
        decision = decide(session, cid, channel=cell.channel, purpose=cell.purpose,
                          today=TODAY)
    assert decision == expected(cell)


def test_decide_many_gives_every_customer_the_same_answer_as_decide_alone(
    matrix: tuple[Database, dict[tuple[str, bool, str, str, str], int]],
) -> None:
    db, ids = matrix
    with db.read() as session:
        for channel, purpose in product(Channel, Purpose):
            many = decide_many(session, ids.values(), channel=channel, purpose=purpose,
                               today=TODAY)
            alone = {cid: decide(session, cid, channel=channel, purpose=purpose, today=TODAY)
                     for cid in ids.values()}
            assert many == alone


def test_decide_many_asks_the_database_a_fixed_number_of_times_for_any_number_of_ids(
    matrix: tuple[Database, dict[tuple[str, bool, str, str, str], int]],
) -> None:
    db, ids = matrix
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.read() as session:
            decide_many(session, list(ids.values()), channel=Channel.EMAIL,
                        purpose=Purpose.ADVERTISING, today=TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 5


def test_a_customer_who_was_deleted_completely_is_held_back_as_erased(db: Database) -> None:
    with db.read() as session:
        assert decide(session, 999, channel=Channel.LETTER, purpose=Purpose.SERVICE,
                      today=TODAY) == Decision(False, "Kunde gelöscht (Art. 17 DSGVO)", "erased")


@pytest.fixture
def anna(services: Services) -> int:
    return _customer(services, 1, "private")


def _ask(db: Database, cid: int, channel: Channel, purpose: Purpose = Purpose.ADVERTISING,
         today: date = TODAY) -> Decision:
    with db.read() as session:
        return decide(session, cid, channel=channel, purpose=purpose, today=today)


def _set(db: Database, cid: int, **values: object) -> None:
    with db.write() as session:
        session.execute(update(Customer).where(Customer.id == cid).values(**values))
        session.commit()


def test_a_deceased_person_is_contacted_for_no_purpose(services: Services, anna: int) -> None:
    _set(services.db, anna, deceased_at=datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_ZONE))
    for channel, purpose in product(Channel, Purpose):
        assert _ask(services.db, anna, channel, purpose) == Decision(
            False, "verstorben (eingetragen am 02.03.2026)", "deceased")


def test_a_returned_letter_stops_letters_of_every_purpose_but_not_calls(
    services: Services, anna: int,
) -> None:
    _set(services.db, anna, address_invalid_at=datetime(2026, 3, 5, 8, 0, tzinfo=LOCAL_ZONE))
    returned = Decision(False, "Anschrift unzustellbar (Rückläufer vom 05.03.2026)",
                        "address_invalid")
    assert _ask(services.db, anna, Channel.LETTER) == returned
    assert _ask(services.db, anna, Channel.LETTER, Purpose.SERVICE) == returned
    assert _ask(services.db, anna, Channel.PHONE, Purpose.SERVICE).allowed


def test_a_bounced_email_address_is_held_back_as_invalid(services: Services, anna: int
                                                         ) -> None:
    _set(services.db, anna, email_invalid_at=datetime(2026, 3, 6, 8, 0, tzinfo=LOCAL_ZONE))
    assert _ask(services.db, anna, Channel.EMAIL, Purpose.SERVICE) == Decision(
        False, "E-Mail-Adresse unzustellbar (seit 06.03.2026)", "address_invalid")


def test_a_missing_address_holds_back_the_channel_with_what_is_missing(
    services: Services, anna: int,
) -> None:
    _set(services.db, anna, street="", phone="", mobile="", email="")
    reasons = {channel: _ask(services.db, anna, channel, Purpose.SERVICE).reason
               for channel in Channel}
    assert reasons == {Channel.LETTER: "keine vollständige Postanschrift",
                       Channel.PHONE: "keine Telefonnummer",
                       Channel.EMAIL: "keine E-Mail-Adresse",
                       Channel.SMS: "keine Mobilnummer"}
    assert _ask(services.db, anna, Channel.LETTER).code == "no_address"


def test_a_person_on_the_suppression_list_gets_no_advertising_under_a_new_number(
    services: Services, anna: int,
) -> None:
    services.privacy.object_to_advertising(anna, by="test")
    services.privacy.erase(anna, by="test")
    with services.db.write() as session:  # as an import without the suppression check would
        session.execute(insert(Customer).values(
            number="K-900001", kind="private", first_name="Matrix", last_name="Kundin1",
            street="Rasterweg 1", postcode="01067", city="Dresden",
            created_at=datetime(2026, 3, 15, tzinfo=LOCAL_ZONE),
            updated_at=datetime(2026, 3, 15, tzinfo=LOCAL_ZONE)))
        session.commit()
    returning = services.customers.get_by_number("K-900001").id
    assert _ask(services.db, returning, Channel.LETTER) == Decision(
        False, "steht auf der Werbesperrliste (früherer Werbewiderspruch, Art. 21 DSGVO)",
        "suppressed")
    assert _ask(services.db, returning, Channel.LETTER, Purpose.SERVICE).allowed


def test_the_newest_consent_event_wins_and_a_later_dated_one_does_not_count_yet(
    services: Services, anna: int,
) -> None:
    with services.db.write() as session:
        for granted, day in ((True, date(2026, 1, 1)), (False, date(2026, 2, 1)),
                             (True, date(2026, 3, 1)), (False, date(2026, 4, 1))):
            session.execute(insert(Consent).values(
                customer_id=anna, purpose="phone", granted=granted, given_on=day,
                method="oral", recorded_by="t",
                recorded_at=datetime(2026, 3, 1, tzinfo=LOCAL_ZONE)))
        session.commit()
    assert _ask(services.db, anna, Channel.PHONE).reason == \
        "Einwilligung in Telefonwerbung vom 01.03.2026"
    assert _ask(services.db, anna, Channel.PHONE, today=date(2026, 4, 1)).code == \
        "consent_withdrawn"


def test_a_credit_note_alone_does_not_make_an_existing_customer_for_email(
    services: Services, anna: int,
) -> None:
    with services.db.write() as session:
        session.execute(insert(Sale).values(
            customer_id=anna, sale_date=date(2026, 1, 5), amount_cents=-5000,
            description="Gutschrift", document_no="GS-1",
            created_at=datetime(2026, 1, 5, tzinfo=LOCAL_ZONE)))
        session.commit()
    assert _ask(services.db, anna, Channel.EMAIL).code == "no_consent"


def test_marking_a_returned_letter_holds_letters_back_until_the_address_changes(
    services: Services, anna: int,
) -> None:
    services.privacy.set_fact(anna, "letter_returned", by="Büro")
    assert _ask(services.db, anna, Channel.LETTER, Purpose.SERVICE).code == "address_invalid"
    assert services.timeline.entries(anna)[0].subject == \
        "Brief kam zurück: Anschrift unzustellbar"
    services.customers.update(anna, services.customers.get(anna).as_input(
        street="Neue Gasse 1"), by="Büro")
    assert _ask(services.db, anna, Channel.LETTER, Purpose.SERVICE).allowed


def test_a_bounced_email_is_forgotten_when_the_address_changes_and_death_can_be_undone(
    services: Services, anna: int,
) -> None:
    services.privacy.set_fact(anna, "email_bounced", by="Büro")
    services.privacy.set_fact(anna, "deceased", by="Büro")
    assert _ask(services.db, anna, Channel.EMAIL, Purpose.SERVICE).code == "deceased"
    services.privacy.set_fact(anna, "deceased", on=False, by="Büro")
    assert _ask(services.db, anna, Channel.EMAIL, Purpose.SERVICE).code == "address_invalid"
    services.customers.update(anna, services.customers.get(anna).as_input(
        email="neu@matrix.example"), by="Büro")
    assert _ask(services.db, anna, Channel.EMAIL, Purpose.SERVICE).allowed
