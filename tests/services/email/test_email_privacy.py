"""Data protection for mails: the Art. 15 export lists them, Art. 17 erasure removes them."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pdfplumber

from app.services.clock import FixedClock
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.email import outbox
from tests.services.email.outbox_helpers import queue


def test_the_access_export_lists_the_customers_mails_readably(
    services: Services, clock: FixedClock, tmp_path: Path,
) -> None:
    customer = services.customers.create(CustomerInput(last_name="Weiß", email="w@example.org"))
    queue(services.db, clock, [("w@example.org", "Herr Weiß")], subject="Ihr Termin am Montag",
          customer_id=customer.id)
    result = services.privacy.export_access(customer.id, tmp_path, by="Chef")
    with zipfile.ZipFile(result.zip_path) as archive:
        data = json.loads(archive.read("daten.json"))
    [mail] = next(s["rows"] for s in data["sections"] if s["key"] == "email_messages")
    assert mail["to_address"] == "w@example.org"
    assert "Subject: Ihr Termin am Montag" in mail["raw"]
    with pdfplumber.open(result.pdf_path) as pdf:
        text = " ".join(" ".join(page.extract_text() or "" for page in pdf.pages).split())
    assert "E-Mails (1)" in text
    assert "Ihr Termin am Montag" in text
    assert "Content-Transfer-Encoding" not in text  # the MIME text only in the data copy


def test_erasure_removes_the_customers_mails_and_leaves_the_others(
    services: Services, clock: FixedClock,
) -> None:
    gone = services.customers.create(CustomerInput(last_name="Weg", email="weg@example.org"))
    stays = services.customers.create(CustomerInput(last_name="Da", email="da@example.org"))
    queue(services.db, clock, [("weg@example.org", "Weg")], customer_id=gone.id)
    queue(services.db, clock, [("da@example.org", "Da")], customer_id=stays.id)
    services.privacy.erase(gone.id, by="Chef")
    assert [r.to_address for r in outbox.rows(services.db)] == ["da@example.org"]
