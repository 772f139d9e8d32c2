"""What a user action changed, so each view can decide whether to refresh (Anki's OpChanges).

Nobody states the changes by hand: `ChangeTracker` derives them from the rows each committed
transaction wrote — ORM objects with their customer, bulk and raw writes by table — and hands
them to its subscribers (the window's change bus). A view that shows something a write touched
therefore refreshes, whichever service, dialog, rule or background job wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session


class Domain(StrEnum):
    CUSTOMERS = "customers"
    TIMELINE = "timeline"
    SALES = "sales"
    CLASSES = "classification"
    SEGMENTS = "segments"
    FEEDBACK = "feedback"
    LOYALTY = "loyalty"
    FOLLOWUPS = "followups"
    LETTERS = "letters"
    SETTINGS = "settings"
    PRIVACY = "privacy"
    CONTRACTS = "contracts"
    CLUB = "club"
    REFERRALS = "referrals"
    EMAIL = "email"


# Every table → the domain whose views show it, or None for bookkeeping no view shows
# (tests/services/test_changes.py checks that every table of the models is here).
TABLE_DOMAINS: Mapping[str, Domain | None] = {
    "counters": None,
    "customers": Domain.CUSTOMERS, "customer_fts": Domain.CUSTOMERS,
    "addresses": Domain.CUSTOMERS, "contact_persons": Domain.CUSTOMERS,
    "customer_tags": Domain.CUSTOMERS, "tags": Domain.CUSTOMERS,
    "customer_import_logs": Domain.CUSTOMERS,
    "interactions": Domain.TIMELINE,
    "sales": Domain.SALES,
    "class_assignments": Domain.CLASSES,
    "saved_segments": Domain.SEGMENTS,
    "feedback": Domain.FEEDBACK, "complaints": Domain.FEEDBACK,
    "loyalty_programs": Domain.LOYALTY, "loyalty_rewards": Domain.LOYALTY,
    "loyalty_accounts": Domain.LOYALTY, "bonus_cards": Domain.LOYALTY,
    "points_entries": Domain.LOYALTY, "customer_discounts": Domain.LOYALTY,
    "vouchers": Domain.LOYALTY, "voucher_entries": Domain.LOYALTY,
    "followups": Domain.FOLLOWUPS, "maintenance_objects": Domain.FOLLOWUPS,
    "rules": Domain.FOLLOWUPS, "rule_firings": Domain.FOLLOWUPS,
    "call_list_dismissals": Domain.FOLLOWUPS,
    "letter_templates": Domain.LETTERS, "mailings": Domain.LETTERS,
    "mailing_recipients": Domain.LETTERS, "letter_queue": Domain.LETTERS,
    "settings": Domain.SETTINGS,
    "consents": Domain.PRIVACY, "suppressions": Domain.PRIVACY,
    "audit_entries": Domain.PRIVACY,
    "contracts": Domain.CONTRACTS, "contract_objects": Domain.CONTRACTS,
    "club_levels": Domain.CLUB, "club_memberships": Domain.CLUB,
    "referrals": Domain.REFERRALS, "referral_rewards": Domain.REFERRALS,
    "email_messages": Domain.EMAIL, "email_templates": Domain.EMAIL,
    "email_attachments": Domain.EMAIL, "email_message_attachments": Domain.EMAIL,
}

Scope = frozenset[int] | None  # the customers a domain's change touched; None: possibly all


def _merged(a: Scope, b: Scope) -> Scope:
    return None if a is None or b is None else a | b


@dataclass(frozen=True)
class Changes:
    """Per domain, the customers whose data changed (None: possibly every customer)."""

    scopes: Mapping[Domain, Scope] = field(default_factory=dict)

    @classmethod
    def of(cls, *domains: Domain, customers: Iterable[int] = ()) -> Changes:
        ids = frozenset(customers)
        return cls({domain: ids or None for domain in domains})

    @classmethod
    def everything(cls) -> Changes:
        """After the whole database was replaced (a restore)."""
        return cls.of(*Domain)

    @property
    def domains(self) -> frozenset[Domain]:
        return frozenset(self.scopes)

    def customers(self, domain: Domain) -> Scope:
        """The customers `domain` changed for; None if possibly all (or the domain is untouched)."""
        return self.scopes.get(domain)

    def touches(self, domain: Domain, customer_id: int | None = None) -> bool:
        if domain not in self.scopes:
            return False
        scope = self.scopes[domain]
        return customer_id is None or scope is None or customer_id in scope

    def __or__(self, other: Changes) -> Changes:
        scopes = dict(self.scopes)
        for domain, scope in other.scopes.items():
            scopes[domain] = _merged(scopes[domain], scope) if domain in scopes else scope
        return Changes(scopes)

    def __bool__(self) -> bool:
        return bool(self.scopes)


_WRITE = re.compile(r'^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)'
                    r'\s+"?(\w+)"?', re.IGNORECASE)
_PENDING = "stammkunde.changes"  # Connection.info: table → Scope written in this transaction
_FLUSHING = "stammkunde.flushing"
_COMMITTED = "stammkunde.committed"  # Connection.info: (tracker, Changes) until the commit is done
_CONNECTION = "stammkunde.connection"  # Session.info: the connection of its transaction


def _record(conn: Connection, table: str, customer_id: int | None) -> None:
    pending: dict[str, Scope] = conn.info.setdefault(_PENDING, {})
    scope: Scope = None if customer_id is None else frozenset({customer_id})
    pending[table] = _merged(pending[table], scope) if table in pending else scope


def _after_begin(session: Session, _transaction: Any, connection: Connection) -> None:
    session.info[_CONNECTION] = connection


def _after_commit(session: Session) -> None:
    """The database has committed: now readers see the rows, so the views may refresh."""
    conn = session.info.pop(_CONNECTION, None)
    committed = conn.info.pop(_COMMITTED, None) if conn is not None else None
    if committed is not None:
        tracker, changes = committed
        tracker.notify(changes)


def _after_rollback(session: Session) -> None:
    session.info.pop(_CONNECTION, None)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    session.connection().info[_FLUSHING] = True


def _after_flush(session: Session, _context: Any) -> None:
    """ORM writes: each object's table with its customer."""
    conn = session.connection()
    conn.info[_FLUSHING] = False
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table is None:
            continue
        customer = obj.id if table == "customers" else getattr(obj, "customer_id", None)
        _record(conn, table, customer if isinstance(customer, int) else None)


class ChangeTracker:
    """Tells its subscribers what each committed transaction on `engine` changed.

    Subscribers are called in the thread that committed: the window's change bus hands them to
    the GUI thread."""

    def __init__(self, engine: Engine) -> None:
        self._subscribers: list[Callable[[Changes], None]] = []
        if not event.contains(Session, "before_flush", _before_flush):
            event.listen(Session, "after_begin", _after_begin)
            event.listen(Session, "before_flush", _before_flush)
            event.listen(Session, "after_flush", _after_flush)
            event.listen(Session, "after_commit", _after_commit)
            event.listen(Session, "after_rollback", _after_rollback)
        event.listen(engine, "before_cursor_execute", self._executing)
        event.listen(engine, "commit", self._committed)
        event.listen(engine, "rollback", self._discarded)

    def subscribe(self, callback: Callable[[Changes], None]) -> None:
        self._subscribers.append(callback)

    def unsubscribe(self, callback: Callable[[Changes], None]) -> None:
        self._subscribers.remove(callback)

    @staticmethod
    def _executing(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        """Bulk and raw writes (and ORM writes, which `_after_flush` narrows to customers)."""
        if conn.info.get(_FLUSHING):
            return
        if match := _WRITE.match(statement):
            _record(conn, match.group(1).lower(), None)

    def notify(self, changes: Changes) -> None:
        for callback in list(self._subscribers):
            callback(changes)

    def _committed(self, conn: Connection) -> None:
        """Called just before the database commits: the session tells after it did."""
        pending: dict[str, Scope] = conn.info.pop(_PENDING, {})
        if not pending or not self._subscribers:
            return
        changes = Changes()
        for table, scope in pending.items():
            if table not in TABLE_DOMAINS:
                changes |= Changes.everything()  # a table nobody mapped: refresh it all
            elif (domain := TABLE_DOMAINS[table]) is not None:
                changes |= Changes({domain: scope})
        if changes:
            conn.info[_COMMITTED] = (self, changes)

    @staticmethod
    def _discarded(conn: Connection) -> None:
        for key in (_PENDING, _FLUSHING, _COMMITTED):
            conn.info.pop(key, None)
