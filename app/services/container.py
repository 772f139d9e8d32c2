"""All services of one open database, built once in main.py (the composition root)."""

from __future__ import annotations

from dataclasses import dataclass

from app.db import Database
from app.services.clock import Clock
from app.services.company import CompanyProfileService
from app.services.customers import CustomerService
from app.services.labels import LabelService
from app.services.letters import LetterService
from app.services.mailings import MailingService
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
    company: CompanyProfileService
    letters: LetterService
    mailings: MailingService
    labels: LabelService

    @classmethod
    def build(cls, db: Database, clock: Clock) -> Services:
        return cls(
            db=db,
            clock=clock,
            customers=CustomerService(db, clock),
            timeline=TimelineService(db, clock),
            settings=(settings := SettingsService(db)),
            company=(company := CompanyProfileService(settings)),
            letters=(letters := LetterService(db, clock, settings, company)),
            mailings=MailingService(db, clock, letters),
            labels=LabelService(db, settings, company),
        )
