"""Importing sales from an accounting or invoicing export (CSV as German Excel writes it, .xlsx).

Every row ends in exactly one of three groups — to add, skipped as already present (its
document number is in the database or earlier in the file), rejected with its file line and
a German reason — so no row silently disappears. `apply` runs the same plan inside one write
transaction and bulk-inserts: all or nothing, or with `skip_invalid` only the valid rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.db import Database
from app.models import Interaction, Sale
from app.services import actors, bulk
from app.services.clock import Clock
from app.services.customers.creating import NewCustomer, create_customers, new_customer
from app.services.customers.dto import CustomerInput
from app.services.customers.numbers import NumberAllocator
from app.services.customers.rules import validated
from app.services.errors import ValidationError
from app.services.formatting import format_cents, format_count, parse_cents, parse_date
from app.services.progress import NO_PROGRESS, Progress
from app.services.sales.service import DOCUMENT_NO_MAX
from app.services.tabular import decode, match_columns, read_table, sniff_delimiter

# Header spellings recognised (compared without case, spaces and punctuation).
SALES_ALIASES: dict[str, tuple[str, ...]] = {
    "customer_no": ("Kundennummer", "Kunden-Nr.", "customer_no"),
    "sale_date": ("Datum", "Rechnungsdatum", "date"),
    "amount": ("Betrag", "Brutto", "Netto", "amount"),
    "document_no": ("Belegnummer", "Rechnungsnummer", "document_no"),
    "description": ("Text", "Beschreibung", "description"),
    "name": ("Name",),
    "company": ("Firma",),
    "first_name": ("Vorname",),
    "last_name": ("Nachname",),
    "postcode": ("PLZ",),
    "city": ("Ort",),
}
REQUIRED = ("customer_no", "sale_date", "amount", "document_no")
COLUMN_LABELS = {"customer_no": "Kundennummer", "sale_date": "Datum", "amount": "Betrag",
                 "document_no": "Belegnummer"}
_COMPANY_FORMS = re.compile(r"\b(GmbH|AG|KG|OHG|GbR|UG|e\.\s?K\.|e\.\s?V\.|mbH|Co\.)(?=\W|$)")
# "1.234,56" / "1234,56" / "12" (German) and "1234.56" (English): read without Decimal.
# At most 999.999.999,99 (formatting.MAX_CENTS): anything longer takes `parse_cents`, which
# names the bound, instead of overflowing the database's integer in the middle of the insert.
_GERMAN_AMOUNT = re.compile(r"(-?)(\d{1,3}(?:\.\d{3}){1,2}|\d{1,9})(?:,(\d\d?))?")
_ENGLISH_AMOUNT = re.compile(r"(-?)(\d{1,9})\.(\d\d?)")
_INSERT_BATCH = 20_000
# From this many rows (and at least half the table) the indexes are rebuilt after the insert.
REBUILD_MIN_ROWS = 50_000
_SQLITE_CACHE_KIB = 128 * 1024
_SQLITE_INSERT = ("INSERT INTO sales (customer_id, sale_date, amount_cents, description, "
                  "document_no, created_at) VALUES (?, ?, ?, ?, ?, ?)")


class SaleRow(NamedTuple):
    """One row that will be added (a NamedTuple: a million of them must stay cheap)."""

    line: int
    customer_no: str
    sale_date: date
    amount_cents: int
    document_no: str
    description: str


class SkippedRow(NamedTuple):
    line: int
    document_no: str
    reason: str


class RejectedRow(NamedTuple):
    line: int
    reason: str
    text: str  # the row as it stood in the file, for the user to find it


@dataclass(frozen=True)
class SalesImportReport:
    file: str
    rows: int
    to_add: tuple[SaleRow, ...]
    skipped: tuple[SkippedRow, ...]
    rejected: tuple[RejectedRow, ...]
    new_customers: tuple[str, ...]  # numbers created (apply) or to be created (preview)
    amount_cents: int  # sum of the rows to add
    applied: bool = False
    encoding: str | None = None
    delimiter: str | None = None
    classes_changed: int = 0

    def summary(self) -> str:
        """The same German lines for the CLI, the dialog and the log."""
        verb = "übernommen" if self.applied else "werden übernommen"
        lines = [
            f"{self.file}: {format_count(self.rows, 'Zeile', 'Zeilen')} gelesen",
            f"  {format_count(len(self.to_add), 'Umsatz', 'Umsätze')} {verb} "
            f"({format_cents(self.amount_cents)})",
            f"  {len(self.skipped)} übersprungen (schon vorhanden)",
            f"  {len(self.rejected)} abgelehnt",
        ]
        if self.new_customers:
            state = "angelegt" if self.applied else "werden angelegt"
            lines.append(f"  {len(self.new_customers)} neue Kunden {state}")
        if self.rejected and not self.applied:
            lines.append("  Nichts übernommen, solange Zeilen abgelehnt sind "
                         "(oder abgelehnte Zeilen überspringen).")
        return "\n".join(lines)


# One row of the file: (line in the file, cell texts as read, not stripped).
_Record = tuple[int, Sequence[str]]


@dataclass(frozen=True)
class _Source:
    path: Path
    header: tuple[str, ...]
    rows: list[_Record]
    encoding: str | None
    delimiter: str | None


def read_sales_file(path: Path) -> _Source:
    """The file's rows: plain CSV on the fast path, everything else through read_table."""
    if path.suffix.lower() not in (".xlsx", ".xlsm") and path.is_file():
        plain = _read_plain_csv(path)
        if plain is not None:
            return plain
    table = read_table(path)
    return _Source(table.path, table.header, [(row.line, row.values) for row in table.rows],
                   table.encoding, table.delimiter)


def _read_plain_csv(path: Path) -> _Source | None:
    """A CSV file without any quote character, read by splitting lines at the delimiter.

    Without quotes every record is one line and a field cannot contain the delimiter, so
    this gives exactly what `tabular.read_table` gives (same decoding, delimiter sniffing,
    line numbers and skipped blank lines), several times faster for a million rows. Files
    with quotes or anything unusual return None and take the careful reader.
    """
    text, encoding = decode(path.read_bytes(), path)
    if '"' in text or "\x00" in text:
        return None
    delimiter = sniff_delimiter(text)
    header: tuple[str, ...] | None = None
    rows: list[_Record] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    maybe_blank = " \t\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0" + delimiter
    for number, line in enumerate(lines, start=1):
        # the cheap first-character test spares the full blank check on nearly every line
        if (not line or line[0] in maybe_blank) and not line.replace(delimiter, "").strip():
            continue
        if header is None:
            header = tuple(value.strip() for value in line.split(delimiter))
        else:
            rows.append((number, line.split(delimiter)))
    if header is None:
        return None
    return _Source(path, header, rows, encoding, delimiter)


@dataclass
class _Plan:
    to_add: list[SaleRow] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    new_customers: dict[str, NewCustomer] = field(default_factory=dict)


def fast_cents(text: str) -> int:
    """`parse_cents` with a fast path for the plain forms that make up nearly every export."""
    match = _GERMAN_AMOUNT.fullmatch(text) or _ENGLISH_AMOUNT.fullmatch(text)
    if match is None:  # "1234,56 €", "EUR 5", "1,234.56" …
        return parse_cents(text)
    sign, euros, cents = match.groups()
    value = int(euros.replace(".", "")) * 100 + (int(cents.ljust(2, "0")) if cents else 0)
    return -value if sign else value


def _cell(values: Sequence[str], index: int | None) -> str:
    return values[index].strip() if index is not None and index < len(values) else ""


def _customer_input(values: Sequence[str], cols: dict[str, int], number: str
                    ) -> CustomerInput | None:
    """The customer a row describes by name (Name/Firma/Vorname/Nachname/PLZ/Ort), if any."""
    company = _cell(values, cols.get("company"))
    first = _cell(values, cols.get("first_name"))
    last = _cell(values, cols.get("last_name"))
    name = _cell(values, cols.get("name"))
    if not (company or last or name):
        return None
    if not company and not last:
        if _COMPANY_FORMS.search(name):
            company = name
        else:
            first, _sep, last = name.rpartition(" ")
    return CustomerInput(
        kind="business" if company and not last else "private",
        first_name=first, last_name=last, company=company,
        postcode=_cell(values, cols.get("postcode")), city=_cell(values, cols.get("city")),
        number=number)


class SalesImportService:
    def __init__(self, db: Database, clock: Clock,
                 after_import: Callable[[], int] | None = None) -> None:
        """`after_import` recomputes the classes; it returns how many changed."""
        self.db = db
        self.clock = clock
        self.after_import = after_import

    def preview(self, path: Path, *, create_missing: bool = False,
                progress: Progress = NO_PROGRESS) -> SalesImportReport:
        with bulk.paused_gc():
            return self._preview(path, create_missing, progress)

    def _preview(self, path: Path, create_missing: bool, progress: Progress
                 ) -> SalesImportReport:
        table = read_sales_file(path)
        with self.db.read() as session:
            plan = self._plan(session, table, create_missing, progress)
        return self._report(table, plan, applied=False)

    def apply(self, path: Path, *, create_missing: bool = False, skip_invalid: bool = False,
              by: str = "", progress: Progress = NO_PROGRESS) -> SalesImportReport:
        """Add the rows in one transaction; refused while rows are rejected (unless skipped)."""
        with bulk.paused_gc():
            report = self._apply(path, create_missing, skip_invalid, by, progress)
        changed = self.after_import() if self.after_import and report.to_add else 0
        return replace(report, classes_changed=changed)

    def _apply(self, path: Path, create_missing: bool, skip_invalid: bool, by: str,
               progress: Progress) -> SalesImportReport:
        table = read_sales_file(path)
        now = self.clock.now()
        with self.db.write() as session:
            plan = self._plan(session, table, create_missing, progress)
            if plan.rejected and not skip_invalid:
                first = plan.rejected[0]
                raise ValidationError({"file": (
                    f"„{path.name}“: {format_count(len(plan.rejected), 'Zeile', 'Zeilen')} "
                    "abgelehnt, nichts übernommen "
                    f"(erste: Zeile {first.line}: {first.reason})")})
            ids: dict[str, int] = dict(bulk.fetch_rows(session,
                                                       "SELECT number, id FROM customers"))
            created = create_customers(
                session, list(plan.new_customers.values()), now=now, by=by, source=path.name,
                allocator=NumberAllocator(session, taken=ids.__contains__), progress=progress)
            ids.update((customer.number, customer.id) for customer in created)
            per_customer = self._insert(session, plan.to_add, ids, now=now, progress=progress)
            progress.checkpoint()
            _record_timeline(session, per_customer, now=now, by=by, source=path.name)
            session.commit()
        return self._report(table, plan, applied=True)

    def _insert(self, session: Session, rows: list[SaleRow], ids: dict[str, int], *,
                now: datetime, progress: Progress) -> dict[int, list[int]]:
        """Bulk-insert the sales; returns customer id → [count, cents] for the timeline.

        On SQLite the rows go straight to the driver's executemany in the stored formats
        (ISO dates, naive UTC timestamps) with a larger page cache: a million rows in
        seconds. Elsewhere the same rows go through SQLAlchemy's insert.
        """
        per_customer: dict[int, list[int]] = {}
        sqlite = self.db.is_sqlite
        stamp = bulk.sqlite_value(now)
        connection = session.connection()
        total = len(rows)
        rebuild: list[tuple[str, str]] = []
        if sqlite:
            default_cache = int(connection.exec_driver_sql("PRAGMA cache_size").scalar() or 0)
            connection.exec_driver_sql(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
            rebuild = _drop_sales_indexes(session, total)
        iso: dict[date, str] = {}
        for start in range(0, total, _INSERT_BATCH):
            progress.checkpoint()
            batch = rows[start:start + _INSERT_BATCH]
            if sqlite:
                values: list[Any] = []
                for _line, number, day, cents, document_no, text in batch:
                    day_text = iso.get(day)
                    if day_text is None:
                        day_text = iso[day] = day.isoformat()
                    cid = ids[number]
                    values.append((cid, day_text, cents, text, document_no, stamp))
                    seen = per_customer.get(cid)
                    if seen is None:
                        per_customer[cid] = [1, cents]
                    else:
                        seen[0] += 1
                        seen[1] += cents
                connection.exec_driver_sql(_SQLITE_INSERT, values)
            else:
                values = [{"customer_id": ids[row.customer_no], "sale_date": row.sale_date,
                           "amount_cents": row.amount_cents, "description": row.description,
                           "document_no": row.document_no, "created_at": now}
                          for row in batch]
                connection.execute(insert(Sale), values)
            progress.report(start + len(batch), total, "Umsätze speichern")
        for position, (_name, sql) in enumerate(rebuild):
            progress.checkpoint()
            progress.report(position, len(rebuild), "Verzeichnisse neu aufbauen")
            connection.exec_driver_sql(sql)
        if not sqlite:
            for row in rows:
                stats = per_customer.setdefault(ids[row.customer_no], [0, 0])
                stats[0] += 1
                stats[1] += row.amount_cents
        if sqlite:
            connection.exec_driver_sql(f"PRAGMA cache_size = {default_cache}")
        return per_customer

    # --- planning ------------------------------------------------------------------------

    def _plan(self, session: Session, table: _Source, create_missing: bool,
              progress: Progress) -> _Plan:
        cols = match_columns(table.header, SALES_ALIASES)
        missing = [name for name in REQUIRED if name not in cols]
        if missing:
            wanted = ", ".join(
                f"{COLUMN_LABELS[name]} ({'/'.join(SALES_ALIASES[name])})" for name in missing)
            raise ValidationError({"file": f"„{table.path.name}“: Spalte fehlt: {wanted}"})
        known = {n for (n,) in bulk.fetch_rows(session, "SELECT number FROM customers")}
        c_doc = cols["document_no"]
        present = _present_documents(session, (_cell(values, c_doc)
                                               for _line, values in table.rows), len(table.rows))
        width = len(table.header)
        plan = _Plan()
        first_line: dict[str, int] = {}
        c_no, c_date, c_amount, c_doc = (cols[n] for n in REQUIRED)
        c_text = cols.get("description")
        total = len(table.rows)
        days: dict[str, date] = {}  # date texts already read: the fast path's cache
        german = _GERMAN_AMOUNT.fullmatch
        for done, (line, values) in enumerate(table.rows):
            if done % 20_000 == 0:
                progress.checkpoint()
                progress.report(done, total, "Zeilen prüfen")
            day = None
            if len(values) >= width:
                # The fast path for a plain valid row; anything else takes the careful one.
                number = values[c_no].strip()
                document_no = values[c_doc].strip()
                day = days.get(values[c_date].strip())
                match = german(values[c_amount].strip())
                if (day is None or match is None or number not in known or not document_no
                        or len(document_no) > DOCUMENT_NO_MAX):
                    day = None
                else:
                    sign, euros, fraction = match.groups()
                    cents = int(euros.replace(".", "")) * 100 + (
                        int(fraction.ljust(2, "0")) if fraction else 0)
                    if sign:
                        cents = -cents
            if day is None:
                checked = self._check_row(plan, table, line, values, cols, known,
                                          create_missing, days)
                if checked is None:
                    continue
                number, day, cents, document_no = checked
            if document_no in present:
                plan.skipped.append(SkippedRow(line, document_no,
                                               f"Beleg {document_no} schon erfasst"))
                continue
            earlier = first_line.get(document_no)
            if earlier is not None:
                plan.skipped.append(SkippedRow(
                    line, document_no, f"Beleg {document_no} doppelt (wie Zeile {earlier})"))
                continue
            first_line[document_no] = line
            plan.to_add.append(SaleRow(line, number, day, cents, document_no,
                                       values[c_text].strip() if c_text is not None
                                       and c_text < len(values) else ""))
        progress.report(total, total, "Zeilen prüfen")
        return plan

    def _check_row(self, plan: _Plan, table: _Source, line: int, cells: Sequence[str],
                   cols: dict[str, int],
                   known: set[str], create_missing: bool, days: dict[str, date]
                   ) -> tuple[str, date, int, str] | None:
        """Check one row field by field; a rejected row is recorded and None returned."""
        width = len(table.header)
        values = list(cells) + [""] * (width - len(cells))
        reasons = []
        number = values[cols["customer_no"]].strip()
        if not number:
            reasons.append("Kundennummer fehlt")
        elif number not in known and number not in plan.new_customers:
            if not create_missing:
                reasons.append(f"Kundennummer {number} unbekannt")
            else:
                reasons += self._plan_customer(plan, cells, cols, number)
        raw_date = values[cols["sale_date"]].strip()
        day = None
        if not raw_date:
            reasons.append("Datum fehlt")
        else:
            try:
                day = days[raw_date] = parse_date(raw_date)
            except ValueError as exc:
                reasons.append(f"Datum ungültig: {exc}")
        raw_amount = values[cols["amount"]].strip()
        cents = 0
        if not raw_amount:
            reasons.append("Betrag fehlt")
        else:
            try:
                cents = fast_cents(raw_amount)
            except ValueError as exc:
                reasons.append(f"Betrag ungültig: {exc}")
        document_no = values[cols["document_no"]].strip()
        if not document_no:
            reasons.append("Belegnummer fehlt")
        elif len(document_no) > DOCUMENT_NO_MAX:
            reasons.append(f"Belegnummer länger als {DOCUMENT_NO_MAX} Zeichen")
        if len(cells) < width and reasons:
            reasons.append(f"nur {len(cells)} von {width} Spalten")
        if reasons or day is None:
            plan.rejected.append(RejectedRow(line, "; ".join(reasons),
                                             (table.delimiter or ";").join(cells)))
            return None
        return number, day, cents, document_no

    def _plan_customer(self, plan: _Plan, cells: Sequence[str], cols: dict[str, int],
                       number: str) -> list[str]:
        data = _customer_input(cells, cols, number)
        if data is None:
            return [f"Kundennummer {number} unbekannt und kein Name zum Anlegen"]
        try:
            values = validated(data, today=self.clock.now())
        except ValidationError as error:
            return [f"Kunde {number} nicht anlegbar: {error.message}"]
        plan.new_customers[number] = new_customer(data, values)
        return []

    @staticmethod
    def _report(table: _Source, plan: _Plan, *, applied: bool) -> SalesImportReport:
        return SalesImportReport(
            file=table.path.name, rows=len(table.rows), to_add=tuple(plan.to_add),
            skipped=tuple(plan.skipped), rejected=tuple(plan.rejected),
            new_customers=tuple(plan.new_customers),
            amount_cents=sum(row.amount_cents for row in plan.to_add), applied=applied,
            encoding=table.encoding, delimiter=table.delimiter)


def _drop_sales_indexes(session: Session, rows: int) -> list[tuple[str, str]]:
    """Drop the sales table's own indexes before a large insert; returns (name, CREATE sql).

    Inserting a million rows in random customer and date order into the two indexes cost
    about 9 s inside SQLite; building them afterwards from sorted data takes about a second.
    It pays only when the import is large against the table. The DROP runs inside the
    import's transaction (we issue BEGIN ourselves, DDL included), so a cancelled or failed
    import rolls back with its indexes in place. The unique document number index stays.
    """
    if rows < REBUILD_MIN_ROWS:
        return []
    connection = session.connection()
    present = int(connection.exec_driver_sql("SELECT COUNT(*) FROM sales").scalar() or 0)
    if rows * 2 < present:
        return []
    indexes = [(str(name), str(sql)) for name, sql in connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master "
        "WHERE type = 'index' AND tbl_name = 'sales' AND sql IS NOT NULL ORDER BY name")]
    for name, _sql in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    return indexes


def _present_documents(session: Session, numbers: Iterable[str], rows: int) -> set[str]:
    """The file's document numbers already in the database (all of them for a big file)."""
    if rows > 20_000:
        return {n for (n,) in bulk.fetch_rows(
            session, "SELECT document_no FROM sales WHERE document_no IS NOT NULL")}
    wanted = sorted({n for n in numbers if n})
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        found.update(n for n in session.connection().execute(
            select(Sale.document_no).where(Sale.document_no.in_(chunk))).scalars() if n)
    return found


def _record_timeline(session: Session, per_customer: dict[int, list[int]], *, now: datetime,
                     by: str, source: str) -> None:
    """One timeline entry per customer that got sales: "3 Umsätze importiert (…)"."""
    bulk.insert_rows(session, Interaction, [
        {"customer_id": cid, "occurred_at": now, "channel": "system",
         "subject": (f"{format_count(count, 'Umsatz', 'Umsätze')} importiert "
                     f"({format_cents(cents)}, {source})")[:200],
         "text": "", "author": actors.recorded(by), "created_at": now}
        for cid, (count, cents) in per_customer.items()])
