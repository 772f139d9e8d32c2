"""E-mail campaigns: a mail template to a class, segment or tag, like a serial letter.

They share the serial letters' machinery: the recipient sources, the seeded control group
(`split_control`) and the record (a `Mailing` with one `MailingRecipient` per customer:
recipient, control or excluded with the reason), so the mailing results — repurchase rate
against the control group, lift with its interval — are the same function for both.
Who may be written to is asked of the contact policy (`privacy`), never decided here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.db import Database
from app.models import Customer, EmailMessage, Mailing, MailingRecipient
from app.services import audit
from app.services.clock import Clock
from app.services.company import CompanyProfile
from app.services.email import attachments as stored_parts
from app.services.email import outbox
from app.services.email.account import EmailAccount
from app.services.email.attachments import Part
from app.services.email.message import (
    Attachment,
    Mailbox,
    MailContent,
    attachment_part,
    build_message,
    new_message_id,
)
from app.services.email.templates import MailTemplateService
from app.services.formatting import format_count
from app.services.letters.recipients import (
    ExcludedCustomer,
    LetterListSource,
    RecipientSource,
    check_control_share,
    draw_control_group,
)
from app.services.letters.service import TemplateDTO
from app.services.progress import NO_PROGRESS, Progress

BATCH = 200

# Asked for all candidates at once (advertising or not): the excluded ones with the reason.
Exclusions = Callable[[Session, Sequence[int], bool], dict[int, str]]
# Attachments made for each recipient (a letter rendered per customer), per batch of ids.
PersonalAttachments = Callable[[Session, Sequence[int]], dict[int, Attachment]]


@dataclass(frozen=True)
class CampaignRecipient:
    customer_id: int
    number: str
    name: str
    email: str


@dataclass(frozen=True)
class CampaignPlan:
    template: TemplateDTO
    source: str
    recipients: tuple[CampaignRecipient, ...]
    control: tuple[CampaignRecipient, ...]
    excluded: tuple[ExcludedCustomer, ...]
    control_share: float
    seed: int | None


@dataclass(frozen=True)
class CampaignResult:
    mailing_id: int
    queued: int
    control: int
    excluded: int

    def summary(self) -> str:
        return (f"Kampagne #{self.mailing_id}: "
                f"{format_count(self.queued, 'Mail', 'Mails')} im Postausgang, "
                f"{self.control} in der Kontrollgruppe, {self.excluded} ausgeschlossen.")


def _chunks(items: Sequence[int], size: int = BATCH) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def plan(session: Session, template: TemplateDTO, source: RecipientSource, *,
         control_share: float, seed: int | None, exclusions: Exclusions) -> CampaignPlan:
    """Candidates from the source, split into recipients, control group and excluded."""
    check_control_share(control_share)
    ids = source.customer_ids(session)
    people: dict[int, CampaignRecipient] = {}
    for chunk in _chunks(ids, 500):
        for c in session.execute(select(Customer.id, Customer.number, Customer.kind,
                                        Customer.company, Customer.first_name,
                                        Customer.last_name, Customer.email)
                                 .where(Customer.id.in_(chunk))):
            full = " ".join(p for p in (c.first_name, c.last_name) if p)
            name = c.company if c.kind == "business" and c.company else (full or c.company)
            people[c.id] = CampaignRecipient(c.id, c.number, name, c.email)
    excluded: list[ExcludedCustomer] = []
    eligible: list[CampaignRecipient] = []
    refused = exclusions(session, ids, template.advertising)
    for cid in ids:
        person = people[cid]
        reason = refused.get(cid)
        if reason:
            excluded.append(ExcludedCustomer(cid, person.number, person.name, reason))
        else:
            eligible.append(person)
    control_ids, used_seed = draw_control_group([p.customer_id for p in eligible],
                                                share=control_share, seed=seed)
    return CampaignPlan(
        template=template, source=source.describe(),
        recipients=tuple(p for p in eligible if p.customer_id not in control_ids),
        control=tuple(p for p in eligible if p.customer_id in control_ids),
        excluded=tuple(excluded), control_share=control_share, seed=used_seed)


def queue(db: Database, clock: Clock, templates: MailTemplateService, campaign: CampaignPlan,
          *, account: EmailAccount, profile: CompanyProfile, by: str,
          source: RecipientSource | None = None, attachments: tuple[Attachment, ...] = (),
          personal: PersonalAttachments | None = None,
          progress: Progress = NO_PROGRESS) -> CampaignResult:
    """Record the campaign and put one mail per recipient into the outbox, all in one unit of
    work: a cancelled campaign queues nothing. Rendered and written in batches, so memory
    stays flat however many recipients there are. From a letter list (`LetterListSource`),
    the mailed customers' entries are done; the excluded ones stay there for a letter.
    The attachments everybody gets are stored once for the whole campaign, a `personal`
    one (made per recipient) once per recipient."""
    template = campaign.template
    now, on = clock.now(), clock.today()
    total = len(campaign.recipients)
    shared = tuple(Part.of(attachment_part(a)) for a in attachments)
    with db.write() as session:
        mailing = _record(session, campaign, on=on, by=by, at=now)
        done = 0
        for chunk in _chunks([r.customer_id for r in campaign.recipients]):
            progress.checkpoint()
            rendered = templates.render(session, template, chunk, on=on, sender=profile.name)
            emails: dict[int, str] = {cid: email for cid, email in session.execute(
                select(Customer.id, Customer.email).where(Customer.id.in_(chunk)))}
            own = personal(session, chunk) if personal else {}
            rows, digests, parts = [], [], list(shared)
            for mail in rendered:
                to = Mailbox(emails[mail.customer_id], mail.name)
                message_id = new_message_id(account.sender)
                extra = own.get(mail.customer_id)
                mine = (Part.of(attachment_part(extra)),) if extra else ()
                parts += mine
                raw = build_message(
                    MailContent(to, mail.subject, mail.text,
                                attachments + ((extra,) if extra else ()), template.advertising),
                    sender=account.sender, profile=profile, when=now, message_id=message_id,
                    reply_to=account.reply_to)
                raw, used = stored_parts.split(raw, shared + mine)
                digests.append(used)
                rows.append({
                    "customer_id": mail.customer_id, "mailing_id": mailing.id,
                    "kind": "campaign", "template_name": template.name,
                    "advertising": template.advertising, "to_address": to.address,
                    "to_name": to.name[:200], "subject": mail.subject[:300],
                    "message_id": message_id, "raw": raw, "state": outbox.WAITING,
                    "attempts": 0, "next_attempt_at": None, "last_error": "",
                    "created_by": by, "created_at": now, "sent_at": None})
            ids = session.scalars(insert(EmailMessage).returning(
                EmailMessage.id, sort_by_parameter_order=True), rows).all()
            stored_parts.store(session, parts, list(zip(ids, digests, strict=True)), at=now)
            done += len(chunk)
            progress.report(done, total, f"{done} von {total} Mails vorbereitet")
        if isinstance(source, LetterListSource):
            source.mark_done(session, [r.customer_id for r in campaign.recipients], at=now)
        session.commit()
    return CampaignResult(mailing.id, total, len(campaign.control), len(campaign.excluded))


def _record(session: Session, campaign: CampaignPlan, *, on: date, by: str, at: datetime
            ) -> Mailing:
    template = campaign.template
    mailing = Mailing(
        template_id=None, template_name=template.name, template_version=template.version,
        subject=template.subject, body=template.body, advertising=template.advertising,
        source=f"E-Mail an {campaign.source}", mailing_date=on,
        control_share=campaign.control_share, seed=campaign.seed, status="complete",
        letters_printed=len(campaign.recipients), output_path="", created_by=by,
        created_at=at)
    session.add(mailing)
    session.flush()
    rows: list[dict[str, object]] = [
        {"mailing_id": mailing.id, "customer_id": r.customer_id, "role": "recipient",
         "reason": "", "printed": True, "position": i}
        for i, r in enumerate(campaign.recipients)]
    rows += [{"mailing_id": mailing.id, "customer_id": r.customer_id, "role": "control",
              "reason": "", "printed": False, "position": 0} for r in campaign.control]
    rows += [{"mailing_id": mailing.id, "customer_id": e.customer_id, "role": "excluded",
              "reason": e.reason, "printed": False, "position": 0} for e in campaign.excluded]
    if rows:
        session.execute(insert(MailingRecipient), rows)
    audit.record(session, at=mailing.created_at, actor=by, action="email_campaign",
                 entity="mailing", entity_id=mailing.id,
                 details={"template": template.name, "recipients": len(campaign.recipients),
                          "control": len(campaign.control),
                          "excluded": len(campaign.excluded)})
    return mailing
