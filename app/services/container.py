"""All services of one open database, built once in main.py (the composition root)."""

from __future__ import annotations

from dataclasses import dataclass

from app.db import Database
from app.services.clock import Clock
from app.services.customer_export import CustomerExportService
from app.services.customer_import import CustomerImportService
from app.services.customers import CustomerService
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
    customer_import: CustomerImportService
    customer_export: CustomerExportService

    @classmethod
    def build(cls, db: Database, clock: Clock) -> Services:
        customers = CustomerService(db, clock)
        return cls(
            db=db,
            clock=clock,
            customers=customers,
            timeline=TimelineService(db, clock),
            settings=SettingsService(db),
            customer_import=CustomerImportService(db, clock, customers),
            customer_export=CustomerExportService(db, clock),
        )
