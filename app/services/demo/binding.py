"""Demo contracts, club members and referrals, so the "Kundenbindung" figures show.

Made through the real services from the demo's maintenance objects and customers; every
choice comes from the seeded random generator, so a seed gives the same demo.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from app.models import Customer, MaintenanceObject, Sale
from app.services.club.service import LevelInput
from app.services.contracts.service import ContractInput
from app.services.sales.service import SaleInput

if TYPE_CHECKING:  # the container imports every service; this module only uses it
    from app.services.container import Services

BY = "Demo"
LEVELS = (LevelInput(name="Service-Club", discount_bp=300, free_check=True,
                     benefits="Erinnerung an jede Wartung"),
          LevelInput(name="Premium", fee_cents=49_00, discount_bp=800, free_check=True,
                     priority=True, join_voucher_cents=15_00))
SERVICES = ("Brenner reinigen und einstellen", "Abgasmessung", "Sicherheitsprüfung",
            "Kleinteile bis 30 €")
MAX_CONTRACTS = 150
MAX_MEMBERS = 60
MAX_REFERRALS = 30


@dataclass(frozen=True)
class BindingResult:
    contracts: int
    ended: int
    members: int
    referrals: int
    rewarded: int


def fill_binding(services: Services, rnd: random.Random, *, first_id: int,
                 buyers: list[int], featured: int | None) -> BindingResult:
    """Contracts on about two thirds of the new maintenance objects (a tenth of them given
    notice), club members among the buyers, referrals of new customers without a purchase
    (half of them have bought since, so their referrer got the reward)."""
    today = services.clock.today()
    with services.db.read() as session:
        objects = session.execute(
            select(MaintenanceObject.id, MaintenanceObject.customer_id)
            .where(MaintenanceObject.customer_id > first_id,
                   MaintenanceObject.active.is_(True))
            .order_by(MaintenanceObject.id)).all()
        newcomers = list(session.scalars(
            select(Customer.id).where(Customer.id > first_id,
                                      ~select(Sale.id).where(Sale.customer_id == Customer.id)
                                      .exists()).order_by(Customer.id)))
    contracts = ended = 0
    for object_id, customer_id in objects[:MAX_CONTRACTS]:
        if customer_id != featured and rnd.random() > 0.65:
            continue
        number = _contract(services, rnd, customer_id, object_id, today)
        contracts += 1
        if customer_id != featured and rnd.random() < 0.1:
            made = services.contracts.get(number).concluded_on
            received = today - timedelta(days=rnd.randint(0, min(40, (today - made).days)))
            services.contracts.end(number, received=received, by=BY)
            ended += 1
    levels = [lvl.id for lvl in services.club.levels()] or [
        services.club.save_level(level).id for level in LEVELS]
    members = [c for c in buyers if rnd.random() < 0.15][:MAX_MEMBERS]
    if featured is not None and featured not in members:
        members.append(featured)
    for customer_id in members:
        level = levels[-1] if customer_id == featured else rnd.choice(levels)
        services.club.join(customer_id, level_id=level, by=BY)
    referrals = rewarded = 0
    for new in newcomers[:MAX_REFERRALS]:
        referrer = featured if featured is not None and referrals == 0 else rnd.choice(buyers)
        services.referrals.add(referrer_id=referrer, referred_id=new, via_code=rnd.random() < 0.5,
                               by=BY)
        referrals += 1
        if rnd.random() < 0.5:
            services.sales.add(new, SaleInput(sale_date=today, amount_cents=rnd.randint(
                80, 900) * 100, description="Erster Auftrag (Empfehlung)"), by=BY)
            rewarded += 1
    return BindingResult(contracts=contracts, ended=ended, members=len(members),
                         referrals=referrals, rewarded=rewarded)


def _contract(services: Services, rnd: random.Random, customer_id: int, object_id: int,
              today: date) -> str:
    business = services.customers.get(customer_id).kind == "business"
    start = today - timedelta(days=rnd.randint(30, 4 * 365))
    start = start.replace(day=1)
    per_visit = rnd.random() < 0.2
    return services.contracts.add(ContractInput(
        customer_id=customer_id, object_ids=(object_id,), start=start,
        title="Wartungsvertrag Heizung", min_months=12, renewal="tacit",
        notice_months=3 if business else 1,
        price_cents=rnd.choice((149_00, 189_00, 219_00, 289_00)) if not per_visit
        else rnd.choice((95_00, 120_00)), price_per="visit" if per_visit else "year",
        services=tuple(SERVICES[:rnd.randint(2, 4)])), by=BY).number
