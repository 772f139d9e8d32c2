"""Recurrence of follow-ups: RFC 5545 RRULEs on local wall-clock dates (python-dateutil).

Month ends: a plain "every N months/years" rule (only FREQ=MONTHLY|YEARLY and INTERVAL)
steps with `relativedelta`, which clamps to the month's last day: 31.01. + 1 month is
28.02. (29.02. in a leap year), 29.02. + 1 year is 28.02. Strict RFC 5545 would *skip*
months without that day (dateutil's `rrule` does so), so a heating service due "every month
on the 31st" would silently jump from January to March. Rules with BY… parts ("every 2
years in March": FREQ=YEARLY;INTERVAL=2;BYMONTH=3) follow RFC 5545 exactly via dateutil.

Everything is computed on naive local dates and times, so a 09:00 follow-up stays 09:00
across the change to or from summer time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule, rruleset, rrulestr

from app.services.errors import ValidationError

invalid = ValidationError.labelled({"rrule": "Wiederholung"})

RECUR_FROM = ("completion", "plan")
# (label, rule) offered in the dialogs; any other RFC 5545 rule can be typed.
PRESETS: tuple[tuple[str, str], ...] = (
    ("keine", ""),
    ("jährlich", "FREQ=YEARLY"),
    ("alle 6 Monate", "FREQ=MONTHLY;INTERVAL=6"),
    ("alle 12 Monate", "FREQ=MONTHLY;INTERVAL=12"),
    ("alle 2 Jahre", "FREQ=YEARLY;INTERVAL=2"),
    ("alle 2 Jahre im März", "FREQ=YEARLY;INTERVAL=2;BYMONTH=3"),
    ("vierteljährlich", "FREQ=MONTHLY;INTERVAL=3"),
    ("monatlich", "FREQ=MONTHLY"),
    ("wöchentlich", "FREQ=WEEKLY"),
)
_FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_MAX_STEPS = 10_000


def _parts(rule: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for chunk in rule.removeprefix("RRULE:").split(";"):
        key, sep, value = chunk.partition("=")
        if not sep or not key.strip():
            raise ValueError(chunk)
        parts[key.strip().upper()] = value.strip().upper()
    return parts


def normalized(rule: str) -> str:
    """The rule in canonical spelling, or a ValidationError with a German reason."""
    text = rule.strip()
    if not text:
        return ""
    try:
        parts = _parts(text)
        if parts.get("FREQ") not in _FREQS:
            raise ValueError("FREQ")
        if "COUNT" in parts:
            raise invalid({"rrule": "COUNT wird nicht unterstützt, bitte UNTIL angeben"})
        canonical = ";".join(f"{k}={v}" for k, v in parts.items())
        rrulestr(canonical, dtstart=datetime(2026, 1, 1))
    except ValidationError:
        raise
    except (ValueError, TypeError):
        raise invalid(
            {"rrule": f"„{rule}“ ist keine gültige Wiederholung (RFC 5545, z. B. "
                      "FREQ=MONTHLY;INTERVAL=12)"}) from None
    return canonical


def _simple_step(parts: dict[str, str]) -> relativedelta | None:
    if set(parts) - {"FREQ", "INTERVAL", "UNTIL"} or parts["FREQ"] not in ("MONTHLY", "YEARLY"):
        return None
    interval = int(parts.get("INTERVAL", "1"))
    months = interval * (12 if parts["FREQ"] == "YEARLY" else 1)
    return relativedelta(months=months)


def _expanded(rule: str, *, dtstart: datetime) -> rrule | rruleset:
    """dateutil's rrule; a date-only UNTIL counts its whole day, as `_until` does.

    dateutil reads UNTIL=20270408 as 00:00, which would drop a 09:00 occurrence that day.
    """
    parts = _parts(normalized(rule))
    if len(parts.get("UNTIL", "")) == 8:
        parts["UNTIL"] += "T235959"
    return rrulestr(";".join(f"{k}={v}" for k, v in parts.items()), dtstart=dtstart)


def _until(parts: dict[str, str]) -> date | None:
    raw = parts.get("UNTIL")
    return datetime.strptime(raw[:8], "%Y%m%d").date() if raw else None


def occurrence_after(rule: str, *, start: date, after: date, at: time | None = None) -> date | None:
    """The first occurrence of the series starting at `start` that lies after `after`.

    `start` itself is the series' first occurrence (dtstart); None when UNTIL has passed.
    """
    parts = _parts(normalized(rule))
    until = _until(parts)
    step = _simple_step(parts)
    result: date | None
    if step is not None:
        result = start
        steps = 0
        while result <= after:
            steps += 1
            if steps > _MAX_STEPS:
                return None
            result = start + step * steps  # from start each time: 31.01. → 28.02. → 31.03.
    else:
        dtstart = datetime.combine(start, at or time(0))
        found = _expanded(rule, dtstart=dtstart).after(
            datetime.combine(after, time(23, 59, 59)))
        result = found.date() if found else None
    if result is None or (until is not None and result > until):
        return None
    return result


def next_due(rule: str, *, recur_from: str, plan_date: date, completed_on: date,
             at: time | None = None) -> date | None:
    """The due date after completing an occurrence.

    "completion": the series restarts on the completion day (every 12 months *from the
    last service*). "plan": the planned series goes on; occurrences missed by a late
    completion are skipped, so the next one is the first planned date after completion.
    """
    if recur_from == "completion":
        return occurrence_after(rule, start=completed_on, after=completed_on, at=at)
    return occurrence_after(rule, start=plan_date, after=max(plan_date, completed_on), at=at)


def first_due(rule: str, *, start: date) -> date:
    """The first due date of a new series starting on `start` (the start counts)."""
    found = occurrence_after(rule, start=start, after=start - timedelta(days=1))
    return found or start


def describe(rule: str) -> str:
    """A German phrase for a rule: the preset's label or the rule itself."""
    for label, preset in PRESETS:
        if preset == rule:
            return label
    return rule


@dataclass(frozen=True)
class CalendarRule:
    """A series as a calendar RRULE: the rule without UNTIL, and UNTIL as a local date."""

    rule: str
    until: date | None


def calendar_rule(rule: str, *, start: date, at: time | None = None) -> CalendarRule | None:
    """The RRULE a calendar expands to the same dates as completing each occurrence on time.

    `start` is the open occurrence (the event's DTSTART). None when no RRULE can say it:
    a plain monthly rule from the 29th to the 31st and a plain yearly one from 29.02. step
    with month-end clamping (31.01. → 28.02. → 28.03.), which RFC 5545 skips instead; and
    a rule with BY… parts whose pattern `start` does not fit (RFC 5545 counts DTSTART as an
    occurrence anyway, dateutil and this module do not).
    """
    parts = _parts(normalized(rule))
    until = _until(parts)
    if _simple_step(parts) is not None:
        if parts["FREQ"] == "MONTHLY" and start.day > 28:
            return None
        if parts["FREQ"] == "YEARLY" and (start.month, start.day) == (2, 29):
            return None
        if parts["FREQ"] == "YEARLY":
            parts["BYMONTH"] = str(start.month)
        parts["BYMONTHDAY"] = str(start.day)
    elif parts["FREQ"] == "WEEKLY" and not set(parts) - {"FREQ", "INTERVAL", "UNTIL", "WKST"}:
        parts["BYDAY"] = _WEEKDAYS[start.weekday()]
    else:
        dtstart = datetime.combine(start, at or time(0))
        first = _expanded(rule, dtstart=dtstart).after(dtstart, inc=True)
        if first is None or first.date() != start:
            return None
    parts.pop("UNTIL", None)
    return CalendarRule(rule=";".join(f"{k}={v}" for k, v in parts.items()), until=until)
