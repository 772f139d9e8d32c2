from __future__ import annotations

import json
import sqlite3
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import Column, ForeignKey, Integer, String, Table, insert, inspect, select, text

from app.db import Database
from app.models import Base, Customer, Interaction, Sale
from app.services.clock import FixedClock
from app.services.container import Services
from app.services.customers.dto import AddressInput, ContactInput, CustomerInput
from app.services.errors import StorageError, ValidationError
from app.services.privacy.consents import ConsentInput
from app.services.privacy.contact_policy import Channel
from app.services.privacy.retention import period_end

ANNA = CustomerInput(salutation="Frau", first_name="Annabella", last_name="Quastenberg",
                     street="Zwiebelgasse 17", postcode="01067", city="Dresden",
                     phone="0351 1234567", email="annabella@quastenberg.example",
                     notes="Mag Kaffee", tags=("Wartungsvertrag",))

CHANNELS = (Channel.LETTER, Channel.EMAIL, Channel.PHONE)


def add_sale(db: Database, customer_id: int, day: date, document_no: str) -> None:
    with db.write() as session:
        session.execute(insert(Sale).values(
            customer_id=customer_id, sale_date=day, amount_cents=12345,
            description="Heizungswartung", document_no=document_no,
            created_at=datetime(2026, 1, 1, tzinfo=FixedClock(datetime(2026, 1, 1)).zone)))
        session.commit()


def full_customer(services: Services) -> int:
    anna = services.customers.create(ANNA, by="büro")
    services.customers.add_contact(anna.id, ContactInput(first_name="Quirin",
                                                         last_name="Quastenberg"), by="Büro")
    services.customers.add_address(anna.id, AddressInput(label="Baustelle",
                                                         street="Quastenweg 3"), by="Büro")
    services.timeline.add(anna.id, channel="phone", subject="Rückruf Quastenberg")
    services.privacy.record_consent(anna.id, ConsentInput(
        purpose="email", granted=True, given_on=date(2026, 3, 1), method="form",
        wording_version="2026-01"), by="büro")
    add_sale(services.db, anna.id, date(2025, 6, 1), "RE-1")
    return anna.id


def test_without_a_record_email_and_phone_advertising_is_off_and_letters_are_allowed(
    services: Services,
) -> None:
    anna = services.customers.create(ANNA)
    allowed = {c: services.privacy.decision(anna.id, channel=c).allowed for c in CHANNELS}
    assert allowed == {Channel.LETTER: True, Channel.EMAIL: False, Channel.PHONE: False}


def test_a_withdrawn_consent_ends_it_and_the_history_is_kept(services: Services) -> None:
    anna = services.customers.create(ANNA)
    for granted, day in ((True, date(2026, 1, 10)), (False, date(2026, 3, 1))):
        services.privacy.record_consent(anna.id, ConsentInput(
            purpose="email", granted=granted, given_on=day, method="oral"), by="chef")
    overview = services.privacy.overview(anna.id)
    assert not services.privacy.decision(anna.id, channel=Channel.EMAIL).allowed
    assert [(e.granted, e.given_on) for e in overview.history] == [
        (False, date(2026, 3, 1)), (True, date(2026, 1, 10))]
    assert overview.states[1].reason == "Einwilligung in E-Mail-Werbung widerrufen am 01.03.2026"


def test_a_consent_dated_in_the_future_is_refused(services: Services) -> None:
    anna = services.customers.create(ANNA)
    with pytest.raises(ValidationError) as err:
        services.privacy.record_consent(anna.id, ConsentInput(
            purpose="phone", granted=True, given_on=date(2026, 4, 1), method="form"), by="x")
    assert "Zukunft" in err.value.fields["given_on"]


def test_an_objection_blocks_every_channel_even_with_consent_and_after_a_purchase(
    services: Services,
) -> None:
    customer_id = full_customer(services)
    services.privacy.object_to_advertising(customer_id, by="chef")
    add_sale(services.db, customer_id, date(2026, 3, 14), "RE-2")
    assert {services.privacy.decision(customer_id, channel=c).code for c in CHANNELS} == {
        "objection"}
    assert [r.action for r in services.audit.entries()][:1] == ["objection"]


def test_an_objection_survives_erasure_through_the_suppression_list(
    services: Services,
) -> None:
    customer_id = full_customer(services)
    services.privacy.object_to_advertising(customer_id, by="chef")
    services.privacy.erase(customer_id, by="chef")
    assert services.privacy.is_suppressed(name="Quastenberg, Annabella",
                                          street="Zwiebelgaße 17", postcode="01067")
    again = services.customers.create(ANNA)
    assert services.privacy.decision(again.id, channel=Channel.LETTER).code == "objection"
    assert services.privacy.overview(again.id).objection_at is not None


def test_a_different_person_at_the_same_address_is_not_suppressed(services: Services) -> None:
    customer_id = full_customer(services)
    services.privacy.object_to_advertising(customer_id, by="chef")
    other = services.customers.create(CustomerInput(
        first_name="Bernd", last_name="Quastenberg", street="Zwiebelgasse 17",
        postcode="01067", city="Dresden"))
    assert services.privacy.decision(other.id, channel=Channel.LETTER).allowed


def tables_referencing_customers() -> set[str]:
    """Independent of the service: follow foreign keys from customers outwards."""
    found = {"customers"}
    while True:
        more = {t.name for t in Base.metadata.sorted_tables
                if t.name not in found
                and any(fk.column.table.name in found for fk in t.foreign_keys)}
        if not more:
            return found
        found |= more


def test_the_access_export_covers_every_table_that_references_a_customer(
    services: Services, tmp_path: Path,
) -> None:
    customer_id = full_customer(services)
    result = services.privacy.export_access(customer_id, tmp_path, by="büro")
    with zipfile.ZipFile(result.zip_path) as archive:
        document = json.loads(archive.read("daten.json"))
    tables = {section["key"]: section["rows"] for section in document["sections"]}
    expected = tables_referencing_customers()
    assert expected <= set(tables)
    assert len(expected) >= 8
    for table in ("customers", "contact_persons", "addresses", "customer_tags",
                  "interactions", "sales", "consents", "audit_entries"):
        assert tables[table], table
    assert document["tags"] == ["Wartungsvertrag"]
    assert tables["customers"][0]["last_name"] == "Quastenberg"
    with pdfplumber.open(result.pdf_path) as pdf:
        content = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Auskunft nach Art. 15 DSGVO" in content
    assert "Zwiebelgasse 17" in content and "Ansprechpersonen" in content
    assert services.audit.entries()[0].action == "access_export"


TRACES = (b"Quastenberg", b"quastenberg", b"Annabella", b"Zwiebelgasse", b"Mag Kaffee",
          b"Quirin", "Quastenberg".encode("utf-16-le"))


def file_bytes(db_path: Path) -> bytes:
    wal = db_path.with_name(db_path.name + "-wal")
    return db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def stored_values(db: Database) -> bytes:
    """Every value of every table (SQLite's search index and its shadow tables included)."""
    with db.read() as session:
        conn = session.connection()
        values = [value for name in inspect(conn).get_table_names()
                  for row in conn.execute(text(f'SELECT * FROM "{name}"')) for value in row]
    return b"\n".join(v if isinstance(v, bytes) else str(v).encode() for v in values)


def test_after_erasure_the_name_no_longer_occurs_in_any_table(services: Services) -> None:
    customer_id = full_customer(services)
    services.privacy.object_to_advertising(customer_id, by="chef")
    assert b"Quastenberg" in stored_values(services.db)
    plan = services.privacy.erase(customer_id, by="chef")
    assert plan.kept == {"sales": 1}
    data = stored_values(services.db)
    for trace in TRACES:
        assert trace not in data, trace
    with services.db.read() as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None and customer.anonymized_at is not None
        assert customer.number == "K-000001" and customer.last_name == ""
        assert session.scalar(select(Sale.document_no)) == "RE-1"
        assert [e.subject for e in session.scalars(select(Interaction))] == [
            "Daten gelöscht (Art. 17 DSGVO); Unterlagen aufbewahrt bis 31.12.2035"]
    assert services.customers.search("Quastenberg") == []


@pytest.mark.sqlite_only("reads the SQLite file and its WAL after VACUUM")
def test_after_erasure_the_name_no_longer_occurs_in_the_database_file(
    services: Services, db_path: Path,
) -> None:
    customer_id = full_customer(services)
    services.privacy.object_to_advertising(customer_id, by="chef")
    services.privacy.compact()
    assert b"Quastenberg" in file_bytes(db_path)
    services.privacy.erase(customer_id, by="chef")
    with services.db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    data = file_bytes(db_path)
    for trace in TRACES:
        assert trace not in data, trace


def test_erasure_keeps_sales_until_their_period_ends_and_the_nightly_job_deletes_them(
    services: Services,
) -> None:
    customer_id = full_customer(services)
    plan = services.privacy.erase(customer_id, by="chef")
    assert plan.kept_until == {"sales": date(2035, 12, 31)}
    assert services.privacy.purge_expired(date(2035, 12, 31)).customers_deleted == 0
    result = services.privacy.purge_expired(date(2036, 1, 1))
    assert (result.customers_deleted, result.numbers) == (1, ("K-000001",))
    with services.db.read() as session:
        assert session.scalar(select(Customer.id)) is None
        assert session.scalar(select(Sale.id)) is None
    assert [r.action for r in services.audit.entries()][:2] == ["purge", "erase"]


def test_a_customer_without_records_to_keep_is_deleted_completely(services: Services) -> None:
    anna = services.customers.create(ANNA)
    plan = services.privacy.erase(anna.id, by="chef")
    assert plan.removes_customer
    with services.db.read() as session:
        assert session.get(Customer, anna.id) is None
    assert services.customers.create(CustomerInput(last_name="Neu")).number == "K-000002"


def test_the_erasure_plan_names_what_goes_and_what_stays(services: Services) -> None:
    customer_id = full_customer(services)
    lines = services.privacy.erasure_plan(customer_id).describe()
    assert "Gelöscht werden: Ansprechpersonen (1)" in lines
    assert any(line.startswith("Aufbewahrt bis 31.12.2035: Umsätze und Belege (1)")
               for line in lines)


def test_retention_periods_are_configurable_and_shorten_the_keeping(services: Services) -> None:
    customer_id = full_customer(services)
    services.privacy.set_retention({"sales": 8}, by="chef")
    assert services.privacy.erasure_plan(customer_id).kept_until["sales"] == date(2033, 12, 31)
    with pytest.raises(ValidationError):
        services.privacy.set_retention({"sales": 3}, by="chef")


def test_a_period_counts_from_the_end_of_the_calendar_year() -> None:
    assert period_end(date(2025, 1, 2), 10) == date(2035, 12, 31)
    assert period_end(date(2025, 12, 31), 6) == date(2031, 12, 31)


def test_the_records_of_processing_use_the_company_profile(
    services: Services, tmp_path: Path,
) -> None:
    services.settings.set("company_profile", {"name": "Heizung Krause GmbH",
                                              "city": "Dresden", "postcode": "01067"})
    text = services.privacy.processing_records_text()
    assert "Heizung Krause GmbH, 01067 Dresden" in text and "Belege 10 Jahre" in text
    path = services.privacy.processing_records_pdf(tmp_path / "art30.pdf")
    with pdfplumber.open(path) as pdf:
        assert "Heizung Krause GmbH" in pdf.pages[0].extract_text()


@pytest.fixture
def later_feature(db: Database) -> Iterator[tuple[Table, Table, Table]]:
    """Tables a feature adds later: notes (deleted with the person), and a voucher with an
    append-only ledger (ON DELETE SET NULL: outlives the person, only the link is cut)."""
    notes = Table("hobby_notes", Base.metadata,
                  Column("id", Integer, primary_key=True),
                  Column("customer_id", ForeignKey("customers.id", ondelete="CASCADE")),
                  Column("text", String))
    vouchers = Table("gift_vouchers", Base.metadata,
                     Column("id", Integer, primary_key=True),
                     Column("customer_id", ForeignKey("customers.id", ondelete="SET NULL")),
                     Column("code", String))
    ledger = Table("gift_voucher_entries", Base.metadata,
                   Column("id", Integer, primary_key=True),
                   Column("voucher_id", ForeignKey("gift_vouchers.id")),
                   Column("amount_cents", Integer))
    tables = (notes, vouchers, ledger)
    Base.metadata.create_all(db.engine, tables=list(tables))
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.exec_driver_sql("CREATE TRIGGER gift_ledger_no_delete BEFORE DELETE ON "
                                 "gift_voucher_entries BEGIN SELECT RAISE(ABORT, 'no'); END")
        else:
            conn.exec_driver_sql("CREATE FUNCTION gift_ledger_refuse() RETURNS trigger "
                                 "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no'; END $$")
            conn.exec_driver_sql("CREATE TRIGGER gift_ledger_no_delete BEFORE DELETE ON "
                                 "gift_voucher_entries FOR EACH ROW "
                                 "EXECUTE FUNCTION gift_ledger_refuse()")
    yield tables
    for table in tables:
        Base.metadata.remove(table)


def test_a_table_added_later_is_exported_and_erased_and_ledgers_are_only_detached(
    services: Services, later_feature: tuple[Table, Table, Table], tmp_path: Path,
) -> None:
    notes, vouchers, ledger = later_feature
    customer_id = full_customer(services)
    with services.db.write() as session:
        session.execute(insert(notes).values(customer_id=customer_id,
                                             text="Quastenberg sammelt Briefmarken"))
        session.execute(insert(vouchers).values(id=1, customer_id=customer_id, code="G-1"))
        session.execute(insert(ledger).values(voucher_id=1, amount_cents=5000))
        session.commit()
    exported = services.privacy.export_access(customer_id, tmp_path, by="x")
    assert {"hobby_notes": 1, "gift_vouchers": 1, "gift_voucher_entries": 1}.items() <= \
        exported.tables.items()
    plan = services.privacy.erase(customer_id, by="chef")
    assert plan.deleted["hobby_notes"] == 1 and plan.detached == {"gift_vouchers": 1}
    with services.db.read() as session:
        assert session.execute(select(notes)).all() == []
        assert session.execute(select(vouchers.c.customer_id, vouchers.c.code)).all() == [
            (None, "G-1")]
        assert session.scalar(select(ledger.c.amount_cents)) == 5000
    assert b"Briefmarken" not in stored_values(services.db)
    if services.db.sqlite_path is not None:  # the file too (PostgreSQL's files are the server's)
        assert b"Briefmarken" not in file_bytes(services.db.sqlite_path)


@pytest.mark.sqlite_only("guards SQLite files")
def test_the_access_export_never_replaces_another_programs_database(
    services: Services, tmp_path: Path,
) -> None:
    anna = services.customers.create(CustomerInput(last_name="Müller"))
    folder = tmp_path / "auskunft"
    folder.mkdir()
    foreign = folder / f"Auskunft-{anna.number}-2026-03-15.pdf"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY)")
    conn.close()
    with pytest.raises(StorageError, match="Stammkunde überschreibt sie nicht"):
        services.privacy.export_access(anna.id, folder, by="chef")
    assert foreign.read_bytes().startswith(b"SQLite format 3\x00")
