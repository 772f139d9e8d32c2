"""All services of one open database, built once in main.py (the composition root)."""

from __future__ import annotations

from dataclasses import dataclass

from app.db import Database
from app.services.audit import AuditService
from app.services.backups import BackupService
from app.services.clock import Clock
from app.services.customers import CustomerService
from app.services.privacy import PrivacyService
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
    audit: AuditService
    privacy: PrivacyService
    backups: BackupService

    @classmethod
    def build(cls, db: Database, clock: Clock) -> Services:
        settings = SettingsService(db)
        privacy = PrivacyService(db, clock, settings)
        return cls(
            db=db,
            clock=clock,
            customers=CustomerService(db, clock),
            timeline=TimelineService(db, clock),
            settings=settings,
            audit=AuditService(db, clock),
            privacy=privacy,
            backups=BackupService(db, clock, settings, privacy),
        )
