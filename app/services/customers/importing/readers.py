"""Reading the user's file (CSV, Excel, vCard) into rows, before any mapping."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.services import tabular
from app.services.customers.importing.mapping import FIELDS, invalid
from app.services.customers.importing.rows import SALUTATION_WORDS
from app.services.tabular import Row

FORMATS = {"csv": "CSV", "xlsx": "Excel", "vcard": "vCard"}
VCARD_SUFFIXES = (".vcf", ".vcard")
VCARD_HEADER = tuple(FIELDS[f] for f in (
    "number", "salutation", "title", "first_name", "last_name", "company", "street",
    "postcode", "city", "country", "email", "phone", "mobile", "birthday", "notes", "tags"))


@dataclass(frozen=True)
class Source:
    """A file read and split into rows, not yet mapped; `rejected` are unreadable vCards."""

    path: Path
    file_format: str  # csv | xlsx | vcard
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    encoding: str | None = None
    delimiter: str | None = None
    rejected: tuple[RejectedRow, ...] = ()

    def describe(self) -> str:
        """"CSV, Zeichenkodierung UTF-8 mit BOM, Trennzeichen Semikolon"."""
        parts = [FORMATS[self.file_format]]
        if self.encoding:
            parts.append("Zeichenkodierung " + {
                "utf-8-sig": "UTF-8 mit BOM", "utf-8": "UTF-8",
                "cp1252": "Windows-1252 (Excel)"}.get(self.encoding, self.encoding))
        if self.delimiter:
            parts.append("Trennzeichen " + {";": "Semikolon", ",": "Komma",
                                            "\t": "Tabulator"}.get(self.delimiter,
                                                                   self.delimiter))
        return ", ".join(parts)


@dataclass(frozen=True)
class RejectedRow:
    line: int
    reason: str


def read_source(path: Path) -> Source:
    """Read a CSV, Excel or vCard file; a file that cannot be read raises ValidationError."""
    if path.suffix.lower() in VCARD_SUFFIXES:
        return _read_vcards(path)
    table = tabular.read_table(path)
    return Source(path=path, file_format="csv" if table.encoding else "xlsx",
                  header=table.header, rows=table.rows, encoding=table.encoding,
                  delimiter=table.delimiter)


def _read_vcards(path: Path) -> Source:
    """Card by card, so one broken card becomes one rejected row and the rest is read."""
    if not path.is_file():
        raise invalid({"file": f"Datei „{path}“ nicht gefunden"})
    text, encoding = tabular.decode(path.read_bytes(), path)
    rows: list[Row] = []
    rejected: list[RejectedRow] = []
    card: list[str] | None = None
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        marker = line.strip().upper()
        if marker == "BEGIN:VCARD":
            if card is not None:
                rejected.append(RejectedRow(start, "vCard ohne END:VCARD"))
            card, start = [line], number
        elif card is not None:
            card.append(line)
            if marker == "END:VCARD":
                try:
                    rows.append(Row(start, _card_values("\r\n".join(card) + "\r\n")))
                except Exception as exc:  # vobject raises many kinds for a broken card
                    rejected.append(RejectedRow(start, f"vCard nicht lesbar ({exc})"))
                card = None
        elif line.strip():
            rejected.append(RejectedRow(number, "Text außerhalb einer vCard"))
    if card is not None:
        rejected.append(RejectedRow(start, "vCard ohne END:VCARD"))
    if not rows and not rejected:
        raise invalid({"file": f"„{path.name}“ enthält keine vCard"})
    return Source(path=path, file_format="vcard", header=VCARD_HEADER, rows=tuple(rows),
                  encoding=encoding, rejected=tuple(rejected))


def _card_values(text: str) -> tuple[str, ...]:
    import vobject

    card = vobject.readOne(text)
    values = dict.fromkeys(VCARD_HEADER, "")

    def first(name: str) -> Any:
        found = card.contents.get(name)
        return found[0].value if found else None

    name = first("n")
    prefix = ""
    if name is not None:
        values["Nachname"] = _joined(name.family)
        values["Vorname"] = _joined(name.given)
        prefix = _joined(name.prefix)
    elif (full := first("fn")) and not first("org"):
        given, _sep, family = str(full).strip().rpartition(" ")
        values["Vorname"], values["Nachname"] = given, family
    salutation, title = _split_prefix(prefix)
    values["Anrede"], values["Titel"] = salutation, title
    if (org := first("org")) is not None:
        values["Firma"] = _joined(org[:1] if isinstance(org, list) else org)
    if (adr := first("adr")) is not None:
        values["Straße"] = _joined(adr.street)
        values["PLZ"] = _joined(adr.code)
        values["Ort"] = _joined(adr.city)
        values["Land"] = _joined(adr.country)
    values["E-Mail"] = str(first("email") or "")
    for tel in card.contents.get("tel", []):
        types = ",".join(tel.params.get("TYPE", [])).lower()
        number = str(tel.value).removeprefix("tel:")
        column = "Mobil" if "cell" in types else "Telefon"
        if not values[column]:
            values[column] = number
    values["Geburtstag"] = str(first("bday") or "")
    values["Notiz"] = str(first("note") or "")
    categories = first("categories")
    values["Tags"] = ",".join(categories) if isinstance(categories, list) else str(
        categories or "")
    values["Kundennummer"] = str(first("x-kundennummer") or "")
    return tuple(values[h].strip() for h in VCARD_HEADER)


def _joined(value: Any) -> str:
    return " ".join(value) if isinstance(value, list) else str(value or "")


def _split_prefix(prefix: str) -> tuple[str, str]:
    """vCard's name prefix "Frau Dr." → salutation "Frau", title "Dr."."""
    salutation, title = "", []
    for word in prefix.split():
        known = SALUTATION_WORDS.get(word.rstrip(".").casefold())
        if known and not salutation:
            salutation = known
        else:
            title.append(word)
    return salutation, " ".join(title)
