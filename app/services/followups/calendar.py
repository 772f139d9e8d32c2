"""Pending follow-ups as an iCalendar file for Outlook, Thunderbird and phones.

VEVENT, not VTODO: Outlook and the phone calendars (Google, iOS) import only events from an
.ics file and drop tasks silently; Thunderbird shows both. An all-day follow-up becomes an
all-day event, one with a time a 30-minute event in Europe/Berlin (with its VTIMEZONE in
the yearly-rule form, see `timezones`). The UID `followup-<id>@stammkunde` is stable and
SEQUENCE counts the follow-up's changes, so importing a newer export updates the events
instead of duplicating them.

A recurring follow-up is one event per series: UID `series-<series id>@stammkunde` (shared by
all occurrences, since completing one creates the next as a new follow-up), DTSTART the open
occurrence and the RRULE from `recurrence.calendar_rule`. Completing an occurrence moves
DTSTART under the same UID with a higher SEQUENCE, so the calendar's series follows instead of
an orphan series going on. A rule no RRULE can say is the next occurrence only, under the
series UID too, with a line in the description.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from app.services.errors import StorageError
from app.services.followups import recurrence
from app.services.followups.service import FollowUpDTO
from app.services.followups.timezones import vtimezone

if TYPE_CHECKING:
    from icalendar import Calendar, Event, vRecur

UID_DOMAIN = "stammkunde"
EVENT_MINUTES = 30
_PRIORITY = {1: 1, 2: 5, 3: 9}  # RFC 5545: 1 highest, 5 medium, 9 lowest


def uid(followup_id: int) -> str:
    return f"followup-{followup_id}@{UID_DOMAIN}"


def series_uid(series_id: str) -> str:
    return f"series-{series_id}@{UID_DOMAIN}"


def one_per_series(followups: Sequence[FollowUpDTO]) -> list[FollowUpDTO]:
    """The follow-ups to export: each series only with its earliest pending occurrence."""
    seen: set[str] = set()
    chosen: list[FollowUpDTO] = []
    for item in sorted(followups, key=lambda i: (i.due_date, i.due_time or time(0), i.id)):
        if item.series_id is not None:
            if item.series_id in seen:
                continue
            seen.add(item.series_id)
        chosen.append(item)
    return chosen


def calendar(followups: Sequence[FollowUpDTO], *, now: datetime) -> Calendar:
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", "-//Stammkunde//Wiedervorlagen//DE")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Stammkunde – Wiedervorlagen")
    zone = vtimezone(now.tzinfo, year=now.year) if now.tzinfo else None
    if zone is not None:
        cal.add_component(zone)
    for item in one_per_series(followups):
        cal.add_component(_event(item, now=now, in_utc=zone is None))
    return cal


def _event(item: FollowUpDTO, *, now: datetime, in_utc: bool) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", series_uid(item.series_id) if item.series_id else uid(item.id))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("last-modified", item.updated_at.astimezone(UTC))
    event.add("sequence", item.revision)
    event.add("summary", f"{item.subject} – {item.customer_name}")
    lines = [f"Kunde {item.customer_number}: {item.customer_name}"]
    if item.phone:
        lines.append(f"Telefon: {item.phone}")
    if item.assignee:
        lines.append(f"Zuständig: {item.assignee}")
    if item.notes:
        lines.append(item.notes)
    # A timed series in UTC would move an hour with summer time: only the next date then.
    series = (recurrence.calendar_rule(item.rrule, start=item.due_date, at=item.due_time)
              if item.rrule and not (in_utc and item.due_time is not None) else None)
    if item.rrule and series is None:
        lines.append(f"Wiederholung „{recurrence.describe(item.rrule)}“: im Kalender steht "
                     "nur der nächste Termin.")
    event.add("description", "\n".join(lines))
    event.add("categories", ["Stammkunde"])
    event.add("priority", _PRIORITY.get(item.priority, 5))
    if item.due_time is None:
        event.add("dtstart", item.due_date)
        event.add("dtend", item.due_date + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    else:
        start = datetime.combine(item.due_date, item.due_time or time(0), tzinfo=now.tzinfo)
        if in_utc:
            start = start.astimezone(UTC)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=EVENT_MINUTES))
    if series is not None:
        event.add("rrule", _rrule(series, item=item, now=now))
    return event


def _rrule(series: recurrence.CalendarRule, *, item: FollowUpDTO, now: datetime) -> vRecur:
    """RFC 5545 3.3.10: UNTIL is a DATE for an all-day DTSTART, else a UTC DATE-TIME."""
    from icalendar import vRecur

    rule = vRecur.from_ical(series.rule)
    if series.until is not None:
        if item.due_time is None:
            rule["UNTIL"] = [series.until]
        else:
            last = datetime.combine(series.until, item.due_time, tzinfo=now.tzinfo)
            rule["UNTIL"] = [last.astimezone(UTC)]
    return rule


def write_ics(path: Path, followups: Sequence[FollowUpDTO], *, now: datetime) -> int:
    """Write the file atomically (temp file + rename); returns the number of events."""
    events = len(one_per_series(followups))
    data = calendar(followups, now=now).to_ical()
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(f"Die Kalenderdatei „{path}“ kann nicht geschrieben werden: "
                           f"{exc.strerror or exc}") from exc
    return events
