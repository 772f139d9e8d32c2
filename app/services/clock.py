"""The injected clock: every service asks it for the time, tests fix it."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Europe/Berlin")


class Clock(Protocol):
    zone: tzinfo

    def now(self) -> datetime:
        """The current moment, timezone-aware, in the shop's zone."""
        ...

    def today(self) -> date: ...


class SystemClock:
    def __init__(self, zone: tzinfo = LOCAL_ZONE) -> None:
        self.zone = zone

    def now(self) -> datetime:
        return datetime.now(UTC).astimezone(self.zone)

    def today(self) -> date:
        return self.now().date()


class FixedClock:
    """A clock that stands still until moved; for tests and `--as-of` runs."""

    def __init__(self, moment: datetime, zone: tzinfo = LOCAL_ZONE) -> None:
        self.zone = zone
        self._moment = moment if moment.tzinfo else moment.replace(tzinfo=zone)

    def now(self) -> datetime:
        return self._moment.astimezone(self.zone)

    def today(self) -> date:
        return self.now().date()

    def set(self, moment: datetime) -> None:
        self._moment = moment if moment.tzinfo else moment.replace(tzinfo=self.zone)
