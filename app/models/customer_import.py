"""The customer import log: which file was imported when, by whom, with what outcome."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime


class CustomerImportLog(Base):
    """One applied import; `rejected` holds the refused rows as JSON [{line, reason}] and
    the imported rows that left fields empty as [{line, fields}] (field names, no values)."""

    __tablename__ = "customer_import_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(260))
    file_format: Mapped[str] = mapped_column(String(16))  # csv | xlsx | vcard
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    imported_by: Mapped[str] = mapped_column(String(128), default="")
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    merged: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    rejected_count: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[str] = mapped_column(Text, default="[]")  # JSON
    mapping: Mapped[str] = mapped_column(Text, default="{}")  # JSON: header → field
