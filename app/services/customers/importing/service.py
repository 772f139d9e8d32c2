"""Importing customers from CSV, Excel and vCard files: read, map, preview, apply.

The user's old list is read as it is (strict encodings, sniffed delimiter, card by card for
vCards), its columns are mapped to customer fields, every row is checked with the rules of
the customer form and compared with the existing customers (and the earlier rows of the
same file) by the duplicate rules of the customer service. Nothing is written before the
user has seen that preview; then everything is written in one transaction, so a cancelled
or failed import leaves the database exactly as it was.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.models import Customer, CustomerImportLog, Setting
from app.services import bulk, tabular
from app.services.clock import Clock
from app.services.customers.duplicates import DuplicateIndex
from app.services.customers.importing import import_log
from app.services.customers.importing.contact_fields import CONTACT_FIELDS
from app.services.customers.importing.lenient import FieldProblem, leniently
from app.services.customers.importing.mapping import (
    ALIASES,
    FIELDS,
    MAPPING_KEY,
    check_unique,
    invalid,
    mapping_by_header,
    parse_mapping,
)
from app.services.customers.importing.readers import RejectedRow, Source, read_source
from app.services.customers.importing.rows import Candidate, cell_reader
from app.services.customers.importing.stored import StoredRow, checker, stored_row
from app.services.customers.importing.writer import Writer
from app.services.customers.naming import list_name
from app.services.customers.service import CustomerService
from app.services.errors import NotFoundError, ValidationError
from app.services.formatting import format_number
from app.services.progress import NO_PROGRESS, Progress

DUPLICATE_CHOICES: dict[str, str] = {
    "skip": "Überspringen", "merge": "Zusammenführen", "add": "Trotzdem anlegen"}
# The matches kept per row: enough to decide, and rows that all look alike (4,000 with one
# e-mail address) stay linear in memory and time instead of quadratic (issue #16).
MAX_MATCHES = 3
# From this many rows with the same reason the preview names them in one line
# ("812 Zeilen mit derselben E-Mail (…) wie Zeile 2 (…)") instead of row by row.
GROUP_FROM = 10


# --- what the preview and the result hand out ---------------------------------------------


@dataclass(frozen=True)
class DuplicateMatch:
    """What a row looks like: an existing customer (`customer_id`) or an earlier row."""

    customer_id: int | None
    line: int | None
    label: str
    reason: str


@dataclass(frozen=True)
class ImportRow:
    """A row that will be imported; `problems` name the values it leaves out or moves."""

    line: int
    name: str
    duplicates: tuple[DuplicateMatch, ...] = ()
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class DuplicateGroup:
    """Rows of the file that all look like the same row or customer for the same reason."""

    reason: str  # "gleiche E-Mail (info@example.de)"
    label: str  # what they look like: "Zeile 2 (Müller, Hans)" or "K-0001 Müller, Hans"
    lines: tuple[int, ...]

    def message(self) -> str:
        """"812 Zeilen mit derselben E-Mail (info@example.de) wie Zeile 2 (Müller, Hans)"."""
        count = format_number(len(self.lines), 0)
        return f"{count} Zeilen mit {_grouped(self.reason)} wie {self.label}"


@dataclass(frozen=True)
class ImportPreview:
    file_name: str
    description: str
    total: int
    new: tuple[ImportRow, ...]
    duplicates: tuple[ImportRow, ...]
    rejected: tuple[RejectedRow, ...]
    groups: tuple[DuplicateGroup, ...] = ()

    def summary_lines(self, *, limit: int = 50) -> list[str]:
        """The German summary the CLI prints and the dialog shows."""
        lines = [f"Datei: {self.file_name} ({self.description})",
                 f"Zeilen: {self.total}", f"Neu: {len(self.new)}",
                 f"Mögliche Dubletten: {len(self.duplicates)}",
                 f"Abgelehnt: {len(self.rejected)}"]
        lines.extend(f"  {group.message()}" for group in self.groups)
        grouped = {line for group in self.groups for line in group.lines}
        single = [row for row in self.duplicates if row.line not in grouped]
        for row in single[:limit]:
            match = row.duplicates[0]
            lines.append(f"  Zeile {row.line}: {row.name} – {match.reason} → {match.label}")
        if len(single) > limit:
            lines.append(f"  … und {len(single) - limit} weitere Dubletten")
        for rejected in self.rejected[:limit]:
            lines.append(f"  Zeile {rejected.line}: abgelehnt – {rejected.reason}")
        if len(self.rejected) > limit:
            lines.append(f"  … und {len(self.rejected) - limit} weitere abgelehnte Zeilen")
        noted = self.with_problems
        if noted:
            lines.append(f"Übernommen mit Hinweisen: {len(noted)}")
        for row in noted[:limit]:
            lines.extend(f"  Zeile {row.line}: {row.name} – {problem}"
                         for problem in row.problems)
        if len(noted) > limit:
            lines.append(f"  … und {len(noted) - limit} weitere Zeilen mit Hinweisen")
        return lines

    @property
    def with_problems(self) -> tuple[ImportRow, ...]:
        """Rows that are imported with a field left out or moved, in the file's order."""
        return tuple(sorted((r for r in (*self.new, *self.duplicates) if r.problems),
                            key=lambda r: r.line))

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file_name, "description": self.description, "rows": self.total,
            "new": len(self.new),
            "duplicates": [{"line": r.line, "name": r.name, "matches": [
                {"customer_id": m.customer_id, "line": m.line, "label": m.label,
                 "reason": m.reason} for m in r.duplicates]} for r in self.duplicates],
            "groups": [{"message": g.message(), "reason": g.reason, "label": g.label,
                        "lines": list(g.lines)} for g in self.groups],
            "rejected": [{"line": r.line, "reason": r.reason} for r in self.rejected],
            "problems": [{"line": r.line, "name": r.name, "problems": list(r.problems)}
                         for r in self.with_problems],
        }


@dataclass(frozen=True)
class ImportResult:
    applied: bool
    preview: ImportPreview
    added: int = 0
    merged: int = 0
    skipped: int = 0
    log_id: int | None = None

    def summary_lines(self) -> list[str]:
        if not self.applied:
            return [*self.preview.summary_lines(),
                    "Nichts übernommen: abgelehnte Zeilen korrigieren oder ohne sie "
                    "importieren (--skip-invalid)."]
        return [*self.preview.summary_lines(),
                f"Übernommen: {self.added} angelegt, {self.merged} zusammengeführt, "
                f"{self.skipped} übersprungen, {len(self.preview.rejected)} abgelehnt."]

    def as_json(self) -> dict[str, Any]:
        return {**self.preview.as_json(), "applied": self.applied, "added": self.added,
                "merged": self.merged, "skipped": self.skipped, "log_id": self.log_id}


@dataclass(frozen=True)
class ImportLogEntry:
    id: int
    file_name: str
    file_format: str
    imported_at: datetime
    imported_by: str
    rows_total: int
    added: int
    merged: int
    skipped: int
    rejected_count: int
    rejected: tuple[RejectedRow, ...] = field(default=())
    mapping: Mapping[str, str] = field(default_factory=dict)
    # Per imported line, the fields left empty (names only, never the values: issue #16).
    fields_left_out: tuple[tuple[int, tuple[str, ...]], ...] = field(default=())

# --- the service --------------------------------------------------------------------------


@dataclass
class _Analysis:
    preview: ImportPreview
    candidates: list[Candidate]
    numbers: set[str]


class CustomerImportService:
    def __init__(self, db: Database, clock: Clock, customers: CustomerService) -> None:
        self.db = db
        self.clock = clock
        self.customers = customers

    def read(self, path: Path, *, header_line: int | None = None) -> Source:
        """Read the file; `header_line` (1-based) overrides the detected header row."""
        with bulk.paused_gc():  # 100,000 rows of small objects, see bulk.paused_gc
            return read_source(path, header_line=header_line)

    def suggested_mapping(self, source: Source) -> dict[int, str]:
        """The mapping saved last time for these headers, then the known header spellings;
        a recognised file (vCard, known program) was already turned into our own columns."""
        if source.recognised:
            return dict(enumerate(CONTACT_FIELDS))
        with self.db.read() as session:
            raw = session.scalar(select(Setting.value).where(Setting.key == MAPPING_KEY))
        saved: dict[str, str] = json.loads(raw) if raw else {}
        mapping: dict[int, str] = {}
        decided: set[int] = set()  # columns the user mapped before, to a field or to nothing
        for index, header in enumerate(source.header):
            key = tabular.normalize_header(header)
            if key not in saved:
                continue
            decided.add(index)
            code = saved[key]
            if code in FIELDS and code not in mapping.values():
                mapping[index] = code
        remaining = {code: names for code, names in ALIASES.items()
                     if code not in mapping.values()}
        label_aliases = {code: (FIELDS[code], *names) for code, names in remaining.items()}
        free = tuple(h if i not in decided else "" for i, h in enumerate(source.header))
        for code, index in tabular.match_columns(free, label_aliases).items():
            if free[index]:
                mapping[index] = code
        return mapping

    def mapping_from_file(self, path: Path, source: Source) -> dict[int, str]:
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise invalid({"mapping": f"„{path.name}“ ist keine lesbare "
                                              f"JSON-Datei ({exc})"}) from exc
        return parse_mapping(data, source.header)

    def preview(self, source: Source, mapping: Mapping[int, str], *,
                progress: Progress = NO_PROGRESS) -> ImportPreview:
        """What applying would do now; writes nothing."""
        check_unique(mapping)
        with bulk.paused_gc(), self.db.read() as session:
            return self._analyse(session, source, mapping, progress).preview

    def apply(self, source: Source, mapping: Mapping[int, str], *,
              choices: Mapping[int, str] | None = None, on_duplicate: str = "skip",
              skip_invalid: bool = False, by: str = "",
              progress: Progress = NO_PROGRESS) -> ImportResult:
        """Import in one transaction; nothing is written when it is cancelled or fails.

        The rows are checked again inside the transaction (the database may have changed
        since the preview). `choices` maps a file line to skip/merge/add for a duplicate
        row; other duplicates get `on_duplicate`. Rejected rows stop the import unless
        `skip_invalid`.
        """
        check_unique(mapping)
        for choice in [on_duplicate, *(choices or {}).values()]:
            if choice not in DUPLICATE_CHOICES:
                raise invalid({"duplicates": f"„{choice}“: erlaubt sind "
                                                     "skip, merge, add"})
        with bulk.paused_gc(), self.db.write() as session:
            # The rows' working objects live in _import only: they are gone before the
            # garbage collector runs again and would walk them (0.5 s at 100,000 rows).
            return self._import(session, source, mapping, choices=choices or {},
                                on_duplicate=on_duplicate, skip_invalid=skip_invalid, by=by,
                                progress=progress)

    def stored(self, source: Source, mapping: Mapping[int, str], line: int) -> StoredRow:
        """What the row at `line` of the file will store (raises ValidationError if it is
        rejected, NotFoundError if there is no such row)."""
        row = next((r for r in source.rows if r.line == line), None)
        if row is None:
            raise NotFoundError(f"Zeile {line} gibt es in „{source.path.name}“ nicht.")
        return stored_row(row, mapping, today=self.clock.now())

    def logs(self, *, limit: int = 100) -> list[ImportLogEntry]:
        """The newest imports first (without their rejected rows)."""
        with self.db.read() as session:
            return [_log_dto(entry, full=False) for entry in session.scalars(
                select(CustomerImportLog).order_by(CustomerImportLog.imported_at.desc(),
                                                   CustomerImportLog.id.desc()).limit(limit))]

    def log(self, log_id: int) -> ImportLogEntry:
        with self.db.read() as session:
            entry = session.get(CustomerImportLog, log_id)
            if entry is None:
                raise NotFoundError(f"Importprotokoll {log_id} gibt es nicht.")
            return _log_dto(entry, full=True)

    # --- internals -------------------------------------------------------------------------

    @staticmethod
    def _remember(session: Session, source: Source, mapping: Mapping[int, str]) -> None:
        raw = session.scalar(select(Setting.value).where(Setting.key == MAPPING_KEY))
        saved: dict[str, str] = json.loads(raw) if raw else {}
        for index, header in enumerate(source.header):
            key = tabular.normalize_header(header)
            if key:
                saved[key] = mapping.get(index, "")
        session.merge(Setting(key=MAPPING_KEY, value=json.dumps(saved, ensure_ascii=False)))

    def _import(self, session: Session, source: Source, mapping: Mapping[int, str], *,
                choices: Mapping[int, str], on_duplicate: str, skip_invalid: bool, by: str,
                progress: Progress) -> ImportResult:
        now = self.clock.now()
        analysis = self._analyse(session, source, mapping, progress)
        preview = analysis.preview
        if preview.rejected and not skip_invalid:
            return ImportResult(applied=False, preview=preview)
        writer = Writer(session, self.customers, now=now, by=by, source=source,
                         numbers=analysis.numbers)
        counts = writer.write(analysis.candidates, choices, on_duplicate, progress)
        log = CustomerImportLog(
            file_name=source.path.name[:260], file_format=source.file_format,
            imported_at=now, imported_by=by, rows_total=preview.total,
            added=counts["added"], merged=counts["merged"], skipped=counts["skipped"],
            rejected_count=len(preview.rejected),
            rejected=import_log.entries_json(preview.rejected, (
                (c.line, c.problems) for c in analysis.candidates
                if c.line not in writer.skipped_lines)),
            mapping=json.dumps(mapping_by_header(source.header, mapping), ensure_ascii=False))
        session.add(log)
        if not source.recognised:
            self._remember(session, source, mapping)
        progress.checkpoint()
        session.flush()
        log_id = log.id
        session.commit()
        return ImportResult(applied=True, preview=preview, log_id=log_id, **counts)

    def _analyse(self, session: Session, source: Source, mapping: Mapping[int, str],
                 progress: Progress) -> _Analysis:
        today = self.clock.now()
        checked = checker(mapping, today=today)
        index: DuplicateIndex[tuple[str, int]] = DuplicateIndex()
        index.add_customers(session, lambda cid: ("customer", cid))
        taken: set[str] = set()  # every number ever given, anonymised customers' too
        numbers: dict[str, tuple[str, int]] = {}  # those that can be a duplicate
        for number, cid, anonymized in session.execute(
                select(Customer.number, Customer.id, Customer.anonymized_at)):
            taken.add(number)
            if anonymized is None:
                numbers[number] = ("customer", cid)
        rejected = list(source.rejected)
        candidates: list[Candidate] = []
        labels: dict[int, str] = {}
        seen_numbers: dict[str, tuple[str, int]] = {}
        total = len(source.rows)
        read_cells = cell_reader(mapping)
        for position, row in enumerate(source.rows):
            if position % 500 == 0:
                progress.checkpoint()
                progress.report(position, total, "Zeilen prüfen")
            row_cells = read_cells(row)
            problems: tuple[FieldProblem, ...] = ()
            try:
                data, values, extra = checked(row_cells)
            except ValidationError:  # again, leaving out what may be left out
                try:
                    (data, values, extra), problems = leniently(checked, row_cells)
                except ValidationError as exc:
                    rejected.append(RejectedRow(row.line, exc.message,
                                                tuple(exc.fields.items())))
                    continue
            keys = _keys(values)
            matches = index.matches(kind=str(values["kind"]), limit=MAX_MATCHES, **keys)
            if data.number:
                same = numbers.get(data.number) or seen_numbers.get(data.number)
                if same is not None:
                    matches = [(same, f"gleiche Kundennummer ({data.number})"),
                               *(m for m in matches if m[0] != same)][:MAX_MATCHES]
                seen_numbers.setdefault(data.number, ("row", row.line))
            if len(matches) > 1:
                matches.sort(key=lambda m: m[0][0] != "customer")
            index.add(("row", row.line), **keys)
            labels[row.line] = list_name(str(values["last_name"]), str(values["first_name"]),
                                         str(values["company"]))
            candidates.append(Candidate(row.line, data, values, matches, extra, problems))
        progress.report(total, total, "Zeilen prüfen")
        customer_labels = _customer_labels(session, {
            ref[1] for c in candidates for ref, _reason in c.matches if ref[0] == "customer"})
        new: list[ImportRow] = []
        duplicates: list[ImportRow] = []
        for candidate in candidates:
            messages = (*source.notes.get(candidate.line, ()),
                        *(p.message() for p in candidate.problems)) if (
                candidate.problems or source.notes) else ()
            if not candidate.matches:
                new.append(ImportRow(candidate.line, labels[candidate.line], problems=messages))
                continue
            duplicates.append(ImportRow(candidate.line, labels[candidate.line], problems=messages,
                                        duplicates=tuple(
                DuplicateMatch(
                    customer_id=ref[1] if ref[0] == "customer" else None,
                    line=ref[1] if ref[0] == "row" else None,
                    label=customer_labels.get(ref[1], "") if ref[0] == "customer"
                    else f"Zeile {ref[1]} ({labels[ref[1]]})",
                    reason=reason) for ref, reason in candidate.matches)))
        rejected.sort(key=lambda r: r.line)
        preview = ImportPreview(
            file_name=source.path.name, description=source.describe(),
            total=len(source.rows) + len(source.rejected), new=tuple(new),
            duplicates=tuple(duplicates), rejected=tuple(rejected),
            groups=_groups(duplicates))
        return _Analysis(preview, candidates, taken)


def _groups(duplicates: list[ImportRow]) -> tuple[DuplicateGroup, ...]:
    """Rows whose first match is the same row or customer for the same reason, from
    GROUP_FROM rows on, in the order of their first line."""
    by_reason: dict[tuple[str, str], list[int]] = {}
    for row in duplicates:
        match = row.duplicates[0]
        by_reason.setdefault((match.reason, match.label), []).append(row.line)
    return tuple(DuplicateGroup(reason, label, tuple(lines))
                 for (reason, label), lines in by_reason.items() if len(lines) >= GROUP_FROM)


def _grouped(reason: str) -> str:
    """"gleiche E-Mail (…)" → "derselben E-Mail (…)", as in "812 Zeilen mit …"."""
    for single, plural in (("gleiche ", "derselben "), ("ähnlicher Name", "ähnlichem Namen")):
        if reason.startswith(single):
            return plural + reason[len(single):]
    return reason


def _keys(values: Mapping[str, object]) -> dict[str, Any]:
    return {"email": values["email"], "phones": (values["phone"], values["mobile"]),
            "last_name": values["last_name"], "first_name": values["first_name"],
            "company": values["company"], "postcode": values["postcode"]}


def _customer_labels(session: Session, ids: set[int]) -> dict[int, str]:
    labels: dict[int, str] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start:start + 500]
        for cid, number, last, first, company in session.execute(select(
                Customer.id, Customer.number, Customer.last_name, Customer.first_name,
                Customer.company).where(Customer.id.in_(chunk))):
            labels[cid] = f"{number} {list_name(last, first, company)}"
    return labels


def _log_dto(entry: CustomerImportLog, *, full: bool) -> ImportLogEntry:
    """With `full`, the refused rows (field names and the kind of problem, see
    `import_log`) and the imported rows' fields left empty."""
    rejected: tuple[RejectedRow, ...] = ()
    left_out: tuple[tuple[int, tuple[str, ...]], ...] = ()
    mapping: dict[str, str] = {}
    if full:
        refused, left_out = import_log.read_entries(entry.rejected)
        rejected = tuple(RejectedRow(row.line, row.reason()) for row in refused)
        mapping = json.loads(entry.mapping)
    return ImportLogEntry(
        id=entry.id, file_name=entry.file_name, file_format=entry.file_format,
        imported_at=entry.imported_at, imported_by=entry.imported_by,
        rows_total=entry.rows_total, added=entry.added, merged=entry.merged,
        skipped=entry.skipped, rejected_count=entry.rejected_count, rejected=rejected,
        mapping=mapping, fields_left_out=left_out)
