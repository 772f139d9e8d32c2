"""A tiny hand-computed sales history for the dashboard tests (clock: 15.03.2026).

Windows: current 16.03.2025–15.03.2026, previous 16.03.2024–15.03.2025.

| customer | class | sales (date: €)                                  | prev | cur |
|----------|-------|--------------------------------------------------|------|-----|
| Müller   | A     | 15.03.2023: 100, 01.06.2024: 50, 01.06.2025: 300 | yes  | yes |
| Becker   | C     | 01.12.2024: 200 (flagged at risk)                | yes  | no  |
| Schäfer  | B     | 15.03.2025: 50, 16.03.2025: 150 (window edges)   | yes  | yes |
| Dietz    | A     | 15.03.2026: 400, 20.03.2026: 999 (future, ignored) | no | yes |
| Engel    | –     | none                                             | no   | no  |
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from app.models import ClassAssignment, Customer, Sale
from app.services.container import Services
from app.services.customers.dto import CustomerInput

SALES = {
    "Müller": [(date(2023, 3, 15), 100), (date(2024, 6, 1), 50), (date(2025, 6, 1), 300)],
    "Becker": [(date(2024, 12, 1), 200)],
    "Schäfer": [(date(2025, 3, 15), 50), (date(2025, 3, 16), 150)],
    "Dietz": [(date(2026, 3, 15), 400), (date(2026, 3, 20), 999)],
    "Engel": [],
}
CLASSES = {"Müller": "A", "Becker": "C", "Schäfer": "B", "Dietz": "A", "Engel": None}


def seed(services: Services) -> dict[str, int]:
    ids = {name: services.customers.create(CustomerInput(last_name=name, first_name="Kim")).id
           for name in SALES}
    now = services.clock.now()
    with services.db.write() as session:
        number = 0
        for name, sales in SALES.items():
            for day, euros in sales:
                number += 1
                session.add(Sale(customer_id=ids[name], sale_date=day, amount_cents=euros * 100,
                                 description="", document_no=f"RE-{number}", created_at=now))
            session.execute(update(Customer).where(Customer.id == ids[name]).values(
                abc_class=CLASSES[name], at_risk=name == "Becker"))
        session.commit()
    return ids


def add_assignment(services: Services, customer_id: int, previous: str | None, new: str,
                   as_of: date) -> None:
    with services.db.write() as session:
        session.add(ClassAssignment(customer_id=customer_id, abc_class=new,
                                    previous_class=previous, as_of=as_of, method="auto",
                                    reason="Umsatz", created_at=services.clock.now()))
        session.commit()
