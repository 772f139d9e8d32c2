"""Per-PC, per-user preferences kept in QSettings (the shared ones live in the database)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

STAFF_NAME_KEY = "user/staff_name"


def staff_name() -> str:
    """The staff member working at this PC ("Ich bin"); empty until chosen."""
    value = QSettings().value(STAFF_NAME_KEY, "")
    return value if isinstance(value, str) else ""


def set_staff_name(name: str) -> None:
    QSettings().setValue(STAFF_NAME_KEY, name.strip())
