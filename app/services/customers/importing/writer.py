"""Writing the checked rows of an import in batches, inside the import's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from app.services import timeline
from app.services.customers.creating import create_customers, new_customer
from app.services.customers.importing import extra_address
from app.services.customers.importing.readers import Source
from app.services.customers.importing.rows import Candidate
from app.services.customers.numbers import NumberAllocator
from app.services.customers.service import MERGE_FILL_FIELDS, CustomerService
from app.services.progress import Progress


class Writer:
    """Writes the checked rows inside the caller's unit of work (no commit here)."""

    def __init__(self, session: Session, customers: CustomerService, *, now: datetime,
                 by: str, source: Source, numbers: set[str]) -> None:
        self.session = session
        self.customers = customers
        self.now = now
        self.by = by
        self.allocator = NumberAllocator(session, taken=numbers.__contains__)
        self.file_name = source.path.name
        self.skipped_lines: set[int] = set()

    def write(self, candidates: list[Candidate], choices: Mapping[int, str], default: str,
              progress: Progress) -> dict[str, int]:
        counts = {"added": 0, "merged": 0, "skipped": 0}
        pending: dict[int, Candidate] = {}  # line → row to add
        merged_into: dict[int, int | tuple[str, int]] = {}  # line → where its data went
        into_customers: dict[int, list[Candidate]] = {}
        for candidate in candidates:
            choice = choices.get(candidate.line, default) if candidate.matches else "add"
            if choice == "add":
                pending[candidate.line] = candidate
                continue
            target = self._target(candidate, pending, merged_into) if choice == "merge" else None
            if target is None:
                counts["skipped"] += 1
                self.skipped_lines.add(candidate.line)
            elif isinstance(target, int):
                into_customers.setdefault(target, []).append(candidate)
                merged_into[candidate.line] = target
                counts["merged"] += 1
            else:
                _fill(pending[target[1]], candidate)
                merged_into[candidate.line] = target
                counts["merged"] += 1
        counts["added"] = self._insert(list(pending.values()), progress)
        self._merge_existing(into_customers, progress)
        return counts

    @staticmethod
    def _target(candidate: Candidate, pending: Mapping[int, Candidate],
                merged_into: Mapping[int, int | tuple[str, int]]
                ) -> int | tuple[str, int] | None:
        """The first existing customer the row matches, else the earlier row it matches
        (followed to where that row went); None if that row was skipped."""
        (kind, ref), _reason = candidate.matches[0]
        if kind == "customer":
            return ref
        if ref in pending:
            return ("row", ref)
        return merged_into.get(ref)

    def _insert(self, rows: list[Candidate], progress: Progress) -> int:
        """The new rows, the one way every customer is created (`creating`)."""
        created = create_customers(
            self.session, [new_customer(c.data, c.values) for c in rows],
            now=self.now, by=self.by, source=self.file_name, allocator=self.allocator,
            progress=progress)
        extra_address.insert(self.session, [
            (new.id, c.extra) for new, c in zip(created, rows, strict=True) if c.extra])
        return len(rows)

    def _merge_existing(self, into: Mapping[int, list[Candidate]],
                        progress: Progress) -> None:
        for done, (customer_id, rows) in enumerate(into.items()):
            if done % 200 == 0:
                progress.checkpoint()
                progress.report(done, len(into), "Dubletten zusammenführen")
            customer = self.customers._load(self.session, customer_id)
            for candidate in rows:
                for column in MERGE_FILL_FIELDS:
                    if not getattr(customer, column) and candidate.values.get(column):
                        setattr(customer, column, candidate.values[column])
                notes = str(candidate.values["notes"])
                if notes and notes not in customer.notes:
                    customer.notes = "\n".join(n for n in (customer.notes, notes) if n)
                wanted = sorted({*(t.name for t in customer.tags), *candidate.data.tags})
                customer.tags = self.customers._tags(self.session, wanted)
                extra_address.add_to(customer, candidate.extra)
            customer.updated_at = self.now
            CustomerService._refresh_derived(customer)
            lines = ", ".join(str(c.line) for c in rows)
            timeline.record(
                self.session, customer_id=customer_id, channel="system", at=self.now,
                subject=f"Beim Import ergänzt ({self.file_name}, Zeile {lines})",
                author=self.by)
        self.session.flush()



def _fill(target: Candidate, other: Candidate) -> None:
    """Merge a later row of the file into an earlier one that will be added."""
    values = target.values
    for column in MERGE_FILL_FIELDS:
        if not values.get(column) and other.values.get(column):
            values[column] = other.values[column]
    notes = str(other.values["notes"])
    if notes and notes not in str(values["notes"]):
        values["notes"] = "\n".join(n for n in (str(values["notes"]), notes) if n)
    target.data = replace(target.data, tags=tuple(sorted({*target.data.tags,
                                                          *other.data.tags})))
    target.extra = target.extra or other.extra
