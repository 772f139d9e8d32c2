"""Follow-ups (Wiedervorlagen), maintenance objects, automatic rules and the letter list.

Due dates are local wall-clock values (a date and an optional time in Europe/Berlin), not
instants: a 09:00 call stays 09:00 across the change to summer time.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime


class MaintenanceObject(Base):
    """Something under service at a customer's (Wartungsobjekt), e.g. a gas boiler."""

    __tablename__ = "maintenance_objects"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    # One of the customer's extra addresses (Objektadresse); none means the main address.
    address_id: Mapped[int | None] = mapped_column(
        ForeignKey("addresses.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(String(200))
    model: Mapped[str] = mapped_column(String(200), default="")
    year_built: Mapped[int | None] = mapped_column(Integer)
    rrule: Mapped[str] = mapped_column(String(200))  # the Wartungsintervall
    last_service: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Rule(Base):
    """An automatic trigger: a kind with its parameters and its actions."""

    __tablename__ = "rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(128))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON, per kind
    create_followup: Mapped[bool] = mapped_column(Boolean, default=True)
    subject_template: Mapped[str] = mapped_column(String(200), default="")
    assignee: Mapped[str] = mapped_column(String(128), default="")  # "" = the Betreuer
    letter_template: Mapped[str] = mapped_column(String(64), default="")  # "" = no letter
    # The last day whose occasions were processed; the next run starts the day after.
    last_processed: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FollowUp(Base):
    __tablename__ = "followups"
    __table_args__ = (Index("ix_followups_status_due", "status", "due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_persons.id", ondelete="SET NULL")
    )
    due_date: Mapped[date] = mapped_column(Date)
    due_time: Mapped[time | None] = mapped_column(Time)  # local wall clock; none = all day
    subject: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    assignee: Mapped[str] = mapped_column(String(128), default="")
    priority: Mapped[int] = mapped_column(Integer, default=2)  # 1 high, 2 normal, 3 low
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | done | snoozed
    rrule: Mapped[str] = mapped_column(String(200), default="")  # RFC 5545, "" = once
    recur_from: Mapped[str] = mapped_column(String(16), default="completion")  # | plan
    outcome: Mapped[str] = mapped_column(Text, default="")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("rules.id", ondelete="SET NULL"))
    maintenance_object_id: Mapped[int | None] = mapped_column(
        ForeignKey("maintenance_objects.id", ondelete="SET NULL"), index=True
    )
    revision: Mapped[int] = mapped_column(Integer, default=0)  # iCalendar SEQUENCE
    # One id for all occurrences of a recurring follow-up (the calendar UID of the series);
    # the next occurrence inherits it on completion. None for one that never recurred.
    series_id: Mapped[str | None] = mapped_column(String(36))
    created_by: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RuleFiring(Base):
    """One rule fired once for one customer and occasion; the unique key is the idempotence."""

    __tablename__ = "rule_firings"
    __table_args__ = (UniqueConstraint("rule_id", "customer_id", "occasion_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("rules.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    occasion_key: Mapped[str] = mapped_column(String(64))
    fired_on: Mapped[date] = mapped_column(Date)  # the processed day, not the wall-clock day
    followup_id: Mapped[int | None] = mapped_column(
        ForeignKey("followups.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LetterQueueEntry(Base):
    """A customer put on the letter list for a template; the letters feature prints it."""

    __tablename__ = "letter_queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    template_key: Mapped[str] = mapped_column(String(64), index=True)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("rules.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CallListDismissal(Base):
    """A call-list suggestion hidden until a day ("für N Tage ausblenden")."""

    __tablename__ = "call_list_dismissals"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    until: Mapped[date] = mapped_column(Date)
