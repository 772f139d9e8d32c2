"""E-mail for the GUI and the CLI: the account, single mails and drafts, the outbox and
sending it. The rules of who may get which mail are asked of `privacy`, never made here."""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.models import Customer, Setting
from app.services import audit, timeline
from app.services.clock import Clock
from app.services.company import CompanyProfileService
from app.services.email import account as accounts
from app.services.email import campaigns, outbox, rule_mails
from app.services.email.account import EmailAccount, invalid
from app.services.email.attachments import Part
from app.services.email.letter_attachments import letter_per_recipient
from app.services.email.message import (
    Attachment,
    Mailbox,
    MailContent,
    attachment_part,
    build_message,
    new_message_id,
)
from app.services.email.sender import (
    CONNECTION_ERRORS,
    FlushReport,
    connection_problem,
    flush,
    transmit,
)
from app.services.email.templates import MailTemplateService
from app.services.errors import ConflictError, NotFoundError, StammkundeError
from app.services.letters.recipients import LetterListSource, RecipientSource
from app.services.letters.service import LetterService, load_recipients
from app.services.privacy import contact_policy
from app.services.privacy.consents import PrivacyOverview
from app.services.privacy.contact_policy import Channel, Purpose
from app.services.privacy.service import PrivacyService
from app.services.progress import NO_PROGRESS, Progress
from app.services.settings import SettingsService

NO_ACCOUNT = ("Kein E-Mail-Konto eingerichtet (Einstellungen → E-Mail). Bis dahin lässt sich "
              "die Mail als Entwurf im Mailprogramm öffnen.")


@dataclass(frozen=True)
class MailRequest:
    """One mail to one customer: a template, or free subject and text."""

    customer_id: int
    template_id: int | None = None
    subject: str = ""
    text: str = ""
    advertising: bool = False
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class QueuedMail:
    message_id: int
    to_address: str
    subject: str


class EmailService:
    def __init__(self, db: Database, clock: Clock, settings: SettingsService,
                 company: CompanyProfileService, letters: LetterService,
                 privacy: PrivacyService) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.company = company
        self.privacy = privacy
        self.templates = MailTemplateService(db, clock, letters)
        # One sender per process: the window's "Jetzt senden" and the scheduler's job would
        # otherwise take each other's mails in flight for interrupted ones ("unklar").
        self._sending = threading.Lock()

    # --- account ------------------------------------------------------------------------

    def account(self) -> EmailAccount | None:
        data = self.settings.get(accounts.ACCOUNT_KEY)
        return EmailAccount.from_mapping(data) if isinstance(data, dict) else None

    def set_account(self, account: EmailAccount, *, password: str | None, by: str
                    ) -> EmailAccount:
        """Check and store the account; the password (if given) goes to the credential store,
        the audit log records which fields changed (never the password itself)."""
        checked = accounts.validated_account(account)
        before = self.account()
        if password is not None:
            accounts.store_password(checked, password)
        old = accounts.to_mapping(before) if before else {}
        new = accounts.to_mapping(checked)
        with self.db.write() as session:
            row = session.get(Setting, accounts.ACCOUNT_KEY)
            encoded = json.dumps(new, ensure_ascii=False)
            if row is None:
                session.add(Setting(key=accounts.ACCOUNT_KEY, value=encoded))
            else:
                row.value = encoded
            audit.record(session, at=self.clock.now(), actor=by, action="email_account",
                         entity="settings", details={
                             "fields": audit.changed_fields(old, new),
                             "password_changed": password is not None})
            session.commit()
        return checked

    def _ready_account(self) -> EmailAccount:
        account = self.account()
        if account is None:
            raise ConflictError(NO_ACCOUNT)
        if account.oauth_only:
            raise ConflictError("Dieser Anbieter lässt nur OAuth-Anmeldung zu; Mails bitte als "
                                "Entwurf im Mailprogramm öffnen.")
        return account

    def send_test(self, *, to: str = "", ssl_context: ssl.SSLContext | None = None) -> str:
        """Send one test mail now, past the outbox; returns what the server said."""
        account = self._ready_account()
        target = Mailbox(to.strip() or account.from_address)
        content = MailContent(target, "Testmail von Stammkunde",
                              "Diese Testmail bestätigt: Stammkunde kann über dieses "
                              "Postfach senden.")
        raw = build_message(content, sender=account.sender, profile=self.company.get(),
                            when=self.clock.now(), message_id=new_message_id(account.sender))
        connect = accounts.connector(account, accounts.load_password(account),
                                     ssl_context=ssl_context)
        try:
            smtp = connect()
        except CONNECTION_ERRORS as exc:
            raise StammkundeError(connection_problem(exc)) from exc
        try:
            outcome = transmit(smtp, sender=account.from_address, recipient=target.address,
                               raw=raw)
        finally:
            try:
                smtp.quit()
            except CONNECTION_ERRORS:
                smtp.close()
        if outcome.kind != "sent":
            raise StammkundeError(f"Die Testmail an {target.address} wurde nicht angenommen: "
                                  f"{outcome.reply}")
        return f"Testmail an {target.address} gesendet ({outcome.reply})."

    # --- single mails -------------------------------------------------------------------

    def _compose(self, session: Session, request: MailRequest, *, sender: str
                 ) -> tuple[MailContent, str]:
        customer = session.get(Customer, request.customer_id)
        if customer is None:
            raise NotFoundError(f"Kunde {request.customer_id} nicht gefunden")
        if not customer.email:
            raise invalid({"email": f"{customer.number} hat keine E-Mail-Adresse"})
        if request.template_id is not None:
            template = self.templates.get(request.template_id)
            [mail] = self.templates.render(session, template, [customer.id],
                                           on=self.clock.today(), sender=sender)
            subject, text, name, to_name = mail.subject, mail.text, template.name, mail.name
            advertising = template.advertising
        else:
            if not request.subject.strip():
                raise invalid({"subject": "Betreff angeben"})
            subject, text, name = request.subject.strip(), request.text, ""
            advertising = request.advertising
            to_name = load_recipients(session, [customer.id])[customer.id].name
        refused = self._exclusions(session, [customer.id], advertising).get(customer.id)
        if refused:
            raise ConflictError(f"Keine Mail an {customer.number}: {refused}.")
        content = MailContent(Mailbox(customer.email, to_name), subject, text,
                              request.attachments, advertising)
        return content, name

    def queue(self, request: MailRequest, *, by: str) -> QueuedMail:
        """Put one mail to a customer into the outbox (it goes out with the next flush)."""
        account = self._ready_account()
        profile = self.company.get()
        with self.db.write() as session:
            content, template_name = self._compose(session, request, sender=profile.name)
            message_id = new_message_id(account.sender)
            raw = build_message(content, sender=account.sender, profile=profile,
                                when=self.clock.now(), message_id=message_id,
                                reply_to=account.reply_to)
            [row_id] = outbox.enqueue(session, [outbox.NewMail(
                to_address=content.to.address, to_name=content.to.name,
                subject=content.subject, message_id=message_id, raw=raw, kind="single",
                customer_id=request.customer_id, template_name=template_name,
                advertising=content.advertising,
                parts=tuple(Part.of(attachment_part(a)) for a in content.attachments))],
                at=self.clock.now(), by=by)
            session.commit()
        return QueuedMail(row_id, content.to.address, content.subject)

    def write_draft(self, request: MailRequest, *, out: Path, by: str) -> Path:
        """The mail as `.eml` that Outlook and Thunderbird open as an unsent message
        (attachments included); for OAuth-only providers or before an account exists."""
        account = self.account()
        profile = self.company.get()
        sender = account.sender if account else Mailbox(profile.email, profile.name)
        if not sender.address:
            raise invalid({"from_address": "Absenderadresse fehlt: E-Mail-Konto oder "
                                                   "E-Mail im Briefkopf eintragen"})
        with self.db.write() as session:
            content, _ = self._compose(session, request, sender=profile.name)
            raw = build_message(content, sender=sender, profile=profile,
                                when=self.clock.now(), message_id=new_message_id(sender),
                                reply_to=account.reply_to if account else "", draft=True)
            try:
                out.write_bytes(raw)
            except OSError as exc:
                raise invalid({"out": f"„{out}“ kann nicht geschrieben werden: {exc}"}
                                      ) from exc
            timeline.record(session, customer_id=request.customer_id, channel="email",
                            subject=f"E-Mail-Entwurf: {content.subject}", at=self.clock.now(),
                            text=f"An {content.to.address}", author=by)
            session.commit()
        return out

    # --- campaigns ------------------------------------------------------------------------

    def _exclusions(self, session: Session, customer_ids: Sequence[int], advertising: bool
                    ) -> dict[int, str]:
        """Who may not get this mail and why, from the contact policy (channel e-mail;
        advertising or service): consent or the § 7 Abs. 3 UWG case, objection, erasure,
        no or a bounced address."""
        purpose = Purpose.ADVERTISING if advertising else Purpose.SERVICE
        decisions = contact_policy.decide_many(session, customer_ids, channel=Channel.EMAIL,
                                               purpose=purpose, today=self.clock.today())
        return {cid: d.reason for cid, d in decisions.items() if not d.allowed}

    def plan_campaign(self, template_id: int, source: RecipientSource, *,
                      control_share: float = 0.0, seed: int | None = None
                      ) -> campaigns.CampaignPlan:
        template = self.templates.get(template_id)
        self.templates.letters.compile(template)  # placeholder errors before anything else
        with self.db.read() as session:
            return campaigns.plan(session, template, source, control_share=control_share,
                                  seed=seed, exclusions=self._exclusions)

    def run_campaign(self, template_id: int, source: RecipientSource, *, by: str,
                     control_share: float = 0.0, seed: int | None = None,
                     attachments: tuple[Attachment, ...] = (),
                     letter_template_id: int | None = None,
                     progress: Progress = NO_PROGRESS) -> campaigns.CampaignResult:
        """Plan and queue; the mails go out with the next flush (background or `mail flush`);
        the results are the serial letters' (`mailings.results(mailing_id)`). `attachments`
        go to everybody (stored once); with `letter_template_id` each recipient also gets
        that letter made out to them as PDF."""
        account = self._ready_account()
        letters = self.templates.letters
        personal = (letter_per_recipient(letters, letters.get(letter_template_id), by=by)
                    if letter_template_id is not None else None)
        plan = self.plan_campaign(template_id, source, control_share=control_share, seed=seed)
        return campaigns.queue(self.db, self.clock, self.templates, plan, account=account,
                               profile=self.company.get(), by=by, source=source,
                               attachments=attachments, personal=personal, progress=progress)

    def mail_letter_list(self, template_key: str, *, by: str, template_id: int | None = None,
                         progress: Progress = NO_PROGRESS) -> campaigns.CampaignResult:
        """The rules' e-mail action: customers a rule put on the letter list for
        `template_key` get the mail template of the same key (or `template_id`) where e-mail
        is allowed and an address is known; everybody else stays on the letter list and gets
        the letter — the fallback needs no second rule."""
        if template_id is None:
            template_id = self.templates.for_letter(template_key).id
        return self.run_campaign(template_id, LetterListSource(template_key), by=by,
                                 progress=progress)

    def mail_rule_results(self, progress: Progress = NO_PROGRESS) -> list[str]:
        """After a rule run: mail the letter-list entries the rules marked for e-mail; who
        may not get the mail (or every one without an account) stays on the letter list with
        the reason. Returns the German lines for the run's report; a known problem (the
        database locked, say) is one of them, and the marked entries wait for the next run."""
        try:
            reports = rule_mails.mail_marked(
                self.db, self.clock, self.templates, account=self.account(),
                profile=self.company.get(), exclusions=self._exclusions, progress=progress)
        except StammkundeError as error:
            return [f"E-Mails der Regeln nicht erstellt (nächster Regellauf versucht es "
                    f"wieder): {error.message}"]
        return [report.line() for report in reports]

    # --- outbox ---------------------------------------------------------------------------

    def flush(self, *, progress: Progress = NO_PROGRESS,
              ssl_context: ssl.SSLContext | None = None) -> FlushReport:
        """Send what is due (the GUI's background task, `mail flush` for the scheduler)."""
        account = self._ready_account()
        connect = accounts.connector(account, accounts.load_password(account),
                                     ssl_context=ssl_context)
        if not self._sending.acquire(blocking=False):
            raise ConflictError("Es wird gerade schon gesendet; bitte einen Moment warten.")
        try:
            return flush(self.db, self.clock, connect, sender=account.from_address,
                         progress=progress, per_minute=account.per_minute,
                         per_day=account.per_day)
        finally:
            self._sending.release()

    def flush_due(self) -> FlushReport | None:
        """The scheduler's job: send what is due; None (quietly) when there is no usable
        account, nothing is due, or a send is already running."""
        account = self.account()
        if account is None or account.oauth_only:
            return None
        if not outbox.due_ids(self.db, at=self.clock.now()):
            return None
        try:
            return self.flush()
        except ConflictError:
            return None

    def messages(self, *, states: Sequence[str] = (), customer_id: int | None = None,
               limit: int = 1000) -> list[outbox.OutboxRow]:
        return outbox.rows(self.db, states=states, customer_id=customer_id, limit=limit)

    def counts(self) -> dict[str, int]:
        return outbox.counts(self.db)

    def object_from_mail(self, message_id: int, *, by: str) -> PrivacyOverview:
        """The customer answered a mail with "bitte keine Werbung mehr": record the objection
        (Art. 21 Abs. 2, 3 DSGVO; § 7 Abs. 3 Nr. 4 UWG) for the customer the mail went to."""
        found = outbox.rows(self.db, ids=(message_id,))
        row = found[0] if found else None
        if row is None or row.customer_id is None:
            raise NotFoundError(f"Mail {message_id} gehört zu keinem Kunden (mehr).")
        return self.privacy.object_to_advertising(row.customer_id, by=by)

    def mark_returned(self, message_id: int, *, by: str) -> outbox.OutboxRow:
        """A sent mail came back undeliverable: the contact policy's "E-Mail unzustellbar"
        for the customer (no more mail there, letters take over) until the address changes."""
        found = outbox.rows(self.db, ids=(message_id,))
        row = found[0] if found else None
        if row is None or row.customer_id is None:
            raise NotFoundError(f"Mail {message_id} gehört zu keinem Kunden (mehr).")
        if row.state != outbox.SENT:
            raise ConflictError(f"Mail {message_id} ist „{row.state_label}“; als unzustellbar "
                                "markieren lassen sich nur gesendete Mails.")
        with self.db.read() as session:
            current = session.scalar(select(Customer.email).where(
                Customer.id == row.customer_id)) or ""
        if current.lower() != row.to_address.lower():
            raise ConflictError(f"Die Mail ging an {row.to_address}; der Kunde hat inzwischen "
                                f"„{current or 'keine Adresse'}“ — nichts vermerkt.")
        self.privacy.set_fact(row.customer_id, "email_bounced", by=by)
        return row

    def resolve(self, message_id: int, *, resend: bool) -> outbox.OutboxRow:
        return outbox.resolve_unclear(self.db, message_id, resend=resend, at=self.clock.now())

