"""The exported calendar's time-zone block in the yearly-rule form Outlook and Google write."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from dateutil import tz
from icalendar import Calendar

from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.followups.calendar import calendar, write_ics
from app.services.followups.service import FollowUpInput
from app.services.followups.timezones import vtimezone


def test_berlin_is_written_as_two_last_sunday_rules_without_rdates() -> None:
    block = vtimezone(ZoneInfo("Europe/Berlin"), year=2026)
    assert block is not None
    text = block.to_ical().decode()
    assert "RDATE" not in text
    assert "DTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text
    assert "DTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in text


def test_a_reader_that_uses_the_files_own_block_shows_summer_times_right_also_after_2037(
    services: Services, tmp_path: Path
) -> None:
    cid = services.customers.create(CustomerInput(last_name="Müller")).id
    for due in (date(2026, 7, 1), date(2041, 7, 1), date(2041, 1, 10)):
        services.followups.create(cid, FollowUpInput(subject="Wartung", due_date=due,
                                                     due_time=time(9, 0)))
    target = tmp_path / "wv.ics"
    write_ics(target, services.followups.pending(), now=services.clock.now())
    raw = target.read_text(encoding="utf-8")
    own_block = tz.tzical(io.StringIO(raw)).get("Europe/Berlin")
    starts = sorted(e.decoded("dtstart").replace(tzinfo=None)
                    for e in Calendar.from_ical(raw).walk("VEVENT"))
    assert [s.replace(tzinfo=own_block).astimezone(UTC).time() for s in starts] == [
        time(7, 0), time(8, 0), time(7, 0)]


def test_a_zone_without_a_yearly_rule_gets_utc_times_and_no_block(services: Services) -> None:
    cid = services.customers.create(CustomerInput(last_name="Müller")).id
    services.followups.create(cid, FollowUpInput(subject="Anruf", due_date=date(2026, 3, 20),
                                                 due_time=time(10, 0)))
    casablanca = ZoneInfo("Africa/Casablanca")  # summer time paused for Ramadan each year
    now = datetime(2026, 3, 15, 12, 0, tzinfo=casablanca)
    cal = calendar(services.followups.pending(), now=now)
    assert cal.walk("VTIMEZONE") == []
    (event,) = cal.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start.utcoffset() == timedelta(0)
    assert start == datetime(2026, 3, 20, 10, 0, tzinfo=casablanca)
