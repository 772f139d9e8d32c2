"""The nightly work of every feature in one place, for the app's scheduler and `run-due`.

Each step is idempotent for a given day (a second run books nothing new), so the app can
catch up at start and the command can be run by the OS task planner as often as wanted.
The steps stay separate so the scheduler can log and show a failure per step while the
others still run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.services.actors import SYSTEM
from app.services.clock import Clock
from app.services.errors import StorageError
from app.services.formatting import format_count
from app.services.loyalty.cards import LoyaltyService, RunReport
from app.services.loyalty.vouchers import VoucherService
from app.services.privacy.backups import BackupService
from app.services.privacy.erasure import PurgeResult
from app.services.privacy.service import PrivacyService
from app.services.sales.classification import ClassificationService
from app.services.settings import SettingsService

LAST_RUN_KEY = "nightly_last_run"
INTEGRITY_KEY = "integrity_checked"
# `quick_check` at every start misses damage inside indexes that `integrity_check` finds;
# the full check costs ~10 s at 100,000 customers, so it runs once a week before a backup.
FULL_CHECK_EVERY = timedelta(days=7)
BY = SYSTEM


@dataclass(frozen=True)
class ClassificationStep:
    changed: int  # customers whose class changed
    updated: int  # customers with any stored figure changed


@dataclass(frozen=True)
class LoyaltyStep:
    credited: RunReport
    expired: RunReport
    vouchers_expired: int


@dataclass(frozen=True)
class NightlyReport:
    as_of: date
    classification: ClassificationStep
    loyalty: LoyaltyStep
    purge: PurgeResult

    def as_dict(self) -> dict[str, Any]:
        return {
            "classification": {"changed": self.classification.changed,
                               "updated": self.classification.updated},
            "loyalty": {
                "credited": {"entries": self.loyalty.credited.entries,
                             "points": self.loyalty.credited.points,
                             "customers": self.loyalty.credited.customers},
                "expired": {"entries": self.loyalty.expired.entries,
                            "points": self.loyalty.expired.points,
                            "customers": self.loyalty.expired.customers},
                "vouchers_expired": self.loyalty.vouchers_expired,
            },
            "purge": {"customers_deleted": self.purge.customers_deleted,
                      "rows_deleted": self.purge.rows_deleted,
                      "numbers": list(self.purge.numbers)},
        }

    def lines(self) -> list[str]:
        """What each step did, in German, for the command line."""
        c, credited, expired = self.classification, self.loyalty.credited, self.loyalty.expired

        def customers(n: int) -> str:
            return format_count(n, "Kunde", "Kunden")

        def points(n: int) -> str:
            return format_count(n, "Punkt/Stempel", "Punkte/Stempel")

        return [
            f"Klassen: {c.changed} geändert, {customers(c.updated)} mit neuen Kennzahlen",
            f"Bonus: {points(credited.points)} für "
            f"{format_count(credited.entries, 'Umsatz', 'Umsätze')} gutgeschrieben "
            f"({customers(credited.customers)})",
            f"Bonus: {points(expired.points)} verfallen ({customers(expired.customers)})",
            f"Gutscheine: {self.loyalty.vouchers_expired} abgelaufen",
            f"Aufbewahrung: {customers(self.purge.customers_deleted)} und "
            f"{format_count(self.purge.rows_deleted, 'Datensatz', 'Datensätze')} "
            "endgültig gelöscht",
        ]


class NightlyService:
    """Composes the nightly steps; the services themselves know nothing of each other."""

    def __init__(self, clock: Clock, settings: SettingsService,
                 classification: ClassificationService, loyalty: LoyaltyService,
                 vouchers: VoucherService, privacy: PrivacyService,
                 backups: BackupService) -> None:
        self.clock = clock
        self.settings = settings
        self.classification = classification
        self.loyalty = loyalty
        self.vouchers = vouchers
        self.privacy = privacy
        self.backups = backups

    def classify(self, as_of: date | None = None) -> ClassificationStep:
        result = self.classification.recompute(as_of=as_of, by=BY, with_scores=False)
        return ClassificationStep(result.changed, result.updated)

    def book_loyalty(self, as_of: date | None = None) -> LoyaltyStep:
        """Credit sales first, so points earned before a year's end count before expiry."""
        return LoyaltyStep(self.loyalty.credit_sales(by=BY),
                           self.loyalty.expire(as_of=as_of, by=BY),
                           self.vouchers.mark_expired(as_of=as_of, by=BY))

    def purge(self, as_of: date | None = None) -> PurgeResult:
        return self.privacy.purge_expired(as_of, by=BY)

    def backup(self) -> bool:
        """The daily backup (once a day, when the data changed); True if one was made."""
        if self.backups.db.sqlite_path is None:
            return False
        self.check_integrity()
        return self.backups.backup_if_due(by=SYSTEM) is not None

    def check_integrity(self) -> bool:
        """The weekly full check; True if it ran. A damaged database is reported and not
        backed up, so its copy never pushes a good backup out of the rotation."""
        last = self.settings.get(INTEGRITY_KEY)
        today = self.clock.today()
        if last is not None and today - date.fromisoformat(last) < FULL_CHECK_EVERY:
            return False
        report = self.backups.check()
        if not report.ok:
            raise StorageError(
                "Die wöchentliche Prüfung hat die Datenbank beschädigt gefunden ("
                + "; ".join(report.problems[:3]) + "). Die Sicherung wurde nicht gemacht, "
                "damit keine gute Sicherung verdrängt wird; bitte eine Sicherung zurückspielen.")
        self.settings.set(INTEGRITY_KEY, today.isoformat())
        return True

    def run(self, as_of: date | None = None) -> NightlyReport:
        """Every step but the backup (its file name carries the real time, not `as_of`)."""
        day = as_of or self.clock.today()
        report = NightlyReport(day, self.classify(day), self.book_loyalty(day),
                               self.purge(day))
        self.mark_done(day)
        return report

    def due(self) -> bool:
        """True when no nightly run finished today (the app catches up at start)."""
        last = self.settings.get(LAST_RUN_KEY)
        return last is None or date.fromisoformat(last) < self.clock.today()

    def mark_done(self, day: date | None = None) -> None:
        day = day or self.clock.today()
        last = self.settings.get(LAST_RUN_KEY)
        if last is None or date.fromisoformat(last) < day:
            self.settings.set(LAST_RUN_KEY, day.isoformat())
