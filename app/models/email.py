"""E-mail: the outbox (every message persisted before it is sent) and the mail templates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime


class EmailMessage(Base):
    """One message to one recipient: the exact bytes that go to the server, except that each
    attachment part is stored once in `email_attachments` and stands here as a reference
    (`app/services/email/attachments.py`), so a campaign with one PDF keeps it once.

    `state` is one of waiting | sending | sent | failed | unclear. A message is marked
    `sending` in its own committed transaction before the SMTP conversation starts, so a
    crash in between leaves a trace; the sender turns such rows into `unclear` on its next
    start instead of sending them again.
    """

    __tablename__ = "email_messages"
    __table_args__ = (Index("ix_email_messages_state_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    mailing_id: Mapped[int | None] = mapped_column(
        ForeignKey("mailings.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # single | campaign
    template_name: Mapped[str] = mapped_column(String(128), default="")
    advertising: Mapped[bool] = mapped_column(Boolean, default=False)
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EmailTemplate(Base):
    """A mail template beside the letter templates: same placeholders, same sandbox."""

    __tablename__ = "email_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    builtin_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    advertising: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EmailAttachment(Base):
    """One attachment's MIME part, stored once however many messages carry it: the key is
    the SHA-256 of the part's bytes (content-addressed)."""

    __tablename__ = "email_attachments"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    part: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EmailMessageAttachment(Base):
    """Which message carries which stored attachment. Deleting a message deletes its links;
    a trigger (migration 0016) deletes an attachment when its last link goes, so an erased
    customer's personal PDF does not outlive the mail (Art. 17 DSGVO)."""

    __tablename__ = "email_message_attachments"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("email_messages.id", ondelete="CASCADE"), primary_key=True)
    digest: Mapped[str] = mapped_column(
        ForeignKey("email_attachments.digest"), primary_key=True, index=True)
