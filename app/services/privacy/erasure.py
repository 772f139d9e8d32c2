"""Löschen nach Art. 17 DSGVO: delete what no law requires keeping, anonymise the rest.

Only records the law requires keeping are listed in `RETAINED`; everything else the schema
links to the customer goes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from sqlalchemy import ColumnElement, Table, delete, false, func, select, text, true, update
from sqlalchemy.orm import Session

from app.models import Base, Customer
from app.services import audit, faults, timeline
from app.services.errors import StorageError
from app.services.privacy import scope, suppression
from app.services.privacy.retention import (
    RETAINED,
    RETENTION_LABELS,
    Retention,
    RetentionRule,
    period_end,
)
from app.services.privacy.vocabulary import TABLE_LABELS
from app.services.settings import store as store_setting

# Blanked on an anonymised customer; the number, kind, dates and class stay.
_PERSONAL_COLUMNS: dict[str, object] = {
    "salutation": "", "title": "", "first_name": "", "last_name": "", "company": "",
    "street": "", "postcode": "", "city": "", "email": "", "phone": "", "mobile": "",
    "birth_day": None, "birth_month": None, "birth_year": None, "notes": "", "owner": "",
    "sort_name": "", "search_text": "",
}


@dataclass(frozen=True)
class ErasurePlan:
    """What an erasure deletes and keeps; `kept_until` maps table → last day of keeping."""

    customer_id: int
    number: str
    deleted: dict[str, int]
    kept: dict[str, int]
    kept_until: dict[str, date]
    removes_customer: bool
    detached: dict[str, int] = field(default_factory=dict)  # kept, link to the person cut
    name: str = ""  # as it was before the erasure, for the closing message
    objection: bool = False  # a Werbewiderspruch goes onto the Sperrliste

    def summary(self) -> str:
        """The closing message: "Anneliese Müßig (K-000303) wurde gelöscht; aufbewahrt bis
        31.12.2035: 3 Belege"."""
        who = f"{self.name} ({self.number})" if self.name else self.number
        if not self.kept:
            return f"{who} wurde vollständig gelöscht."
        kept = "; ".join(
            f"bis {until:%d.%m.%Y}: {_counted(table, self.kept[table])}"
            for table, until in sorted(self.kept_until.items(), key=lambda item: item[1],
                                       reverse=True))
        return f"{who} wurde gelöscht; aufbewahrt {kept}."

    def describe(self) -> list[str]:
        """German lines for the confirmation dialog and the CLI."""
        lines = [f"Gelöscht werden: {TABLE_LABELS.get(t, t)} ({n})"
                 for t, n in self.deleted.items() if n]
        for table, count in self.kept.items():
            rule = next(r for r in RETAINED if r.table == table)
            lines.append(
                f"Aufbewahrt bis {self.kept_until[table]:%d.%m.%Y}: "
                f"{TABLE_LABELS.get(table, table)} ({count}) — "
                f"{RETENTION_LABELS[rule.category]}; danach automatisch gelöscht")
        for table, count in self.detached.items():
            lines.append(f"Bleibt ohne Bezug zur Person erhalten: {TABLE_LABELS.get(table, table)} "
                         f"({count}) — Buchhaltung")
        if self.removes_customer:
            lines.append("Der Kunde wird vollständig gelöscht.")
        else:
            lines.append(f"Die Kundennummer {self.number} bleibt ohne Namen und Anschrift "
                         "erhalten (gesperrt), solange Unterlagen aufbewahrt werden müssen.")
        if self.objection:
            lines.append("Der Werbewiderspruch bleibt als Prüfsumme auf der Werbesperrliste "
                         "(Art. 21 DSGVO), damit der Kunde auch nach einem neuen Import keine "
                         "Werbung bekommt.")
        return lines


# What is kept, counted: Belege (Buchungsbelege, § 147 Abs. 1 Nr. 4, Abs. 3 AO and § 257 Abs. 1
# Nr. 4, Abs. 4 HGB: 8 years since 2025; the setting keeps 10 by default) and Geschäftsbriefe
# (§ 147 Abs. 1 Nr. 2, 3 AO, § 257 Abs. 1 Nr. 2, 3, Abs. 4 HGB: 6 years), each counted from the
# end of the calendar year (§ 147 Abs. 4 AO, § 257 Abs. 5 HGB).
_KEPT_NOUNS = {"sales": ("Beleg", "Belege"), "interactions": ("Geschäftsbrief", "Geschäftsbriefe")}


def _counted(table: str, count: int) -> str:
    one, many = _KEPT_NOUNS.get(table, ("Unterlage", "Unterlagen"))
    return f"{count} {one if count == 1 else many}"


@dataclass(frozen=True)
class PurgeResult:
    customers_deleted: int
    rows_deleted: int
    numbers: tuple[str, ...] = field(default=())


def _record_date(value: object, zone: tzinfo) -> date:
    if isinstance(value, datetime):
        return (value.astimezone(zone) if value.tzinfo else value).date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


COMPACTION_PENDING = "compaction_pending"


def _not_compacted(reason: str) -> StorageError:
    return StorageError(
        f"Die Daten sind gelöscht, aber die Datenbankdatei konnte nicht verdichtet werden "
        f"({reason}); Reste können noch in freien Seiten stehen. Das wird beim Schließen des "
        "Fensters oder beim nächsten Start von Stammkunde nachgeholt, vor der nächsten "
        "Sicherung.")


class Erasure(Retention):
    """Löschen nach Art. 17 DSGVO and the nightly purge of records whose period ended."""

    def erasure_plan(self, customer_id: int, *, as_of: date | None = None) -> ErasurePlan:
        with self.db.read() as session:
            return self._plan(session, customer_id, as_of or self.clock.today())

    def erase(self, customer_id: int, *, by: str, as_of: date | None = None) -> ErasurePlan:
        """Löschen nach Art. 17: delete what no law requires keeping, anonymise the rest."""
        as_of = as_of or self.clock.today()
        now = self.clock.now()
        with self.db.write() as session:
            if self.db.is_sqlite:  # deleted content is overwritten with zeros
                session.execute(text("PRAGMA secure_delete = ON"))
            plan = self._plan(session, customer_id, as_of)
            customer = self._customer(session, customer_id)
            if customer.advertising_objection_at is not None:
                suppression.add(session, customer, at=now)
            self._delete_unretained(session, customer_id, as_of)
            if plan.removes_customer:
                session.expunge(customer)
                session.execute(delete(Customer).where(Customer.id == customer_id))
            else:
                for column, blank in _PERSONAL_COLUMNS.items():
                    setattr(customer, column, blank)
                customer.anonymized_at = now
                customer.archived_at = customer.archived_at or now
                customer.updated_at = now
                until = max(plan.kept_until.values())
                timeline.record(session, customer_id=customer_id, channel="system",
                                author=by, at=now,
                                subject=f"Daten gelöscht (Art. 17 DSGVO); Unterlagen "
                                        f"aufbewahrt bis {until:%d.%m.%Y}")
            audit.record(session, at=now, actor=by, action="erase", entity="customer",
                         entity_id=customer_id, customer_id=customer_id,
                         details={"number": plan.number, "deleted": plan.deleted,
                                  "kept": plan.kept, "as_of": as_of,
                                  "kept_until": {k: v.isoformat()
                                                 for k, v in plan.kept_until.items()}})
            store_setting(session, COMPACTION_PENDING, True)
            session.commit()
        faults.point("erase:committed")
        self.compact()
        return plan

    def purge_expired(self, as_of: date | None = None, *, by: str = "System") -> PurgeResult:
        """The nightly job: delete kept records whose period ended, then empty customers."""
        as_of = as_of or self.clock.today()
        now = self.clock.now()
        numbers: list[str] = []
        rows = 0
        with self.db.write() as session:
            if self.db.is_sqlite:  # deleted content is overwritten with zeros
                session.execute(text("PRAGMA secure_delete = ON"))
            anonymised = list(session.scalars(
                select(Customer).where(Customer.anonymized_at.is_not(None))))
            for customer in anonymised:
                removed = self._delete_expired(session, customer.id, as_of)
                rows += removed
                if not any(self._retained_counts(session, customer.id, as_of)[0].values()):
                    numbers.append(customer.number)
                    session.expunge(customer)
                    session.execute(delete(Customer).where(Customer.id == customer.id))
                    audit.record(session, at=now, actor=by, action="purge", entity="customer",
                                 entity_id=customer.id, customer_id=customer.id,
                                 details={"number": customer.number, "as_of": as_of})
            if rows or numbers:
                store_setting(session, COMPACTION_PENDING, True)
            session.commit()
        if rows or numbers:
            self.compact()
        return PurgeResult(len(numbers), rows, tuple(numbers))

    def compact(self) -> None:
        """Make deleted data unreadable in the file: merge the search index, VACUUM, and
        fold the WAL back into the database file.

        An erasure records this step as pending in its own transaction; it is cleared only
        when every part succeeded — a checkpoint that another reader blocked counts as
        failed — so a crash or a busy file leaves it for `finish_compaction` at the next start.
        """
        if not self.db.is_sqlite:
            return
        with self.db.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            try:
                raw.execute("INSERT INTO customer_fts(customer_fts) VALUES ('optimize')")
                blocked = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                raw.execute("VACUUM")
                blocked |= raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            except sqlite3.OperationalError as exc:
                raise _not_compacted(str(exc)) from exc
        if blocked:
            raise _not_compacted("ein anderes Programm liest gerade in der Datenbank")
        self.settings.set(COMPACTION_PENDING, False)

    def finish_compaction(self) -> bool:
        """At start: finish the compaction an erasure left pending; True if it ran."""
        if not self.db.is_sqlite or not self.settings.get(COMPACTION_PENDING, False):
            return False
        self.compact()
        return True

    def _plan(self, session: Session, customer_id: int, as_of: date) -> ErasurePlan:
        customer = self._customer(session, customer_id)
        kept, kept_until = self._retained_counts(session, customer_id, as_of)
        kept = {t: n for t, n in kept.items() if n}
        conditions, detach = scope.tables_of(customer_id, erasure=True)
        deleted: dict[str, int] = {}
        for name, condition in conditions.items():
            if name == "customers":
                continue
            table = Base.metadata.tables[name]
            total = int(session.scalar(select(func.count()).select_from(table)
                                       .where(condition)) or 0)
            deleted[name] = total - kept.get(name, 0)
        detached: dict[str, int] = {}
        for link in detach:
            count = int(session.scalar(select(func.count()).select_from(link.table)
                                       .where(link.condition)) or 0)
            if count:
                detached[link.table.name] = detached.get(link.table.name, 0) + count
        name = " ".join(p for p in (customer.first_name, customer.last_name) if p)
        return ErasurePlan(customer_id=customer_id, number=customer.number, deleted=deleted,
                           kept=kept, kept_until={t: kept_until[t] for t in kept},
                           removes_customer=not kept, detached=detached,
                           name=name or customer.company,
                           objection=customer.advertising_objection_at is not None)

    def _retained_filter(self, table: Table, rule: RetentionRule, customer_id: int
                         ) -> ColumnElement[bool]:
        condition = scope.data_tables(customer_id)[rule.table]
        if rule.channel is not None:
            condition = condition & (table.c.channel == rule.channel)
        return condition

    def _retained_counts(self, session: Session, customer_id: int, as_of: date
                         ) -> tuple[dict[str, int], dict[str, date]]:
        years = self.retention()
        counts: dict[str, int] = {}
        until: dict[str, date] = {}
        for rule in RETAINED:
            table = Base.metadata.tables[rule.table]
            dates = session.scalars(select(table.c[rule.date_column])
                                    .where(self._retained_filter(table, rule, customer_id)))
            ends = [period_end(_record_date(d, self.clock.zone), years[rule.category])
                    for d in dates]
            live = [end for end in ends if end >= as_of]
            counts[rule.table] = counts.get(rule.table, 0) + len(live)
            if live:
                until[rule.table] = max(max(live), until.get(rule.table, date.min))
        return counts, until

    def _delete_expired(self, session: Session, customer_id: int, as_of: date) -> int:
        years = self.retention()
        removed = 0
        for rule in RETAINED:
            table = Base.metadata.tables[rule.table]
            condition = self._retained_filter(table, rule, customer_id)
            expired = [
                row_id for row_id, value in session.execute(
                    select(table.c.id, table.c[rule.date_column]).where(condition))
                if period_end(_record_date(value, self.clock.zone), years[rule.category]) < as_of
            ]
            if expired:
                session.execute(delete(table).where(table.c.id.in_(expired)))
                removed += len(expired)
        return removed

    def _delete_unretained(self, session: Session, customer_id: int, as_of: date) -> None:
        self._delete_expired(session, customer_id, as_of)
        conditions, detach = scope.tables_of(customer_id, erasure=True)
        for link in detach:
            session.execute(update(link.table).where(link.condition)
                            .values({link.column.name: None}))
        # Children first, so nothing depends on a row when it goes.
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in conditions or table.name == "customers":
                continue
            keep: ColumnElement[bool] = false()
            for rule in RETAINED:
                if rule.table == table.name:
                    keep = (table.c.channel == rule.channel) if rule.channel else true()
            session.execute(delete(table).where(conditions[table.name], ~keep))
