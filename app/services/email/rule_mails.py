"""The rules' e-mail action: mail what a rule put on the letter list for e-mail.

A rule with "per E-Mail" (followups) puts a customer on the letter list with the note marked
`EMAIL_NOTE` where the contact policy allowed e-mail when it fired. This module, wired in as
the rule run's `after_run` by the container (followups may not use email, email may use
followups), mails those entries with the mail template of the letter template's key or name
and ticks them off. Whoever may not get the mail now (the policy is asked again: consent,
objection, bounced address — never a second set of rules), or when there is no usable account
or no such mail template, stays on the letter list with the reason in the entry's note, and
gets the letter.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db import Database
from app.models import LetterQueueEntry
from app.services import timeline
from app.services.actors import SYSTEM
from app.services.clock import Clock
from app.services.company import CompanyProfile
from app.services.email import campaigns
from app.services.email.account import EmailAccount
from app.services.email.campaigns import Exclusions
from app.services.email.templates import MailTemplateService
from app.services.errors import NotFoundError
from app.services.followups.rules import EMAIL_NOTE, FALLBACK_NOTE
from app.services.letters.recipients import LetterListSource
from app.services.progress import NO_PROGRESS, Progress

_CHUNK = 500


@dataclass(frozen=True)
class RuleMailSource(LetterListSource):
    """The letter-list entries of one template key marked for e-mail, as they were read."""

    entry_ids: tuple[int, ...] = ()

    def describe(self) -> str:
        return f"Regel-E-Mails „{self.template_key}“"

    def customer_ids(self, session: Session) -> list[int]:
        ids: list[int] = []
        for start in range(0, len(self.entry_ids), _CHUNK):
            ids += session.scalars(select(LetterQueueEntry.customer_id).where(
                LetterQueueEntry.id.in_(self.entry_ids[start:start + _CHUNK]),
                LetterQueueEntry.done_at.is_(None)).order_by(LetterQueueEntry.id))
        return list(dict.fromkeys(ids))

    def mark_done(self, session: Session, customer_ids: list[int], *, at: datetime) -> None:
        for start in range(0, len(self.entry_ids), _CHUNK):
            session.execute(update(LetterQueueEntry).where(
                LetterQueueEntry.id.in_(self.entry_ids[start:start + _CHUNK]),
                LetterQueueEntry.done_at.is_(None),
                LetterQueueEntry.customer_id.in_(customer_ids)).values(done_at=at))


@dataclass(frozen=True)
class RuleMailReport:
    """One template key's outcome: mails queued, and who stays on the letter list, why."""

    template_key: str
    queued: int
    letters: tuple[tuple[int, str], ...]  # (customer id, reason)

    def line(self) -> str:
        text = f"E-Mail „{self.template_key}“: {self.queued} in den Postausgang"
        if self.letters:
            text += f", {len(self.letters)} bleiben auf der Briefliste (Brief statt E-Mail)"
        return text


def marked_entries(db: Database) -> dict[str, list[int]]:
    """Open letter-list entries marked for e-mail, by template key (oldest first)."""
    found: dict[str, list[int]] = defaultdict(list)
    with db.read() as session:
        for entry_id, key in session.execute(
                select(LetterQueueEntry.id, LetterQueueEntry.template_key).where(
                    LetterQueueEntry.done_at.is_(None),
                    LetterQueueEntry.note.startswith(EMAIL_NOTE, autoescape=True))
                .order_by(LetterQueueEntry.id)):
            found[key].append(entry_id)
    return dict(found)


def fall_back(db: Database, clock: Clock, entry_ids: Sequence[int],
              reasons: dict[int, str]) -> None:
    """Turn marked entries into letters: the e-mail refusal goes into the note and the
    customer's contact history. `reasons` by customer id (entries of others stay marked)."""
    now = clock.now()
    with db.write() as session:
        for start in range(0, len(entry_ids), _CHUNK):
            for entry in session.scalars(select(LetterQueueEntry).where(
                    LetterQueueEntry.id.in_(entry_ids[start:start + _CHUNK]),
                    LetterQueueEntry.done_at.is_(None))):
                reason = reasons.get(entry.customer_id)
                if reason is None or not entry.note.startswith(EMAIL_NOTE):
                    continue
                occasion = entry.note.removeprefix(EMAIL_NOTE)
                entry.note = (FALLBACK_NOTE.format(reason=reason) + occasion)[:200]
                timeline.record(session, customer_id=entry.customer_id, channel="system",
                                subject=f"Brief statt E-Mail „{entry.template_key}“",
                                text=reason, author=SYSTEM, at=now)
        session.commit()


def mail_marked(db: Database, clock: Clock, templates: MailTemplateService, *,
                account: EmailAccount | None, profile: CompanyProfile,
                exclusions: Exclusions, progress: Progress = NO_PROGRESS
                ) -> list[RuleMailReport]:
    """Queue the mails of every marked entry; the rest falls back to the letter."""
    reports: list[RuleMailReport] = []
    for key, entry_ids in marked_entries(db).items():
        progress.checkpoint()
        source = RuleMailSource(key, tuple(entry_ids))
        with db.read() as session:
            customer_ids = source.customer_ids(session)
        blocked = ""
        if account is None or account.oauth_only:
            blocked = "kein E-Mail-Konto, über das Stammkunde selbst senden kann"
        else:
            try:
                template = templates.for_letter(key)
            except NotFoundError:
                blocked = f"keine Mailvorlage „{key}“"
        if blocked or account is None:
            fall_back(db, clock, entry_ids, dict.fromkeys(customer_ids, blocked))
            reports.append(RuleMailReport(key, 0, tuple((c, blocked) for c in customer_ids)))
            continue
        with db.read() as session:
            plan = campaigns.plan(session, template, source, control_share=0.0, seed=None,
                                  exclusions=exclusions)
        reasons = {e.customer_id: e.reason for e in plan.excluded}
        fall_back(db, clock, entry_ids, reasons)
        queued = 0
        if plan.recipients:
            queued = campaigns.queue(db, clock, templates, plan, account=account,
                                     profile=profile, by=SYSTEM, source=source,
                                     progress=progress).queued
        reports.append(RuleMailReport(key, queued, tuple(reasons.items())))
    return reports
