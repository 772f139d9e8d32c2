"""Kunden werben Kunden: who recommended whom, the referral code, the reward, statistics.

The reward is issued once, when the referred customer's first sale is booked: the check
and the booking run in one write transaction (`BEGIN IMMEDIATE` on SQLite, the writer lock
on PostgreSQL), and the reward row's UNIQUE referral stops a second one even if two
processes book that first sale at the same moment.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from stdnum import luhn

from app.db import Database
from app.models import (
    BonusCard,
    Customer,
    LoyaltyAccount,
    PointsEntry,
    Referral,
    ReferralReward,
    Sale,
)
from app.services import actors, timeline
from app.services.clock import Clock
from app.services.company import CompanyProfile
from app.services.customers.naming import customer_display_name as display_name
from app.services.errors import ConflictError, NotFoundError, ValidationError
from app.services.formatting import format_cents, format_count
from app.services.loyalty.vouchers import VoucherInput, VoucherService
from app.services.settings import SettingsService

REWARD_KEY = "referral_reward"
DEFAULT_REWARD: dict[str, Any] = {"kind": "voucher", "value_cents": 20_00, "points": 0,
                                  "program_id": None}
CAMPAIGN = "Kunden werben Kunden"
invalid = ValidationError.labelled({"referrer": "Werber", "referred": "Geworbener",
                                    "referral_code": "Empfehlungscode", "reward": "Prämie",
                                    "value": "Gutscheinwert"})


@dataclass(frozen=True)
class RewardSetting:
    """A voucher of `value_cents`, or `points` on the referrer's card in `program_id`
    (a referrer without such a card gets the voucher instead)."""

    kind: str = "voucher"  # voucher | points
    value_cents: int = 20_00
    points: int = 0
    program_id: int | None = None

    @property
    def text(self) -> str:
        if self.kind == "points":
            return f"{format_count(self.points, 'Punkt', 'Punkte')} (ohne Bonuskarte: Gutschein " \
                   f"{format_cents(self.value_cents)})"
        return f"Gutschein {format_cents(self.value_cents)}"


@dataclass(frozen=True)
class ReferralDTO:
    id: int
    referrer_id: int
    referrer_name: str
    referrer_number: str
    referred_id: int
    referred_name: str
    referred_number: str
    referred_on: date
    via_code: bool
    reward: str  # "" while the first sale is missing
    rewarded_on: date | None


@dataclass(frozen=True)
class ReferrerStats:
    customer_id: int
    name: str
    number: str
    referred: int
    converted: int  # referred customers who bought
    revenue_cents: int  # all sales of the customers they brought


@dataclass(frozen=True)
class ReferralStats:
    referrals: int
    rewarded: int
    revenue_cents: int
    referrers: tuple[ReferrerStats, ...]


def code_for(customer_id: int) -> str:
    """The customer's referral code: W, the id, a Luhn check digit (W-000123-4)."""
    digits = f"{customer_id:06d}"
    return f"W-{digits}-{luhn.calc_check_digit(digits)}"


def parse_code(text: str) -> int:
    """A typed code → the referrer's customer id, or a ValidationError."""
    bare = "".join(ch for ch in text.upper() if ch.isalnum())
    if not bare.startswith("W") or not bare[1:].isdigit() or len(bare) < 3 \
            or not luhn.is_valid(bare[1:]):
        raise invalid({"referral_code": f"„{text.strip()}“ ist kein gültiger "
                                                "Empfehlungscode (Tippfehler?)"})
    return int(bare[1:-1])


class ReferralService:
    def __init__(self, db: Database, clock: Clock, settings: SettingsService,
                 vouchers: VoucherService) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.vouchers = vouchers

    # --- settings --------------------------------------------------------------------

    def reward_setting(self) -> RewardSetting:
        stored = {**DEFAULT_REWARD, **dict(self.settings.get(REWARD_KEY, {}))}
        return RewardSetting(kind=str(stored["kind"]), value_cents=int(stored["value_cents"]),
                             points=int(stored["points"]), program_id=stored["program_id"])

    def set_reward(self, setting: RewardSetting) -> RewardSetting:
        errors = {}
        if setting.kind not in ("voucher", "points"):
            errors["reward"] = "Gutschein (voucher) oder Punkte (points)"
        if not 1_00 <= setting.value_cents <= 1_000_00:
            errors["value"] = "Gutscheinwert zwischen 1 € und 1.000 €"
        if setting.kind == "points" and (setting.points <= 0 or setting.program_id is None):
            errors["reward"] = "Punkte größer 0 und ein Bonusprogramm angeben"
        if errors:
            raise invalid(errors)
        self.settings.set(REWARD_KEY, setting.__dict__)
        return setting

    # --- recording -------------------------------------------------------------------

    def add(self, *, referrer_id: int, referred_id: int, via_code: bool = False,
            by: str = "") -> ReferralDTO:
        """Record that `referrer_id` recommended the new customer `referred_id`."""
        if referrer_id == referred_id:
            raise invalid({"referred": "niemand kann sich selbst werben"})
        now = self.clock.now()
        with self.db.write() as session:
            referrer = session.get(Customer, referrer_id)
            referred = session.get(Customer, referred_id)
            if referrer is None or referred is None:
                raise NotFoundError("Werber oder Geworbener nicht gefunden.")
            earlier = session.scalar(select(Referral).where(Referral.referred_id == referred_id))
            if earlier is not None:
                first = session.get(Customer, earlier.referrer_id)
                raise ConflictError(f"{display_name(referred)} wurde bereits von "
                                    f"{display_name(first) if first else '–'} geworben.")
            if session.scalar(select(Sale.id).where(Sale.customer_id == referred_id)
                              .limit(1)) is not None:
                raise invalid({"referred": f"{display_name(referred)} hat schon "
                                                   "gekauft und ist kein Neukunde"})
            row = Referral(referrer_id=referrer_id, referred_id=referred_id, via_code=via_code,
                           referred_on=self.clock.today(), created_by=by, created_at=now)
            session.add(row)
            session.flush()
            timeline.record(session, customer_id=referrer_id, channel="system", at=now,
                            author=by, subject=f"Empfehlung: hat {display_name(referred)} "
                                               f"({referred.number}) geworben")
            timeline.record(session, customer_id=referred_id, channel="system", at=now,
                            author=by, subject=f"Empfehlung: geworben von "
                                               f"{display_name(referrer)} ({referrer.number})")
            result = self._dto(session, row)
            session.commit()
        return result

    def add_by_code(self, code: str, *, referred_id: int, by: str = "") -> ReferralDTO:
        return self.add(referrer_id=parse_code(code), referred_id=referred_id, via_code=True,
                        by=by)

    def reward_due(self, *, customer_ids: Collection[int] | None = None,
                   by: str = actors.SYSTEM) -> int:
        """Issue the reward of every referral whose new customer has bought; returns how
        many were issued now. Safe to call any number of times, from any process."""
        query = (select(Referral).outerjoin(
            ReferralReward, ReferralReward.referral_id == Referral.id)
            .where(ReferralReward.id.is_(None)).order_by(Referral.id))
        if customer_ids is not None:
            query = query.where(Referral.referred_id.in_(list(customer_ids)))
        with self.db.read() as session:  # most sales are not a referral's: no write lock
            if session.scalar(query.with_only_columns(Referral.id).limit(1)) is None:
                return 0
        setting = self.reward_setting()
        try:
            with self.db.write() as session:
                issued = 0
                for referral in session.scalars(query).all():
                    sale_id = session.scalar(
                        select(Sale.id).where(Sale.customer_id == referral.referred_id)
                        .order_by(Sale.sale_date, Sale.id).limit(1))
                    if sale_id is None:
                        continue
                    self._issue(session, referral, sale_id, setting, by=by)
                    issued += 1
                session.commit()
        except IntegrityError as error:
            if "referral" not in str(error.orig):
                raise
            return 0  # another process issued it first; its commit is the one that counts
        return issued

    def card_pdf(self, customer_id: int, path: Path, *, company: CompanyProfile) -> Path:
        """The referrer's printable card with the referral code and its QR code."""
        from app.services.referrals.card_pdf import referral_card_pdf

        with self.db.read() as session:
            customer = session.get(Customer, customer_id)
            if customer is None:
                raise NotFoundError(f"Kunde {customer_id} nicht gefunden.")
            name = display_name(customer)
        return referral_card_pdf(path, code=code_for(customer_id), referrer_name=name,
                                 reward_text=self.reward_setting().text, company=company)

    # --- reading ---------------------------------------------------------------------

    def referrals(self, *, customer_id: int | None = None) -> list[ReferralDTO]:
        with self.db.read() as session:
            query = select(Referral).order_by(Referral.referred_on.desc(), Referral.id.desc())
            if customer_id is not None:
                query = query.where((Referral.referrer_id == customer_id)
                                    | (Referral.referred_id == customer_id))
            return [self._dto(session, row) for row in session.scalars(query)]

    def statistics(self) -> ReferralStats:
        """Who brings customers, how many of them bought, and what they bought."""
        with self.db.read() as session:
            revenue = (select(Sale.customer_id, func.sum(Sale.amount_cents).label("cents"))
                       .group_by(Sale.customer_id).subquery())
            rows = session.execute(
                select(Referral.referrer_id, func.count(Referral.id),
                       func.count(revenue.c.customer_id),
                       func.coalesce(func.sum(revenue.c.cents), 0))
                .outerjoin(revenue, revenue.c.customer_id == Referral.referred_id)
                .group_by(Referral.referrer_id)).all()
            stats = []
            for referrer_id, count, converted, cents in rows:
                customer = session.get(Customer, referrer_id)
                assert customer is not None
                stats.append(ReferrerStats(
                    customer_id=referrer_id, name=display_name(customer),
                    number=customer.number, referred=int(count), converted=int(converted),
                    revenue_cents=int(cents)))
            rewarded = session.scalar(select(func.count(ReferralReward.id))) or 0
        stats.sort(key=lambda s: (-s.referred, -s.revenue_cents, s.name))
        return ReferralStats(referrals=sum(s.referred for s in stats), rewarded=int(rewarded),
                             revenue_cents=sum(s.revenue_cents for s in stats),
                             referrers=tuple(stats))

    # --- internals -------------------------------------------------------------------

    def _issue(self, session: Session, referral: Referral, sale_id: int,
               setting: RewardSetting, *, by: str) -> None:
        referrer = session.get(Customer, referral.referrer_id)
        referred = session.get(Customer, referral.referred_id)
        assert referrer is not None and referred is not None
        today, now = self.clock.today(), self.clock.now()
        reward = ReferralReward(referral_id=referral.id, sale_id=sale_id, issued_on=today,
                                created_at=now, kind="voucher", amount=setting.value_cents)
        card = self._card(session, referrer.id, setting.program_id) \
            if setting.kind == "points" else None
        reason = f"Empfehlungsprämie für {display_name(referred)} ({referred.number})"
        if card is not None:
            entry = PointsEntry(account_id=card.account_id, card_id=card.id, kind="earn",
                                points=setting.points, entry_date=today, reason=reason,
                                author=by, created_at=now)
            session.add(entry)
            session.flush()
            reward.kind, reward.amount, reward.points_entry_id = "points", setting.points, \
                entry.id
            what = format_count(setting.points, "Punkt", "Punkte")
        else:
            voucher = self.vouchers.issue_in(session, VoucherInput(
                value_cents=setting.value_cents, customer_id=referrer.id, campaign=CAMPAIGN),
                by=by)
            reward.voucher_id = voucher.id
            what = f"Gutschein {format_cents(setting.value_cents)}"
        session.add(reward)
        session.flush()  # the UNIQUE referral refuses a second reward here
        timeline.record(session, customer_id=referrer.id, channel="system", at=now,
                        author=by, subject=f"{reason}: {what}")
        timeline.record(session, customer_id=referred.id, channel="system", at=now,
                        author=by, subject=f"Erster Kauf: Empfehlungsprämie an "
                                           f"{display_name(referrer)} ({referrer.number}) "
                                           "ausgegeben")

    @staticmethod
    def _card(session: Session, customer_id: int, program_id: int | None) -> BonusCard | None:
        return session.scalar(
            select(BonusCard).join(LoyaltyAccount, LoyaltyAccount.id == BonusCard.account_id)
            .where(LoyaltyAccount.customer_id == customer_id,
                   LoyaltyAccount.program_id == program_id, BonusCard.status == "active")
            .limit(1))

    @staticmethod
    def _dto(session: Session, row: Referral) -> ReferralDTO:
        referrer = session.get(Customer, row.referrer_id)
        referred = session.get(Customer, row.referred_id)
        assert referrer is not None and referred is not None
        reward = session.scalar(select(ReferralReward)
                                .where(ReferralReward.referral_id == row.id))
        text = ""
        if reward is not None:
            text = format_count(reward.amount, "Punkt", "Punkte") if reward.kind == "points" else \
                f"Gutschein {format_cents(reward.amount)}"
        return ReferralDTO(
            id=row.id, referrer_id=referrer.id, referrer_name=display_name(referrer),
            referrer_number=referrer.number, referred_id=referred.id,
            referred_name=display_name(referred), referred_number=referred.number,
            referred_on=row.referred_on, via_code=row.via_code, reward=text,
            rewarded_on=reward.issued_on if reward else None)
