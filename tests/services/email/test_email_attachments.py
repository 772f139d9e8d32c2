"""Attachments are stored once per distinct content, a letter per recipient once per
recipient; the server still gets every mail whole."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import pdfplumber
import pytest
from sqlalchemy import func, select

from app.models import EmailAttachment, EmailMessage, EmailMessageAttachment
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.email.account import EmailAccount
from app.services.email.message import Attachment
from app.services.letters.recipients import TagSource
from app.services.privacy.consents import ConsentInput
from tests.services.email.mail_server import smtp_server
from tests.services.email.memory_keyring import MemoryKeyring, using

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 200  # 51 kB, every byte value


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[None]:
    with using(MemoryKeyring()):
        yield


def newsletter_readers(services: Services, count: int) -> list[int]:
    ids = []
    for i in range(count):
        cid = services.customers.create(CustomerInput(
            salutation="Herr", first_name="Jörg", last_name=f"Leser{i}",
            email=f"leser{i}@example.org", tags=("Newsletter",))).id
        services.privacy.record_consent(cid, ConsentInput(
            purpose="email", granted=True, given_on=date(2026, 2, 1), method="form"),
            by="Chef")
        ids.append(cid)
    return ids


def stored_sizes(services: Services) -> tuple[int, int, int]:
    """(attachments stored, links, bytes of all messages)."""
    with services.db.read() as session:
        return (session.scalar(select(func.count()).select_from(EmailAttachment)) or 0,
                session.scalar(select(func.count()).select_from(EmailMessageAttachment)) or 0,
                session.scalar(select(func.sum(func.length(EmailMessage.raw)))) or 0)


def test_a_campaign_stores_its_pdf_once_and_every_received_mail_carries_it_whole(
    services: Services,
) -> None:
    newsletter_readers(services, 20)
    thanks = services.email.templates.by_name("Dankeschön an A-Kunden")
    with smtp_server() as server:
        services.email.set_account(EmailAccount(
            host="127.0.0.1", port=server.port, security="none",
            from_address="werkstatt@example.org"), password=None, by="Chef")
        services.email.run_campaign(thanks.id, TagSource("Newsletter"), by="Chef",
                                    attachments=(Attachment("Angebot.pdf", PDF),))
        attachments, links, message_bytes = stored_sizes(services)
        assert (attachments, links) == (1, 20)
        assert message_bytes < 20 * 10_000  # the 68 kB of base64 are not in any message
        assert services.email.flush().sent == 20
    assert len(server.handler.received) == 20
    for received in server.handler.received:
        [attachment] = list(received.parsed().iter_attachments())
        assert attachment.get_filename() == "Angebot.pdf"
        assert attachment.get_content() == PDF


def test_a_letter_per_recipient_is_made_out_to_each_and_stored_once_per_recipient(
    services: Services,
) -> None:
    readers = newsletter_readers(services, 3)
    thanks = services.email.templates.by_name("Dankeschön an A-Kunden")
    letter = services.letters.by_name("Dankeschön an A-Kunden")
    with smtp_server() as server:
        services.email.set_account(EmailAccount(
            host="127.0.0.1", port=server.port, security="none",
            from_address="werkstatt@example.org"), password=None, by="Chef")
        services.email.run_campaign(thanks.id, TagSource("Newsletter"), by="Chef",
                                    attachments=(Attachment("Angebot.pdf", PDF),),
                                    letter_template_id=letter.id)
        assert stored_sizes(services)[:2] == (1 + 3, 3 * 2)
        assert services.email.flush().sent == 3
    texts = {}
    for received in server.handler.received:
        [shared, own] = list(received.parsed().iter_attachments())
        assert shared.get_content() == PDF
        assert own.get_filename() == "Dankeschön an A-Kunden.pdf"
        with pdfplumber.open(io.BytesIO(own.get_content())) as pdf:
            texts[received.recipients[0]] = pdf.pages[0].extract_text()
    for i in range(3):
        assert f"Leser{i}" in texts[f"leser{i}@example.org"]
        assert all(f"Leser{j}" not in texts[f"leser{i}@example.org"] for j in range(3) if j != i)
    services.privacy.erase(readers[0], by="Chef")
    assert stored_sizes(services)[:2] == (1 + 2, 2 * 2)  # the erased one's letter is gone
