"""How long records the law requires keeping are kept, counted per calendar year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.services import audit
from app.services.errors import ValidationError
from app.services.privacy.base import PrivacyBase

invalid = ValidationError.labelled({})
RETENTION_KEY = "privacy_retention"
audit.name_values("key", {RETENTION_KEY: "Aufbewahrungsfristen"})
# Years a record must be kept, counted from the end of the calendar year of its date.
DEFAULT_RETENTION: dict[str, int] = {"sales": 10, "letters": 6}
RETENTION_LABELS: dict[str, str] = {
    "sales": "Belege/Umsätze (§ 147 AO, § 257 HGB)",
    "letters": "Geschäftsbriefe (§ 257 HGB)",
}


@dataclass(frozen=True)
class RetentionRule:
    """Rows of `table` (dated by `date_column`) the law requires keeping for a period."""

    table: str
    date_column: str
    category: str
    channel: str | None = None  # for the timeline: only entries of this channel


RETAINED: tuple[RetentionRule, ...] = (
    RetentionRule("sales", "sale_date", "sales"),
    RetentionRule("interactions", "occurred_at", "letters", channel="letter"),
)


def period_end(record_date: date, years: int) -> date:
    """The last day a record must be kept: end of its calendar year plus `years` years."""
    return date(record_date.year + years, 12, 31)


class Retention(PrivacyBase):
    """The retention periods, as the business set them within the legal minimum."""

    def retention(self) -> dict[str, int]:
        stored = self.settings.get(RETENTION_KEY, {}) or {}
        return {key: int(stored.get(key, default)) for key, default in DEFAULT_RETENTION.items()}

    def set_retention(self, years: dict[str, int], *, by: str) -> dict[str, int]:
        errors = {}
        for key, value in years.items():
            if key not in DEFAULT_RETENTION:
                errors[key] = "unbekannte Aufbewahrungsart"
            elif not 1 <= int(value) <= 30:
                errors[key] = "1 bis 30 Jahre"
            elif int(value) < DEFAULT_RETENTION[key] and key == "sales" and int(value) < 8:
                errors[key] = "Belege mindestens 8 Jahre (Buchungsbelege, § 147 AO)"
        if errors:
            raise invalid(errors)
        merged = {**self.retention(), **{k: int(v) for k, v in years.items()}}
        self.settings.set(RETENTION_KEY, merged)
        with self.db.write() as session:
            audit.record(session, at=self.clock.now(), actor=by, action="settings",
                         entity="setting", details={"key": RETENTION_KEY, "value": merged})
            session.commit()
        return merged
