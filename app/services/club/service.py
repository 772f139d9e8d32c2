"""The customer club (Kundenclub): levels, join / renew / leave, member list, figures.

A membership runs for a year from joining (the day counts, § 187 Abs. 2 BGB) and is renewed
a year at a time; the member card is an in-store EAN-13 number like the bonus cards and is
printed with the same card PDF. A member's discount is the level's rate; the loyalty
discount (`loyalty.discount.discounts_in`) applies the higher of it and the
Stammkundenrabatt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.db import Database
from app.models import BonusCard, ClubLevel, ClubMembership, Customer, Sale, SavedSegment
from app.services import timeline
from app.services.clock import Clock
from app.services.company import CompanyProfile
from app.services.contracts.terms import months_from_day
from app.services.customers.naming import customer_display_name as display_name
from app.services.customers.segments import SegmentSpec
from app.services.errors import ConflictError, NotFoundError, ValidationError
from app.services.formatting import format_cents, format_date
from app.services.loyalty import card_numbers
from app.services.loyalty.cards import CardDTO
from app.services.loyalty.vouchers import VoucherInput, VoucherService
from app.services.sales.service import window_start

SEGMENT_NAME = "Clubmitglieder"
invalid = ValidationError.labelled({"level": "Clubstufe", "fee": "Jahresbeitrag",
                                    "discount_bp": "Rabatt",
                                    "join_voucher": "Begrüßungsgutschein"})


@dataclass(frozen=True)
class LevelInput:
    name: str
    fee_cents: int = 0
    discount_bp: int = 0
    free_check: bool = False
    priority: bool = False
    join_voucher_cents: int = 0
    benefits: str = ""
    active: bool = True


@dataclass(frozen=True)
class LevelDTO:
    id: int
    name: str
    fee_cents: int
    discount_bp: int
    free_check: bool
    priority: bool
    join_voucher_cents: int
    benefits: str
    active: bool

    @property
    def benefits_text(self) -> str:
        parts = []
        if self.discount_bp:
            parts.append(f"{self.discount_bp / 100:g} % Rabatt".replace(".", ","))
        if self.free_check:
            parts.append("kostenloser Jahrescheck")
        if self.priority:
            parts.append("bevorzugte Termine")
        if self.join_voucher_cents:
            parts.append(f"Begrüßungsgutschein {format_cents(self.join_voucher_cents)}")
        if self.benefits:
            parts.append(self.benefits)
        return ", ".join(parts)


@dataclass(frozen=True)
class MembershipDTO:
    id: int
    customer_id: int
    customer_name: str
    customer_number: str
    level_id: int
    level_name: str
    card_number: str
    joined_on: date
    paid_until: date
    left_on: date | None
    renewal_due: bool  # paid period ends within 30 days

    @property
    def display_card(self) -> str:
        return card_numbers.grouped(self.card_number)


@dataclass(frozen=True)
class ClubFigures:
    """Members against everyone else: share who bought again, revenue per customer (12
    months)."""

    members: int
    fees_cents: int  # yearly fees of the current members
    member_repurchase_rate: float
    other_repurchase_rate: float
    member_revenue_cents: int  # average per member, last 12 months
    other_revenue_cents: int


def _level_dto(row: ClubLevel) -> LevelDTO:
    return LevelDTO(id=row.id, name=row.name, fee_cents=row.fee_cents,
                    discount_bp=row.discount_bp, free_check=row.free_check,
                    priority=row.priority, join_voucher_cents=row.join_voucher_cents,
                    benefits=row.benefits, active=row.active)


def active_on(day: date) -> Any:
    """The SQL condition of a membership that runs on `day`."""
    return or_(ClubMembership.left_on.is_(None), ClubMembership.left_on > day)


class ClubService:
    def __init__(self, db: Database, clock: Clock, vouchers: VoucherService) -> None:
        self.db = db
        self.clock = clock
        self.vouchers = vouchers

    # --- levels ----------------------------------------------------------------------

    def levels(self, *, active_only: bool = False) -> list[LevelDTO]:
        with self.db.read() as session:
            query = select(ClubLevel).order_by(ClubLevel.fee_cents, ClubLevel.name)
            if active_only:
                query = query.where(ClubLevel.active.is_(True))
            return [_level_dto(row) for row in session.scalars(query)]

    def save_level(self, data: LevelInput, *, level_id: int | None = None) -> LevelDTO:
        """Add or change a level; the first level also saves the segment "Clubmitglieder"."""
        errors = {}
        name = data.name.strip()
        if not name:
            errors["level"] = "bitte einen Namen angeben"
        if not 0 <= data.fee_cents <= 10_000_00:
            errors["fee"] = "zwischen 0 und 10.000 €"
        if not 0 <= data.discount_bp <= 5_000:
            errors["discount_bp"] = "zwischen 0 und 50 %"
        if not 0 <= data.join_voucher_cents <= 1_000_00:
            errors["join_voucher"] = "zwischen 0 und 1.000 €"
        if errors:
            raise invalid(errors)
        now = self.clock.now()
        with self.db.write() as session:
            clash = session.scalar(select(ClubLevel.id).where(ClubLevel.name == name))
            if clash is not None and clash != level_id:
                raise invalid({"level": f"„{name}“ gibt es schon"})
            row = session.get(ClubLevel, level_id) if level_id is not None else None
            if level_id is not None and row is None:
                raise NotFoundError(f"Clubstufe {level_id} nicht gefunden.")
            if row is None:
                row = ClubLevel(created_at=now)
                session.add(row)
            row.name, row.fee_cents, row.discount_bp = name, data.fee_cents, data.discount_bp
            row.free_check, row.priority = data.free_check, data.priority
            row.join_voucher_cents, row.benefits = data.join_voucher_cents, data.benefits.strip()
            row.active = data.active
            if session.scalar(select(SavedSegment.id)
                              .where(SavedSegment.name == SEGMENT_NAME)) is None:
                session.add(SavedSegment(name=SEGMENT_NAME,
                                         spec=SegmentSpec(club_member=True).to_json(),
                                         created_at=now, updated_at=now))
            session.flush()
            result = _level_dto(row)
            session.commit()
        return result

    # --- memberships -----------------------------------------------------------------

    def join(self, customer_id: int, *, level_id: int, by: str = "") -> MembershipDTO:
        today, now = self.clock.today(), self.clock.now()
        with self.db.write() as session:
            customer = session.get(Customer, customer_id)
            level = session.get(ClubLevel, level_id)
            if customer is None:
                raise NotFoundError(f"Kunde {customer_id} nicht gefunden.")
            if level is None or not level.active:
                raise invalid({"level": "diese Clubstufe gibt es nicht (mehr)"})
            if self._current(session, customer_id) is not None:
                raise ConflictError(f"{display_name(customer)} ist schon Clubmitglied.")
            row = ClubMembership(customer_id=customer_id, level_id=level_id,
                                 card_number=self._fresh_card(session), joined_on=today,
                                 paid_until=months_from_day(today, 12), created_by=by,
                                 created_at=now)
            session.add(row)
            session.flush()
            timeline.record(session, customer_id=customer_id, channel="system", at=now,
                            author=by, subject=f"Kundenclub: Mitglied „{level.name}“ "
                                               f"(Karte {card_numbers.grouped(row.card_number)})")
            if level.join_voucher_cents:
                self.vouchers.issue_in(session, VoucherInput(
                    value_cents=level.join_voucher_cents, customer_id=customer_id,
                    campaign=f"Kundenclub {level.name}"), by=by)
            result = self._dto(session, row)
            session.commit()
        return result

    def renew(self, customer_id: int, *, by: str = "") -> MembershipDTO:
        """One more year, counted on from the end of the paid period."""
        now = self.clock.now()
        with self.db.write() as session:
            row = self._require(session, customer_id)
            row.paid_until = months_from_day(row.paid_until + timedelta(days=1), 12)
            timeline.record(session, customer_id=customer_id, channel="system", at=now,
                            author=by, subject=f"Kundenclub: verlängert bis "
                                               f"{format_date(row.paid_until)}")
            result = self._dto(session, row)
            session.commit()
        return result

    def leave(self, customer_id: int, *, by: str = "") -> MembershipDTO:
        today, now = self.clock.today(), self.clock.now()
        with self.db.write() as session:
            row = self._require(session, customer_id)
            row.left_on = today
            timeline.record(session, customer_id=customer_id, channel="system", at=now,
                            author=by, subject="Kundenclub: ausgetreten")
            result = self._dto(session, row)
            session.commit()
        return result

    def membership(self, customer_id: int) -> MembershipDTO | None:
        with self.db.read() as session:
            row = self._current(session, customer_id)
            return self._dto(session, row) if row is not None else None

    def members(self, *, level_id: int | None = None, renewal_due: bool = False
                ) -> list[MembershipDTO]:
        with self.db.read() as session:
            query = (select(ClubMembership).join(Customer)
                     .where(active_on(self.clock.today()))
                     .order_by(Customer.sort_name, Customer.number))
            if level_id is not None:
                query = query.where(ClubMembership.level_id == level_id)
            found = [self._dto(session, row) for row in session.scalars(query)]
        return [m for m in found if m.renewal_due] if renewal_due else found

    def card(self, customer_id: int) -> CardDTO:
        """The member card in the shape the card PDF prints."""
        with self.db.read() as session:
            row = self._require(session, customer_id)
            level = session.get(ClubLevel, row.level_id)
            customer = session.get(Customer, customer_id)
            assert level is not None and customer is not None
            return CardDTO(id=row.id, number=row.card_number, status="active", account_id=0,
                           program_id=level.id, program_name=f"Kundenclub · {level.name}",
                           program_kind="club", customer_id=customer_id,
                           customer_name=display_name(customer),
                           customer_number=customer.number, balance=0)

    def card_pdf(self, customer_id: int, path: Path, *, company: CompanyProfile) -> Path:
        from app.services.loyalty.pdf import cards_pdf

        return cards_pdf([self.card(customer_id)], path, company=company)

    def figures(self) -> ClubFigures:
        """Two aggregate rows (members, others) from one pass over the sales."""
        today = self.clock.today()
        since = window_start(today, 12)
        with self.db.read() as session:
            members = select(ClubMembership.customer_id).where(active_on(today))
            count = int(session.scalar(select(func.count(func.distinct(
                ClubMembership.customer_id))).where(active_on(today))) or 0)
            fees = session.scalar(select(func.coalesce(func.sum(ClubLevel.fee_cents), 0))
                                  .join(ClubMembership).where(active_on(today))) or 0
            per_customer = (
                select(Sale.customer_id, func.count(Sale.id).label("sales"),
                       func.coalesce(func.sum(Sale.amount_cents).filter(
                           Sale.sale_date >= since, Sale.sale_date <= today), 0).label("cents"))
                .group_by(Sale.customer_id).subquery())
            is_member = per_customer.c.customer_id.in_(members)
            rows = {bool(member): (int(again or 0), int(cents or 0)) for member, again, cents in
                    session.execute(
                        select(is_member, func.count().filter(per_customer.c.sales >= 2),
                               func.sum(per_customer.c.cents)).group_by(is_member))}
            customers = int(session.scalar(select(func.count(Customer.id)).where(
                Customer.anonymized_at.is_(None))) or 0)
        others = max(customers - count, 0)
        member_again, member_cents = rows.get(True, (0, 0))
        other_again, other_cents = rows.get(False, (0, 0))
        return ClubFigures(
            members=count, fees_cents=int(fees),
            member_repurchase_rate=member_again / count if count else 0.0,
            other_repurchase_rate=other_again / others if others else 0.0,
            member_revenue_cents=round(member_cents / count) if count else 0,
            other_revenue_cents=round(other_cents / others) if others else 0)

    # --- internals -------------------------------------------------------------------

    def _current(self, session: Session, customer_id: int) -> ClubMembership | None:
        return session.scalar(select(ClubMembership).where(
            ClubMembership.customer_id == customer_id, active_on(self.clock.today()))
            .order_by(ClubMembership.id.desc()).limit(1))

    def _require(self, session: Session, customer_id: int) -> ClubMembership:
        row = self._current(session, customer_id)
        if row is None:
            raise NotFoundError("Dieser Kunde ist kein Clubmitglied.")
        return row

    @staticmethod
    def _fresh_card(session: Session) -> str:
        while True:
            number = card_numbers.generate()
            if session.scalar(select(BonusCard.id).where(BonusCard.number == number)) is None \
                    and session.scalar(select(ClubMembership.id)
                                       .where(ClubMembership.card_number == number)) is None:
                return number

    def _dto(self, session: Session, row: ClubMembership) -> MembershipDTO:
        customer = session.get(Customer, row.customer_id)
        level = session.get(ClubLevel, row.level_id)
        assert customer is not None and level is not None
        return MembershipDTO(
            id=row.id, customer_id=row.customer_id, customer_name=display_name(customer),
            customer_number=customer.number, level_id=level.id, level_name=level.name,
            card_number=row.card_number, joined_on=row.joined_on, paid_until=row.paid_until,
            left_on=row.left_on,
            renewal_due=row.left_on is None
            and row.paid_until <= self.clock.today() + timedelta(days=30))
