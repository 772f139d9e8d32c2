"""Bonus programs (points, stamp cards) and their rewards: the rules a sale earns by.

A program is configuration; what a customer holds lives on the card's ledger (`cards`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from sqlalchemy import select

from app.db import Database
from app.models import LoyaltyProgram, LoyaltyReward
from app.services.clock import Clock
from app.services.errors import NotFoundError, ValidationError
from app.services.formatting import format_cents, format_count

PROGRAM_KINDS = {"points": "Punkteprogramm", "stamps": "Stempelkarte"}
ROUNDING = {"down": "abrunden", "half_up": "kaufmännisch runden"}
invalid = ValidationError.labelled({
    "rounding": "Rundung", "points_per_euro": "Punkte je Euro", "stamps_required": "Stempel",
    "min_purchase": "Mindestumsatz", "expiry_years": "Verfall", "cost": "Preis",
    "voucher_value": "Gutscheinwert",
})


@dataclass(frozen=True)
class ProgramInput:
    name: str
    kind: str = "points"
    points_per_euro: int = 1
    rounding: str = "down"
    min_purchase_cents: int = 0
    stamps_required: int | None = None
    service_category: str = ""
    expiry_years: int | None = None
    active: bool = True


@dataclass(frozen=True)
class ProgramDTO:
    id: int
    name: str
    kind: str
    points_per_euro: int
    rounding: str
    min_purchase_cents: int
    stamps_required: int | None
    service_category: str
    expiry_years: int | None
    active: bool

    @property
    def unit(self) -> str:
        return "Stempel" if self.kind == "stamps" else "Punkte"

    @property
    def summary(self) -> str:
        if self.kind == "stamps":
            what = f" ({self.service_category})" if self.service_category else ""
            return f"{self.stamps_required} Stempel{what}"
        rule = (f"{format_count(self.points_per_euro, 'Punkt', 'Punkte')} je Euro, "
                f"{ROUNDING[self.rounding]}")
        if self.min_purchase_cents:
            rule += f", ab {format_cents(self.min_purchase_cents)}"
        if self.expiry_years:
            rule += f", Verfall Ende des {self.expiry_years}. Jahres"
        return rule


@dataclass(frozen=True)
class RewardDTO:
    id: int
    program_id: int
    name: str
    cost: int
    voucher_value_cents: int | None
    active: bool


def points_for_sale(program: LoyaltyProgram | ProgramDTO | ProgramInput, amount_cents: int,
                    description: str) -> int:
    """Points or stamps one sale earns under a program's rules (0: none)."""
    if amount_cents <= 0 or amount_cents < program.min_purchase_cents:
        return 0
    return _earned(program, amount_cents, description)


def points_for_credit_note(program: LoyaltyProgram | ProgramDTO | ProgramInput,
                           amount_cents: int, description: str) -> int:
    """Points or stamps a credit note (negative amount) takes back. Points: what its amount
    would have earned, without the minimum purchase (that applies to a purchase; returning
    part of a large purchase still takes its share back). Stamps: the stamp, if the credit
    note would have earned one as a sale (a small goodwill credit keeps the stamp)."""
    if amount_cents >= 0:
        return 0
    if program.kind == "stamps":
        return points_for_sale(program, -amount_cents, description)
    return _earned(program, -amount_cents, description)


def _earned(program: LoyaltyProgram | ProgramDTO | ProgramInput, amount_cents: int,
            description: str) -> int:
    if program.kind == "stamps":
        category = program.service_category.strip().casefold()
        return 1 if not category or category in description.casefold() else 0
    rounding = ROUND_HALF_UP if program.rounding == "half_up" else ROUND_DOWN
    euros = (Decimal(amount_cents) / 100).quantize(Decimal(1), rounding=rounding)
    return int(euros) * program.points_per_euro


def _program_dto(p: LoyaltyProgram) -> ProgramDTO:
    return ProgramDTO(p.id, p.name, p.kind, p.points_per_euro, p.rounding,
                      p.min_purchase_cents, p.stamps_required, p.service_category,
                      p.expiry_years, p.active)


def _reward_dto(r: LoyaltyReward) -> RewardDTO:
    return RewardDTO(r.id, r.program_id, r.name, r.cost, r.voucher_value_cents, r.active)


class ProgramService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def programs(self, *, active_only: bool = False) -> list[ProgramDTO]:
        with self.db.read() as session:
            query = select(LoyaltyProgram).order_by(LoyaltyProgram.name)
            if active_only:
                query = query.where(LoyaltyProgram.active.is_(True))
            return [_program_dto(p) for p in session.scalars(query)]

    def save_program(self, data: ProgramInput, *, program_id: int | None = None) -> ProgramDTO:
        errors: dict[str, str] = {}
        name = data.name.strip()
        if not name:
            errors["name"] = "bitte einen Namen angeben"
        if data.kind not in PROGRAM_KINDS:
            errors["kind"] = "Punkteprogramm oder Stempelkarte wählen"
        if data.rounding not in ROUNDING:
            errors["rounding"] = "abrunden oder kaufmännisch runden"
        if data.kind == "points" and not 1 <= data.points_per_euro <= 1000:
            errors["points_per_euro"] = "Punkte je Euro zwischen 1 und 1000"
        if data.kind == "stamps" and not (data.stamps_required and
                                          1 <= data.stamps_required <= 100):
            errors["stamps_required"] = "Stempel bis zur Prämie zwischen 1 und 100"
        if data.min_purchase_cents < 0:
            errors["min_purchase"] = "Mindestumsatz darf nicht negativ sein"
        if data.expiry_years is not None and not 1 <= data.expiry_years <= 10:
            errors["expiry_years"] = "Verfall nach 1 bis 10 Jahren, oder nie"
        with self.db.write() as session:
            clash = session.scalar(select(LoyaltyProgram.id).where(
                LoyaltyProgram.name == name, LoyaltyProgram.id != (program_id or 0)))
            if clash is not None:
                errors["name"] = f"„{name}“ gibt es schon"
            if errors:
                raise invalid(errors)
            if program_id is None:
                program = LoyaltyProgram(created_at=self.clock.now())
                session.add(program)
            else:
                found = session.get(LoyaltyProgram, program_id)
                if found is None:
                    raise NotFoundError(f"Bonusprogramm {program_id} nicht gefunden.")
                program = found
            program.name = name
            program.kind = data.kind
            program.points_per_euro = data.points_per_euro
            program.rounding = data.rounding
            program.min_purchase_cents = data.min_purchase_cents
            program.stamps_required = data.stamps_required if data.kind == "stamps" else None
            program.service_category = data.service_category.strip()
            program.expiry_years = data.expiry_years
            program.active = data.active
            session.flush()
            result = _program_dto(program)
            session.commit()
        return result

    def rewards(self, program_id: int) -> list[RewardDTO]:
        with self.db.read() as session:
            return [_reward_dto(r) for r in session.scalars(
                select(LoyaltyReward).where(LoyaltyReward.program_id == program_id)
                .order_by(LoyaltyReward.cost))]

    def save_reward(self, *, program_id: int, name: str, cost: int,
                    voucher_value_cents: int | None = None, active: bool = True,
                    reward_id: int | None = None) -> RewardDTO:
        errors: dict[str, str] = {}
        if not name.strip():
            errors["name"] = "bitte die Prämie benennen"
        if cost <= 0:
            errors["cost"] = "Preis in Punkten/Stempeln muss über 0 liegen"
        if voucher_value_cents is not None and voucher_value_cents <= 0:
            errors["voucher_value"] = "Gutscheinwert muss über 0 liegen"
        if errors:
            raise invalid(errors)
        with self.db.write() as session:
            if session.get(LoyaltyProgram, program_id) is None:
                raise NotFoundError(f"Bonusprogramm {program_id} nicht gefunden.")
            reward = session.get(LoyaltyReward, reward_id) if reward_id else None
            if reward is None:
                reward = LoyaltyReward(program_id=program_id)
                session.add(reward)
            reward.name = name.strip()
            reward.cost = cost
            reward.voucher_value_cents = voucher_value_cents
            reward.active = active
            session.flush()
            result = _reward_dto(reward)
            session.commit()
        return result
