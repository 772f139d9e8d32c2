"""The Art. 15 Auskunft as the customer reads it, and the Art. 20 data copy read back.

The customer is the demo's busiest one (sales, bonus card, vouchers, follow-ups, contract,
club, referral, consents, …) with an e-mail and a contact person added."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import CheckConstraint, func, select

from app.models import Base
from app.services import audit, timeline
from app.services.clock import FixedClock
from app.services.container import Services
from app.services.contracts import service as contracts
from app.services.customers.dto import AddressInput, ContactInput
from app.services.customers.segments import SEGMENT_LABELS
from app.services.demo.showcase import populate
from app.services.email import outbox
from app.services.loyalty import cards, vouchers
from app.services.privacy import scope, vocabulary
from app.services.privacy.consents import METHODS, PURPOSES
from app.services.sales.feedback import COMPLAINT_STATUS, KINDS
from tests.services.email.outbox_helpers import queue


def busiest_customer(services: Services) -> int:
    """The demo customer with data in the most tables."""
    best: tuple[int, int] = (0, 0)
    with services.db.read() as session:
        ids = session.scalars(select(Base.metadata.tables["customers"].c.id)).all()
        for cid in ids:
            filled = sum(1 for name, condition in scope.data_tables(cid).items()
                         if session.scalar(select(func.count()).select_from(
                             Base.metadata.tables[name]).where(condition)))
            best = max(best, (filled, cid))
    return best[1]


@pytest.fixture(scope="module")
def codes() -> set[str]:
    """Every code the models allow in a column (CHECK … IN) and every code the export names."""
    found = set(timeline.CHANNELS) | set(audit.ACTIONS)
    for table in Base.metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, CheckConstraint):
                found |= set(re.findall(r"'([a-z_]+)'", str(constraint.sqltext)))
    for words in vocabulary.CODE_WORDS.values():
        found |= {code for code in words if code.isalpha() or "_" in code}
    return found


@pytest.fixture
def exported(services: Services, clock: FixedClock, tmp_path: Path):
    populate(services, customers=60, seed=3)
    cid = busiest_customer(services)
    services.customers.add_contact(cid, ContactInput(last_name="Roth", role="Einkauf"),
                                   by="Büro")
    services.customers.add_address(cid, AddressInput(label="Baustelle", street="Am Hang 3",
                                                     postcode="01067", city="Dresden"),
                                   by="Büro")
    queue(services.db, clock, [("kunde@example.org", "Kunde")],
          subject="Ihr Wartungstermin", customer_id=cid)
    return cid, services.privacy.export_access(cid, tmp_path / "auskunft", by="Büro")


def pdf_text(path: Path) -> str:
    """The PDF's words, lines joined (a heading or a code may wrap)."""
    with pdfplumber.open(path) as pdf:
        return " ".join(" ".join(page.extract_text() or "" for page in pdf.pages).split())


@pytest.mark.slow
def test_the_auskunft_reads_in_german_without_table_names_codes_json_or_row_ids(
    services: Services, exported, codes: set[str],
) -> None:
    cid, result = exported
    text = pdf_text(result.pdf_path)
    for name in Base.metadata.tables:
        assert name not in text, name
    words = set(re.findall(r"[A-Za-z_]+", text))
    assert not (codes & words), sorted(codes & words)
    assert "{" not in text and '":' not in text
    assert "Nr.:" not in text and "_id" not in text
    assert "keine Einträge" not in text and "(0)" not in text
    for heading in ("Auskunft nach Art. 15 DSGVO", "Stammdaten", "Ansprechpersonen",
                    "Weitere Adressen", "Umsätze und Belege", "Kontakthistorie",
                    "E-Mails (1)", "Änderungsprotokoll"):
        assert heading in text, heading
    assert "Ihr Wartungstermin" in text
    assert "Land: Deutschland" in text and "Land: DE" not in text
    listed = {name for name, rows in result.tables.items() if rows}
    for name, title in vocabulary.SECTION_TITLES.items():
        if name not in listed:
            assert f"{title} (" not in text, title


def test_voucher_codes_are_printed_with_their_end_only(
    services: Services, exported,
) -> None:
    cid, result = exported
    text = pdf_text(result.pdf_path)
    own = [v for v in services.vouchers.listing() if v.customer_id == cid]
    for voucher in own:
        assert voucher.code not in text
        assert f"…{voucher.code[-4:]}" in text


def test_the_data_copy_has_json_and_csv_for_every_section_readable_back(
    services: Services, exported,
) -> None:
    cid, result = exported
    with zipfile.ZipFile(result.zip_path) as archive:
        names = set(archive.namelist())
        document = json.loads(archive.read("daten.json").decode("utf-8"))
        readme = archive.read("LIESMICH.txt").decode("utf-8")
        sections = document["sections"]
        assert {s["key"] for s in sections} == set(result.tables)
        for section in sections:
            assert f"{section['file']}.json" in names and f"{section['file']}.csv" in names
            rows = json.loads(archive.read(f"{section['file']}.json").decode("utf-8"))
            assert rows == section["rows"]
            table = list(csv.reader(io.StringIO(
                archive.read(f"{section['file']}.csv").decode("utf-8-sig")), delimiter=";"))
            assert len(table) == len(rows) + 1, section["key"]
            if rows:
                assert table[0] == [f"{label} [{key}]"
                                    for key, label in section["columns"].items()]
    assert document["format"] == "stammkunde-datenkopie/1"
    by_key = {s["key"]: s for s in sections}
    customer = by_key["customers"]["rows"][0]
    assert "search_text" not in customer and "sort_name" not in customer
    assert by_key["customers"]["codes"]["kind"]["business"] == "Firmenkunde"
    own = [v.code for v in services.vouchers.listing() if v.customer_id == cid]
    assert sorted(own) == sorted(r["code"] for r in by_key["vouchers"]["rows"])
    assert "Umsätze und Belege" in readme and "Bargeld" in readme


def test_an_art_20_copy_alone_is_written_and_logged(
    services: Services, tmp_path: Path,
) -> None:
    from app.services.customers.dto import CustomerInput

    cid = services.customers.create(CustomerInput(last_name="Weiß"), by="Büro").id
    result = services.privacy.export_copy(cid, tmp_path / "kopie.zip", by="Büro")
    with zipfile.ZipFile(result.zip_path) as archive:
        document = json.loads(archive.read("daten.json"))
    assert document["customer_number"] == "K-000001"
    entry = services.audit.entries()[0]
    assert (entry.action, entry.actor, entry.description) == (
        "data_copy", "Büro", "Datenkopie erstellt (Art. 20)")
    assert not list(tmp_path.glob("*.partial"))


def test_every_table_with_customer_data_has_a_german_title_and_labels() -> None:
    for name in scope.data_tables(1):
        assert name in vocabulary.SECTION_TITLES, name
        for column in Base.metadata.tables[name].c.keys():
            if vocabulary.is_shown(name, column):
                assert vocabulary.column_label(name, column) != column, (name, column)


def test_the_export_names_codes_as_the_capabilities_that_own_them_do() -> None:
    words = vocabulary.CODE_WORDS
    assert words["consents.purpose"] == PURPOSES and words["consents.method"] == METHODS
    assert words["rfm_segment"] == SEGMENT_LABELS
    assert words["complaints.status"] == COMPLAINT_STATUS
    assert words["feedback.kind"] == {k: v[2] for k, v in KINDS.items()}
    assert words["vouchers.kind"] == vouchers.KINDS
    assert words["voucher_entries.kind"] == vouchers.ENTRY_LABELS
    assert words["points_entries.kind"] == cards.ENTRY_LABELS
    assert words["email_messages.state"] == outbox.STATE_LABELS
    assert words["contracts.payment_interval"] == contracts.PAYMENT_INTERVALS
    assert words["contracts.ended_by"] == contracts.ENDED_BY
    for table in Base.metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, CheckConstraint) and " IN " in str(constraint.sqltext):
                column = str(constraint.sqltext).split()[0]
                allowed = set(re.findall(r"'([a-z_]+)'", str(constraint.sqltext)))
                if table.name in scope.data_tables(1) and vocabulary.is_shown(table.name,
                                                                              column):
                    named = vocabulary.code_words(table.name, column) or {}
                    assert allowed <= set(named), (table.name, column)
