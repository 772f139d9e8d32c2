"""The whole demo in one call: customers and sales, then everything built on them.

`populate` fills an empty database so that every screen has something real to show:
classes and churn risk, follow-ups and a rules run, a points program and a stamp card,
vouchers, feedback and complaints, consents and an advertising objection, the letterhead,
a saved segment and a printed mailing with a control group. It is deterministic for a seed
(only voucher codes and card numbers stay random: they are secrets by design).

The extras go through the real services, so they write the same timeline entries as a user
would; their size grows sub-linearly (a few hundred customers at most), which keeps
`demo --customers 100000` dominated by the bulk insert of `demo.fill`. Past events (an
enrolment last year, a voucher redeemed in spring) are booked with a service built on a
clock set to that day.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from app.models import Customer, Sale
from app.services.clock import FixedClock
from app.services.company import CompanyProfile
from app.services.customers.segments import SegmentSpec
from app.services.demo.binding import BindingResult, fill_binding
from app.services.demo.dataset import STAFF, DemoResult, fill
from app.services.demo.followups import fill_followups
from app.services.followups.service import FollowUpInput, MaintenanceInput
from app.services.letters.mailings import MailingDTO, MailingService
from app.services.letters.recipients import IdSource
from app.services.letters.service import LetterService
from app.services.loyalty.cards import LoyaltyService
from app.services.loyalty.programs import ProgramInput
from app.services.loyalty.vouchers import VoucherInput, VoucherService
from app.services.privacy.consents import ConsentInput
from app.services.privacy.service import PrivacyService
from app.services.progress import NO_PROGRESS, Progress
from app.services.sales.classification import ClassificationService
from app.services.sales.feedback import FeedbackService

if TYPE_CHECKING:  # the container imports every service; this module only uses it
    from app.services.container import Services

BY = "Demo"
COMPANY = CompanyProfile(
    name="Haustechnik Krause GmbH", street="Musterstraße 12", postcode="93047",
    city="Regensburg", country="DE", phone="0941 1234560", email="info@krause-haustechnik.de",
    web="www.krause-haustechnik.de", iban="DE02120300000000202051", bank="Deutsche Kreditbank",
    tax_number="181/815/08155", vat_id="DE136695976", managing_director="Michael Krause",
    legal_form="gmbh", seat="Regensburg", register_court="Amtsgericht Regensburg",
    register_number="HRB 12345")
SEGMENT_NAME = "Gefährdete Stammkunden"
DORMANT_PER_DAY = 15  # reactivation follow-ups the demo rules run creates
COMPLAINTS = (("Heizkörper im Bad wird nicht warm", "Seit der Wartung kalt, bitte Rückruf."),
              ("Termin nicht eingehalten", "Monteur kam zwei Stunden zu spät."),
              ("Rechnung doppelt erhalten", "Bitte prüfen, ob zweimal abgebucht wird."))
COMMENTS = ("Sehr sauber gearbeitet.", "Schnell und freundlich.", "", "",
            "Termin hat gut geklappt.", "Etwas teuer, aber gut.", "")


@dataclass(frozen=True)
class ShowcaseResult:
    demo: DemoResult
    maintenance_objects: int
    followups: int
    rule_followups: int
    cards: int
    points_entries: int
    vouchers: int
    scores: int
    complaints: int
    consents: int
    mailing: MailingDTO | None
    featured: int | None  # the customer with a bit of everything, for screenshots and tours
    binding: BindingResult

    def lines(self) -> list[str]:
        """What was made, in German, for the command line."""
        d = self.demo
        lines = [
            f"{d.customers} Kunden, {d.contacts} Ansprechpersonen, "
            f"{d.interactions} Kontakteinträge, {d.sales} Umsätze angelegt.",
            f"{self.maintenance_objects} Wartungsobjekte, {self.followups} weitere "
            f"Wiedervorlagen, {self.rule_followups} aus Regeln.",
            f"{self.cards} Bonuskarten mit {self.points_entries} Gutschriften, "
            f"{self.vouchers} Gutscheine.",
            f"{self.scores} Bewertungen, {self.complaints} Reklamationen, "
            f"{self.consents} Einwilligungen, 1 Werbewiderspruch.",
            f"{self.binding.contracts} Wartungsverträge ({self.binding.ended} gekündigt), "
            f"{self.binding.members} Clubmitglieder, {self.binding.referrals} Empfehlungen "
            f"({self.binding.rewarded} belohnt).",
        ]
        if self.mailing is not None:
            lines.append(f"Mailing „{self.mailing.template_name}“: "
                         f"{self.mailing.letters_printed} Briefe, "
                         f"{self.mailing.control} in der Kontrollgruppe "
                         f"({self.mailing.output_path}).")
        return lines


def populate(services: Services, *, customers: int, seed: int = 1,
             mailing_out: Path | None = None, progress: Progress = NO_PROGRESS
             ) -> ShowcaseResult:
    """Fill the database with a complete demo; print a mailing to `mailing_out` if given.

    The extras touch only the customers added now, so a second run adds a second demo."""
    with services.db.read() as session:
        before = session.scalar(select(func.max(Customer.id))) or 0
    demo = fill(services.db, services.clock, customers=customers, seed=seed, progress=progress)
    rnd = random.Random(seed * 7919 + 17)
    now = services.clock.now()
    services.settings.set_staff(list(STAFF))
    if not services.company.get().name:  # a demo added to a real database keeps its letterhead
        services.company.save(COMPANY)
    # Classified a month ago and today: the dashboard then shows who rose to and fell from A.
    ClassificationService(services.db, _at(now, 30), services.settings).recompute(
        with_scores=False, by=BY)
    services.classification.recompute(with_scores=False, by=BY)
    progress.checkpoint()
    objects, followups = fill_followups(services.db, services.clock, seed=seed)
    with services.db.read() as session:
        buyers = list(session.scalars(select(Customer.id).where(
            Customer.id > before, select(Sale.id).where(Sale.customer_id == Customer.id).exists())
            .order_by(Customer.id)))
        private = set(session.scalars(select(Customer.id).where(Customer.kind == "private")))
        featured = session.scalar(
            select(Customer.id).join(Sale, Sale.customer_id == Customer.id)
            .where(Customer.id > before, Customer.kind == "business", Customer.phone != "",
                   Customer.abc_class == "A").group_by(Customer.id)
            .order_by(func.count(Sale.id).desc(), Customer.id).limit(1))
    if featured is not None:
        _feature(services, rnd, featured, now)
    cards, entries = _loyalty(services, rnd, buyers, now, featured)
    progress.checkpoint()
    vouchers = _vouchers(services, rnd, buyers, now, featured)
    scores, complaints = _feedback(services, rnd, buyers, now, featured)
    consents = _privacy(services, rnd, [c for c in buyers if c in private], now, featured)
    services.segments.save(SEGMENT_NAME, SegmentSpec(abc_classes=("A", "B"), at_risk=True))
    binding = fill_binding(services, rnd, first_id=before, buyers=buyers, featured=featured)
    dormant = next(r for r in services.rules.rules() if r.kind == "dormant")
    if not dormant.enabled:  # off in a new database; the demo shows it spread out
        services.rule_release.release(dormant.id, per_day=DORMANT_PER_DAY)
    rules = services.rules.run_due()
    mailing = None
    if mailing_out is not None:
        mailing = _mailing(services, rnd, buyers, now, mailing_out, seed)
    return ShowcaseResult(
        demo=demo, maintenance_objects=objects, followups=followups,
        rule_followups=len(rules.followups), cards=cards, points_entries=entries,
        vouchers=vouchers, scores=scores, complaints=complaints, consents=consents,
        mailing=mailing, featured=featured, binding=binding)


def _at(now: datetime, days_ago: int, hour: int = 10) -> FixedClock:
    """A clock standing on a working-day morning `days_ago` days before now."""
    day = (now - timedelta(days=days_ago)).date()
    return FixedClock(datetime.combine(day, time(hour, 0), tzinfo=now.tzinfo))


def _sample(rnd: random.Random, ids: list[int], k: int, keep: int | None = None) -> list[int]:
    """k of `ids` at random; `keep` (the featured customer) is always among them."""
    chosen = rnd.sample(ids, min(k, len(ids)))
    if keep is not None and chosen and keep not in chosen and keep in ids:
        chosen[0] = keep
    return chosen


def _feature(services: Services, rnd: random.Random, cid: int, now: datetime) -> None:
    """A history of calls and visits, a maintained boiler and a call-back for one customer."""
    contacts = [(30, "phone", "Angebot Heizungstausch besprochen",
                 "Kunde möchte Wärmepumpe prüfen lassen, Angebot bis Monatsende."),
                (24, "visit", "Vor-Ort-Termin Heizungskeller",
                 "Aufmaß genommen, Fotos in der Akte."),
                (12, "email", "Angebot verschickt", "Angebot über Wärmepumpe mit Einbau."),
                (3, "phone", "Rückfrage zur Förderung", "BAFA-Antrag erklärt.")]
    for days, channel, subject, text in contacts:
        services.timeline.add(cid, channel=channel, subject=subject, text=text,
                              by=rnd.choice(STAFF),
                              occurred_at=now - timedelta(days=days, hours=rnd.randint(1, 5)))
    services.followups.add_maintenance(cid, MaintenanceInput(
        name="Gasheizung", model="Vaillant ecoTEC plus", year_built=2014, rrule="FREQ=YEARLY",
        first_due=(now + timedelta(days=9)).date(), assignee=STAFF[2]), by=BY)
    services.followups.create(cid, FollowUpInput(
        subject="Angebot Wärmepumpe nachfassen", due_date=now.date(), due_time=time(11, 0),
        assignee=STAFF[0], priority=1), by=BY)


def _loyalty(services: Services, rnd: random.Random, buyers: list[int], now: datetime,
             featured: int | None) -> tuple[int, int]:
    """Points for up to 150 and stamps for up to 60 customers, enrolled over two years."""
    existing = {p.name: p for p in services.programs.programs()}
    points = existing.get("Treuepunkte")
    if points is None:
        points = services.programs.save_program(ProgramInput(
            name="Treuepunkte", kind="points", points_per_euro=1, rounding="down",
            min_purchase_cents=2000, expiry_years=3))
        services.programs.save_reward(program_id=points.id, name="Gutschein 25 €", cost=500,
                                     voucher_value_cents=2500)
        services.programs.save_reward(program_id=points.id, name="Gutschein 50 €", cost=900,
                                     voucher_value_cents=5000)
    stamps = existing.get("Service-Stempelkarte")
    if stamps is None:
        stamps = services.programs.save_program(ProgramInput(
            name="Service-Stempelkarte", kind="stamps", stamps_required=6,
            min_purchase_cents=5000))
        services.programs.save_reward(program_id=stamps.id, name="Heizungswartung gratis",
                                     cost=6, voucher_value_cents=14900)
    held = {points.id: _sample(rnd, buyers, min(max(len(buyers) // 10, 1), 150), featured),
            stamps.id: _sample(rnd, buyers, min(max(len(buyers) // 20, 1), 60))}
    numbers: list[str] = []
    for program_id, ids in held.items():
        for cid in sorted(ids):
            past = LoyaltyService(services.db, _at(now, rnd.randint(20, 700)),
                                  services.vouchers)
            numbers.append(past.enrol(cid, program_id=program_id, by=BY).number)
    report = services.loyalty.credit_sales(by=BY)
    redeemed = 0
    for number in numbers:
        card = services.loyalty.card(number)
        rewards = [r for r in services.programs.rewards(card.program_id) if r.cost <= card.balance]
        if rewards and redeemed < 4:
            services.loyalty.redeem_reward(number, reward_id=rewards[0].id, by=rnd.choice(STAFF))
            redeemed += 1
    return len(numbers), report.entries


def _vouchers(services: Services, rnd: random.Random, buyers: list[int], now: datetime,
              featured: int | None) -> int:
    """Personal vouchers (some partly or fully redeemed), a service voucher, a campaign of
    percent vouchers and one that has expired."""
    issued = 0
    for cid in sorted(_sample(rnd, buyers, 8, featured)):
        days = rnd.randint(20, 400)
        value = rnd.choice((2500, 5000, 5000, 10000))
        voucher = VoucherService(services.db, _at(now, days)).issue(
            VoucherInput(kind="value", value_cents=value, customer_id=cid), by=rnd.choice(STAFF))
        issued += 1
        if rnd.random() < 0.6:
            spend = value if rnd.random() < 0.3 else value * rnd.choice((20, 40, 60)) // 100
            VoucherService(services.db, _at(now, rnd.randint(0, days - 1), 15)).redeem(
                voucher.code, amount_cents=spend, by=rnd.choice(STAFF))
    for cid in _sample(rnd, buyers, 2):
        services.vouchers.issue(VoucherInput(kind="service", service_text="Heizungswartung",
                                             purpose="single", vat_rate_bp=1900,
                                             customer_id=cid), by=STAFF[0])
        issued += 1
    campaign = VoucherService(services.db, _at(now, 40))
    batch = campaign.issue_batch(VoucherInput(
        kind="percent", percent=10, campaign="Treue-Rabatt", promo=True,
        valid_until=(now + timedelta(days=60)).date()), count=12, by=STAFF[1])
    issued += len(batch)
    for voucher in batch[:3]:
        VoucherService(services.db, _at(now, rnd.randint(1, 39), 14)).redeem(
            voucher.code, by=rnd.choice(STAFF))
    old = VoucherService(services.db, _at(now, 4 * 365 + 60))
    if buyers:
        old.issue(VoucherInput(kind="value", value_cents=3000, customer_id=buyers[0]), by=BY)
        issued += 1
    services.vouchers.mark_expired(by=BY)
    return issued


def _feedback(services: Services, rnd: random.Random, buyers: list[int], now: datetime,
              featured: int | None) -> tuple[int, int]:
    """NPS and CSAT answers spread over the last twelve months, three complaints (one done)."""
    feedback = services.feedback
    scores = 0
    for cid in sorted(_sample(rnd, buyers, min(len(buyers) // 3, 150), featured)):
        given = (now - timedelta(days=rnd.randint(0, 360))).date()
        nps = min(10, max(0, round(rnd.gauss(8.3, 1.8))))
        feedback.record_score(cid, kind="nps", score=nps, given_on=given,
                              comment=rnd.choice(COMMENTS), by=rnd.choice(STAFF))
        scores += 1
        if rnd.random() < 0.4:
            csat = min(5, max(1, round(rnd.gauss(4.3, 0.8))))
            feedback.record_score(cid, kind="csat", score=csat, given_on=given,
                                  by=rnd.choice(STAFF))
            scores += 1
    complaints = 0
    for cid, (subject, text) in zip(_sample(rnd, buyers, len(COMPLAINTS), featured), COMPLAINTS,
                                    strict=False):
        opened = FeedbackService(services.db, _at(now, rnd.randint(2, 20)))
        complaint = opened.open_complaint(cid, subject=subject, text=text,
                                          by=rnd.choice(STAFF))
        complaints += 1
        if complaints == 1:
            opened.resolve_complaint(complaint.id, by=STAFF[0],
                                     resolution="Ventil getauscht, Heizkörper entlüftet.")
    return scores, complaints


def _privacy(services: Services, rnd: random.Random, private: list[int], now: datetime,
             featured: int | None) -> int:
    """Letter and e-mail consents for some customers, one revoked, one Werbewiderspruch.

    Booked in the order they were given, so the audit log reads forward in time."""
    chosen = sorted(_sample(rnd, private, min(max(len(private) // 10, 1), 100)))
    if featured is not None:
        chosen.append(featured)
    plan = sorted(((now - timedelta(days=rnd.randint(30, 900))).date(), cid, purpose,
                   rnd.choice(("form", "form", "oral")), rnd.choice(STAFF))
                  for cid in chosen
                  for purpose in (("letter", "email") if rnd.random() < 0.5 else ("letter",)))
    for given, cid, purpose, method, by in plan:
        PrivacyService(services.db, _at(now, (now.date() - given).days), services.settings
                       ).record_consent(cid, ConsentInput(
                           purpose=purpose, granted=True, given_on=given, method=method,
                           wording_version="2024-01"), by=by)
    consents = len(plan)
    if chosen:
        services.privacy.record_consent(chosen[0], ConsentInput(
            purpose="letter", granted=False, given_on=now.date(), method="email"), by=STAFF[1])
        consents += 1
    if len(chosen) > 2:
        services.privacy.object_to_advertising(chosen[-2], by=STAFF[1])
    return consents


def _mailing(services: Services, rnd: random.Random, buyers: list[int], now: datetime,
             out: Path, seed: int) -> MailingDTO | None:
    """A thank-you letter to up to 60 A customers, six weeks ago, with a 20 % control group:
    the mailing page then has results to compare."""
    with services.db.read() as session:
        a_class = set(session.scalars(select(Customer.id).where(Customer.abc_class == "A")))
    chosen = sorted(_sample(rnd, [cid for cid in buyers if cid in a_class], 60))
    if len(chosen) < 5:
        return None
    template = services.letters.by_name("Dankeschön an A-Kunden")
    past = _at(now, 42)
    letters = LetterService(services.db, past, services.settings, services.company)
    for provider in services.letters.providers:
        letters.register_provider(provider)
    mailer = MailingService(services.db, past, letters, VoucherService(services.db, past))
    result = mailer.run(template.id, IdSource(tuple(chosen), label="A-Kunden (Auswahl)"),
                        out=out, control_share=0.2, seed=seed, by=STAFF[1])
    return result.mailing
