"""All services of one open database, built once in main.py (the composition root)."""

from __future__ import annotations

from dataclasses import dataclass

from app.db import Database
from app.services.clock import Clock
from app.services.customers import CustomerService
from app.services.followups import FollowUpService
from app.services.rules import RuleService
from app.services.settings import SettingsService
from app.services.timeline import TimelineService
from app.services.today import TodayService


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

    @classmethod
    def build(cls, db: Database, clock: Clock) -> Services:
        return cls(
            db=db,
            clock=clock,
            customers=CustomerService(db, clock),
            timeline=TimelineService(db, clock),
            settings=SettingsService(db),
            followups=FollowUpService(db, clock),
            rules=RuleService(db, clock),
            today=TodayService(db, clock),
        )
