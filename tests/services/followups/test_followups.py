from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from app.services.clock import LOCAL_ZONE, FixedClock
from app.services.container import Services
from app.services.customers.dto import AddressInput, CustomerInput
from app.services.errors import ValidationError
from app.services.followups.recurrence import next_due, occurrence_after
from app.services.followups.service import FollowUpInput, MaintenanceInput, local_due


@pytest.fixture
def customer_id(services: Services) -> int:
    return services.customers.create(CustomerInput(first_name="Anna", last_name="Müller")).id


def test_completing_a_follow_up_writes_the_outcome_to_the_timeline(
    services: Services, customer_id: int
) -> None:
    made = services.followups.create(
        customer_id, FollowUpInput(subject="Angebot nachfassen", due_date=date(2026, 3, 15)))
    result = services.followups.complete(made.id, outcome="Auftrag erteilt", by="Meister")
    assert result.done.status == "done" and result.next is None
    entry = services.timeline.entries(customer_id)[0]
    assert (entry.subject, entry.text, entry.author) == (
        "Wiedervorlage erledigt: Angebot nachfassen", "Auftrag erteilt", "Meister")


def test_an_empty_outcome_is_refused(services: Services, customer_id: int) -> None:
    made = services.followups.create(
        customer_id, FollowUpInput(subject="Rückruf", due_date=date(2026, 3, 15)))
    with pytest.raises(ValidationError) as err:
        services.followups.complete(made.id, outcome="  ")
    assert "outcome" in err.value.fields


def test_an_invalid_rrule_is_refused_with_the_field_named(
    services: Services, customer_id: int
) -> None:
    with pytest.raises(ValidationError) as err:
        services.followups.create(customer_id, FollowUpInput(
            subject="Wartung", due_date=date(2026, 3, 15), rrule="FREQ=SOMETIMES"))
    assert "rrule" in err.value.fields


def test_snoozing_by_a_day_a_week_or_to_a_date_moves_the_due_date(
    services: Services, customer_id: int
) -> None:
    made = services.followups.create(
        customer_id, FollowUpInput(subject="Rückruf", due_date=date(2026, 3, 10)))
    assert services.followups.snooze(made.id, days=1).due_date == date(2026, 3, 16)
    assert services.followups.snooze(made.id, days=7).due_date == date(2026, 3, 22)
    moved = services.followups.snooze(made.id, until=date(2026, 4, 1))
    assert (moved.due_date, moved.status_label) == (date(2026, 4, 1), "verschoben")


@pytest.mark.parametrize(
    ("rule", "start", "expected"),
    [
        ("FREQ=MONTHLY", date(2026, 1, 31), [date(2026, 2, 28), date(2026, 3, 31)]),
        ("FREQ=MONTHLY", date(2028, 1, 31), [date(2028, 2, 29), date(2028, 3, 31)]),
        ("FREQ=YEARLY", date(2028, 2, 29), [date(2029, 2, 28), date(2030, 2, 28)]),
        ("FREQ=MONTHLY;INTERVAL=12", date(2026, 3, 15), [date(2027, 3, 15), date(2028, 3, 15)]),
        ("FREQ=YEARLY;INTERVAL=2;BYMONTH=3", date(2026, 3, 10),
         [date(2028, 3, 10), date(2030, 3, 10)]),
    ],
)
def test_recurrence_clamps_month_ends_and_keeps_rfc5545_for_by_rules(
    rule: str, start: date, expected: list[date]
) -> None:
    found = []
    after = start
    for _ in expected:
        after = occurrence_after(rule, start=start, after=after)  # type: ignore[assignment]
        found.append(after)
    assert found == expected


def test_a_recurring_follow_up_completed_late_restarts_from_the_completion_day(
    services: Services, customer_id: int
) -> None:
    made = services.followups.create(customer_id, FollowUpInput(
        subject="Heizungswartung", due_date=date(2026, 1, 10), rrule="FREQ=MONTHLY;INTERVAL=12",
        recur_from="completion"))
    result = services.followups.complete(made.id, outcome="gewartet")
    assert result.next is not None and result.next.due_date == date(2027, 3, 15)


def test_a_recurring_follow_up_completed_late_keeps_its_plan_and_skips_missed_dates(
    services: Services, customer_id: int
) -> None:
    made = services.followups.create(customer_id, FollowUpInput(
        subject="Kehrtermin", due_date=date(2026, 1, 10), rrule="FREQ=MONTHLY",
        recur_from="plan"))
    result = services.followups.complete(made.id, outcome="gekehrt")
    assert result.next is not None and result.next.due_date == date(2026, 4, 10)
    assert next_due("FREQ=MONTHLY", recur_from="plan", plan_date=date(2026, 3, 20),
                    completed_on=date(2026, 3, 15)) == date(2026, 4, 20)


def test_a_0900_follow_up_stays_at_0900_local_across_the_change_to_summer_time(
    services: Services, customer_id: int, clock: FixedClock
) -> None:
    made = services.followups.create(customer_id, FollowUpInput(
        subject="Wochenrunde", due_date=date(2026, 3, 23), due_time=time(9, 0),
        rrule="FREQ=WEEKLY", recur_from="plan"))
    clock.set(datetime(2026, 3, 23, 9, 30))
    following = services.followups.complete(made.id, outcome="erledigt").next
    assert following is not None
    before, after = local_due(made, LOCAL_ZONE), local_due(following, LOCAL_ZONE)
    assert after.date() == date(2026, 3, 30) and after.hour == 9
    elapsed = after.astimezone(UTC) - before.astimezone(UTC)
    assert elapsed == timedelta(days=7) - timedelta(hours=1)  # 29.03. has 23 hours
    assert (before.utcoffset(), after.utcoffset()) == (timedelta(hours=1), timedelta(hours=2))


def test_a_maintenance_object_carries_its_recurring_follow_up_at_an_extra_address(
    services: Services, customer_id: int
) -> None:
    address = services.customers.add_address(
        customer_id, AddressInput(label="Ferienhaus", street="Seeweg 1", postcode="83022",
                                  city="Rosenheim"), by="Büro")
    thing = services.followups.add_maintenance(customer_id, MaintenanceInput(
        name="Gasheizung", model="Vaillant ecoTEC", year_built=2015,
        rrule="FREQ=MONTHLY;INTERVAL=12", first_due=date(2026, 3, 1), address_id=address.id))
    assert thing.next_due == date(2026, 3, 1) and "Rosenheim" in thing.address_text
    pending = services.followups.for_customer(customer_id, include_done=False)
    assert [f.subject for f in pending] == ["Wartung: Gasheizung"]
    services.followups.complete(pending[0].id, outcome="Brenner gereinigt")
    again = services.followups.maintenance_objects(customer_id)[0]
    assert (again.last_service, again.next_due) == (date(2026, 3, 15), date(2027, 3, 15))


def test_each_due_follow_up_is_claimed_for_a_notification_once(
    services: Services, customer_id: int, clock: FixedClock
) -> None:
    services.followups.create(customer_id, FollowUpInput(
        subject="Früh", due_date=date(2026, 3, 15), due_time=time(9, 0)))
    services.followups.create(customer_id, FollowUpInput(
        subject="Später", due_date=date(2026, 3, 15), due_time=time(11, 0)))
    assert [f.subject for f in services.followups.claim_due_notifications()] == ["Früh"]
    assert services.followups.claim_due_notifications() == []
    clock.set(datetime(2026, 3, 15, 11, 0))
    assert [f.subject for f in services.followups.claim_due_notifications()] == ["Später"]
    assert services.followups.claim_due_notifications() == []
