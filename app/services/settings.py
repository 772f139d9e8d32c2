"""Settings kept in the database, so every PC on the same data sees the same ones."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.models import Setting
from app.services.errors import ValidationError

invalid = ValidationError.labelled({"staff": "Mitarbeiter"})

STAFF_KEY = "staff"


class SettingsService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, key: str, default: Any = None) -> Any:
        with self.db.read() as session:
            raw = session.scalar(select(Setting.value).where(Setting.key == key))
        return default if raw is None else json.loads(raw)

    def set(self, key: str, value: Any) -> None:
        with self.db.write() as session:
            store(session, key, value)
            session.commit()

    def staff(self) -> list[str]:
        """The staff members a customer can be assigned to (Betreuer) or a task to."""
        return list(self.get(STAFF_KEY, []))

    def set_staff(self, names: list[str]) -> list[str]:
        cleaned = []
        for name in names:
            name = name.strip()
            if name and name not in cleaned:
                cleaned.append(name)
        if any(len(n) > 128 for n in cleaned):
            raise invalid({"staff": "Namen höchstens 128 Zeichen"})
        self.set(STAFF_KEY, cleaned)
        return cleaned


def store(session: Session, key: str, value: Any) -> None:
    """Set `key` inside the caller's unit of work (so it commits with the caller's change)."""
    encoded = json.dumps(value, ensure_ascii=False)
    setting = session.get(Setting, key)
    if setting is None:
        session.add(Setting(key=key, value=encoded))
    else:
        setting.value = encoded


def read(session: Session, key: str, default: Any = None) -> Any:
    """The value of `key` inside the caller's unit of work."""
    raw = session.scalar(select(Setting.value).where(Setting.key == key))
    return default if raw is None else json.loads(raw)
