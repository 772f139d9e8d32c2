"""All services of one open database, built once in main.py (the composition root)."""

from __future__ import annotations

from dataclasses import dataclass

from app.db import Database
from app.services.clock import Clock
from app.services.customers import CustomerService
from app.services.followups import FollowUpService
from app.services.loyalty import LoyaltyService
from app.services.rules import RuleService
from app.services.settings import SettingsService
from app.services.timeline import TimelineService
from app.services.today import TodayService
from app.services.vouchers import VoucherService


@dataclass
class Services:
    """Every service of one open database."""

    db: Database
    clock: Clock
    customers: CustomerService
    timeline: TimelineService
    settings: SettingsService
    followups: FollowUpService
    rules: RuleService
    today: TodayService
    vouchers: VoucherService
    loyalty: LoyaltyService

    @classmethod
    def build(cls, db: Database, clock: Clock) -> Services:
        settings = SettingsService(db)
        vouchers = VoucherService(db, clock)
        return cls(
            db=db,
            clock=clock,
            customers=CustomerService(db, clock),
            timeline=TimelineService(db, clock),
            followups=FollowUpService(db, clock),
            rules=RuleService(db, clock),
            today=TodayService(db, clock),
            settings=settings,
            vouchers=vouchers,
            loyalty=LoyaltyService(db, clock, vouchers, settings),
        )
