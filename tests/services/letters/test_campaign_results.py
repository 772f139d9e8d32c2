from __future__ import annotations

from datetime import date

from app.db import Database
from app.models import Sale
from app.services.container import Services
from app.services.letters.results import compare_groups
from tests.services.letters.test_mailings import make_customers


def test_results_count_sales_after_the_start_per_window_without_any_letter(
    services: Services, db: Database,
) -> None:
    reached, held = make_customers(services, 2)
    start = date(2026, 3, 1)
    with db.write() as session:
        for n, (cid, on) in enumerate([(reached, date(2026, 3, 1)), (reached, date(2026, 3, 20)),
                                       (held, date(2026, 5, 10))]):
            session.add(Sale(customer_id=cid, sale_date=on, amount_cents=1_000,
                             document_no=f"R-{n}", created_at=services.clock.now()))
        session.commit()
    with db.read() as session:
        windows = compare_groups(session, recipients=[reached], control=[held], start=start,
                                 today=date(2026, 4, 15))
    by_days = {w.days: w for w in windows}
    assert (by_days[30].recipient_buyers, by_days[30].recipient_revenue_cents) == (1, 1_000)
    assert by_days[30].complete and not by_days[60].complete
    assert (by_days[60].control_buyers, by_days[90].control_buyers) == (0, 1)
    assert by_days[90].difference == 0.0
