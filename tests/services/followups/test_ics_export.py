from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest
from icalendar import Calendar

from app.services.clock import LOCAL_ZONE
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.errors import StorageError
from app.services.followups.calendar import write_ics
from app.services.followups.service import FollowUpInput


def _events(path: Path) -> dict[str, object]:
    return {str(e["UID"]): e for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT")}


def test_exported_follow_ups_read_back_with_stable_uids_and_local_times(
    services: Services, tmp_path: Path
) -> None:
    cid = services.customers.create(CustomerInput(last_name="Müller", phone="0351 1234567")).id
    all_day = services.followups.create(cid, FollowUpInput(
        subject="Angebot nachfassen", due_date=date(2026, 3, 20)))
    timed = services.followups.create(cid, FollowUpInput(
        subject="Wartungstermin", due_date=date(2026, 3, 30), due_time=time(9, 0),
        notes="Schlüssel beim Nachbarn"))
    target = tmp_path / "wv.ics"
    assert write_ics(target, services.followups.pending(), now=services.clock.now()) == 2
    events = _events(target)
    day = events[f"followup-{all_day.id}@stammkunde"]
    at = events[f"followup-{timed.id}@stammkunde"]
    assert day.decoded("dtstart") == date(2026, 3, 20)  # type: ignore[attr-defined]
    assert at.decoded("dtstart") == datetime(2026, 3, 30, 9, 0, tzinfo=LOCAL_ZONE)  # type: ignore[attr-defined]
    assert str(at["SUMMARY"]) == "Wartungstermin – Müller"  # type: ignore[index]
    assert "Telefon: 0351 1234567" in str(at["DESCRIPTION"])  # type: ignore[index]
    assert "Schlüssel beim Nachbarn" in str(at["DESCRIPTION"])  # type: ignore[index]


def test_a_changed_follow_up_keeps_its_uid_with_a_higher_sequence_and_done_ones_leave(
    services: Services, tmp_path: Path
) -> None:
    cid = services.customers.create(CustomerInput(last_name="Müller")).id
    moved = services.followups.create(cid, FollowUpInput(subject="A", due_date=date(2026, 3, 20)))
    done = services.followups.create(cid, FollowUpInput(subject="B", due_date=date(2026, 3, 21)))
    first, second = tmp_path / "1.ics", tmp_path / "2.ics"
    write_ics(first, services.followups.pending(), now=services.clock.now())
    services.followups.snooze(moved.id, days=7)
    services.followups.complete(done.id, outcome="erledigt")
    write_ics(second, services.followups.pending(), now=services.clock.now())
    before, after = _events(first), _events(second)
    uid = f"followup-{moved.id}@stammkunde"
    assert set(after) == {uid}
    assert after[uid]["SEQUENCE"] > before[uid]["SEQUENCE"]  # type: ignore[index]
    assert after[uid].decoded("dtstart") == date(2026, 3, 22)  # type: ignore[attr-defined]


def test_an_unwritable_target_is_a_storage_error_naming_the_file(
    services: Services, tmp_path: Path
) -> None:
    with pytest.raises(StorageError, match="fehlt"):
        write_ics(tmp_path / "fehlt" / "wv.ics", [], now=services.clock.now())
