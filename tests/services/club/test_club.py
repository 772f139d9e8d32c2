"""The customer club: levels, joining with card and voucher, discount, segment, figures."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pdfplumber
import pytest

from app.services.clock import LOCAL_ZONE, FixedClock
from app.services.club.service import LevelInput
from app.services.company import CompanyProfile
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.errors import ConflictError, NotFoundError, ValidationError
from app.services.loyalty import card_numbers
from app.services.sales.service import SaleInput

PREMIUM = LevelInput(name="Premium", fee_cents=49_00, discount_bp=800, free_check=True,
                     priority=True, join_voucher_cents=15_00)


def person(services: Services, last_name: str = "Krüger") -> int:
    return services.customers.create(CustomerInput(first_name="Jan", last_name=last_name)).id


def test_joining_gives_a_card_number_a_year_and_the_welcome_voucher(
        services: Services) -> None:
    level = services.club.save_level(PREMIUM)
    kid = person(services)
    member = services.club.join(kid, level_id=level.id, by="Büro")
    assert card_numbers.is_valid(member.card_number)
    assert (member.joined_on, member.paid_until) == (date(2026, 3, 15), date(2027, 3, 14))
    [voucher] = services.vouchers.of_customer(kid)
    assert (voucher.value_cents, voucher.campaign) == (15_00, "Kundenclub Premium")
    assert "8 % Rabatt" in level.benefits_text and "bevorzugte Termine" in level.benefits_text
    with pytest.raises(ConflictError, match="schon Clubmitglied"):
        services.club.join(kid, level_id=level.id)


def test_a_members_discount_replaces_a_lower_stammkundenrabatt(services: Services) -> None:
    level = services.club.save_level(PREMIUM)
    kid = person(services)
    services.discounts.set_customer_discount(kid, rate_bp=500)
    services.club.join(kid, level_id=level.id)
    discount = services.discounts.discount_for(kid)
    assert (discount.rate_bp, discount.source) == (800, "club")
    services.discounts.set_customer_discount(kid, rate_bp=1000)
    assert services.discounts.discount_for(kid).source == "customer"


def test_leaving_ends_the_discount_and_the_membership(services: Services) -> None:
    level = services.club.save_level(PREMIUM)
    kid = person(services)
    services.club.join(kid, level_id=level.id)
    services.club.leave(kid)
    assert services.club.membership(kid) is None
    assert services.discounts.discount_for(kid).source == "none"
    with pytest.raises(NotFoundError):
        services.club.renew(kid)


def test_renewing_adds_a_year_to_the_paid_period_and_the_list_shows_renewals_due(
        services: Services, clock: FixedClock) -> None:
    level = services.club.save_level(LevelInput(name="Service-Club"))
    kid = person(services)
    services.club.join(kid, level_id=level.id)
    clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=LOCAL_ZONE))
    assert [m.customer_id for m in services.club.members(renewal_due=True)] == [kid]
    renewed = services.club.renew(kid)
    assert renewed.paid_until == date(2028, 3, 14)
    assert services.club.members(renewal_due=True) == []


def test_the_segment_clubmitglieder_holds_the_current_members(services: Services) -> None:
    level = services.club.save_level(LevelInput(name="Service-Club"))
    member, other, gone = person(services, "Mitglied"), person(services, "Nicht"), \
        person(services, "Weg")
    services.club.join(member, level_id=level.id)
    services.club.join(gone, level_id=level.id)
    services.club.leave(gone)
    assert services.segments.customer_ids("Clubmitglieder") == [member]
    assert other not in services.segments.customer_ids("Clubmitglieder")


def test_the_member_card_prints_with_the_bonus_card_layout(services: Services,
                                                          tmp_path: Path) -> None:
    level = services.club.save_level(PREMIUM)
    kid = person(services)
    member = services.club.join(kid, level_id=level.id)
    out = services.club.card_pdf(kid, tmp_path / "karte.pdf",
                                 company=CompanyProfile(name="Krause GmbH"))
    with pdfplumber.open(out) as pdf:
        text = pdf.pages[0].extract_text()
    assert "Kundenclub · Premium" in text
    assert member.display_card in text
    assert "Jan Krüger" in text


def test_level_names_are_unique_and_rates_bounded(services: Services) -> None:
    services.club.save_level(PREMIUM)
    with pytest.raises(ValidationError, match="gibt es schon"):
        services.club.save_level(LevelInput(name="Premium"))
    with pytest.raises(ValidationError, match="50 %"):
        services.club.save_level(LevelInput(name="Zu viel", discount_bp=6000))


def test_the_figures_compare_members_with_everyone_else(services: Services) -> None:
    level = services.club.save_level(PREMIUM)
    member, other = person(services, "Mitglied"), person(services, "Anders")
    services.club.join(member, level_id=level.id)
    for amount in (100_00, 300_00):
        services.sales.add(member, SaleInput(sale_date=date(2026, 3, 1), amount_cents=amount))
    services.sales.add(other, SaleInput(sale_date=date(2026, 3, 1), amount_cents=50_00))
    figures = services.club.figures()
    assert (figures.members, figures.fees_cents) == (1, 49_00)
    assert (figures.member_repurchase_rate, figures.other_repurchase_rate) == (1.0, 0.0)
    assert (figures.member_revenue_cents, figures.other_revenue_cents) == (400_00, 50_00)
