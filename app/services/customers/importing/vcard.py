"""Reading vCard files (2.1, 3.0, 4.0) into the import's fields, card by card.

Every card becomes one contact or one named rejection, never nothing. What a customer has
one of (phone, mobile, e-mail, address) is taken from the preferred entry (`pref`), else by
kind (a company's business address, a person's home address), else the first; the other
phone numbers and e-mail addresses are kept as lines of the note, the other address as the
extra address, so that nothing the file held is lost without a word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from app.services.customers.importing.contact_fields import (
    choose_address,
    empty_contact,
    split_prefix,
)
from app.services.customers.importing.encoding import mojibake_lines
from app.services.customers.importing.vcard_lines import (
    BrokenCard,
    CardLineError,
    Property,
    RawCard,
    components,
    split_cards,
    unescape,
)
from app.services.errors import ValidationError

_ISO_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?")
_NO_YEAR = re.compile(r"--(\d{2})-?(\d{2})")
# Apple's custom labels in an item group: "_$!<Mobile>!$_" or what the user typed.
_APPLE_LABEL = re.compile(r"_\$!<(.*)>!\$_")
_PHONE_LABELS = {"home": "privat", "work": "geschäftlich", "cell": "mobil", "fax": "Fax"}


@dataclass(frozen=True)
class Contact:
    """One card in the import's field codes (see customer import FIELDS) plus the extra
    address (`address2_*`); values are text as the mapping step expects it."""

    line: int
    values: dict[str, str]
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str


@dataclass(frozen=True)
class VCardFile:
    contacts: tuple[Contact, ...]
    rejected: tuple[Rejected, ...] = field(default=())


def read_vcards(data: bytes, *, name: str) -> VCardFile:
    """All cards of a file. Raises ValidationError if it holds no card or garbled text."""
    contacts: list[Contact] = []
    rejected: list[Rejected] = []
    undeclared: dict[str, list[int]] = {"utf-8": [], "cp1252": []}
    for item in split_cards(data):
        if isinstance(item, int):
            rejected.append(Rejected(item, "Text außerhalb einer vCard"))
        elif isinstance(item, BrokenCard):
            rejected.append(Rejected(item.line, f"vCard nicht lesbar ({_broken_name(item)}): "
                                                f"{item.reason}"))
        else:
            try:
                contacts.append(contact(item))
            except CardLineError as exc:
                rejected.append(Rejected(item.line, f"vCard nicht lesbar ({card_name(item)}):"
                                                    f" {exc}"))
                continue
            _note_encodings(item, undeclared)
    if not contacts and not rejected:
        raise ValidationError({"file": f"„{name}“ enthält keine vCard"})
    if undeclared["utf-8"] and undeclared["cp1252"]:
        raise ValidationError({"file": (
            f"„{name}“ mischt Zeichenkodierungen ohne Angabe (CHARSET): Karten ab Zeile "
            f"{_numbers(undeclared['utf-8'])} UTF-8, ab Zeile "
            f"{_numbers(undeclared['cp1252'])} Windows-1252.")})
    garbled = [c.line for c in contacts if any(mojibake_lines(v) for v in c.values.values())]
    if garbled:
        raise ValidationError({"file": (
            f"„{name}“: Umlaute in den vCards ab Zeile {_numbers(garbled)} sind verstümmelt "
            "(z. B. „Ã¼“ statt „ü“) – die Datei wurde schon einmal falsch umgewandelt.")})
    return VCardFile(tuple(contacts), tuple(sorted(rejected, key=lambda r: r.line)))


def card_name(card: RawCard) -> str:
    """How a card calls itself, for messages: FN, else N, else ORG."""
    for wanted in ("FN", "N", "ORG"):
        for prop in card.properties:
            if prop.name == wanted:
                try:
                    text = prop.text()
                except CardLineError:
                    continue
                parts = [p for p in components(text) if p.strip()]
                if wanted == "N":
                    return ", ".join(parts[:2])
                if parts:
                    return parts[0].strip() if wanted == "ORG" else unescape(text).strip()
    return f"ohne Namen, Zeile {card.line}"


def _broken_name(card: BrokenCard) -> str:
    for line in card.lines:
        head, _colon, value = line.partition(b":")
        if head.split(b";")[0].split(b".")[-1].strip().upper() in (b"FN", b"N"):
            text = value.decode("utf-8", errors="replace")
            return ", ".join(p for p in components(text)[:2] if p.strip()) or text
    return f"ohne Namen, Zeile {card.line}"


def contact(card: RawCard) -> Contact:
    """The import fields of one card; raises CardLineError for an undecodable value."""
    props = [p for p in card.properties if p.name in _USED]
    labels = {p.group: p.text() for p in card.properties
              if p.name == "X-ABLABEL" and p.group}
    values = empty_contact()
    notes: list[str] = []
    problems: list[str] = []
    family = given = ""
    for prop in _named(props, "N")[:1]:
        parts = [*components(prop.text()), "", "", "", "", ""]
        family, given = parts[0].strip(), parts[1].strip()
        values["salutation"], values["title"] = split_prefix(parts[3])
    org = ""
    for prop in _named(props, "ORG")[:1]:
        org = components(prop.text())[0].strip()
    full = next((unescape(p.text()).strip() for p in _named(props, "FN")), "")
    if _is_organisation(props):  # vCard 4 KIND:org, Apple's "show as company"
        person = " ".join(n for n in (given, family) if n)
        org = org or full or person
        if person and person != org:
            notes.append("Ansprechpartner: " + " ".join(
                n for n in (values["salutation"], values["title"], person) if n))
        family = given = values["salutation"] = values["title"] = ""
        values["kind"] = "business"
    elif not family and not given and not org:  # FN names the company where ORG is given
        given, _space, family = full.rpartition(" ")
    values["last_name"], values["first_name"], values["company"] = family, given, org
    business = bool(org) and not family
    _address(_named(props, "ADR"), values, business=business)
    _phones(_named(props, "TEL"), labels, values, notes)
    emails = _by_preference(_named(props, "EMAIL"))
    if emails:
        values["email"] = unescape(emails[0].text()).strip()
        notes.extend(f"E-Mail: {unescape(p.text()).strip()}" for p in emails[1:])
    for prop in _named(props, "BDAY")[:1]:
        _birthday(prop, values, notes, problems)
    notes.extend(_details(props))
    note_texts = [unescape(p.text()).strip() for p in _named(props, "NOTE")]
    values["notes"] = "\n".join(t for t in [*note_texts, *notes] if t)
    values["tags"] = ",".join(t.strip() for p in _named(props, "CATEGORIES")
                              for t in _split_commas(p.text()) if t.strip())
    for prop in _named(props, "X-KUNDENNUMMER")[:1]:
        values["number"] = unescape(prop.text()).strip()
    return Contact(card.line, values, tuple(problems))


_USED = {"N", "FN", "ORG", "ADR", "TEL", "EMAIL", "BDAY", "NOTE", "CATEGORIES",
         "X-KUNDENNUMMER", "KIND", "X-ABSHOWAS", "TITLE", "ROLE", "URL", "ANNIVERSARY"}
# Properties a customer has no field for, kept in the note. TITLE is the position in the
# company ("Geschäftsführerin"), not the academic title, which vCard puts in N.
_NOTED = (("TITLE", "Position"), ("ROLE", "Rolle"), ("URL", "Web"))


def _is_organisation(props: Iterable[Property]) -> bool:
    for prop in props:
        if prop.name in ("KIND", "X-ABSHOWAS"):
            value = unescape(prop.text()).strip().casefold()
            if value in ("org", "organization", "company"):
                return True
    return False


def _details(props: Sequence[Property]) -> list[str]:
    """Position, role, web addresses and the anniversary as note lines."""
    lines = [f"{label}: {text}" for name, label in _NOTED for p in _named(props, name)
             if (text := unescape(p.text()).strip())]
    for prop in _named(props, "ANNIVERSARY")[:1]:
        text = unescape(prop.text()).strip()
        if match := _ISO_DATE.fullmatch(text):
            year, month, day = match.groups()
            text = f"{day}.{month}.{year}"
        if text:
            lines.append(f"Jahrestag: {text}")
    return lines


def _named(props: Iterable[Property], name: str) -> list[Property]:
    return [p for p in props if p.name == name]


def _by_preference(props: Sequence[Property]) -> list[Property]:
    """Most preferred first; equal preference keeps the file's order (sorted is stable)."""
    return sorted(props, key=lambda p: p.preference)


def _address(props: list[Property], values: dict[str, str], *, business: bool) -> None:
    wanted = "work" if business else "home"
    ordered = sorted(props, key=lambda p: (p.preference, wanted not in p.types))
    choose_address([(_address_kind(p), _address_parts(p)) for p in ordered], values,
                   business=business, sorted_already=True)


def _address_kind(prop: Property) -> str:
    return next((t for t in ("home", "work") if t in prop.types), "other")


def _address_parts(prop: Property) -> dict[str, str]:
    parts = [*components(prop.text()), "", "", "", "", "", "", ""]
    pobox, extended, street, city, _region, code, country = (p.strip() for p in parts[:7])
    street = street or (f"Postfach {pobox}" if pobox else "")
    if extended:
        street = f"{street}, {extended}" if street else extended
    return {"street": street.replace("\n", ", "), "postcode": code, "city": city,
            "country": country}


def _phones(props: list[Property], labels: dict[str, str], values: dict[str, str],
            notes: list[str]) -> None:
    kinds: list[tuple[Property, str]] = []
    for prop in _by_preference(props):
        types = set(prop.types)
        label = _APPLE_LABEL.sub(r"\1", labels.get(prop.group, "")).casefold()
        if any(word in label for word in ("mobil", "handy", "cell", "iphone")):
            types.add("cell")
        elif "fax" in label:
            types.add("fax")
        kind = "fax" if "fax" in types else "pager" if "pager" in types else (
            "cell" if "cell" in types else "work" if "work" in types else
            "home" if "home" in types else "")
        kinds.append((prop, kind))
    for prop, kind in kinds:
        number = unescape(prop.text()).strip().removeprefix("tel:")
        column = "mobile" if kind == "cell" else "phone" if kind in ("", "home", "work") else ""
        if column and not values[column]:
            values[column] = number
        elif number:
            label = _PHONE_LABELS.get(kind, kind)
            notes.append(f"Telefon ({label}): {number}" if label and kind != "fax" else
                         f"Fax: {number}" if kind == "fax" else f"Telefon: {number}")


def _birthday(prop: Property, values: dict[str, str], notes: list[str],
              problems: list[str]) -> None:
    text = unescape(prop.text()).strip()
    if not text:
        return
    if "text" in (v.lower() for v in prop.params.get("VALUE", ())):
        notes.append(f"Geburtstag: {text}")
        problems.append(f"Geburtstag „{text}“ ist kein Datum, als Notiz übernommen")
        return
    omit_year = prop.params.get("X-APPLE-OMIT-YEAR", ())
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = match.groups()
        values["birthday"] = f"{day}.{month}." if year in omit_year else (
            f"{day}.{month}.{year}")
    elif match := _NO_YEAR.fullmatch(text):
        values["birthday"] = f"{match.group(2)}.{match.group(1)}."
    else:
        values["birthday"] = text


def _split_commas(text: str) -> list[str]:
    return [unescape(part) for part in re.split(r"(?<!\\),", text)]


def _note_encodings(card: RawCard, undeclared: dict[str, list[int]]) -> None:
    """Which cards carry non-ASCII text without CHARSET, and in which encoding."""
    for prop in card.properties:
        if prop.name not in _USED or prop.declared_charset or prop.raw.isascii():
            continue
        try:
            prop.raw.decode("utf-8")
        except UnicodeDecodeError:
            kind = "cp1252"
        else:
            kind = "utf-8"
        if card.line not in undeclared[kind]:
            undeclared[kind].append(card.line)


def _numbers(lines: list[int]) -> str:
    shown = ", ".join(map(str, lines[:10]))
    return shown + (f" und {len(lines) - 10} weiteren" if len(lines) > 10 else "")
