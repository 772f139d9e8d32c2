"""Maintenance contracts on a real database: numbers, visits, notice, price, figures."""

from __future__ import annotations

from datetime import date

import pytest

from app.services.container import Services
from app.services.contracts.service import ContractInput
from app.services.customers.dto import CustomerInput
from app.services.errors import ConflictError, ValidationError
from app.services.followups.service import MaintenanceInput
from app.services.privacy.consents import ConsentInput


def customer(services: Services, *, kind: str = "private", name: str = "Krüger") -> int:
    data = (CustomerInput(kind="business", company=f"{name} GmbH") if kind == "business"
            else CustomerInput(first_name="Anna", last_name=name))
    return services.customers.create(data).id


def boiler(services: Services, customer_id: int, *, first_due: date = date(2026, 9, 1)) -> int:
    return services.followups.add_maintenance(customer_id, MaintenanceInput(
        name="Gasheizung", rrule="FREQ=MONTHLY;INTERVAL=12", first_due=first_due)).id


def contract(customer_id: int, **changes: object) -> ContractInput:
    values: dict[str, object] = {
        "customer_id": customer_id, "start": date(2026, 3, 15), "min_months": 12,
        "renewal": "tacit", "notice_months": 1, "price_cents": 189_00}
    values.update(changes)
    return ContractInput(**values)  # type: ignore[arg-type]


def test_a_contract_on_a_maintenance_object_gets_a_number_and_its_minimum_term_end(
        services: Services) -> None:
    kid = customer(services)
    thing = boiler(services, kid)
    result = services.contracts.add(contract(kid, object_ids=(thing,)), by="Meister")
    assert result.number == "WV-2026-0001"
    assert result.min_term_end == date(2027, 3, 14)
    assert result.object_names == ("Gasheizung",)
    assert result.state == "active"
    assert result.renews_on == date(2027, 3, 15)
    assert "§ 309 Nr. 9 BGB" in result.term_text
    assert services.contracts.add(contract(kid, object_ids=(thing,))).number == "WV-2026-0002"


def test_the_objects_maintenance_follow_up_becomes_the_contracts_visit_series(
        services: Services) -> None:
    kid = customer(services)
    thing = boiler(services, kid)
    result = services.contracts.add(contract(kid, object_ids=(thing,),
                                             visit_rrule="FREQ=MONTHLY;INTERVAL=6"))
    visits = [f for f in services.followups.for_customer(kid) if f.maintenance_object_id]
    assert len(visits) == 1
    assert visits[0].subject == f"Wartung lt. Vertrag {result.number}: Gasheizung"
    assert visits[0].rrule == "FREQ=MONTHLY;INTERVAL=6"
    done = services.followups.complete(visits[0].id, outcome="gewartet")
    assert done.next is not None
    assert done.next.due_date == date(2026, 9, 15)
    assert done.next.subject.startswith("Wartung lt. Vertrag")


def test_a_contract_without_object_gets_one_of_its_own_with_visits_from_the_start(
        services: Services) -> None:
    kid = customer(services)
    result = services.contracts.add(contract(kid, title="Service Elektro",
                                             start=date(2026, 4, 1),
                                             visit_rrule="FREQ=MONTHLY;INTERVAL=12"))
    assert result.object_names == ("Service Elektro",)
    visits = services.followups.for_customer(kid)
    assert [(v.due_date, v.rrule) for v in visits] == [
        (date(2026, 4, 1), "FREQ=MONTHLY;INTERVAL=12")]


def test_a_price_per_visit_counts_the_visits_of_a_year_as_recurring_revenue(
        services: Services) -> None:
    kid = customer(services)
    result = services.contracts.add(contract(kid, price_cents=90_00, price_per="visit",
                                             visit_rrule="FREQ=MONTHLY;INTERVAL=6"))
    assert result.yearly_cents == 180_00


def test_the_law_on_consumer_contracts_is_checked_when_a_contract_is_made(
        services: Services) -> None:
    kid = customer(services)
    thing = boiler(services, kid)
    with pytest.raises(ValidationError) as error:
        services.contracts.add(contract(kid, object_ids=(thing,), notice_months=3,
                                        min_months=36))
    assert set(error.value.fields) == {"notice_months", "min_months"}
    firm = customer(services, kind="business", name="Bau")
    firm_thing = boiler(services, firm)
    agreed = services.contracts.add(contract(firm, object_ids=(firm_thing,), notice_months=3,
                                             min_months=36))
    assert agreed.customer_kind == "business"


def test_a_contract_needs_an_object_or_an_interval_and_only_the_customers_objects(
        services: Services) -> None:
    kid = customer(services)
    other = customer(services, name="Schulz")
    foreign = boiler(services, other)
    with pytest.raises(ValidationError, match="Wartungsobjekt"):
        services.contracts.add(contract(kid))
    with pytest.raises(ValidationError, match="gehört nicht"):
        services.contracts.add(contract(kid, object_ids=(foreign,)))


def test_ending_records_who_when_the_last_day_and_the_rule(services: Services) -> None:
    kid = customer(services)
    thing = boiler(services, kid)
    number = services.contracts.add(contract(kid, object_ids=(thing,),
                                             concluded_on=date(2024, 1, 1),
                                             start=date(2024, 1, 1))).number
    ended = services.contracts.end(number, received=date(2026, 6, 10), by="Büro")
    assert ended.last_day == date(2026, 7, 10)
    assert ended.ended_by == "customer"
    assert ended.notice_received == date(2026, 6, 10)
    assert "10.07.2026" in ended.end_rule
    assert ended.state == "ending"
    history = services.timeline.entries(kid)
    assert any("gekündigt" in entry.subject and "10.07.2026" in entry.subject
               for entry in history)
    with pytest.raises(ConflictError, match="bereits gekündigt"):
        services.contracts.end(number, received=date(2026, 6, 11))


def test_visits_after_the_last_day_go_back_to_plain_maintenance_reminders(
        services: Services) -> None:
    kid = customer(services)
    thing = boiler(services, kid, first_due=date(2026, 9, 1))
    number = services.contracts.add(contract(kid, object_ids=(thing,),
                                             visit_rrule="FREQ=MONTHLY;INTERVAL=6",
                                             concluded_on=date(2024, 1, 1),
                                             start=date(2024, 1, 1))).number
    services.contracts.end(number, received=date(2026, 3, 15))
    visit = next(f for f in services.followups.for_customer(kid) if f.maintenance_object_id)
    assert visit.subject == "Wartung: Gasheizung"
    assert visit.rrule == "FREQ=MONTHLY;INTERVAL=12"


def test_a_fixed_term_contract_that_already_ran_out_cannot_be_given_notice(
        services: Services) -> None:
    kid = customer(services)
    thing = boiler(services, kid)
    number = services.contracts.add(contract(kid, object_ids=(thing,), renewal="none",
                                             start=date(2024, 1, 1))).number
    assert services.contracts.get(number).state == "ended"
    with pytest.raises(ConflictError, match="ausgelaufen"):
        services.contracts.end(number, received=date(2026, 3, 1))


def test_a_price_adjustment_keeps_the_old_price(services: Services) -> None:
    kid = customer(services)
    number = services.contracts.add(contract(kid, visit_rrule="FREQ=YEARLY")).number
    adjusted = services.contracts.adjust_price(number, price_cents=199_00,
                                               from_day=date(2027, 1, 1))
    assert (adjusted.previous_price_cents, adjusted.price_cents) == (189_00, 199_00)
    assert adjusted.price_changed_on == date(2027, 1, 1)


def test_the_list_shows_contracts_ending_within_some_days(services: Services) -> None:
    kid = customer(services)
    soon = services.contracts.add(contract(kid, visit_rrule="FREQ=YEARLY",
                                           start=date(2024, 1, 1))).number
    services.contracts.add(contract(kid, visit_rrule="FREQ=YEARLY"))
    services.contracts.end(soon, received=date(2026, 3, 15))
    assert [c.number for c in services.contracts.contracts(ending_within=90)] == [soon]
    assert len(services.contracts.contracts()) == 2


def test_the_figures_count_states_revenue_cancellations_and_objects_without_contract(
        services: Services) -> None:
    kid = customer(services)
    ending = services.contracts.add(contract(kid, visit_rrule="FREQ=YEARLY",
                                             start=date(2024, 1, 1))).number
    services.contracts.add(contract(kid, visit_rrule="FREQ=YEARLY", price_cents=250_00))
    services.contracts.add(contract(kid, visit_rrule="FREQ=YEARLY", renewal="none",
                                    start=date(2023, 1, 1)))
    services.contracts.end(ending, received=date(2026, 3, 15))
    boiler(services, customer(services, name="Ohnevertrag"))
    figures = services.contracts.figures()
    assert (figures.active, figures.ending, figures.ended) == (1, 1, 1)
    assert figures.recurring_cents == 189_00 + 250_00
    assert figures.ending_within_90_days == 1
    assert figures.cancellation_rate == pytest.approx(1 / 3)
    assert figures.objects_without_contract == 1


def test_the_preview_of_a_notice_changes_nothing(services: Services) -> None:
    kid = customer(services)
    number = services.contracts.add(contract(kid, visit_rrule="FREQ=YEARLY",
                                             start=date(2024, 1, 1))).number
    preview = services.contracts.ending_preview(number, received=date(2026, 6, 10))
    assert preview.last_day == date(2026, 7, 10)
    assert services.contracts.get(number).last_day is None


def test_the_call_list_offers_a_contract_until_one_runs(services: Services) -> None:
    kid = services.customers.create(CustomerInput(first_name="Anna", last_name="Krüger",
                                                  phone="0351 1234567")).id
    services.privacy.record_consent(kid, ConsentInput(
        purpose="phone", granted=True, given_on=date(2026, 1, 5), method="form"), by="Büro")
    thing = boiler(services, kid, first_due=date(2027, 1, 1))
    [row] = services.today.call_list().suggestions
    assert (row.reason_text, row.score) == (
        "Gasheizung ohne Wartungsvertrag – Vertrag anbieten", 15)
    assert row.letter_template == "wartungserinnerung"
    services.contracts.add(contract(kid, object_ids=(thing,)))
    assert services.today.call_list().suggestions == ()


def test_a_contract_offer_is_advertising_and_needs_the_phone_consent(
        services: Services) -> None:
    kid = services.customers.create(CustomerInput(first_name="Anna", last_name="Ohne",
                                                  phone="0351 1234567")).id
    boiler(services, kid, first_due=date(2027, 1, 1))
    calls = services.today.call_list()
    assert calls.suggestions == ()
    assert calls.held_back_count == 1
