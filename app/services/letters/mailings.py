"""Serial letters (Mailings): plan the letters for the recipients chosen in `recipients`,
print one PDF in postcode order, record everything; `results` measures the outcome.

Cancelling: a mailing is *not* all-or-nothing. Letters are finished one by one; when the
user cancels, the letters printed so far are kept in the PDF, the mailing is stored with
status "cancelled" and only those recipients get their timeline entry — the result says so
("abgebrochen nach 1.234 von 5.000 Briefen"). Cancelled before the first letter, nothing is
stored and `Cancelled` propagates.

Per-recipient extras: a personal promotional voucher and/or a follow-up. The voucher codes
are drawn before printing (so each letter can print its code) and the vouchers, the
follow-ups and the done marks of a letter list are written with the mailing record in one
transaction, for exactly the letters printed — a cancelled run issues nothing for the
letters it did not print.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.db import Database
from app.models import (
    Customer,
    Mailing,
    MailingRecipient,
)
from app.services import audit, faults, timeline
from app.services.clock import Clock
from app.services.company import require_letterhead
from app.services.errors import NotFoundError, ValidationError
from app.services.followups.service import add_followup
from app.services.formatting import format_cents, format_count, format_date
from app.services.letters.layout import FORMS
from app.services.letters.recipients import (
    ExcludedCustomer,
    LetterList,
    LetterListSource,
    RecipientSource,
    check_control_share,
    draw_control_group,
    open_letter_lists,
)
from app.services.letters.results import WindowResult, compare_groups
from app.services.letters.service import (
    LetterService,
    RecipientData,
    TemplateDTO,
    exclusion,
    info_block,
    letter_purpose,
    load_recipients,
)
from app.services.loyalty import codes as voucher_codes
from app.services.loyalty.vouchers import (
    MAX_VALUE_CENTS,
    VoucherInput,
    VoucherService,
    default_valid_until,
)
from app.services.privacy.contact_policy import Channel, decide_many
from app.services.progress import NO_PROGRESS, Cancelled, Progress

if TYPE_CHECKING:
    from app.services.letters.pdf import LetterContent

invalid = ValidationError.labelled({
    "voucher": "Gutschein je Empfänger", "followup": "Wiedervorlage je Empfänger",
})
_CHUNK = 500
SAMPLE_CODE = "XXXX-XXXX-XXXX"  # shown in the preview; the real codes are drawn at printing


# --- per-recipient extras ---------------------------------------------------------------


@dataclass(frozen=True)
class VoucherOption:
    """A personal promotional value voucher for every printed recipient."""

    value_cents: int
    valid_days: int = 0  # from the mailing day; 0 = the statutory validity

    def check(self) -> None:
        if not 0 < self.value_cents <= MAX_VALUE_CENTS:
            raise invalid({"voucher": "Wert zwischen 0,01 € und 100.000,00 € angeben"})
        if not 0 <= self.valid_days <= 3660:
            raise invalid({"voucher": "Gültigkeit zwischen 0 und 3660 Tagen"})

    def valid_until(self, on: date) -> date:
        return on + timedelta(days=self.valid_days) if self.valid_days else (
            default_valid_until(on))

    def voucher_input(self, *, on: date, campaign: str) -> VoucherInput:
        return VoucherInput(kind="value", value_cents=self.value_cents, campaign=campaign,
                            promo=True, valid_until=self.valid_until(on))


@dataclass(frozen=True)
class FollowUpOption:
    """A follow-up for every printed recipient, e.g. "nachfassen, falls keine Antwort"."""

    subject: str = "Nachfassen, falls keine Antwort"
    due_days: int = 14
    assignee: str = ""  # "" = the customer's Betreuer

    def check(self) -> None:
        if not self.subject.strip() or len(self.subject.strip()) > 200:
            raise invalid({"followup": "Betreff mit 1 bis 200 Zeichen angeben"})
        if not 0 <= self.due_days <= 3660:
            raise invalid({"followup": "fällig in 0 bis 3660 Tagen"})
        if len(self.assignee) > 128:
            raise invalid({"followup": "Zuständig: höchstens 128 Zeichen"})


# --- plan and result DTOs ---------------------------------------------------------------


@dataclass(frozen=True)
class PlannedCustomer:
    customer_id: int
    number: str
    name: str
    postcode: str
    city: str


@dataclass(frozen=True)
class MailingPlan:
    """Who gets a letter (postcode order), who is held back, who is excluded and why."""

    template: TemplateDTO
    source: str
    recipients: tuple[PlannedCustomer, ...]
    control: tuple[PlannedCustomer, ...]
    excluded: tuple[ExcludedCustomer, ...]
    control_share: float
    seed: int | None
    first_letters: tuple[LetterContent, ...]


@dataclass(frozen=True)
class MailingDTO:
    id: int
    template_name: str
    template_version: int
    source: str
    mailing_date: date
    status: str  # complete | cancelled
    letters_printed: int
    recipients: int
    control: int
    excluded: int
    control_share: float
    seed: int | None
    output_path: str
    advertising: bool

    @property
    def label(self) -> str:
        return f"Mailing #{self.id}"


@dataclass(frozen=True)
class MailingResult:
    mailing: MailingDTO
    plan: MailingPlan
    cancelled: bool
    files: tuple[str, ...]
    vouchers: tuple[tuple[str, str], ...] = ()  # (customer number, voucher code) per letter
    followups: int = 0

    def summary(self) -> str:
        m = self.mailing
        if self.cancelled:
            return (f"{m.label} abgebrochen nach {m.letters_printed} von {m.recipients} Briefen; "
                    f"die fertigen Briefe sind in {m.output_path} gespeichert.")
        extras = ""
        if self.vouchers:
            extras += f" {format_count(len(self.vouchers), 'Gutschein', 'Gutscheine')} ausgegeben."
        if self.followups:
            followups = format_count(self.followups, "Wiedervorlage", "Wiedervorlagen")
            extras += f" {followups} angelegt."
        return (f"{m.label}: {format_count(m.letters_printed, 'Brief', 'Briefe')} "
                f"in {m.output_path}; "
                f"{m.control} in der Kontrollgruppe, {m.excluded} ausgeschlossen.{extras}")


@dataclass(frozen=True)
class MailingResults:
    mailing: MailingDTO
    windows: tuple[WindowResult, ...]


def _planned(r: RecipientData) -> PlannedCustomer:
    return PlannedCustomer(r.customer_id, r.number, r.name, r.address.postcode, r.address.city)


def _mailing_dto(row: Mailing, counts: dict[str, int]) -> MailingDTO:
    return MailingDTO(
        id=row.id, template_name=row.template_name, template_version=row.template_version,
        source=row.source, mailing_date=row.mailing_date, status=row.status,
        letters_printed=row.letters_printed, recipients=counts.get("recipient", 0),
        control=counts.get("control", 0), excluded=counts.get("excluded", 0),
        control_share=row.control_share, seed=row.seed, output_path=row.output_path,
        advertising=row.advertising)


def _file_name(recipient: RecipientData) -> str:
    safe = re.sub(r"[^\w\-]+", "_", recipient.name, flags=re.UNICODE).strip("_")[:40]
    return f"{recipient.number}_{safe or 'Kunde'}.pdf"


class MailingService:
    def __init__(self, db: Database, clock: Clock, letters: LetterService,
                 vouchers: VoucherService) -> None:
        self.db = db
        self.clock = clock
        self.letters = letters
        self.vouchers = vouchers

    # --- planning -----------------------------------------------------------------------

    def plan(self, template_id: int, source: RecipientSource, *, control_share: float = 0.0,
             seed: int | None = None, preview: int = 3, by: str = "",
             voucher: VoucherOption | None = None) -> MailingPlan:
        """Check the template against the first recipient and split the candidates."""
        plan, _data = self._plan(template_id, source, control_share=control_share, seed=seed,
                                 preview=preview, by=by, voucher=voucher)
        return plan

    def letter_lists(self) -> list[LetterList]:
        """The vorgemerkte Briefe: each template's letter list with customers not printed yet."""
        with self.db.read() as session:
            return open_letter_lists(session)

    def _plan(self, template_id: int, source: RecipientSource, *, control_share: float,
              seed: int | None, preview: int, by: str, voucher: VoucherOption | None = None
              ) -> tuple[MailingPlan, dict[int, RecipientData]]:
        check_control_share(control_share)
        template = self.letters.get(template_id)
        compiled = self.letters.compile(template)  # placeholder errors before anything else
        profile = self.letters.company.get()
        on = self.clock.today()
        with self.db.read() as session:
            ids = source.customer_ids(session)
            data = load_recipients(session, ids)
            decisions = decide_many(session, ids, channel=Channel.LETTER,
                                    purpose=letter_purpose(template.advertising), today=on)
            excluded: list[ExcludedCustomer] = []
            eligible: list[RecipientData] = []
            for cid in ids:
                r = data[cid]
                reason = exclusion(r, decisions[cid])
                if reason:
                    excluded.append(ExcludedCustomer(cid, r.number, r.name, reason))
                else:
                    eligible.append(r)
            control_ids, seed = draw_control_group([r.customer_id for r in eligible],
                                                   share=control_share, seed=seed)
            recipients = sorted((r for r in eligible if r.customer_id not in control_ids),
                                key=RecipientData.sort_key)
            control = sorted((r for r in eligible if r.customer_id in control_ids),
                             key=RecipientData.sort_key)
            first = recipients[:max(preview, 1)]
            extra = compiled.extra_values(session, [r.customer_id for r in first], on=on)
        if voucher is not None:
            sample = {"code": SAMPLE_CODE, "wert": format_cents(voucher.value_cents)}
            for values in extra.values():
                values["gutschein"] = sample
        letters = tuple(
            compiled.render(r, on=on, sender=profile.name, extra=extra[r.customer_id],
                            info=info_block(r.number, on=on, by=by, profile=profile))
            for r in first)
        plan = MailingPlan(
            template=template, source=source.describe(),
            recipients=tuple(_planned(r) for r in recipients),
            control=tuple(_planned(r) for r in control), excluded=tuple(excluded),
            control_share=control_share, seed=seed,
            first_letters=letters[:preview])
        return plan, data

    # --- generating ---------------------------------------------------------------------

    def run(self, template_id: int, source: RecipientSource, *, out: Path,
            per_customer_dir: Path | None = None, control_share: float = 0.0,
            seed: int | None = None, by: str = "", form: str | None = None,
            voucher: VoucherOption | None = None, followup: FollowUpOption | None = None,
            progress: Progress = NO_PROGRESS) -> MailingResult:
        """Print the mailing into `out` (and one PDF per customer if asked), then record it
        — with a personal voucher and/or a follow-up per printed recipient if asked."""
        from app.services.letters.pdf import LetterWriter

        if voucher is not None:
            voucher.check()
        if followup is not None:
            followup.check()
        plan, data = self._plan(template_id, source, control_share=control_share, seed=seed,
                                preview=1, by=by)
        if not plan.recipients:
            raise invalid({"template": "Keine Empfänger: alle ausgeschlossen oder "
                                               "keine Kunden in der Auswahl"})
        template = plan.template
        compiled = self.letters.compile(template)
        profile = self.letters.company.get()
        require_letterhead(profile)
        letter_form = FORMS[form] if form in FORMS else self.letters.form()
        on = self.clock.today()
        out.parent.mkdir(parents=True, exist_ok=True)
        # Per-customer PDFs are written to a staging folder and moved in only after the
        # mailing (and its vouchers) is committed: a killed run leaves no letters quoting
        # voucher codes that were never booked.
        staging = None
        if per_customer_dir is not None:
            per_customer_dir.mkdir(parents=True, exist_ok=True)
            for killed in per_customer_dir.parent.glob(f"{per_customer_dir.name}.partial-*"):
                shutil.rmtree(killed, ignore_errors=True)  # left by a run that was killed
            staging = Path(tempfile.mkdtemp(prefix=f"{per_customer_dir.name}.partial-",
                                            dir=per_customer_dir.parent))
        partial = out.with_name(out.name + ".partial")
        writer = LetterWriter(partial, profile, form=letter_form, title=template.subject)
        printed: list[int] = []
        files: list[str] = []
        cancelled = False
        total = len(plan.recipients)
        ids = [p.customer_id for p in plan.recipients]
        codes: dict[int, str] = {}
        try:
            with self.db.read() as session:
                if voucher is not None:
                    drawn = self.vouchers.fresh_codes(session, len(ids))
                    codes = dict(zip(ids, drawn, strict=True))
                for start in range(0, total, 500):
                    chunk = ids[start:start + 500]
                    extra = compiled.extra_values(session, chunk, on=on)
                    for cid in chunk:
                        progress.checkpoint()
                        r = data[cid]
                        if voucher is not None:
                            extra[cid]["gutschein"] = {
                                "code": voucher_codes.grouped(codes[cid]),
                                "wert": format_cents(voucher.value_cents)}
                        letter = compiled.render(
                            r, on=on, sender=profile.name, extra=extra[cid],
                            info=info_block(r.number, on=on, by=by, profile=profile))
                        writer.add(letter)
                        if staging is not None:
                            one = LetterWriter(staging / _file_name(r), profile,
                                               form=letter_form, title=letter.subject)
                            one.add(letter)
                            one.close()
                            files.append(_file_name(r))
                        printed.append(cid)
                        progress.report(len(printed), total, r.number)
        except Cancelled:
            if not printed:
                _discard(partial, staging)
                raise
            cancelled = True
        except BaseException:
            _discard(partial, staging)
            raise
        try:
            writer.close()
        except OSError as exc:
            _discard(partial, staging)
            raise invalid({"out": f"„{out}“ kann nicht geschrieben werden: {exc}"}
                                  ) from exc
        faults.point("mailing:printed")
        try:
            mailing = self._record(plan, source, printed=printed, on=on, out=out, by=by,
                                   cancelled=cancelled, voucher=voucher, codes=codes,
                                   followup=followup)
        except BaseException:
            _discard(partial, staging)
            raise
        partial.replace(out)
        if staging is not None and per_customer_dir is not None:
            for index, name in enumerate(files):
                files[index] = str(per_customer_dir / name)
                os.replace(staging / name, files[index])
            staging.rmdir()
        numbers = {p.customer_id: p.number for p in plan.recipients}
        return MailingResult(
            mailing, plan, cancelled, tuple(files),
            vouchers=tuple((numbers[cid], voucher_codes.grouped(codes[cid]))
                           for cid in printed if cid in codes),
            followups=len(printed) if followup is not None else 0)

    def _record(self, plan: MailingPlan, source: RecipientSource, *, printed: list[int],
                on: date, out: Path, by: str, cancelled: bool,
                voucher: VoucherOption | None = None, codes: dict[int, str] | None = None,
                followup: FollowUpOption | None = None) -> MailingDTO:
        now = self.clock.now()
        template = plan.template
        done = set(printed)
        with self.db.write() as session:
            row = Mailing(
                template_id=template.id, template_name=template.name,
                template_version=template.version, subject=template.subject, body=template.body,
                advertising=template.advertising, source=plan.source, mailing_date=on,
                control_share=plan.control_share, seed=plan.seed,
                status="cancelled" if cancelled else "complete", letters_printed=len(printed),
                output_path=str(out), created_by=by, created_at=now)
            session.add(row)
            session.flush()
            label = f"Brief: {template.name}, Mailing #{row.id}"
            rows: list[dict[str, object]] = []
            for position, p in enumerate(plan.recipients):
                rows.append({"mailing_id": row.id, "customer_id": p.customer_id,
                             "role": "recipient", "reason": "",
                             "printed": p.customer_id in done, "position": position})
            rows += [{"mailing_id": row.id, "customer_id": p.customer_id, "role": "control",
                      "reason": "", "printed": False, "position": 0} for p in plan.control]
            rows += [{"mailing_id": row.id, "customer_id": e.customer_id, "role": "excluded",
                      "reason": e.reason, "printed": False, "position": 0}
                     for e in plan.excluded]
            session.execute(insert(MailingRecipient), rows)
            notes: dict[int, list[str]] = {cid: [template.subject] for cid in printed}
            if voucher is not None and codes:
                self._issue_vouchers(session, voucher, {cid: codes[cid] for cid in printed},
                                     campaign=f"Mailing #{row.id}", on=on, by=by, notes=notes)
            if followup is not None:
                self._add_followups(session, followup, printed, on=on, by=by, notes=notes)
            if isinstance(source, LetterListSource):
                source.mark_done(session, printed, at=now)
            for cid in printed:
                timeline.record(session, customer_id=cid, channel="letter", subject=label,
                                text="; ".join(notes[cid]), at=now, author=by)
            audit.record(session, at=now, actor=by, action="mailing", entity="mailing",
                         entity_id=row.id,
                         details={"template": template.name, "file": out.name,
                                  "printed": len(printed), "recipients": len(plan.recipients),
                                  "control": len(plan.control), "excluded": len(plan.excluded),
                                  "cancelled": cancelled})
            result = _mailing_dto(row, {"recipient": len(plan.recipients),
                                        "control": len(plan.control),
                                        "excluded": len(plan.excluded)})
            session.commit()
        return result

    def _issue_vouchers(self, session: Session, voucher: VoucherOption, codes: dict[int, str],
                        *, campaign: str, on: date, by: str, notes: dict[int, list[str]]
                        ) -> None:
        """Promotional value vouchers with the codes printed in the letters."""
        data = voucher.voucher_input(on=on, campaign=campaign)
        for v in self.vouchers.issue_personal_in(session, data, codes, by=by):
            assert v.customer_id is not None
            notes[v.customer_id].append(
                f"Gutschein {voucher_codes.grouped(v.code)} über "
                f"{format_cents(v.value_cents)} ausgegeben (gültig bis "
                f"{format_date(v.valid_until)})")

    def _add_followups(self, session: Session, followup: FollowUpOption, printed: list[int],
                       *, on: date, by: str, notes: dict[int, list[str]]) -> None:
        """One follow-up per printed recipient; without an assignee, the customer's
        Betreuer (as the rules do)."""
        now = self.clock.now()
        owners: dict[int, str] = {}
        for start in range(0, len(printed), _CHUNK):
            owners.update((cid, owner) for cid, owner in session.execute(
                select(Customer.id, Customer.owner).where(
                    Customer.id.in_(printed[start:start + _CHUNK]))))
        subject = followup.subject.strip()
        due = on + timedelta(days=followup.due_days)
        for cid in printed:
            add_followup(session, customer_id=cid, at=now, by=by, values={
                "subject": subject, "due_date": due, "due_time": None, "notes": "",
                "assignee": followup.assignee.strip() or owners.get(cid, ""),
                "priority": 2, "contact_id": None, "rrule": "", "recur_from": "completion"})
            notes[cid].append(f"Wiedervorlage „{subject}“ am {format_date(due)}")

    # --- reading back -------------------------------------------------------------------

    def mailings(self) -> list[MailingDTO]:
        with self.db.read() as session:
            counts: dict[int, dict[str, int]] = {}
            for mailing_id, role, n in session.execute(
                    select(MailingRecipient.mailing_id, MailingRecipient.role, func.count())
                    .group_by(MailingRecipient.mailing_id, MailingRecipient.role)):
                counts.setdefault(mailing_id, {})[role] = n
            rows = session.scalars(select(Mailing).order_by(Mailing.id.desc()))
            return [_mailing_dto(r, counts.get(r.id, {})) for r in rows]

    def get(self, mailing_id: int) -> MailingDTO:
        for mailing in self.mailings():
            if mailing.id == mailing_id:
                return mailing
        raise NotFoundError(f"Mailing #{mailing_id} nicht gefunden")

    def results(self, mailing_id: int) -> MailingResults:
        """Share of buyers and revenue per head within 30/60/90 days after the mailing date,
        printed recipients against the control group (sales strictly after the date)."""
        mailing = self.get(mailing_id)
        with self.db.read() as session:
            groups: dict[str, list[int]] = {"recipient": [], "control": []}
            for cid, role, printed in session.execute(
                    select(MailingRecipient.customer_id, MailingRecipient.role,
                           MailingRecipient.printed)
                    .where(MailingRecipient.mailing_id == mailing_id,
                           MailingRecipient.role.in_(("recipient", "control")))):
                if role == "control" or printed:
                    groups[role].append(cid)
            windows = compare_groups(session, recipients=groups["recipient"],
                                     control=groups["control"], start=mailing.mailing_date,
                                     today=self.clock.today())
        return MailingResults(mailing, windows)


def _discard(partial: Path, staging: Path | None) -> None:
    """Remove what an unfinished mailing wrote: the partial PDF and the staged letters."""
    partial.unlink(missing_ok=True)
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)
