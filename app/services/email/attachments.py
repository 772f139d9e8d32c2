"""Attachments stored once: a message is kept without its attachment parts, each part once.

A campaign to 5,000 customers with the same 46 kB PDF stored it 5,000 times (66 kB per mail).
Now every attachment's MIME part (the exact bytes inside the message) is kept once under its
SHA-256 in `email_attachments`, and the message holds a reference in its place: a NUL byte,
the digest, a NUL byte — NUL never occurs in a message built here (headers are ASCII, parts
quoted-printable or base64), so a reference cannot be confused with message text. A letter
made for each recipient is its own part and stays per recipient.

`join` puts the parts back before a message is sent or shown, so the server gets the same
bytes as before; the outbox's rules (written before sending, never sent twice) are untouched.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.models import EmailAttachment, EmailMessageAttachment

_REFERENCE = re.compile(rb"\x00attachment:([0-9a-f]{64})\x00")
_CHUNK = 500


def reference(digest: str) -> bytes:
    return b"\x00attachment:" + digest.encode("ascii") + b"\x00"


@dataclass(frozen=True)
class Part:
    """One attachment part as it stands in a message, with its digest (computed once)."""

    data: bytes
    digest: str

    @classmethod
    def of(cls, data: bytes) -> Part:
        return cls(data, hashlib.sha256(data).hexdigest())


def split(raw: bytes, parts: Sequence[Part]) -> tuple[bytes, tuple[str, ...]]:
    """The message with each part replaced by its reference, and the digests replaced."""
    found = []
    for part in parts:
        if part.data in raw:
            raw = raw.replace(part.data, reference(part.digest))
            found.append(part.digest)
    return raw, tuple(dict.fromkeys(found))


def store(session: Session, parts: Iterable[Part], links: Sequence[tuple[int, Sequence[str]]],
          *, at: datetime) -> None:
    """Keep the parts not stored yet and link each message (id) to its digests, inside the
    caller's unit of work."""
    wanted = {part.digest: part for part in parts}
    have: set[str] = set()
    keys = list(wanted)
    for start in range(0, len(keys), _CHUNK):
        have.update(session.scalars(select(EmailAttachment.digest).where(
            EmailAttachment.digest.in_(keys[start:start + _CHUNK]))))
    new = [{"digest": d, "part": p.data, "created_at": at}
           for d, p in wanted.items() if d not in have]
    if new:
        session.execute(insert(EmailAttachment), new)
    rows = [{"message_id": message_id, "digest": digest}
            for message_id, digests in links for digest in digests]
    if rows:
        session.execute(insert(EmailMessageAttachment), rows)


def join(session: Session, raw: bytes) -> bytes:
    """The whole message: every reference replaced by its stored part."""
    digests = {m.decode("ascii") for m in _REFERENCE.findall(raw)}
    if not digests:
        return raw
    stored = {digest: part for digest, part in session.execute(
        select(EmailAttachment.digest, EmailAttachment.part)
        .where(EmailAttachment.digest.in_(digests)))}
    return _REFERENCE.sub(lambda m: stored[m.group(1).decode("ascii")], raw)
