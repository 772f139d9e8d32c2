"""A recurring follow-up is one RRULE event per series in the calendar export (issue #14)."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from dateutil.rrule import rrulestr
from icalendar import Calendar, Event
from sqlalchemy import select, text

from app.db import _alembic_config, make_engine, migrate, open_database
from app.models import FollowUp
from app.services.clock import LOCAL_ZONE, FixedClock
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.followups.calendar import calendar, write_ics
from app.services.followups.service import FollowUpDTO, FollowUpInput


def _exported(services: Services, path: Path) -> list[Event]:
    write_ics(path, services.followups.pending(), now=services.clock.now())
    return list(Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def _moments(event: Event, count: int) -> list[datetime]:
    start = event.decoded("dtstart")
    dtstart = start if isinstance(start, datetime) else datetime.combine(start, time(0))
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=dtstart)
    return list(rule.xafter(dtstart, count=count, inc=True))


def _expanded(event: Event, count: int) -> list[date]:
    return [moment.date() for moment in _moments(event, count)]


def _completed_on_time(services: Services, clock: FixedClock, first: FollowUpDTO,
                       count: int) -> list[date]:
    """The due dates the program itself creates when each occurrence is done on its day."""
    dates = [first.due_date]
    current: FollowUpDTO | None = first
    while current is not None and len(dates) < count:
        clock.set(datetime.combine(current.due_date, time(12, 0), tzinfo=LOCAL_ZONE))
        current = services.followups.complete(current.id, outcome="erledigt").next
        if current is not None:
            dates.append(current.due_date)
    return dates


def _customer(services: Services) -> int:
    return services.customers.create(CustomerInput(last_name="Müller")).id


@pytest.mark.parametrize(("rule", "due", "at"), [
    ("FREQ=YEARLY", date(2026, 4, 10), None),
    ("FREQ=MONTHLY;INTERVAL=6", date(2026, 3, 28), time(9, 0)),
    ("FREQ=MONTHLY;INTERVAL=12", date(2026, 5, 4), None),
    ("FREQ=YEARLY;INTERVAL=2", date(2026, 7, 1), time(14, 30)),
    ("FREQ=YEARLY;INTERVAL=2;BYMONTH=3", date(2026, 3, 16), None),
    ("FREQ=MONTHLY;INTERVAL=3", date(2026, 3, 20), time(8, 0)),
    ("FREQ=MONTHLY", date(2026, 3, 16), None),
    ("FREQ=WEEKLY", date(2026, 3, 19), time(7, 15)),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", date(2026, 3, 16), None),
    ("FREQ=MONTHLY;BYDAY=-1FR", date(2026, 3, 27), time(10, 0)),
])
def test_the_rrule_expands_to_the_dates_completing_each_occurrence_on_time_creates(
    services: Services, clock: FixedClock, tmp_path: Path, rule: str, due: date,
    at: time | None
) -> None:
    first = services.followups.create(_customer(services), FollowUpInput(
        subject="Wartung", due_date=due, due_time=at, rrule=rule))
    (event,) = _exported(services, tmp_path / "wv.ics")
    if at is not None:  # the local time stays across summer time
        assert {m.astimezone(LOCAL_ZONE).time() for m in _moments(event, 5)} == {at}
    assert _expanded(event, 5) == _completed_on_time(services, clock, first, 5)


def test_the_series_keeps_its_uid_across_a_completion_with_a_higher_sequence(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    first = services.followups.create(_customer(services), FollowUpInput(
        subject="Heizung warten", due_date=date(2026, 3, 20), rrule="FREQ=MONTHLY;INTERVAL=6"))
    (before,) = _exported(services, tmp_path / "1.ics")
    clock.set(datetime(2026, 3, 20, 12, 0, tzinfo=LOCAL_ZONE))
    following = services.followups.complete(first.id, outcome="erledigt").next
    assert following is not None and following.id != first.id
    (after,) = _exported(services, tmp_path / "2.ics")
    assert str(before["UID"]) == str(after["UID"]) == f"series-{first.series_id}@stammkunde"
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.decoded("dtstart") == date(2026, 9, 20)
    assert after["RRULE"].to_ical() == b"FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=20"


def test_a_series_with_two_pending_occurrences_is_still_one_event_at_the_earlier_one(
    services: Services, tmp_path: Path
) -> None:
    cid = _customer(services)
    services.followups.create(cid, FollowUpInput(subject="Einmalig", due_date=date(2026, 4, 1)))
    first = services.followups.create(cid, FollowUpInput(
        subject="Anruf", due_date=date(2026, 4, 2), rrule="FREQ=WEEKLY"))
    with services.db.write() as session:
        row = session.get(FollowUp, first.id)
        assert row is not None
        session.add(FollowUp(
            customer_id=cid, due_date=date(2026, 4, 9), subject="Anruf", notes="",
            assignee="", priority=2, status="open", rrule="FREQ=WEEKLY",
            recur_from="completion", outcome="", revision=0, created_by="",
            created_at=row.created_at, updated_at=row.updated_at, series_id=row.series_id))
        session.commit()
    target = tmp_path / "wv.ics"
    assert write_ics(target, services.followups.pending(), now=services.clock.now()) == 2
    events = list(Calendar.from_ical(target.read_bytes()).walk("VEVENT"))
    series = [e for e in events if "RRULE" in e]
    (single,) = [e for e in events if "RRULE" not in e]
    assert [e.decoded("dtstart") for e in series] == [date(2026, 4, 2)]
    assert str(single["UID"]).startswith("followup-")


@pytest.mark.parametrize(("rule", "due"), [
    ("FREQ=MONTHLY", date(2026, 3, 31)),  # 31.03. → 30.04. → 30.05.: clamped, then stays
    ("FREQ=MONTHLY;INTERVAL=6", date(2026, 8, 29)),
    ("FREQ=YEARLY", date(2028, 2, 29)),  # → 28.02.2029 and on the 28th from then on
    ("FREQ=YEARLY;BYMONTH=3", date(2026, 5, 10)),  # DTSTART off the rule's pattern
])
def test_a_rule_no_rrule_can_say_is_the_next_occurrence_under_the_series_uid(
    services: Services, tmp_path: Path, rule: str, due: date
) -> None:
    created = services.followups.create(_customer(services), FollowUpInput(
        subject="Wartung", due_date=due, rrule=rule))
    (event,) = _exported(services, tmp_path / "wv.ics")
    assert "RRULE" not in event
    assert str(event["UID"]) == f"series-{created.series_id}@stammkunde"
    assert event.decoded("dtstart") == due
    assert "im Kalender steht nur der nächste Termin" in str(event["DESCRIPTION"])


def test_until_stops_the_calendar_series_where_the_program_stops(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    first = services.followups.create(_customer(services), FollowUpInput(
        subject="Rückruf", due_date=date(2026, 3, 18), due_time=time(17, 0),
        rrule="FREQ=WEEKLY;UNTIL=20260408"))
    (event,) = _exported(services, tmp_path / "wv.ics")
    assert b"UNTIL=20260408T150000Z" in event["RRULE"].to_ical()  # 17:00 summer time in UTC
    assert _expanded(event, 10) == _completed_on_time(services, clock, first, 10) == [
        date(2026, 3, 18), date(2026, 3, 25), date(2026, 4, 1), date(2026, 4, 8)]


def test_a_follow_up_that_never_recurred_has_no_series_and_one_that_starts_to_gets_one(
    services: Services, tmp_path: Path
) -> None:
    once = services.followups.create(_customer(services), FollowUpInput(
        subject="Angebot", due_date=date(2026, 4, 1)))
    assert once.series_id is None
    (event,) = _exported(services, tmp_path / "1.ics")
    assert "RRULE" not in event and str(event["UID"]) == f"followup-{once.id}@stammkunde"
    recurring = services.followups.update(once.id, once.as_input(rrule="FREQ=YEARLY"))
    assert recurring.series_id is not None
    again = services.followups.update(once.id, recurring.as_input(rrule=""))
    assert again.series_id == recurring.series_id  # its calendar series is replaced, not orphaned
    (event,) = _exported(services, tmp_path / "2.ics")
    assert "RRULE" not in event
    assert str(event["UID"]) == f"series-{recurring.series_id}@stammkunde"


def test_the_migration_gives_each_recurring_follow_up_its_own_series(
    tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'alt.sqlite3'}"
    engine = make_engine(url, foreign_keys=False)
    with engine.begin() as conn:
        config = _alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0004")
        conn.execute(text(
            "INSERT INTO customers (id, number, kind, salutation, title, first_name, last_name,"
            " company, street, postcode, city, country, email, phone, mobile, notes, owner, "
            "created_at, updated_at, at_risk, sort_name, search_text) VALUES (1, 'K-1', "
            "'private', '', '', '', 'Alt', '', '', '', '', 'DE', '', '', '', '', '', "
            "'2026-01-05 10:00:00', '2026-01-05 10:00:00', 0, '', '')"))
        for subject, rule in (("Wartung", "FREQ=YEARLY"), ("Anruf", ""),
                              ("Heizung", "FREQ=MONTHLY;INTERVAL=6")):
            conn.execute(text(
                "INSERT INTO followups (customer_id, due_date, subject, notes, assignee, "
                "priority, status, rrule, recur_from, outcome, revision, created_by, "
                "created_at, updated_at) VALUES (1, '2026-04-01', :subject, '', '', 2, 'open', "
                ":rule, 'completion', '', 0, '', '2026-01-05 10:00:00', "
                "'2026-01-05 10:00:00')"), {"subject": subject, "rule": rule})
    engine.dispose()
    migrate(url)
    database = open_database(url)
    try:
        with database.read() as session:
            series = dict(session.execute(select(FollowUp.subject, FollowUp.series_id)).all())
    finally:
        database.dispose()
    assert series["Anruf"] is None
    assert series["Wartung"] and series["Heizung"] and series["Wartung"] != series["Heizung"]


def test_a_timed_series_in_utc_is_only_its_next_date_since_summer_time_would_move_it(
    services: Services
) -> None:
    services.followups.create(_customer(services), FollowUpInput(
        subject="Anruf", due_date=date(2026, 3, 20), due_time=time(10, 0), rrule="FREQ=WEEKLY"))
    now = datetime(2026, 3, 15, 12, 0, tzinfo=ZoneInfo("Africa/Casablanca"))
    (event,) = calendar(services.followups.pending(), now=now).walk("VEVENT")
    assert "RRULE" not in event
    assert "im Kalender steht nur der nächste Termin" in str(event["DESCRIPTION"])
