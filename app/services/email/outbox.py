"""The outbox: every message is stored before it is sent, and its state says what happened.

The rule that keeps a mail from going out twice: a message is set to `sending` in its own
committed transaction *before* the SMTP conversation begins and to `sent` in another one after
the server accepted it. A message still `sending` when a sender starts was interrupted (crash,
kill, power cut) at an unknown point; it becomes `unclear` and is never resent on its own —
the user decides (`resolve_unclear`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from app.db import Database
from app.models import EmailMessage
from app.services import timeline
from app.services.email import attachments
from app.services.email.attachments import Part
from app.services.errors import ConflictError, NotFoundError

WAITING = "waiting"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
UNCLEAR = "unclear"

STATE_LABELS: dict[str, str] = {
    WAITING: "wartet",
    SENDING: "wird gesendet",
    SENT: "gesendet",
    FAILED: "fehlgeschlagen",
    UNCLEAR: "unklar",
}

INTERRUPTED = ("Der Versand wurde unterbrochen (Programm beendet oder abgestürzt), während "
               "diese Mail gerade an den Server ging. Ob sie angekommen ist, ist unbekannt; "
               "sie wird nicht von selbst erneut gesendet.")


@dataclass(frozen=True)
class NewMail:
    """A message ready for the outbox: the exact bytes plus what the lists show."""

    to_address: str
    to_name: str
    subject: str
    message_id: str
    raw: bytes
    kind: str
    customer_id: int | None = None
    mailing_id: int | None = None
    template_name: str = ""
    advertising: bool = False
    parts: tuple[Part, ...] = ()  # its attachment parts, stored once (`attachments`)


@dataclass(frozen=True)
class OutboxRow:
    id: int
    customer_id: int | None
    to_address: str
    to_name: str
    subject: str
    kind: str
    state: str
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None
    advertising: bool
    template_name: str

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class Pending:
    """What the sender needs of one claimed message."""

    id: int
    customer_id: int | None
    to_address: str
    subject: str
    raw: bytes
    attempts: int


def enqueue(session: Session, mails: Sequence[NewMail], *, at: datetime, by: str = ""
            ) -> list[int]:
    """Add messages as `waiting` inside the caller's unit of work (no commit here); their
    attachment parts are stored once each."""
    stored = [attachments.split(m.raw, m.parts) for m in mails]
    rows = [EmailMessage(
        customer_id=m.customer_id, mailing_id=m.mailing_id, kind=m.kind,
        template_name=m.template_name, advertising=m.advertising, to_address=m.to_address,
        to_name=m.to_name[:200], subject=m.subject[:300], message_id=m.message_id, raw=raw,
        state=WAITING, attempts=0, next_attempt_at=None, last_error="", created_by=by,
        created_at=at, sent_at=None) for m, (raw, _) in zip(mails, stored, strict=True)]
    session.add_all(rows)
    session.flush()
    attachments.store(session, (p for m in mails for p in m.parts),
                      [(r.id, digests) for r, (_, digests) in zip(rows, stored, strict=True)],
                      at=at)
    return [r.id for r in rows]


def recover_interrupted(db: Database, *, at: datetime) -> int:
    """Turn every message left `sending` into `unclear`; returns how many."""
    with db.write() as session:
        result = session.execute(
            update(EmailMessage).where(EmailMessage.state == SENDING)
            .values(state=UNCLEAR, last_error=INTERRUPTED, next_attempt_at=None)
            .execution_options(synchronize_session=False))
        session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def due_ids(db: Database, *, at: datetime) -> list[int]:
    with db.read() as session:
        return list(session.scalars(
            select(EmailMessage.id).where(
                EmailMessage.state == WAITING,
                or_(EmailMessage.next_attempt_at.is_(None), EmailMessage.next_attempt_at <= at))
            .order_by(EmailMessage.id)))


def claim(db: Database, message_id: int) -> Pending | None:
    """Mark one waiting message `sending` and commit; None if it is no longer waiting."""
    with db.write() as session:
        row = session.get(EmailMessage, message_id)
        if row is None or row.state != WAITING:
            return None
        row.state = SENDING
        row.attempts += 1
        pending = Pending(row.id, row.customer_id, row.to_address, row.subject,
                          attachments.join(session, row.raw), row.attempts)
        session.commit()
    return pending


def mark_sent(db: Database, pending: Pending, *, at: datetime, reply: str) -> None:
    """The server accepted it: `sent`, and one entry in the customer's contact history."""
    with db.write() as session:
        row = session.get(EmailMessage, pending.id)
        if row is None:  # erased while it was on its way (Art. 17)
            return
        row.state = SENT
        row.sent_at = at
        row.next_attempt_at = None
        row.last_error = reply
        if row.customer_id is not None:
            timeline.record(session, customer_id=row.customer_id, channel="email",
                            subject=f"E-Mail gesendet: {row.subject}", at=at,
                            text=f"An {row.to_address}", author=row.created_by)
        session.commit()


def mark_failed(db: Database, pending: Pending, *, reason: str) -> None:
    _set(db, pending.id, state=FAILED, error=reason, due=None)


def mark_unclear(db: Database, pending: Pending, *, reason: str) -> None:
    _set(db, pending.id, state=UNCLEAR, error=reason, due=None)


def mark_retry(db: Database, pending: Pending, *, reason: str, due: datetime) -> None:
    _set(db, pending.id, state=WAITING, error=reason, due=due)


def _set(db: Database, message_id: int, *, state: str, error: str, due: datetime | None
         ) -> None:
    with db.write() as session:
        row = session.get(EmailMessage, message_id)
        if row is not None:
            row.state = state
            row.last_error = error
            row.next_attempt_at = due
        session.commit()


def backoff(attempts: int, *, base: timedelta = timedelta(minutes=1),
            cap: timedelta = timedelta(hours=2)) -> timedelta:
    """1, 2, 4, 8 … minutes after the n-th temporary failure, at most two hours."""
    return min(base * (2 ** max(attempts - 1, 0)), cap)


def _row(m: EmailMessage) -> OutboxRow:
    return OutboxRow(m.id, m.customer_id, m.to_address, m.to_name, m.subject, m.kind, m.state,
                     m.attempts, m.last_error, m.created_at, m.sent_at, m.next_attempt_at,
                     m.advertising, m.template_name)


_COLUMNS = (EmailMessage.id, EmailMessage.customer_id, EmailMessage.to_address,
            EmailMessage.to_name, EmailMessage.subject, EmailMessage.kind, EmailMessage.state,
            EmailMessage.attempts, EmailMessage.last_error, EmailMessage.created_at,
            EmailMessage.sent_at, EmailMessage.next_attempt_at, EmailMessage.advertising,
            EmailMessage.template_name)


def rows(db: Database, *, states: Sequence[str] = (), customer_id: int | None = None,
         mailing_id: int | None = None, ids: Sequence[int] = (), limit: int = 1000
         ) -> list[OutboxRow]:
    """Messages newest first, without their bytes."""
    query = select(*_COLUMNS).order_by(EmailMessage.id.desc()).limit(limit)
    if ids:
        query = query.where(EmailMessage.id.in_(ids))
    if states:
        query = query.where(EmailMessage.state.in_(states))
    if customer_id is not None:
        query = query.where(EmailMessage.customer_id == customer_id)
    if mailing_id is not None:
        query = query.where(EmailMessage.mailing_id == mailing_id)
    with db.read() as session:
        return [OutboxRow(**r._asdict()) for r in session.execute(query)]


def sent_since(db: Database, *, since: datetime) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).where(
            EmailMessage.state == SENT, EmailMessage.sent_at >= since)) or 0)


def counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        found: dict[str, int] = {state: count for state, count in session.execute(
            select(EmailMessage.state, func.count()).group_by(EmailMessage.state))}
    return {state: int(found.get(state, 0)) for state in STATE_LABELS}


def resolve_unclear(db: Database, message_id: int, *, resend: bool, at: datetime) -> OutboxRow:
    """The user's decision on an `unclear` message: send it again, or count it as sent
    (e.g. after a look into the mailbox's "Gesendet" folder)."""
    with db.write() as session:
        row = session.get(EmailMessage, message_id)
        if row is None:
            raise NotFoundError(f"Mail {message_id} gibt es nicht (mehr).")
        allowed = (UNCLEAR, FAILED) if resend else (UNCLEAR,)
        if row.state not in allowed:
            raise ConflictError(
                f"Mail {message_id} ist „{STATE_LABELS[row.state]}“; "
                + ("erneut senden lassen sich nur unklare oder fehlgeschlagene Mails."
                   if resend else "als gesendet bestätigen lassen sich nur unklare Mails."))
        if resend:
            row.state = WAITING
            row.next_attempt_at = None
        else:
            row.state = SENT
            row.sent_at = row.sent_at or at
        row.last_error = ("erneut freigegeben" if resend else "als gesendet bestätigt")
        session.commit()
        return _row(row)
