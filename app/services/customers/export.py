"""Exporting customers to CSV (as German Excel reads it), Excel (.xlsx) and vCard 3.0.

Cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, TAB or
CR) are written as text: in CSV with a leading apostrophe (OWASP's advice; our import
removes it again), in .xlsx as string cells. The file is written to a temporary name
and renamed at the end, so an interrupted export never leaves half a file behind.

An export made for an advertising campaign names its channel: the contact policy then keeps
everyone out who may not get advertising that way, and the result lists them with the reason.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select

from app.db import Database
from app.models import Customer, Tag, customer_tags
from app.services import audit, validation
from app.services.clock import Clock
from app.services.customers.naming import display_name
from app.services.errors import StorageError, ValidationError
from app.services.outputs import CsvWriter
from app.services.privacy.contact_policy import Channel, Purpose, decide_many
from app.services.progress import NO_PROGRESS, Progress

# (field, German header): the headers are the import's own, so an export imports back.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", "Kundennummer"), ("kind", "Kundenart"), ("salutation", "Anrede"),
    ("title", "Titel"), ("first_name", "Vorname"), ("last_name", "Nachname"),
    ("company", "Firma"), ("street", "Straße"), ("postcode", "PLZ"), ("city", "Ort"),
    ("country", "Land"), ("email", "E-Mail"), ("phone", "Telefon"), ("mobile", "Mobil"),
    ("birthday", "Geburtstag"), ("notes", "Notiz"), ("owner", "Betreuer"), ("tags", "Tags"),
)
FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".vcf": "vcard"}
_CHUNK = 1000
_KIND_LABELS = {"private": "Privat", "business": "Firma"}


@dataclass(frozen=True)
class HeldBackCustomer:
    number: str
    reason: str
    code: str


@dataclass(frozen=True)
class ExportResult:
    path: Path
    file_format: str
    count: int
    held_back: tuple[HeldBackCustomer, ...] = ()


class CustomerExportService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def ids(self, *, include_archived: bool = False) -> list[int]:
        """Every customer to export, by number; anonymised customers are never exported."""
        query = select(Customer.id).where(Customer.anonymized_at.is_(None))
        if not include_archived:
            query = query.where(Customer.archived_at.is_(None))
        with self.db.read() as session:
            return list(session.scalars(query.order_by(Customer.number)))

    def export(self, path: Path, *, ids: Sequence[int] | None = None,
               include_archived: bool = False, campaign: Channel | None = None, by: str = "",
               progress: Progress = NO_PROGRESS) -> ExportResult:
        """Write the customers `ids` (default: all, archived ones only if asked) to `path`;
        the format follows the suffix (.csv, .xlsx, .vcf). The audit log notes the file name
        and count: personal data left the program. With `campaign`, only the customers the
        contact policy allows advertising on that channel are written."""
        file_format = FORMATS.get(path.suffix.lower())
        if file_format is None:
            raise ValidationError({"file": f"„{path.name}“: Dateiendung .csv, .xlsx oder .vcf "
                                           "wählen"})
        wanted = list(ids) if ids is not None else self.ids(include_archived=include_archived)
        held_back: tuple[HeldBackCustomer, ...] = ()
        if campaign is not None:
            wanted, held_back = self._campaign(wanted, campaign)
        rows = self._rows(wanted, progress)
        writer = {"csv": _write_csv, "xlsx": _write_xlsx, "vcard": _write_vcards}[file_format]
        _atomically(path, lambda handle: writer(handle, rows))
        with self.db.write() as session:
            audit.record(session, at=self.clock.now(), actor=by, action="customer_export",
                         entity="customer", details={
                             "file": path.name, "format": file_format, "count": len(wanted),
                             **({"campaign": campaign.value, "held_back": len(held_back)}
                                if campaign is not None else {})})
            session.commit()
        return ExportResult(path=path, file_format=file_format, count=len(wanted),
                            held_back=held_back)

    def _campaign(self, ids: list[int], channel: Channel
                  ) -> tuple[list[int], tuple[HeldBackCustomer, ...]]:
        """The ids the policy allows advertising on `channel`, and who was held back."""
        with self.db.read() as session:
            decisions = decide_many(session, ids, channel=channel,
                                    purpose=Purpose.ADVERTISING, today=self.clock.today())
            refused = [cid for cid in ids if not decisions[cid].allowed]
            numbers: dict[int, str] = {}
            for start in range(0, len(refused), _CHUNK):
                numbers.update((cid, number) for cid, number in session.execute(
                    select(Customer.id, Customer.number)
                    .where(Customer.id.in_(refused[start:start + _CHUNK]))))
        held = tuple(HeldBackCustomer(numbers.get(cid, ""), decisions[cid].reason,
                                      decisions[cid].code) for cid in refused)
        return [cid for cid in ids if decisions[cid].allowed], held

    def _rows(self, ids: list[int], progress: Progress) -> Iterator[dict[str, str]]:
        """The customers as display strings, read in chunks while the file is written."""
        columns = [getattr(Customer, name) for name in _DB_COLUMNS]
        for start in range(0, len(ids), _CHUNK):
            progress.checkpoint()
            progress.report(start, len(ids), "Kunden exportieren")
            chunk = ids[start:start + _CHUNK]
            with self.db.read() as session:
                tags: dict[int, list[str]] = {}
                for cid, name in session.execute(
                        select(customer_tags.c.customer_id, Tag.name).join(Tag)
                        .where(customer_tags.c.customer_id.in_(chunk)).order_by(Tag.name)):
                    tags.setdefault(cid, []).append(name)
                found = {row[0]: row for row in session.execute(
                    select(Customer.id, *columns).where(Customer.id.in_(chunk)))}
            for cid in chunk:
                if cid in found:
                    yield _display(dict(zip(_DB_COLUMNS, found[cid][1:], strict=True)),
                                   tags.get(cid, []))
        progress.report(len(ids), len(ids), "Kunden exportieren")


_DB_COLUMNS = ("number", "kind", "salutation", "title", "first_name", "last_name", "company",
               "street", "postcode", "city", "country", "email", "phone", "mobile",
               "birth_day", "birth_month", "birth_year", "notes", "owner")


def _display(values: dict[str, Any], tags: list[str]) -> dict[str, str]:
    day, month, year = values.pop("birth_day"), values.pop("birth_month"), values.pop(
        "birth_year")
    row = {key: str(value or "") for key, value in values.items()}
    row["kind"] = _KIND_LABELS.get(row["kind"], row["kind"])
    row["phone_e164"], row["mobile_e164"] = row["phone"], row["mobile"]
    row["phone"] = validation.display_phone(row["phone"])
    row["mobile"] = validation.display_phone(row["mobile"])
    row["birthday"] = (f"{day:02d}.{month:02d}." + (str(year) if year else "")
                       if day and month else "")
    row["tags"] = ", ".join(tags)
    return row


def _atomically(path: Path, write: Any) -> None:
    """Write to a temporary file beside `path`, then rename it into place."""
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise StorageError(f"„{path}“ kann nicht geschrieben werden: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise StorageError(f"„{path}“ kann nicht geschrieben werden: {exc.strerror}") from exc
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def _write_csv(handle: IO[bytes], rows: Iterator[dict[str, str]]) -> None:
    """UTF-8 with BOM and `;`, CRLF: German Excel opens it with every umlaut right."""
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    writer = CsvWriter(text, delimiter=";", lineterminator="\r\n")
    writer.writerow([header for _field, header in COLUMNS])
    for row in rows:
        writer.writerow([row[field] for field, _header in COLUMNS])
    text.flush()
    text.detach()


def _write_xlsx(handle: IO[bytes], rows: Iterator[dict[str, str]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Kunden")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value: str, *, header: bool = False) -> WriteOnlyCell:
        item = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        item.data_type = "s"  # text, never a formula or a number (PLZ 01067 stays 01067)
        if header:
            item.font = bold
        return item

    sheet.append([cell(header, header=True) for _field, header in COLUMNS])
    for row in rows:
        sheet.append([cell(row[field]) for field, _header in COLUMNS])
    workbook.save(handle)


def _write_vcards(handle: IO[bytes], rows: Iterator[dict[str, str]]) -> None:
    for row in rows:
        handle.write(_vcard(row).serialize().encode("utf-8"))


def _vcard(row: dict[str, str]) -> Any:
    import vobject

    card = vobject.vCard()
    prefix = " ".join(p for p in (row["salutation"], row["title"]) if p)
    card.add("n").value = vobject.vcard.Name(family=row["last_name"], given=row["first_name"],
                                             prefix=prefix)
    card.add("fn").value = display_name(
        kind="business" if row["kind"] == "Firma" else "private", title=row["title"],
        first_name=row["first_name"], last_name=row["last_name"],
        company=row["company"]) or row["number"]
    if row["company"]:
        card.add("org").value = [row["company"]]
    if row["street"] or row["postcode"] or row["city"]:
        address = card.add("adr")
        address.value = vobject.vcard.Address(street=row["street"], city=row["city"],
                                              code=row["postcode"], country=row["country"])
        address.type_param = "WORK" if row["kind"] == "Firma" else "HOME"
    for field, kind in (("phone_e164", "VOICE"), ("mobile_e164", "CELL")):
        if row[field]:
            tel = card.add("tel")
            tel.value = row[field]
            tel.type_param = kind
    if row["email"]:
        email = card.add("email")
        email.value = row["email"]
        email.type_param = "INTERNET"
    if row["birthday"]:
        day, month, year = row["birthday"].split(".")
        card.add("bday").value = f"{year}-{month}-{day}" if year else f"--{month}-{day}"
    if row["notes"]:
        card.add("note").value = row["notes"]
    if row["tags"]:
        card.add("categories").value = row["tags"].split(", ")
    card.add("x-kundennummer").value = row["number"]
    return card
