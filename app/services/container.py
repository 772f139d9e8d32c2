"""All services of one open database, built once in main.py (the composition root)."""

from __future__ import annotations

from dataclasses import dataclass

from app.db import Database
from app.services.clock import Clock
from app.services.customers import CustomerService
from app.services.dashboard import DashboardService
from app.services.feedback import FeedbackService
from app.services.settings import SettingsService
from app.services.timeline import TimelineService


@dataclass
class Services:
    """Every service of one open database."""

    db: Database
    clock: Clock
    customers: CustomerService
    timeline: TimelineService
    settings: SettingsService
    feedback: FeedbackService
    dashboard: DashboardService

    @classmethod
    def build(cls, db: Database, clock: Clock) -> Services:
        settings = SettingsService(db)
        feedback = FeedbackService(db, clock)
        return cls(
            db=db,
            clock=clock,
            customers=CustomerService(db, clock),
            timeline=TimelineService(db, clock),
            settings=settings,
            feedback=feedback,
            dashboard=DashboardService(db, clock, settings, feedback),
        )
