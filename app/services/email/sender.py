"""Sending what waits in the outbox: a plain function taking a `Progress`, so Cancel works.

The SMTP conversation is split at the one point where the fate of a message becomes unknown:
everything up to and including the transmission of the message text (MAIL, RCPT, DATA, the
text and its final dot) either fails before the server could accept the mail — then it is
retried — or it got through. If the connection breaks while waiting for the server's answer
to the final dot, the server may have accepted the mail: it becomes `unclear`, never resent.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from datetime import time as dt_time

from app.db import Database
from app.services.clock import Clock
from app.services.email import outbox
from app.services.progress import NO_PROGRESS, Progress

Connect = Callable[[], smtplib.SMTP]

# The errors of a broken or refused connection: socket errors and smtplib's own.
CONNECTION_ERRORS = (OSError, smtplib.SMTPException)

# A connection that breaks this many times in a row ends the run; the rest keeps waiting.
MAX_BROKEN_IN_A_ROW = 3


@dataclass(frozen=True)
class Outcome:
    kind: str  # sent | temporary | permanent | unclear
    reply: str
    broken: bool = False  # the connection cannot be used any more


@dataclass(frozen=True)
class FlushReport:
    sent: int = 0
    failed: int = 0
    retry: int = 0
    unclear: int = 0
    recovered: int = 0
    left: int = 0
    stopped: str = ""

    def summary(self) -> str:
        parts = [f"{self.sent} gesendet"]
        if self.failed:
            parts.append(f"{self.failed} fehlgeschlagen")
        if self.retry:
            parts.append(f"{self.retry} warten auf einen neuen Versuch")
        if self.unclear or self.recovered:
            parts.append(f"{self.unclear + self.recovered} unklar")
        if self.left:
            parts.append(f"{self.left} noch im Postausgang")
        text = ", ".join(parts) + "."
        return f"{text} {self.stopped}" if self.stopped else text


def connection_problem(exc: BaseException) -> str:
    """The German sentence for a failed connection or login."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "Anmeldung abgelehnt: Benutzername oder Passwort prüfen."
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"Der Server kann das nicht: {exc}"
    if isinstance(exc, ssl.SSLError):
        return f"Verschlüsselte Verbindung fehlgeschlagen (Zertifikat oder Port?): {exc}"
    if isinstance(exc, socket.gaierror):
        return "Server nicht gefunden (Name falsch oder keine Internetverbindung)."
    if isinstance(exc, ConnectionRefusedError):
        return "Der Server lehnt die Verbindung ab (Port falsch?)."
    if isinstance(exc, TimeoutError):
        return "Der Server antwortet nicht (Zeitüberschreitung)."
    return f"Keine Verbindung zum Mailserver: {exc}"



def _reply_text(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return f"{code} {' '.join(text.split())}".strip()


def _refused(code: int, reply: bytes) -> Outcome:
    text = _reply_text(code, reply)
    if 400 <= code < 500:
        return Outcome("temporary", text, broken=code == 421)
    return Outcome("permanent", text)


_DOT = re.compile(rb"(?m)^\.")


def _dot_stuffed(raw: bytes) -> bytes:
    """RFC 5321 4.5.2: a leading dot is doubled; the text ends with CRLF . CRLF."""
    data = _DOT.sub(b"..", raw)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def transmit(smtp: smtplib.SMTP, *, sender: str, recipient: str, raw: bytes) -> Outcome:
    """One message over an open connection; never raises for the server's or network's
    failures, it says what they mean for this message."""
    try:
        code, reply = smtp.mail(sender)
        if code != 250:
            return _reset_after(smtp, _refused(code, reply))
        code, reply = smtp.rcpt(recipient)
        if code not in (250, 251):
            return _reset_after(smtp, _refused(code, reply))
        code, reply = smtp.docmd("DATA")
        if code != 354:
            return _reset_after(smtp, _refused(code, reply))
        smtp.send(_dot_stuffed(raw))
    except CONNECTION_ERRORS as exc:
        return Outcome("temporary", f"Verbindung unterbrochen: {exc}", broken=True)
    try:
        code, reply = smtp.getreply()
    except CONNECTION_ERRORS as exc:
        return Outcome("unclear", "Die Verbindung brach ab, nachdem die Mail vollständig "
                       f"übertragen war, vor der Bestätigung des Servers ({exc}).", broken=True)
    if code == 250:
        return Outcome("sent", _reply_text(code, reply))
    return _refused(code, reply)


def _reset_after(smtp: smtplib.SMTP, outcome: Outcome) -> Outcome:
    if outcome.broken:
        return outcome
    try:
        smtp.rset()
    except CONNECTION_ERRORS:
        return Outcome(outcome.kind, outcome.reply, broken=True)
    return outcome


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except CONNECTION_ERRORS:
        smtp.close()


class _Pace:
    """At most `per_minute` messages a minute; waits in short steps so Cancel is quick."""

    def __init__(self, per_minute: int | None, sleep: Callable[[float], None],
                 monotonic: Callable[[], float], progress: Progress) -> None:
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self.sleep = sleep
        self.monotonic = monotonic
        self.progress = progress
        self.last: float | None = None

    def wait(self) -> None:
        if not self.interval or self.last is None:
            self.last = self.monotonic()
            return
        remaining = self.last + self.interval - self.monotonic()
        while remaining > 0:
            self.progress.checkpoint()
            step = min(remaining, 0.2)
            self.sleep(step)
            remaining -= step
        self.last = self.monotonic()


def flush(db: Database, clock: Clock, connect: Connect, *, sender: str,
          progress: Progress = NO_PROGRESS, per_minute: int | None = None,
          per_day: int | None = None, max_attempts: int = 6,
          sleep: Callable[[float], None] = time.sleep,
          monotonic: Callable[[], float] = time.monotonic) -> FlushReport:
    """Send every message that is due. Interrupted ones from an earlier run become `unclear`
    first. `connect` opens and logs in a connection (see `account.connector`); if that fails
    the run stops and the messages keep waiting ("no internet → they wait in the outbox").
    `per_day` caps the mails sent per calendar day (the provider's daily limit): the rest
    waits for tomorrow."""
    recovered = outbox.recover_interrupted(db, at=clock.now())
    due = outbox.due_ids(db, at=clock.now())
    if per_day is not None:
        today = outbox.sent_since(db, since=datetime.combine(clock.today(), dt_time(),
                                                             tzinfo=clock.zone))
        allowed = max(per_day - today, 0)
        if allowed < len(due):
            due = due[:allowed]
            capped = (f"Tageslimit von {per_day} Mails erreicht; der Rest wartet bis "
                      "morgen.")
        else:
            capped = ""
    else:
        capped = ""
    pace = _Pace(per_minute, sleep, monotonic, progress)
    states = dict.fromkeys((outbox.SENT, outbox.FAILED, outbox.WAITING, outbox.UNCLEAR), 0)
    smtp: smtplib.SMTP | None = None
    broken_in_a_row = 0
    stopped = ""
    try:
        for done, message_id in enumerate(due):
            progress.checkpoint()
            progress.report(done, len(due), f"{done} von {len(due)} Mails bearbeitet")
            if smtp is None:
                try:
                    smtp = connect()
                except CONNECTION_ERRORS as exc:
                    stopped = connection_problem(exc)
                    break
            pace.wait()
            pending = outbox.claim(db, message_id)
            if pending is None:
                continue
            outcome = transmit(smtp, sender=sender, recipient=pending.to_address,
                               raw=pending.raw)
            states[_record(db, clock, pending, outcome, max_attempts=max_attempts)] += 1
            if not outcome.broken:
                broken_in_a_row = 0
                continue
            smtp.close()
            smtp = None
            broken_in_a_row += 1
            if broken_in_a_row >= MAX_BROKEN_IN_A_ROW:
                stopped = f"Die Verbindung brach {broken_in_a_row}-mal nacheinander ab."
                break
    finally:
        if smtp is not None:
            _close(smtp)
    progress.report(len(due), len(due), "fertig")
    return FlushReport(sent=states[outbox.SENT], failed=states[outbox.FAILED],
                       retry=states[outbox.WAITING], unclear=states[outbox.UNCLEAR],
                       recovered=recovered, left=len(outbox.due_ids(db, at=clock.now())),
                       stopped=stopped or capped)


def _record(db: Database, clock: Clock, pending: outbox.Pending, outcome: Outcome, *,
            max_attempts: int) -> str:
    """Store what the outcome means for the message; returns its new state."""
    if outcome.kind == "sent":
        outbox.mark_sent(db, pending, at=clock.now(), reply=outcome.reply)
        return outbox.SENT
    if outcome.kind == "unclear":
        outbox.mark_unclear(db, pending, reason=outcome.reply)
        return outbox.UNCLEAR
    if outcome.kind == "permanent":
        outbox.mark_failed(db, pending, reason=f"Vom Server abgelehnt: {outcome.reply}")
        return outbox.FAILED
    if pending.attempts >= max_attempts:
        outbox.mark_failed(db, pending, reason=f"Nach {pending.attempts} Versuchen aufgegeben; "
                                                f"zuletzt: {outcome.reply}")
        return outbox.FAILED
    outbox.mark_retry(db, pending, reason=f"Vorübergehender Fehler: {outcome.reply}",
                      due=clock.now() + outbox.backoff(pending.attempts))
    return outbox.WAITING
