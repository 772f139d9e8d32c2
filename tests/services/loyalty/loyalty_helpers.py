"""Small builders shared by the loyalty and voucher tests."""

from __future__ import annotations

from datetime import date

from app.models import Sale
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.loyalty.cards import CardDTO
from app.services.loyalty.programs import ProgramInput

POINTS = ProgramInput(name="Punkte", kind="points", points_per_euro=1, rounding="down",
                      min_purchase_cents=1000, expiry_years=2)
STAMPS = ProgramInput(name="Fensterputz-Karte", kind="stamps", stamps_required=10,
                      service_category="Fensterreinigung")


def customer(services: Services, last_name: str = "Müller") -> int:
    return services.customers.create(CustomerInput(
        first_name="Anna", last_name=last_name, street="Marktplatz 1", postcode="01067",
        city="Dresden")).id


def card(services: Services, program: ProgramInput = POINTS, *,
         customer_id: int | None = None) -> CardDTO:
    existing = {p.name: p.id for p in services.programs.programs()}
    program_id = existing.get(program.name) or services.programs.save_program(program).id
    return services.loyalty.enrol(customer_id or customer(services), program_id=program_id,
                                  by="Test")


def sale(services: Services, customer_id: int, amount_cents: int, *,
         on: date = date(2026, 3, 15), description: str = "", document_no: str | None = None
         ) -> int:
    with services.db.write() as session:
        row = Sale(customer_id=customer_id, sale_date=on, amount_cents=amount_cents,
                   description=description, document_no=document_no,
                   created_at=services.clock.now())
        session.add(row)
        session.flush()
        sale_id = row.id
        session.commit()
    return sale_id
