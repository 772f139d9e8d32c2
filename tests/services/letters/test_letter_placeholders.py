"""Letter placeholders from the loyalty, voucher, discount, maintenance and appointment
features, read back from the rendered PDF."""

from __future__ import annotations

import io
from datetime import date, datetime, time

import pdfplumber
from sqlalchemy import update

from app.models import Customer
from app.services.clock import FixedClock
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.followups.service import FollowUpInput, MaintenanceInput
from app.services.letters.service import TemplateDTO
from app.services.loyalty.vouchers import VoucherInput
from tests.services.loyalty.loyalty_helpers import POINTS, STAMPS, card

ANNA = CustomerInput(salutation="Frau", first_name="Anna", last_name="Müller",
                     street="Hauptstraße 5", postcode="01067", city="Dresden")


def rendered(services: Services, body: str, customer_id: int) -> str:
    template = TemplateDTO(id=0, name="Test", subject="Test", body=body, version=1,
                           builtin=False, advertising=False)
    with pdfplumber.open(io.BytesIO(services.letters.preview(template, customer_id))) as pdf:
        return str(pdf.pages[0].extract_text())


def test_bonuspunkte_is_the_sum_of_the_balances_of_the_customers_active_cards(
    services: Services,
) -> None:
    anna = services.customers.create(ANNA).id
    points = card(services, POINTS, customer_id=anna)
    stamps = card(services, STAMPS, customer_id=anna)
    services.loyalty.credit(points.number, points=120)
    services.loyalty.credit(stamps.number, points=3)
    services.loyalty.replace_card(points.number)  # the balance moves to the new card
    other = services.customers.create(CustomerInput(last_name="Ohne", street="Weg 1",
                                                    postcode="01067", city="Dresden")).id
    assert "Ihr Stand: 123 Punkte." in rendered(
        services, "Ihr Stand: {{ bonuspunkte }} Punkte.", anna)
    assert "Ihr Stand: Punkte." in rendered(
        services, "Ihr Stand: {{ bonuspunkte }} Punkte.", other)


def test_gutschein_is_the_customers_newest_voucher_still_valid_and_not_used_up(
    services: Services, clock: FixedClock,
) -> None:
    anna = services.customers.create(ANNA).id
    clock.set(datetime(2026, 3, 1, 9, 0))
    older = services.vouchers.issue(VoucherInput(value_cents=2_500, customer_id=anna))
    services.vouchers.redeem(older.code, amount_cents=500)
    clock.set(datetime(2026, 3, 10, 9, 0))
    expired = services.vouchers.issue(VoucherInput(value_cents=9_900, customer_id=anna,
                                                   promo=True, valid_until=date(2026, 3, 12)))
    clock.set(datetime(2026, 3, 14, 9, 0))
    spent = services.vouchers.issue(VoucherInput(value_cents=1_000, customer_id=anna))
    services.vouchers.redeem(spent.code, amount_cents=1_000)
    clock.set(datetime(2026, 3, 15, 9, 0))
    text = rendered(services, "Code {{ gutschein.code }} über {{ gutschein.wert }}", anna)
    assert f"Code {older.display_code} über 20,00 €" in text
    assert expired.display_code not in text and spent.display_code not in text
    newest = services.vouchers.issue(VoucherInput(kind="percent", percent=10,
                                                  customer_id=anna))
    text = rendered(services, "Code {{ gutschein.code }} über {{ gutschein.wert }}", anna)
    assert f"Code {newest.display_code} über 10 % Rabatt" in text


def test_wartung_objekt_is_the_customers_maintenance_object_due_next(
    services: Services,
) -> None:
    anna = services.customers.create(ANNA).id
    followups = services.followups
    followups.add_maintenance(anna, MaintenanceInput(
        name="Gasheizung", rrule="FREQ=YEARLY", first_due=date(2026, 9, 1)))
    followups.add_maintenance(anna, MaintenanceInput(
        name="Kaminofen", rrule="FREQ=YEARLY", first_due=date(2026, 5, 1)))
    retired = followups.add_maintenance(anna, MaintenanceInput(
        name="Alter Boiler", rrule="FREQ=YEARLY", first_due=date(2026, 4, 1)))
    followups.retire_maintenance(retired.id)
    assert "Wartung Ihres Kaminofen ist fällig" in rendered(
        services, "Die Wartung Ihres {{ wartung.objekt }} ist fällig.", anna)


def test_rabatt_is_the_customers_own_discount_or_else_that_of_the_class(
    services: Services,
) -> None:
    anna = services.customers.create(ANNA).id
    other = services.customers.create(CustomerInput(last_name="Klasse", street="Weg 1",
                                                    postcode="01067", city="Dresden")).id
    with services.db.write() as session:
        session.execute(update(Customer).where(Customer.id == other).values(abc_class="A"))
        session.commit()
    services.discounts.set_class_rates({"A": 500})
    services.discounts.set_customer_discount(anna, rate_bp=750)
    body = "Ihr Stammkundenrabatt: {{ rabatt }}."
    assert "Ihr Stammkundenrabatt: 7,5 %." in rendered(services, body, anna)
    assert "Ihr Stammkundenrabatt: 5 %." in rendered(services, body, other)


def test_termin_is_the_next_pending_follow_up_with_a_time(services: Services) -> None:
    anna = services.customers.create(ANNA).id
    for subject, day, at in (("Anruf", date(2026, 3, 17), None),
                             ("Aufmaß", date(2026, 3, 24), time(9, 30)),
                             ("Montage", date(2026, 4, 2), time(8, 0)),
                             ("Vorbei", date(2026, 3, 2), time(10, 0))):
        services.followups.create(anna, FollowUpInput(subject=subject, due_date=day,
                                                      due_time=at))
    assert "am Dienstag, 24.03.2026, 09:30 Uhr." in rendered(services, "am {{ termin }}.", anna)


def test_the_builtin_appointment_letter_names_the_date_and_time(services: Services) -> None:
    anna = services.customers.create(ANNA).id
    services.followups.create(anna, FollowUpInput(subject="Wartung", due_date=date(2026, 3, 24),
                                                  due_time=time(9, 30)))
    template = services.letters.by_name("Terminbestätigung")
    with pdfplumber.open(io.BytesIO(services.letters.preview(template, anna))) as pdf:
        text = " ".join(str(pdf.pages[0].extract_text()).split())
    assert "den vereinbarten Termin am Dienstag, 24.03.2026, 09:30 Uhr" in text
