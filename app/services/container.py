"""All services of one open database, built once in main.py (the composition root)."""

from __future__ import annotations

from dataclasses import dataclass

from app.db import Database
from app.services.classification import ClassificationService
from app.services.clock import Clock
from app.services.customers import CustomerService
from app.services.sales import SalesService
from app.services.sales_import import SalesImportService
from app.services.segments import SegmentService
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
    sales: SalesService
    sales_import: SalesImportService
    classification: ClassificationService
    segments: SegmentService

    @classmethod
    def build(cls, db: Database, clock: Clock) -> Services:
        settings = SettingsService(db)
        classification = ClassificationService(db, clock, settings)
        return cls(
            db=db,
            clock=clock,
            customers=CustomerService(db, clock),
            timeline=TimelineService(db, clock),
            settings=settings,
            sales=SalesService(db, clock),
            sales_import=SalesImportService(db, clock, after_import=lambda: (
                classification.recompute(with_scores=False).changed)),
            classification=classification,
            segments=SegmentService(db, clock),
        )
