"""Sales typed by hand: what a customer bought, in integer cents, and the totals of it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import Database
from app.models import Customer, Sale
from app.services import timeline
from app.services.clock import Clock
from app.services.errors import NotFoundError, ValidationError
from app.services.formatting import format_cents

invalid = ValidationError.labelled({
    "sale_date": "Datum", "amount": "Betrag", "description": "Text", "document_no": "Belegnummer",
})
DOCUMENT_NO_MAX = 64


@dataclass(frozen=True)
class SaleInput:
    sale_date: date | None
    amount_cents: int | None
    description: str = ""
    document_no: str = ""


@dataclass(frozen=True)
class SaleDTO:
    id: int
    customer_id: int
    sale_date: date
    amount_cents: int
    description: str
    document_no: str | None


@dataclass(frozen=True)
class SalesTotals:
    count: int
    total_cents: int
    last_12_months_cents: int
    first_date: date | None
    last_date: date | None


def to_dto(sale: Sale) -> SaleDTO:
    return SaleDTO(id=sale.id, customer_id=sale.customer_id, sale_date=sale.sale_date,
                   amount_cents=sale.amount_cents, description=sale.description,
                   document_no=sale.document_no)


def document_taken(session: Session, document_no: str) -> bool:
    return session.scalar(select(Sale.id).where(Sale.document_no == document_no)) is not None


class SalesService:
    def __init__(self, db: Database, clock: Clock,
                 after_add: Callable[[int, str], object] | None = None) -> None:
        """`after_add(customer_id, by)` runs after a sale was committed (class, points)."""
        self.db = db
        self.clock = clock
        self.after_add = after_add

    def add(self, customer_id: int, data: SaleInput, *, by: str = "") -> SaleDTO:
        """Record one sale typed in the customer view; the document number stays unique."""
        errors: dict[str, str] = {}
        if data.sale_date is None:
            errors["sale_date"] = "Datum angeben (TT.MM.JJJJ)"
        elif data.sale_date > self.clock.today():
            errors["sale_date"] = "liegt in der Zukunft"
        if data.amount_cents is None:
            errors["amount"] = "Betrag angeben"
        elif data.amount_cents == 0:
            errors["amount"] = "Betrag darf nicht 0 sein"
        document_no = data.document_no.strip()
        if len(document_no) > DOCUMENT_NO_MAX:
            errors["document_no"] = f"höchstens {DOCUMENT_NO_MAX} Zeichen"
        if errors:
            raise invalid(errors)
        assert data.sale_date is not None and data.amount_cents is not None
        now = self.clock.now()
        with self.db.write() as session:
            if session.get(Customer, customer_id) is None:
                raise NotFoundError("Diesen Kunden gibt es nicht (mehr).")
            if document_no and document_taken(session, document_no):
                raise invalid(
                    {"document_no": f"Belegnummer {document_no} ist schon erfasst"})
            sale = Sale(customer_id=customer_id, sale_date=data.sale_date,
                        amount_cents=data.amount_cents, description=data.description.strip(),
                        document_no=document_no or None, created_at=now)
            session.add(sale)
            session.flush()
            label = f"Umsatz {format_cents(data.amount_cents)}" + (
                f" ({document_no})" if document_no else "")
            timeline.record(session, customer_id=customer_id, channel="system",
                            subject=f"{label} erfasst", author=by, at=now)
            result = to_dto(sale)
            session.commit()
        if self.after_add is not None:
            self.after_add(customer_id, by)
        return result

    def for_customer(self, customer_id: int) -> list[SaleDTO]:
        """A customer's sales, newest first."""
        with self.db.read() as session:
            return [to_dto(s) for s in session.scalars(
                select(Sale).where(Sale.customer_id == customer_id)
                .order_by(Sale.sale_date.desc(), Sale.id.desc()))]

    def totals(self, customer_id: int) -> SalesTotals:
        today = self.clock.today()
        start = window_start(today, 12)
        with self.db.read() as session:
            count, total, first, last = session.execute(
                select(func.count(Sale.id), func.coalesce(func.sum(Sale.amount_cents), 0),
                       func.min(Sale.sale_date), func.max(Sale.sale_date))
                .where(Sale.customer_id == customer_id)).one()
            recent = session.scalar(
                select(func.coalesce(func.sum(Sale.amount_cents), 0))
                .where(Sale.customer_id == customer_id, Sale.sale_date >= start,
                       Sale.sale_date <= today))
        return SalesTotals(count=int(count), total_cents=int(total),
                           last_12_months_cents=int(recent or 0), first_date=first,
                           last_date=last)

    def count(self) -> int:
        with self.db.read() as session:
            return int(session.scalar(select(func.count(Sale.id))) or 0)


def window_start(as_of: date, months: int) -> date:
    """First day of the window of `months` months that ends on `as_of` (inclusive).

    15.03.2026 and 12 months → 16.03.2025; 29.02.2024 → 01.03.2023.
    """
    return as_of - relativedelta(months=months) + timedelta(days=1)
