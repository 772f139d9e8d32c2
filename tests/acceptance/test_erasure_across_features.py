"""Art. 15 and Art. 17 across every feature that stores something about a customer.

A customer with sales, a bonus card, a voucher, a follow-up, a maintenance object,
feedback, a complaint, a mailing row and consents: the access export must list every one
of those tables, the erasure must leave the name nowhere in the database file, the money
ledgers must stay whole and the advertising objection must outlive the person.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import date, time
from pathlib import Path

import pytest

from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.followups.service import FollowUpInput, MaintenanceInput
from app.services.letters.recipients import IdSource
from app.services.loyalty.vouchers import VoucherInput
from app.services.privacy.consents import ConsentInput
from app.services.sales.service import SaleInput
from tests.services.loyalty.loyalty_helpers import POINTS

FIRST, LAST = "Hildegard", "Zwetschgenbaum"
STREET, POSTCODE = "Quittenweg 7", "01067"

FEATURE_TABLES = {
    "customers", "sales", "interactions", "consents", "loyalty_accounts", "bonus_cards",
    "points_entries", "vouchers", "voucher_entries", "followups", "maintenance_objects",
    "feedback", "complaints", "mailing_recipients", "audit_entries",
}


def ledgers(db_file: Path) -> dict[str, tuple[int, int]]:
    """(rows, sum) of every money or points ledger, read straight from the file."""
    with sqlite3.connect(db_file) as conn:
        return {
            "sales": conn.execute("SELECT count(*), sum(amount_cents) FROM sales").fetchone(),
            "points_entries": conn.execute(
                "SELECT count(*), sum(points) FROM points_entries").fetchone(),
            "voucher_entries": conn.execute(
                "SELECT count(*), sum(amount_cents) FROM voucher_entries").fetchone(),
        }


def build_customer(services: Services, tmp_path: Path) -> tuple[int, str, str]:
    cid = services.customers.create(CustomerInput(
        first_name=FIRST, last_name=LAST, street=STREET, postcode=POSTCODE, city="Dresden",
        email="hildegard@zwetschgenbaum.example", phone="0351 123456",
        notes=f"{FIRST} {LAST} mag Pflaumen")).id
    program = services.programs.save_program(POINTS)
    card = services.loyalty.enrol(cid, program_id=program.id, by="theke")
    services.sales.add(cid, SaleInput(date(2026, 3, 15), 25_000, description="Heizung",
                                      document_no="RE-4711"), by="büro")
    voucher = services.vouchers.issue(VoucherInput(value_cents=5000, customer_id=cid),
                                      by="kasse")
    services.vouchers.redeem(voucher.code, amount_cents=1500, by="kasse")
    services.followups.create(cid, FollowUpInput(
        subject=f"Rückruf {LAST}", due_date=date(2026, 3, 20), due_time=time(9, 0),
        notes=f"{FIRST} anrufen"), by="büro")
    services.followups.add_maintenance(cid, MaintenanceInput(
        name=f"Therme {LAST}", rrule="FREQ=YEARLY", first_due=date(2026, 9, 1),
        notes=f"bei {LAST} im Keller"), by="büro")
    services.feedback.record_score(cid, kind="nps", score=9, comment=f"{FIRST} war zufrieden")
    services.feedback.open_complaint(cid, subject=f"Tropfen bei {LAST}",
                                     text=f"{FIRST} meldet Wasser")
    template = services.letters.by_name("Terminbestätigung")
    services.mailings.run(template.id, IdSource((cid,)), out=tmp_path / "brief.pdf", by="büro")
    services.privacy.record_consent(cid, ConsentInput(
        purpose="email", granted=True, given_on=date(2026, 3, 1), method="form"), by="büro")
    services.privacy.object_to_advertising(cid, by="büro")
    return cid, card.number, voucher.code


@pytest.mark.usefixtures("letterhead")
def test_access_lists_every_feature_and_erasure_leaves_no_name_but_whole_ledgers(
    services: Services, db_path: Path, tmp_path: Path
) -> None:
    cid, card_number, code = build_customer(services, tmp_path)
    assert services.loyalty.balance(card_number) == 250  # credited when the sale was typed

    export = services.privacy.export_access(cid, tmp_path / "auskunft", by="büro")
    listed = {name for name, count in export.tables.items() if count}
    assert FEATURE_TABLES <= listed, FEATURE_TABLES - listed
    with zipfile.ZipFile(export.zip_path) as archive:
        document = json.loads(archive.read("daten.json"))
    assert FEATURE_TABLES <= {section["key"] for section in document["sections"]}

    def file_bytes() -> bytes:
        return b"".join(path.read_bytes() for path in db_path.parent.glob(db_path.name + "*"))

    assert LAST.encode("utf-8") in file_bytes()  # the check below can fail
    before = ledgers(db_path)
    liability = services.liability.liability()
    plan = services.privacy.erase(cid, by="chef")
    assert not plan.removes_customer and plan.kept == {"sales": 1, "interactions": 1}

    assert ledgers(db_path) == before
    assert services.liability.liability() == liability
    assert services.vouchers.get(code).remaining_cents == 3500
    assert services.loyalty.balance(card_number) == 250
    assert services.privacy.is_suppressed(name=f"{FIRST} {LAST}", street=STREET,
                                          postcode=POSTCODE)

    services.db.dispose()
    with sqlite3.connect(db_path) as conn:
        conn.execute("VACUUM")
    raw = file_bytes()
    for needle in (FIRST, LAST, "Quittenweg", "hildegard@", "0351 123456"):
        assert needle.encode("utf-8") not in raw, needle


@pytest.mark.usefixtures("letterhead")
def test_the_nightly_purge_removes_the_kept_rest_after_the_period_and_keeps_the_ledgers(
    services: Services, db_path: Path, tmp_path: Path
) -> None:
    cid, card_number, code = build_customer(services, tmp_path)
    services.privacy.erase(cid, by="chef")
    letters_end = services.nightly.purge(date(2033, 1, 1))  # letters: 6 years
    assert (letters_end.customers_deleted, letters_end.rows_deleted) == (0, 1)
    assert services.nightly.purge(date(2036, 12, 31)).rows_deleted == 0
    purged = services.nightly.purge(date(2037, 1, 1))  # sales: 10 years
    assert (purged.customers_deleted, purged.rows_deleted) == (1, 1)
    assert services.customers.count() == 0
    assert services.loyalty.balance(card_number) == 250
    assert services.vouchers.get(code).remaining_cents == 3500
    assert ledgers(db_path)["points_entries"] == (1, 250)
