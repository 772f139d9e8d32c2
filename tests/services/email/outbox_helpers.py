"""Putting test mails into the outbox the way the e-mail service does: build, then enqueue."""

from __future__ import annotations

from app.db import Database
from app.services.clock import Clock
from app.services.company import CompanyProfile
from app.services.email import outbox
from app.services.email.attachments import Part
from app.services.email.message import (
    Attachment,
    Mailbox,
    MailContent,
    attachment_part,
    build_message,
    new_message_id,
)

SENDER = Mailbox("werkstatt@mueller-sanitaer.de", "Müller Sanitär GmbH")
PROFILE = CompanyProfile(
    name="Müller Sanitär GmbH", street="Hauptstraße 5", postcode="80331", city="München",
    phone="089 123456", email="werkstatt@mueller-sanitaer.de", managing_director="Jürgen Müller",
    legal_form="gmbh", seat="München", register_court="Amtsgericht München",
    register_number="HRB 12345", vat_id="DE136695976")


def queue(db: Database, clock: Clock, recipients: list[tuple[str, str]], *,
          subject: str = "Grüße aus der Werkstatt", text: str = "Hallo,\n\nalles Gute.",
          attachments: tuple[Attachment, ...] = (), advertising: bool = False,
          customer_id: int | None = None) -> list[int]:
    mails = []
    for address, name in recipients:
        content = MailContent(Mailbox(address, name), subject, text, attachments, advertising)
        message_id = new_message_id(SENDER)
        raw = build_message(content, sender=SENDER, profile=PROFILE, when=clock.now(),
                            message_id=message_id)
        mails.append(outbox.NewMail(to_address=address, to_name=name, subject=subject,
                                    message_id=message_id, raw=raw, kind="campaign",
                                    customer_id=customer_id, advertising=advertising,
                                    parts=tuple(Part.of(attachment_part(a))
                                                for a in attachments)))
    with db.write() as session:
        ids = outbox.enqueue(session, mails, at=clock.now())
        session.commit()
    return ids


def addresses(count: int) -> list[tuple[str, str]]:
    return [(f"kunde{i:04d}@example.org", f"Kunde {i}") for i in range(count)]
