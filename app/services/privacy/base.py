"""What every part of the privacy service shares: the database, clock and settings."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.db import Database
from app.models import Customer
from app.services.clock import Clock
from app.services.errors import NotFoundError
from app.services.settings import SettingsService


class PrivacyBase:
    """The database, clock and settings every privacy duty works with."""

    def __init__(self, db: Database, clock: Clock, settings: SettingsService) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings

    @staticmethod
    def _customer(session: Session, customer_id: int) -> Customer:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFoundError("Diesen Kunden gibt es nicht (mehr).")
        return customer
