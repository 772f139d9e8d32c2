"""Automatic triggers (Regeln): each kind finds the customers whose occasion falls on a day.

Idempotent and catching up: every rule remembers the last day it processed; `run_due(as_of)`
processes each following day up to `as_of` once, one transaction per day. A firing is kept
with UNIQUE(rule, customer, occasion key), so a second run — or a second PC, or the OS task
scheduler running `run-due` while the app is open — creates nothing new.

A rule kind is one function `(session, params, day) -> occasions` in `occasions.KINDS`. Its actions:
a follow-up, the letter list (optionally "per E-Mail, sonst Brief"), and a promotional voucher
(issued through the voucher service in the same transaction, so a firing and its voucher exist
together or not at all). The e-mail itself is not sent from here (followups may not use
email): the entry on the letter list is marked for e-mail, and the work wired in as
`after_run` (the container hands in the e-mail service's) mails those entries after the run.

Every action asks the contact policy first, for the customers of one rule and day at once:
a kind has a purpose (most are advertising; a voucher about to expire and a reached bonus
reward concern what the customer already holds, so they are service). A follow-up needs one
channel (phone, letter or e-mail) the purpose is allowed on, and its notes name the ways that
are not; the letter list needs the letter channel; a promotional voucher is advertising by
letter whatever the kind; the e-mail action needs the e-mail or, as fallback, the letter
channel, and an entry that falls back to the letter names the e-mail refusal in its note.
An action held back is listed in the run's result and the customer's timeline with the
policy's reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, load_only

from app.db import Database
from app.models import (
    Customer,
    FollowUp,
    LetterQueueEntry,
    Rule,
    RuleFiring,
    Setting,
)
from app.services import timeline
from app.services.actors import SYSTEM
from app.services.clock import Clock
from app.services.customers.naming import customer_display_name
from app.services.errors import NotFoundError, ValidationError
from app.services.followups.defaults import DEFAULT_RULES, SUBJECT_PLACEHOLDERS
from app.services.followups.occasions import KINDS, Occasion
from app.services.followups.service import add_followup
from app.services.formatting import format_cents, format_date
from app.services.loyalty import codes as voucher_codes
from app.services.loyalty.vouchers import MAX_VALUE_CENTS, VoucherInput, VoucherService
from app.services.privacy.contact_policy import (
    CHANNEL_LABELS,
    Channel,
    Decision,
    Purpose,
    decide_many,
)
from app.services.progress import NO_PROGRESS, Progress
from app.services.templating import line_problems, render_line

invalid = ValidationError.labelled({
    "kind": "Regelart", "as_of": "Stichtag", "create_followup": "Aktion",
    "voucher_cents": "Gutscheinwert", "voucher_days": "Gültigkeit", "by_email": "per E-Mail",
    "subject_template": "Betreff-Vorlage", "per_day": "höchstens pro Tag",
})

AUTHOR = SYSTEM
# A PC off for longer than this catches up this many days only (a year of birthdays).
MAX_CATCH_UP_DAYS = 366
_SEEDED_KEY = "rules_seeded"
# The kinds whose default rule a database already got; kinds added later are seeded once.
_SEEDED_KINDS_KEY = "rules_seeded_kinds"
_FIRST_KINDS = ("birthday", "first_purchase", "dormant", "big_purchase", "class_a")
# The voucher and e-mail actions live in the rule's params JSON next to the kind's own
# settings (no schema change): value in cents (0 = no voucher), validity in days
# (0 = statutory), and by_email (1 = the letter template's mail where allowed, else the letter).
# So does the release of a rule that would act for many customers at once (see `release.py`):
# at most `per_day` firings a day (0 = all), `released` once the user chose, and `waiting`,
# how many firings a run held back until the user chooses.
ACTION_PARAMS = ("voucher_cents", "voucher_days", "by_email", "per_day", "released", "waiting")
# A rule that would fire for more customers than this on one day asks first.
MANY = 20
# The note of a letter-list entry a rule meant for e-mail starts with EMAIL_NOTE; the e-mail
# service mails exactly these entries and turns the ones it may not mail into letters
# (FALLBACK_NOTE with the reason); entries without the marker are plain letters.
EMAIL_NOTE = "E-Mail: "
FALLBACK_NOTE = "Brief statt E-Mail ({reason}): "
_CHUNK = 500
# A follow-up is a task to get in touch: any of these ways will do.
FOLLOWUP_CHANNELS = (Channel.PHONE, Channel.LETTER, Channel.EMAIL)


@dataclass(frozen=True)
class RuleInput:
    name: str
    enabled: bool
    params: dict[str, int]
    create_followup: bool = True
    subject_template: str = "{{ grund }}"
    assignee: str = ""
    letter_template: str = ""
    voucher_cents: int = 0  # issue a promotional value voucher of this amount; 0 = none
    voucher_days: int = 0  # its validity from the issue day; 0 = the statutory default
    per_day: int = 0  # at most this many firings a day; 0 = all at once
    by_email: bool = False  # the letter template's mail where e-mail is allowed, else the letter


@dataclass(frozen=True)
class RuleDTO:
    id: int
    kind: str
    kind_label: str
    name: str
    enabled: bool
    params: dict[str, int]
    create_followup: bool
    subject_template: str
    assignee: str
    letter_template: str
    last_processed: date | None
    voucher_cents: int = 0
    voucher_days: int = 0
    per_day: int = 0
    released: int = 0
    waiting: int = 0  # firings held back until the user chooses (see `release.py`)
    by_email: bool = False


@dataclass(frozen=True)
class CreatedFollowUp:
    id: int
    customer_id: int
    customer_name: str
    subject: str
    due_date: date


@dataclass(frozen=True)
class HeldBackAction:
    """An action of a rule the contact policy did not allow, with its reason."""

    rule: str
    customer_id: int
    customer_number: str
    customer_name: str
    action: str  # "Wiedervorlage", "Brief „…“", "Gutschein"
    reason: str
    code: str


@dataclass
class RuleCount:
    firings: int = 0
    followups: int = 0
    letters: int = 0
    mails: int = 0  # entries on the letter list marked for e-mail
    vouchers: int = 0
    held_back: int = 0


@dataclass(frozen=True)
class RunResult:
    as_of: date
    days: tuple[date, ...]
    per_rule: dict[str, RuleCount]
    followups: tuple[CreatedFollowUp, ...] = field(default=())
    due_followups: int = 0
    held_back: tuple[HeldBackAction, ...] = field(default=())
    # rules that would have fired for more than MANY customers: rule id → how many
    waiting: dict[int, int] = field(default_factory=dict)
    after_run: tuple[str, ...] = field(default=())  # what the wired-in follow-up work reports

    @property
    def firings(self) -> int:
        return sum(count.firings for count in self.per_rule.values())


def kind_params(rule: Rule) -> dict[str, int]:
    """The kind's own settings (defaults filled in), without the action settings."""
    stored = json.loads(rule.params or "{}")
    values = dict(KINDS[rule.kind].defaults)
    values.update({k: v for k, v in stored.items() if k not in ACTION_PARAMS})
    return values


def _actions(rule: Rule) -> dict[str, int]:
    stored = json.loads(rule.params or "{}")
    return {key: int(stored.get(key, 0)) for key in ACTION_PARAMS}


def _dto(rule: Rule) -> RuleDTO:
    actions = _actions(rule)
    return RuleDTO(id=rule.id, kind=rule.kind, kind_label=KINDS[rule.kind].label,
                   name=rule.name, enabled=rule.enabled, params=kind_params(rule),
                   create_followup=rule.create_followup,
                   subject_template=rule.subject_template, assignee=rule.assignee,
                   letter_template=rule.letter_template, last_processed=rule.last_processed,
                   voucher_cents=actions["voucher_cents"], voucher_days=actions["voucher_days"],
                   by_email=bool(actions["by_email"]), per_day=actions["per_day"],
                   released=actions["released"], waiting=actions["waiting"])


_Permits = dict[tuple[Channel, Purpose], dict[int, Decision]]


def _ask_policy(session: Session, rule: Rule, customer_ids: list[int], day: date) -> _Permits:
    """The contact policy's answers for every (channel, purpose) the rule's actions need."""
    purpose = KINDS[rule.kind].purpose
    asks: set[tuple[Channel, Purpose]] = set()
    if rule.create_followup:
        asks.update((channel, purpose) for channel in FOLLOWUP_CHANNELS)
    if rule.letter_template:
        asks.add((Channel.LETTER, purpose))
        if _actions(rule)["by_email"]:
            asks.add((Channel.EMAIL, purpose))
    if _actions(rule)["voucher_cents"]:  # a promotional voucher is advertising
        asks.add((Channel.LETTER, Purpose.ADVERTISING))
    return {ask: decide_many(session, customer_ids, channel=ask[0], purpose=ask[1],
                             today=day) for ask in asks}


def _ways_note(ways: dict[Channel, Decision]) -> str:
    """A follow-up's notes when some ways to get in touch are not allowed."""
    refused = [(c, d) for c, d in ways.items() if not d.allowed]
    if not refused:
        return ""
    open_ways = ", ".join(CHANNEL_LABELS[c] for c, d in ways.items() if d.allowed)
    return f"Kontakt nur per {open_ways}. " + " ".join(
        f"Nicht per {CHANNEL_LABELS[c]}: {d.reason}." for c, d in refused)


# Work that reacts to a run's results, after its days are committed (wired by the container,
# e.g. the e-mail action); returns German lines for the run's report.
AfterRun = Callable[[Progress], Sequence[str]]


class RuleService:
    def __init__(self, db: Database, clock: Clock,
                 vouchers: VoucherService | None = None,
                 after_run: Sequence[AfterRun] = ()) -> None:
        self.db = db
        self.clock = clock
        self.vouchers = vouchers or VoucherService(db, clock)
        self.after_run = tuple(after_run)

    def ensure_defaults(self) -> None:
        """Seed the default rules once per database, starting today (nothing backdated).

        Seeded here, not in the migration, because the start day must come from the
        injected clock; a marker setting keeps deleted defaults from coming back.
        """
        with self.db.read() as session:
            if not self._missing_kinds(session):
                return  # the usual case, without taking the write lock
        with self.db.write() as session:
            if self._seed(session):
                session.commit()

    def rules(self) -> list[RuleDTO]:
        self.ensure_defaults()
        with self.db.read() as session:
            return [_dto(r) for r in session.scalars(select(Rule).order_by(Rule.id))
                    if r.kind in KINDS]

    def create(self, kind: str, data: RuleInput) -> RuleDTO:
        if kind not in KINDS:
            raise invalid({"kind": f"unbekannte Regelart „{kind}“"})
        values = self._validated(kind, data)
        self.ensure_defaults()  # the defaults keep their numbers 1, 2, 3 …
        now = self.clock.now()
        with self.db.write() as session:
            rule = Rule(kind=kind, created_at=now,
                        last_processed=self.clock.today() - timedelta(days=1), **values)
            session.add(rule)
            session.flush()
            result = _dto(rule)
            session.commit()
        return result

    def update(self, rule_id: int, data: RuleInput) -> RuleDTO:
        with self.db.write() as session:
            rule = session.get(Rule, rule_id)
            if rule is None:
                raise NotFoundError(f"Regel {rule_id} nicht gefunden")
            values = self._validated(rule.kind, data)
            stored = _actions(rule)
            switched_on = values["enabled"] and not rule.enabled
            if switched_on:
                # switched back on: start today, do not backfill the days it was off
                rule.last_processed = self.clock.today() - timedelta(days=1)
            params = json.loads(values["params"])
            params.update(released=0 if switched_on else stored["released"],
                          waiting=stored["waiting"] if values["enabled"] else 0)
            values["params"] = json.dumps(params)
            for key, value in values.items():
                setattr(rule, key, value)
            result = _dto(rule)
            session.commit()
        return result

    def run_due(self, *, as_of: date | None = None, progress: Progress = NO_PROGRESS
                ) -> RunResult:
        """Process every day not processed yet up to `as_of` (default today), each once."""
        today = self.clock.today()
        as_of = as_of or today
        if as_of > today:
            raise invalid({"as_of": f"{format_date(as_of)} liegt in der Zukunft"})
        self.ensure_defaults()
        with self.db.read() as session:
            enabled = [r for r in session.scalars(
                select(Rule).where(Rule.enabled.is_(True)).order_by(Rule.id)) if r.kind in KINDS]
        starts = [(r.last_processed or as_of - timedelta(days=1)) + timedelta(days=1)
                  for r in enabled]
        first = max(min(starts, default=as_of + timedelta(days=1)),
                    as_of - timedelta(days=MAX_CATCH_UP_DAYS - 1))
        days = [first + timedelta(days=n) for n in range((as_of - first).days + 1)]
        per_rule = {rule.name: RuleCount() for rule in enabled}
        created: list[CreatedFollowUp] = []
        held: list[HeldBackAction] = []
        waiting: dict[int, int] = {}
        for done, day in enumerate(days):
            progress.checkpoint()
            with self.db.write() as session:
                self._process_day(session, day, per_rule, created, held, waiting)
                session.commit()
            progress.report(done + 1, len(days), format_date(day))
        reports = [line for work in self.after_run for line in work(progress)]
        with self.db.read() as session:
            due = session.scalar(select(func.count(FollowUp.id)).where(
                FollowUp.status.in_(("open", "snoozed")), FollowUp.due_date <= as_of)) or 0
        return RunResult(as_of=as_of, days=tuple(days), per_rule=per_rule,
                         followups=tuple(created), due_followups=int(due),
                         held_back=tuple(held), waiting=waiting,
                         after_run=tuple(reports))

    def firings(self, customer_id: int) -> list[tuple[str, str, date]]:
        """(rule name, occasion key, processed day) of a customer's firings, newest first."""
        with self.db.read() as session:
            return [tuple(row) for row in session.execute(  # type: ignore[misc]
                select(Rule.name, RuleFiring.occasion_key, RuleFiring.fired_on)
                .join(Rule, Rule.id == RuleFiring.rule_id)
                .where(RuleFiring.customer_id == customer_id)
                .order_by(RuleFiring.fired_on.desc(), RuleFiring.id.desc()))]

    # --- the work of one day ---------------------------------------------------------

    def _process_day(self, session: Session, day: date, per_rule: dict[str, RuleCount],
                     created: list[CreatedFollowUp], held: list[HeldBackAction],
                     waiting: dict[int, int]) -> None:
        now = self.clock.now()
        rules = session.scalars(select(Rule).where(Rule.enabled.is_(True)).order_by(Rule.id))
        for rule in rules:
            if rule.kind not in KINDS or (rule.last_processed and rule.last_processed >= day):
                continue
            count = per_rule.setdefault(rule.name, RuleCount())
            occasions = list(KINDS[rule.kind].find(session, kind_params(rule), day))
            fired, customers = self._known(session, rule.id,
                                           sorted({o.customer_id for o in occasions}))
            todo = []
            for occasion in occasions:
                if (occasion.customer_id, occasion.key) not in fired:
                    fired.add((occasion.customer_id, occasion.key))
                    todo.append(occasion)
            todo = self._within_release(rule, todo, waiting)
            permits = _ask_policy(session, rule, sorted({o.customer_id for o in todo}), day)
            for occasion in todo:
                self._fire(session, rule, occasion, customers[occasion.customer_id], day, now,
                           count, created, permits, held)
                count.firings += 1
            rule.last_processed = day

    @staticmethod
    def _within_release(rule: Rule, todo: list[Occasion], waiting: dict[int, int]
                        ) -> list[Occasion]:
        """The occasions the rule may act on today: none while it waits for the user's
        choice (more than MANY at once, not released), else at most `per_day` of them; the
        rest of a lasting occasion (a dormant customer) comes again on a later day."""
        settings = _actions(rule)
        if not settings["released"] and len(todo) > MANY:
            waiting[rule.id] = len(todo)
            rule.params = json.dumps({**json.loads(rule.params or "{}"), "waiting": len(todo)})
            return []
        if settings["waiting"]:
            rule.params = json.dumps({**json.loads(rule.params or "{}"), "waiting": 0})
        return todo[:settings["per_day"]] if settings["per_day"] else todo

    @staticmethod
    def _known(session: Session, rule_id: int, customer_ids: list[int]
               ) -> tuple[set[tuple[int, str]], dict[int, Customer]]:
        """The rule's earlier firings for these customers, and the customers, in chunks
        (one query per 500 instead of two per occasion)."""
        fired: set[tuple[int, str]] = set()
        customers: dict[int, Customer] = {}
        for start in range(0, len(customer_ids), _CHUNK):
            chunk = customer_ids[start:start + _CHUNK]
            fired.update((cid, key) for cid, key in session.execute(
                select(RuleFiring.customer_id, RuleFiring.occasion_key)
                .where(RuleFiring.rule_id == rule_id, RuleFiring.customer_id.in_(chunk))))
            customers.update((c.id, c) for c in session.scalars(
                select(Customer).where(Customer.id.in_(chunk)).options(load_only(
                    Customer.number, Customer.kind, Customer.title, Customer.first_name,
                    Customer.last_name, Customer.company, Customer.owner))))
        return fired, customers

    def _fire(self, session: Session, rule: Rule, occasion: Occasion, customer: Customer,
              day: date, now: datetime, count: RuleCount, created: list[CreatedFollowUp],
              permits: _Permits, held: list[HeldBackAction]) -> None:
        firing = RuleFiring(rule_id=rule.id, customer_id=customer.id,
                            occasion_key=occasion.key, fired_on=day, created_at=now)
        session.add(firing)
        acts = []
        purpose = KINDS[rule.kind].purpose

        def allowed(action: str, decision: Decision) -> bool:
            if decision.allowed:
                return True
            held.append(HeldBackAction(rule.name, customer.id, customer.number,
                                       customer_display_name(customer), action, decision.reason,
                                       decision.code))
            count.held_back += 1
            acts.append(f"{action} zurückgehalten: {decision.reason}")
            return False

        ways = {c: permits[(c, purpose)][customer.id]
                for c in FOLLOWUP_CHANNELS if (c, purpose) in permits}
        if rule.create_followup and allowed(
                "Wiedervorlage", next((d for d in ways.values() if d.allowed),
                                      ways[Channel.PHONE])):
            subject = render_line(rule.subject_template, {
                "grund": occasion.reason, "kunde": customer_display_name(customer),
                "kundennummer": customer.number})
            row = add_followup(session, customer_id=customer.id, at=now, by=AUTHOR,
                               rule_id=rule.id, values={
                                   "subject": (subject or occasion.reason)[:200],
                                   "due_date": occasion.due or day, "due_time": None,
                                   "notes": _ways_note(ways),
                                   "assignee": rule.assignee or customer.owner,
                                   "priority": 2, "contact_id": None, "rrule": "",
                                   "recur_from": "completion"})
            firing.followup_id = row.id
            count.followups += 1
            created.append(CreatedFollowUp(row.id, customer.id, customer_display_name(customer),
                                            row.subject, row.due_date))
            acts.append("Wiedervorlage angelegt")
        actions = _actions(rule)
        if rule.letter_template:
            self._letter_or_mail(session, rule, occasion, customer.id, now, count, acts,
                                 permits, allowed, by_email=bool(actions["by_email"]))
        if actions["voucher_cents"] and allowed(
                "Gutschein", permits[(Channel.LETTER, Purpose.ADVERTISING)][customer.id]):
            days = actions["voucher_days"]
            voucher = self.vouchers.issue_in(session, VoucherInput(
                kind="value", value_cents=actions["voucher_cents"], customer_id=customer.id,
                campaign=rule.name[:128], promo=True,
                valid_until=self.clock.today() + timedelta(days=days) if days else None),
                by=AUTHOR)
            count.vouchers += 1
            acts.append(f"Gutschein {voucher_codes.grouped(voucher.code)} über "
                        f"{format_cents(voucher.value_cents)} ausgegeben")
        timeline.record(session, customer_id=customer.id, channel="system",
                        subject=f"Regel „{rule.name}“: {occasion.reason}",
                        text=", ".join(acts), author=AUTHOR, at=now)

    @staticmethod
    def _letter_or_mail(session: Session, rule: Rule, occasion: Occasion, customer_id: int,
                        now: datetime, count: RuleCount, acts: list[str], permits: _Permits,
                        allowed: Callable[[str, Decision], bool], *, by_email: bool) -> None:
        """The letter list, or with the e-mail action the entry marked for e-mail where the
        contact policy allows e-mail, else the letter with the e-mail refusal in its note."""
        purpose = KINDS[rule.kind].purpose
        key = rule.letter_template
        letter = permits[(Channel.LETTER, purpose)][customer_id]
        mail = permits[(Channel.EMAIL, purpose)][customer_id] if by_email else None
        if mail is not None and mail.allowed:
            note, what = EMAIL_NOTE, f"für E-Mail „{key}“ vorgemerkt"
            count.mails += 1
        else:
            if mail is not None and not letter.allowed:  # neither way: both reasons
                letter = Decision(False, f"Brief: {letter.reason}; E-Mail: {mail.reason}",
                                  letter.code)
            if not allowed(f"E-Mail/Brief „{key}“" if mail else f"Brief „{key}“", letter):
                return
            note = FALLBACK_NOTE.format(reason=mail.reason) if mail else ""
            what = f"für Brief „{key}“ vorgemerkt" + (
                f" (keine E-Mail: {mail.reason})" if mail else "")
            count.letters += 1
        session.add(LetterQueueEntry(customer_id=customer_id, template_key=key,
                                     rule_id=rule.id, note=(note + occasion.reason)[:200],
                                     created_by=AUTHOR, created_at=now))
        acts.append(what)

    @staticmethod
    def _missing_kinds(session: Session) -> list[str]:
        """Default kinds this database has not been seeded with yet (all on a new one)."""
        if session.get(Setting, _SEEDED_KEY) is None:
            return [spec["kind"] for spec in DEFAULT_RULES]
        marker = session.get(Setting, _SEEDED_KINDS_KEY)
        seeded = json.loads(marker.value) if marker is not None else list(_FIRST_KINDS)
        return [spec["kind"] for spec in DEFAULT_RULES if spec["kind"] not in seeded]

    def _seed(self, session: Session) -> bool:
        missing = self._missing_kinds(session)
        if not missing:
            return False
        now = self.clock.now()
        for spec in DEFAULT_RULES:
            if spec["kind"] in missing:
                session.add(Rule(params="{}", create_followup=True, assignee="", created_at=now,
                                 last_processed=now.date() - timedelta(days=1), **spec))
        if session.get(Setting, _SEEDED_KEY) is None:
            session.add(Setting(key=_SEEDED_KEY, value=json.dumps(now.date().isoformat())))
        kinds = json.dumps([spec["kind"] for spec in DEFAULT_RULES])
        marker = session.get(Setting, _SEEDED_KINDS_KEY)
        if marker is None:
            session.add(Setting(key=_SEEDED_KINDS_KEY, value=kinds))
        else:
            marker.value = kinds
        session.flush()
        return True

    @staticmethod
    def _validated(kind: str, data: RuleInput) -> dict[str, Any]:
        errors: dict[str, str] = {}
        if not data.name.strip():
            errors["name"] = "bitte einen Namen angeben"
        params = dict(KINDS[kind].defaults)
        for key, value in data.params.items():
            if key not in params:
                errors[key] = "unbekannte Einstellung"
            elif not isinstance(value, int) or value < 0:
                errors[key] = "bitte eine ganze Zahl ab 0"
            else:
                params[key] = value
        if not 0 <= data.voucher_cents <= MAX_VALUE_CENTS:
            errors["voucher_cents"] = "Gutscheinwert zwischen 0 und 100.000,00 €"
        problems = line_problems(data.subject_template, SUBJECT_PLACEHOLDERS)
        if problems:
            errors["subject_template"] = "; ".join(problems)
        if not 0 <= data.per_day <= 10_000:
            errors["per_day"] = "zwischen 0 (alle auf einmal) und 10.000"
        if not 0 <= data.voucher_days <= 3660:
            errors["voucher_days"] = "Gültigkeit zwischen 0 und 3660 Tagen"
        if (not data.create_followup and not data.letter_template.strip()
                and not data.voucher_cents):
            errors["create_followup"] = "Wiedervorlage, Brief und/oder Gutschein wählen"
        if data.by_email and not data.letter_template.strip():
            errors["by_email"] = ("für „per E-Mail“ eine Vorlage angeben (die Mailvorlage mit "
                                  "diesem Schlüssel oder Namen; sonst geht der Brief)")
        if errors:
            raise invalid(errors)
        params.update(voucher_cents=data.voucher_cents, voucher_days=data.voucher_days,
                      by_email=int(data.by_email), per_day=data.per_day)
        return {"name": data.name.strip(), "enabled": data.enabled,
                "params": json.dumps(params), "create_followup": data.create_followup,
                "subject_template": data.subject_template.strip(),
                "assignee": data.assignee.strip(),
                "letter_template": data.letter_template.strip()}
