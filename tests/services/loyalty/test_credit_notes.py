"""A credit note (negative sale) takes its points back with an entry of its own."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError

from app.models import PointsEntry
from app.services.container import Services
from app.services.loyalty.programs import points_for_credit_note
from app.services.sales.service import SaleInput
from tests.services.loyalty.loyalty_helpers import POINTS, STAMPS, card, sale


def test_a_credit_note_takes_its_points_back_with_a_reversal_entry_once(
    services: Services,
) -> None:
    held = card(services)
    sale(services, held.customer_id or 0, 12_000, document_no="R-1")
    services.loyalty.credit_sales()
    sale(services, held.customer_id or 0, -5_000, document_no="G-1",
         on=date(2026, 3, 16))
    report = services.loyalty.credit_sales()
    assert (report.entries, report.points) == (1, -50)
    assert services.loyalty.balance(held.number) == 70
    back, earned = services.loyalty.entries(held.number)
    assert (back.kind, back.points, back.label) == ("earn", -50, "Rückbuchung")
    assert back.reason == "Gutschrift 16.03.2026 -50,00 € (G-1)"
    assert (earned.points, earned.reversed) == (120, False)  # the original entry is untouched
    assert services.loyalty.credit_sales().entries == 0
    assert "50 Punkte für 1 Gutschrift zurückgebucht" in (
        services.timeline.entries(held.customer_id or 0)[0].subject)


def test_a_typed_credit_note_takes_the_points_back_at_once(services: Services) -> None:
    held = card(services)
    cid = held.customer_id or 0
    services.sales.add(cid, SaleInput(date(2026, 3, 15), 4_000))
    services.sales.add(cid, SaleInput(date(2026, 3, 15), -1_500))
    assert services.loyalty.balance(held.number) == 40 - 15


def test_the_minimum_purchase_does_not_shield_a_partial_return_of_points() -> None:
    assert POINTS.min_purchase_cents == 1000
    assert points_for_credit_note(POINTS, -500, "") == 5
    assert points_for_credit_note(POINTS, 500, "") == 0


def test_a_goodwill_credit_below_the_minimum_keeps_the_stamp() -> None:
    card_rule = replace(STAMPS, min_purchase_cents=5_000)
    assert points_for_credit_note(card_rule, -1_000, "Fensterreinigung Nachlass") == 0
    assert points_for_credit_note(card_rule, -8_000, "Fensterreinigung storniert") == 1


def test_a_stamp_comes_back_only_for_a_credit_note_of_the_stamped_service(
    services: Services,
) -> None:
    held = card(services, STAMPS)
    cid = held.customer_id or 0
    sale(services, cid, 8_000, description="Fensterreinigung März")
    sale(services, cid, -8_000, description="Fensterreinigung März storniert",
         on=date(2026, 3, 16))
    sale(services, cid, -2_000, description="Heizungswartung", on=date(2026, 3, 16))
    services.loyalty.credit_sales()
    assert services.loyalty.balance(held.number) == 0
    assert [e.points for e in services.loyalty.entries(held.number)] == [-1, 1]


def test_a_credit_note_never_takes_more_than_the_card_still_holds(
    services: Services,
) -> None:
    held = card(services)
    sale(services, held.customer_id or 0, 10_000)
    services.loyalty.credit_sales()
    services.loyalty.redeem(held.number, points=80, reason="Prämie")
    sale(services, held.customer_id or 0, -10_000, on=date(2026, 3, 16))
    services.loyalty.credit_sales()
    assert services.loyalty.balance(held.number) == 0
    newest = services.loyalty.entries(held.number)[0]
    assert newest.points == -20
    assert "20 von 100 zurückgebucht, der Rest war schon eingelöst" in newest.reason


def test_the_reversal_entry_is_append_only_like_every_ledger_row(services: Services) -> None:
    held = card(services)
    sale(services, held.customer_id or 0, 3_000)
    sale(services, held.customer_id or 0, -3_000, on=date(2026, 3, 16))
    services.loyalty.credit_sales()
    with services.db.write() as session, pytest.raises(DBAPIError, match="append-only"):
        session.execute(update(PointsEntry).where(PointsEntry.points < 0).values(points=0))
