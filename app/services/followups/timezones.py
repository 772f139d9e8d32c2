"""The VTIMEZONE block of an exported calendar, in the yearly-rule form Outlook and Google
write ("last Sunday in March, last Sunday in October").

icalendar's `add_missing_timezones` lists every change of the zone's past as RDATEs and
stops in 2037; readers that go by the file's own time-zone block (rather than by the TZID's
name) then show a summer appointment an hour early after the last listed date, and some
ignore RDATEs altogether. A zone whose changes follow one yearly rule is written as that
rule; any other zone gets no block and the events are written in UTC, which every reader
understands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from icalendar import Timezone

_CHECKED_YEARS = 5  # the rule has to hold from this year on for so many years
_RULE_BASE_YEAR = 1970  # DTSTART of each rule, as Google writes it


@dataclass(frozen=True)
class _Change:
    """One yearly change: on the `week`th (-1 last) Sunday of `month` at `local` o'clock
    (week 0: the zone never changes)."""

    month: int
    week: int
    local: timedelta  # wall-clock time before the change, from midnight
    offset_from: timedelta
    offset_to: timedelta
    name: str

    def day(self, year: int) -> date:
        first = date(year, self.month, 1)
        if self.week == 0:  # no change in this zone: its block starts on New Year's Day
            return first
        sunday = first + timedelta(days=(6 - first.weekday()) % 7)
        if self.week > 0:
            return sunday + timedelta(weeks=self.week - 1)
        last = sunday
        while (last + timedelta(weeks=1)).month == self.month:
            last += timedelta(weeks=1)
        return last


def vtimezone(zone: tzinfo, *, year: int) -> Timezone | None:
    """The zone as a VTIMEZONE with yearly rules; None if it has no such rules (use UTC)."""
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

    if not isinstance(zone, ZoneInfo):
        return None
    changes = _yearly_changes(zone, year)
    if changes is None:
        return None
    block = Timezone()
    block.add("tzid", zone.key)
    for change in changes:
        daylight = change.offset_to > change.offset_from
        part = TimezoneDaylight() if daylight else TimezoneStandard()
        start = datetime.combine(change.day(_RULE_BASE_YEAR), datetime.min.time()) + change.local
        part.add("dtstart", start)
        if change.offset_from != change.offset_to:
            part.add("rrule", {"freq": "yearly", "bymonth": change.month,
                               "byday": f"{change.week}SU"})
        part.add("tzoffsetfrom", change.offset_from)
        part.add("tzoffsetto", change.offset_to)
        part.add("tzname", change.name)
        block.add_component(part)
    return block


def _yearly_changes(zone: ZoneInfo, year: int) -> list[_Change] | None:
    """The zone's changes of `year` as Sunday rules, if the same rules hold for the next
    years; one part without change for a zone without summer time; None for anything else."""
    rules = _rules(zone, year)
    if rules is None or len(rules) not in (0, 2):
        return None
    if not rules:
        return _fixed(zone, year)
    if any(_rules(zone, later) != rules for later in range(year + 1, year + _CHECKED_YEARS)):
        return None
    return rules


def _rules(zone: ZoneInfo, year: int) -> list[_Change] | None:
    changes = [_as_rule(zone, moment) for moment in _transitions(zone, year)]
    found = [c for c in changes if c is not None]
    return found if len(found) == len(changes) else None


def _fixed(zone: ZoneInfo, year: int) -> list[_Change]:
    """A zone without summer time: one standard part without a rule's changes."""
    offset = datetime(year, 1, 1, tzinfo=zone).utcoffset() or timedelta(0)
    name = datetime(year, 1, 1, tzinfo=zone).tzname() or zone.key
    return [_Change(1, 0, timedelta(0), offset, offset, name)]


def _transitions(zone: ZoneInfo, year: int) -> list[datetime]:
    """The UTC instants in `year` at which the zone's offset changes (found by day, then
    by the hour)."""
    found: list[datetime] = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    offset = moment.astimezone(zone).utcoffset()
    while moment < end:
        following = moment + timedelta(days=1)
        if following.astimezone(zone).utcoffset() != offset:
            hour = moment
            while (hour + timedelta(hours=1)).astimezone(zone).utcoffset() == offset:
                hour += timedelta(hours=1)
            found.append(hour + timedelta(hours=1))
            offset = following.astimezone(zone).utcoffset()
        moment = following
    return found


def _as_rule(zone: ZoneInfo, instant: datetime) -> _Change | None:
    before = (instant - timedelta(hours=1)).astimezone(zone)
    after = instant.astimezone(zone)
    offset_from, offset_to = before.utcoffset(), after.utcoffset()
    if offset_from is None or offset_to is None:
        return None
    local = (instant + offset_from).replace(tzinfo=None)
    day = local.date()
    week = -1 if (day + timedelta(weeks=1)).month != day.month else (day.day - 1) // 7 + 1
    if day.weekday() != 6:
        return None
    return _Change(day.month, week, local - datetime.combine(day, datetime.min.time()),
                   offset_from, offset_to, after.tzname() or zone.key)
